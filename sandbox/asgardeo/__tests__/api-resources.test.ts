import type { LocalAsgardeo } from '../index';
import { startTestServer, type TestClient } from './helpers';

const BASE = '/api/server/v1/api-resources';

describe('local Asgardeo: API resources', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
  });
  afterAll(() => server.stop());

  it('creates with 201, an absolute Location and the full body; GET returns the same resource', async () => {
    const created = await client.request('POST', BASE, {
      token: admin,
      body: {
        name: 'Orders',
        identifier: 'https://orders.example.com',
        description: 'orders',
        requiresAuthorization: true,
        scopes: [{ name: 'orders:read', displayName: 'Read', description: 'read orders' }],
        properties: [{ name: 'managed-by', value: 'tollgate' }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${server.baseUrl}/t/pharmacy${BASE}/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'Orders',
      identifier: 'https://orders.example.com',
      description: 'orders',
      type: 'BUSINESS',
      requiresAuthorization: true,
      self: `/t/pharmacy${BASE}/${created.body.id}`,
    });
    expect(created.body.scopes).toEqual([{ id: expect.any(String), name: 'orders:read', displayName: 'Read', description: 'read orders' }]);
    const fetched = await client.request('GET', `${BASE}/${created.body.id}`, { token: admin });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
    expect(fetched.body.properties).toEqual([{ name: 'managed-by', value: 'tollgate' }]);
  });

  it(
    'error codes API-RESOURCE-60003 (duplicate identifier), -60004 (scope taken in the organization), -60005 (blank scope), ' +
      '-60008 (internal… prefix), -60009 (OIDC scope)',
    async () => {
      await client.createApiResource(admin, { name: 'A', identifier: 'https://a.example.com', scopes: [{ name: 'a:read' }] });
      const duplicate = await client.request('POST', BASE, { token: admin, body: { name: 'A2', identifier: 'https://a.example.com' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('API-RESOURCE-60003');
      expect(duplicate.body.traceId).toBeUndefined();
      const clash = await client.request('POST', BASE, {
        token: admin,
        body: { name: 'B', identifier: 'https://b.example.com', scopes: [{ name: 'a:read' }] },
      });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('API-RESOURCE-60004');
      expect(clash.body.description).toContain('a:read');
      const twice = await client.request('POST', BASE, {
        token: admin,
        body: { name: 'B', identifier: 'https://b.example.com', scopes: [{ name: 'b:x' }, { name: 'b:x' }] },
      });
      expect([twice.status, twice.body.code]).toEqual([409, 'API-RESOURCE-60004']);
      for (const blank of ['', '   ']) {
        const reply = await client.request('POST', BASE, {
          token: admin,
          body: { name: 'B', identifier: 'https://b.example.com', scopes: [{ name: blank }] },
        });
        expect([reply.status, reply.body.code]).toEqual([400, 'API-RESOURCE-60005']);
      }
      for (const restricted of ['internal_user_mgt_list', 'internal_my_scope', 'INTERNAL_x']) {
        const reply = await client.request('POST', BASE, {
          token: admin,
          body: { name: 'B', identifier: 'https://b.example.com', scopes: [{ name: restricted }] },
        });
        expect([restricted, reply.status, reply.body.code]).toEqual([restricted, 400, 'API-RESOURCE-60008']);
      }
      for (const oidcName of ['openid', 'profile', 'email', 'phone', 'address']) {
        const reply = await client.request('POST', BASE, {
          token: admin,
          body: { name: 'B', identifier: 'https://b.example.com', scopes: [{ name: oidcName }] },
        });
        expect([oidcName, reply.status, reply.body.code]).toEqual([oidcName, 400, 'API-RESOURCE-60009']);
      }
      const api = await client.createApiResource(admin, { name: 'C', identifier: 'https://c.example.com' });
      const added = await client.request('PATCH', `${BASE}/${api.id}`, { token: admin, body: { addedScopes: [{ name: 'internal_c' }] } });
      expect([added.status, added.body.code]).toEqual([400, 'API-RESOURCE-60008']);
      const put = await client.request('PUT', `${BASE}/${api.id}/scopes`, { token: admin, body: [{ name: 'openid' }] });
      expect([put.status, put.body.code]).toEqual([400, 'API-RESOURCE-60009']);
      const missing = await client.request('POST', BASE, { token: admin, body: { name: 'B' } });
      expect(missing.status).toBe(400);
      expect(missing.body.description).toContain('identifier');
      const badJson = await client.request('POST', BASE, { token: admin, body: '{"name":', contentType: 'application/json' });
      expect(badJson.status).toBe(400);
      // nothing was created by the failures
      const list = await client.request('GET', `${BASE}?filter=${encodeURIComponent('identifier eq https://b.example.com')}`, {
        token: admin,
      });
      expect(list.body.totalResults).toBe(0);
    },
  );

  it('lists with the APIResources key, filters eq/sw/ew/co, pages with base64 cursors (default 10) through links', async () => {
    for (let i = 0; i < 12; i += 1)
      await client.createApiResource(admin, { name: `Paged ${i}`, identifier: `urn:paged:${String(i).padStart(2, '0')}` });
    const first = await client.request('GET', `${BASE}?filter=${encodeURIComponent('identifier sw urn:paged:')}`, { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.totalResults).toBe(12);
    expect(first.body.APIResources).toHaveLength(10);
    expect(first.body.APIResources[0]).toMatchObject({
      name: 'Paged 0',
      identifier: 'urn:paged:00',
      self: expect.stringContaining('/api-resources/'),
    });
    expect(first.body.APIResources[0].properties).toBeUndefined();
    const next = first.body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(next.href).toMatch(/after=/);
    const cursor = new URL(next.href, server.baseUrl).searchParams.get('after')!;
    expect(Buffer.from(cursor, 'base64').toString()).toMatch(/^\d+$/);
    const second = await client.request('GET', next.href.replace('/t/pharmacy', ''), { token: admin });
    expect(second.body.APIResources.map((r: { name: string }) => r.name)).toEqual(['Paged 10', 'Paged 11']);
    expect(second.body.links.some((l: { rel: string }) => l.rel === 'next')).toBe(false);
    const previous = second.body.links.find((l: { rel: string }) => l.rel === 'previous');
    const back = await client.request('GET', previous.href.replace('/t/pharmacy', ''), { token: admin });
    expect(back.body.APIResources).toHaveLength(10);
    expect(back.body.APIResources[9].name).toBe('Paged 9');

    const byName = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name eq Paged 3')}`, { token: admin });
    expect(byName.body.APIResources.map((r: { identifier: string }) => r.identifier)).toEqual(['urn:paged:03']);
    const ends = await client.request('GET', `${BASE}?filter=${encodeURIComponent('identifier ew :11')}&limit=5`, { token: admin });
    expect(ends.body.APIResources).toHaveLength(1);
    const contains = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name co aged 1')}&attributes=properties`, {
      token: admin,
    });
    expect(contains.body.APIResources.map((r: { name: string }) => r.name)).toEqual(['Paged 1', 'Paged 10', 'Paged 11']);
    expect(contains.body.APIResources[0].properties).toEqual([]);
    const badFilter = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name gt x')}`, { token: admin });
    expect(badFilter.status).toBe(400);
    const badCursor = await client.request('GET', `${BASE}?after=@@`, { token: admin });
    expect(badCursor.status).toBe(400);
  });

  it("reads 'or' in the list filter as 'and', silently", async () => {
    await client.createApiResource(admin, { name: 'Or One', identifier: 'urn:or:one' });
    await client.createApiResource(admin, { name: 'Or Two', identifier: 'urn:or:two' });
    const either = await client.request(
      'GET',
      `${BASE}?filter=${encodeURIComponent('identifier eq urn:or:one or identifier eq urn:or:two')}`,
      { token: admin },
    );
    expect(either.status).toBe(200);
    expect(either.body.totalResults).toBe(0);
    const both = await client.request('GET', `${BASE}?filter=${encodeURIComponent('identifier sw urn:or: or name ew Two')}`, {
      token: admin,
    });
    expect(both.body.APIResources.map((r: { identifier: string }) => r.identifier)).toEqual(['urn:or:two']);
  });

  it('accepts only attributes=properties in the list (others 400 API-RESOURCE-60013)', async () => {
    expect((await client.request('GET', `${BASE}?attributes=properties`, { token: admin })).status).toBe(200);
    for (const attributes of ['scopes', 'properties,scopes', 'subscribedApplications']) {
      const reply = await client.request('GET', `${BASE}?attributes=${attributes}`, { token: admin });
      expect([attributes, reply.status, reply.body.code]).toEqual([attributes, 400, 'API-RESOURCE-60013']);
    }
  });

  it('patches name, description and addedScopes (204); removedScopes is 501; unknown id 404', async () => {
    const api = await client.createApiResource(admin, { name: 'P', identifier: 'urn:patch', scopes: [{ name: 'p:one' }] });
    const patched = await client.request('PATCH', `${BASE}/${api.id}`, {
      token: admin,
      body: { name: 'P2', description: 'd', addedScopes: [{ name: 'p:two', displayName: 'Two' }] },
    });
    expect(patched.status).toBe(204);
    expect(patched.text).toBe('');
    const after = await client.request('GET', `${BASE}/${api.id}`, { token: admin });
    expect(after.body).toMatchObject({ name: 'P2', description: 'd' });
    expect(after.body.scopes.map((s: { name: string }) => s.name)).toEqual(['p:one', 'p:two']);
    const removed = await client.request('PATCH', `${BASE}/${api.id}`, { token: admin, body: { removedScopes: ['p:one'] } });
    expect(removed.status).toBe(501);
    // present at all, even empty and next to valid fields, is 501 and changes nothing
    const emptyRemoved = await client.request('PATCH', `${BASE}/${api.id}`, {
      token: admin,
      body: { description: 'changed', addedScopes: [{ name: 'p:three' }], removedScopes: [] },
    });
    expect(emptyRemoved.status).toBe(501);
    expect((await client.request('GET', `${BASE}/${api.id}/scopes`, { token: admin })).body).toHaveLength(2);
    expect((await client.request('GET', `${BASE}/${api.id}`, { token: admin })).body.description).toBe('d');
    const again = await client.request('PATCH', `${BASE}/${api.id}`, { token: admin, body: { addedScopes: [{ name: 'p:two' }] } });
    expect(again.status).toBe(409);
    expect((await client.request('PATCH', `${BASE}/nope`, { token: admin, body: { name: 'x' } })).status).toBe(404);
    expect((await client.request('GET', `${BASE}/nope`, { token: admin })).status).toBe(404);
  });

  it('replaces scopes with PUT, deletes one by name, patches displayName/description only', async () => {
    const api = await client.createApiResource(admin, { name: 'S', identifier: 'urn:scopes', scopes: [{ name: 's:a' }, { name: 's:b' }] });
    const put = await client.request('PUT', `${BASE}/${api.id}/scopes`, {
      token: admin,
      body: [{ name: 's:b' }, { name: 's:c', displayName: 'C' }],
    });
    expect(put.status).toBe(204);
    let scopes = (await client.request('GET', `${BASE}/${api.id}/scopes`, { token: admin })).body;
    expect(scopes.map((s: { name: string }) => s.name)).toEqual(['s:b', 's:c']);
    const patch = await client.request('PATCH', `${BASE}/${api.id}/scopes/s:b`, {
      token: admin,
      body: { displayName: 'Bee', description: 'b scope' },
    });
    expect(patch.status).toBe(204);
    expect((await client.request('PATCH', `${BASE}/${api.id}/scopes/s:b`, { token: admin, body: { name: 'renamed' } })).status).toBe(400);
    expect((await client.request('PATCH', `${BASE}/${api.id}/scopes/zzz`, { token: admin, body: { displayName: 'x' } })).status).toBe(404);
    const del = await client.request('DELETE', `${BASE}/${api.id}/scopes/s:c`, { token: admin });
    expect(del.status).toBe(204);
    scopes = (await client.request('GET', `${BASE}/${api.id}/scopes`, { token: admin })).body;
    expect(scopes).toEqual([{ id: expect.any(String), name: 's:b', displayName: 'Bee', description: 'b scope' }]);
    // a removed scope name is free again for another API
    await client.createApiResource(admin, { name: 'T', identifier: 'urn:scopes2', scopes: [{ name: 's:a' }] });
    const all = await client.request('GET', `/api/server/v1/scopes?filter=${encodeURIComponent('name eq s:a')}`, { token: admin });
    expect(all.body).toHaveLength(1);
  });

  it('deletes with 204 (unknown ids too); system APIs refuse changes with 403', async () => {
    const api = await client.createApiResource(admin, { name: 'D', identifier: 'urn:delete' });
    expect((await client.request('DELETE', `${BASE}/${api.id}`, { token: admin })).status).toBe(204);
    expect((await client.request('GET', `${BASE}/${api.id}`, { token: admin })).status).toBe(404);
    expect((await client.request('DELETE', `${BASE}/${api.id}`, { token: admin })).status).toBe(204);
    const system = await client.request('GET', `${BASE}?filter=${encodeURIComponent('type eq SYSTEM')}`, { token: admin });
    expect(system.body.totalResults).toBeGreaterThan(0);
    const systemId = system.body.APIResources[0].id;
    expect((await client.request('DELETE', `${BASE}/${systemId}`, { token: admin })).status).toBe(403);
    expect((await client.request('PATCH', `${BASE}/${systemId}`, { token: admin, body: { name: 'x' } })).status).toBe(403);
  });
});
