import type { LocalAsgardeo } from '../index';
import { m2mApp, startTestServer, type TestClient } from './helpers';

const BASE = '/api/server/v1/applications';

describe('local Asgardeo: applications', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
  });
  afterAll(() => server.stop());

  it('creates with 201, an empty body and a Location whose last segment is the id; GET shows links, not the OIDC config', async () => {
    const created = await client.request('POST', BASE, {
      token: admin,
      body: m2mApp('pharmacy-reader', { idToken: { audience: ['shared'] } }),
    });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    const location = created.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${server.baseUrl}/t/pharmacy${BASE}/[0-9a-f-]{36}$`));
    const id = location.split('/').pop()!;
    const app = await client.request('GET', `${BASE}/${id}`, { token: admin });
    expect(app.status).toBe(200);
    expect(app.body).toMatchObject({
      id,
      name: 'pharmacy-reader',
      templateId: 'm2m-application',
      associatedRoles: { allowedAudience: 'APPLICATION', roles: [] },
    });
    expect(app.body.inboundProtocols).toEqual([{ type: 'oidc', name: 'oidc', self: `/t/pharmacy${BASE}/${id}/inbound-protocols/oidc` }]);
    expect(app.body.inboundProtocolConfiguration).toBeUndefined();
    expect(JSON.stringify(app.body)).not.toContain('clientSecret');
    const oidc = await client.request('GET', `${BASE}/${id}/inbound-protocols/oidc`, { token: admin });
    expect(oidc.status).toBe(200);
    expect(oidc.body).toMatchObject({
      grantTypes: ['client_credentials'],
      publicClient: false,
      accessToken: { type: 'JWT', applicationAccessTokenExpiryInSeconds: 3600 },
      idToken: { audience: ['shared'] },
    });
    expect(oidc.body.clientId).toMatch(/^[A-Za-z0-9_]{28}$/);
    expect(oidc.body.clientSecret.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses a duplicate name with 409 OAUTH-60008, a missing name and bad OIDC input with 400', async () => {
    await client.createApp(admin, { name: 'dup' });
    const dup = await client.request('POST', BASE, { token: admin, body: { name: 'dup' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      code: 'OAUTH-60008',
      message: expect.any(String),
      description: expect.stringContaining('dup'),
      traceId: expect.any(String),
    });
    expect((await client.request('POST', BASE, { token: admin, body: { description: 'x' } })).status).toBe(400);
    const badOidc = await client.request('POST', BASE, {
      token: admin,
      body: { name: 'bad', inboundProtocolConfiguration: { oidc: { grantTypes: [] } } },
    });
    expect(badOidc.status).toBe(400);
    expect(badOidc.body.code).toBe('OAUTH-60001');
  });

  it('answers 404 APP-60006 for an unknown id; DELETE of an unknown id is 204', async () => {
    const missing = await client.request('GET', `${BASE}/does-not-exist`, { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('APP-60006');
    expect((await client.request('DELETE', `${BASE}/does-not-exist`, { token: admin })).status).toBe(204);
    expect((await client.request('PATCH', `${BASE}/does-not-exist`, { token: admin, body: { name: 'x' } })).status).toBe(404);
  });

  it(
    'lists with filter (eq, sw, ew, co on name and clientId), attributes and offset paging ' + '(default page 15, limit capped at 30)',
    async () => {
      for (let i = 0; i < 33; i += 1) await client.createApp(admin, m2mApp(`list-${String(i).padStart(2, '0')}`));
      const firstPage = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name sw list-')}`, { token: admin });
      expect(firstPage.status).toBe(200);
      expect(firstPage.body).toMatchObject({ totalResults: 33, startIndex: 1, count: 15 });
      expect(firstPage.body.links).toEqual([{ rel: 'next', href: expect.stringContaining('offset=15') }]);
      const all = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name sw list-')}&limit=100`, { token: admin });
      expect(all.body).toMatchObject({ totalResults: 33, startIndex: 1, count: 30 });
      expect(all.body.applications).toHaveLength(30);
      expect(all.body.applications[0].clientId).toBeUndefined();
      expect(all.body.applications[0].templateId).toBeUndefined();
      expect(all.body.links).toEqual([{ rel: 'next', href: expect.stringMatching(/limit=30&.*offset=30/) }]);
      const second = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name sw list-')}&offset=30&limit=30`, {
        token: admin,
      });
      expect(second.body).toMatchObject({ totalResults: 33, startIndex: 31, count: 3 });
      const withAttrs = await client.request(
        'GET',
        `${BASE}?filter=${encodeURIComponent('name eq list-05')}` +
          '&attributes=clientId,templateId,associatedRoles.allowedAudience&excludeSystemPortals=true',
        { token: admin },
      );
      expect(withAttrs.body.applications).toHaveLength(1);
      const item = withAttrs.body.applications[0];
      expect(item).toMatchObject({ name: 'list-05', templateId: 'm2m-application', associatedRoles: { allowedAudience: 'APPLICATION' } });
      expect(item.clientId).toMatch(/^[A-Za-z0-9_]{28}$/);
      expect(item.associatedRoles.roles).toBeUndefined();
      const byClient = await client.request('GET', `${BASE}?filter=${encodeURIComponent(`clientId eq ${item.clientId}`)}`, {
        token: admin,
      });
      expect(byClient.body.applications.map((a: { name: string }) => a.name)).toEqual(['list-05']);
      const either = await client.request('GET', `${BASE}?filter=${encodeURIComponent('name ew -07 or name co t-1')}`, { token: admin });
      expect(either.body.totalResults).toBe(11);
      expect((await client.request('GET', `${BASE}?attributes=password`, { token: admin })).status).toBe(400);
      expect((await client.request('GET', `${BASE}?limit=0`, { token: admin })).status).toBe(400);
    },
  );

  it('patches name, description and associatedRoles with 200 and an empty body; refuses OIDC fields', async () => {
    const id = await client.createApp(admin, m2mApp('to-patch'));
    const patched = await client.request('PATCH', `${BASE}/${id}`, {
      token: admin,
      body: { name: 'patched', description: 'desc', associatedRoles: { allowedAudience: 'ORGANIZATION', roles: [] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.text).toBe('');
    const app = (await client.request('GET', `${BASE}/${id}`, { token: admin })).body;
    expect(app).toMatchObject({ name: 'patched', description: 'desc', associatedRoles: { allowedAudience: 'ORGANIZATION' } });
    expect(
      (await client.request('PATCH', `${BASE}/${id}`, { token: admin, body: { inboundProtocolConfiguration: { oidc: {} } } })).status,
    ).toBe(400);
    expect(
      (
        await client.request('PATCH', `${BASE}/${id}`, {
          token: admin,
          body: { associatedRoles: { allowedAudience: 'APPLICATION', roles: [{ id: 'nope' }] } },
        })
      ).status,
    ).toBe(400);
  });

  it('PUT of the OIDC config: clientId must match; without clientSecret the secret is kept; a different secret is 400', async () => {
    const id = await client.createApp(admin, m2mApp('oidc-put', { idToken: { audience: ['one'] } }));
    const current = await client.oidc(admin, id);
    const { clientSecret: _secret, ...withoutSecret } = current;
    const noSecret = await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
      token: admin,
      body: { ...withoutSecret, idToken: { audience: ['kept-secret'] } },
    });
    expect(noSecret.status).toBe(200);
    const kept = await client.oidc(admin, id);
    expect(kept.idToken.audience).toEqual(['kept-secret']);
    expect(kept.clientSecret).toBe(current.clientSecret);
    const otherSecret = await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
      token: admin,
      body: { ...current, clientSecret: 'a-different-secret' },
    });
    expect(otherSecret.status).toBe(400);
    expect(otherSecret.body.code).toBe('OAUTH-60001');
    expect(otherSecret.text).not.toContain(current.clientSecret);
    expect(otherSecret.text).not.toContain('a-different-secret');
    expect((await client.oidc(admin, id)).clientSecret).toBe(current.clientSecret);
    const wrongId = await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
      token: admin,
      body: { ...current, clientId: 'other' },
    });
    expect(wrongId.status).toBe(400);
    const put = await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
      token: admin,
      body: { ...current, idToken: { audience: ['two', 'three'] } },
    });
    expect(put.status).toBe(200);
    expect(put.text).toBe('');
    const after = await client.oidc(admin, id);
    expect(after.idToken.audience).toEqual(['two', 'three']);
    expect(after.clientSecret).toBe(current.clientSecret);
    // full replace: a field left out goes back to its default
    const { accessToken: _token, ...rest } = after;
    expect((await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, { token: admin, body: rest })).status).toBe(200);
    expect((await client.oidc(admin, id)).accessToken.type).toBe('Default');
    expect((await client.request('GET', `${BASE}/nope/inbound-protocols/oidc`, { token: admin })).status).toBe(404);
  });

  describe('authorized APIs', () => {
    let apiId: string;
    let appId: string;
    beforeAll(async () => {
      apiId = (
        await client.createApiResource(admin, {
          name: 'Auth API',
          identifier: 'urn:auth',
          scopes: [{ name: 'auth:read', displayName: 'Read' }, { name: 'auth:write' }],
        })
      ).id;
      appId = await client.createApp(admin, m2mApp('authorized'));
    });

    it('authorizes with 200 and an empty body, lists, patches and deletes', async () => {
      const added = await client.request('POST', `${BASE}/${appId}/authorized-apis`, {
        token: admin,
        body: { id: apiId, policyIdentifier: 'RBAC', scopes: ['auth:read'] },
      });
      expect(added.status).toBe(200);
      expect(added.text).toBe('');
      let list = await client.request('GET', `${BASE}/${appId}/authorized-apis`, { token: admin });
      expect(list.body).toEqual([
        {
          id: apiId,
          identifier: 'urn:auth',
          displayName: 'Auth API',
          policyId: 'RBAC',
          type: 'BUSINESS',
          authorizedScopes: [{ id: expect.any(String), name: 'auth:read', displayName: 'Read' }],
        },
      ]);
      const api = await client.request('GET', `/api/server/v1/api-resources/${apiId}`, { token: admin });
      // The real GET /api-resources/{id} does not fill subscribedApplications.
      expect(api.body.subscribedApplications).toBeUndefined();
      const patched = await client.request('PATCH', `${BASE}/${appId}/authorized-apis/${apiId}`, {
        token: admin,
        body: { addedScopes: ['auth:write'], removedScopes: ['auth:read'] },
      });
      expect(patched.status).toBe(200);
      list = await client.request('GET', `${BASE}/${appId}/authorized-apis`, { token: admin });
      expect(list.body[0].authorizedScopes.map((s: { name: string }) => s.name)).toEqual(['auth:write']);
      expect((await client.request('DELETE', `${BASE}/${appId}/authorized-apis/${apiId}`, { token: admin })).status).toBe(204);
      expect((await client.request('GET', `${BASE}/${appId}/authorized-apis`, { token: admin })).body).toEqual([]);
    });

    it('answers 409 APP-60509 when already authorized, 400 APP-60507 for an unknown API, 400 APP-60508 for an unknown scope', async () => {
      const body = { id: apiId, policyIdentifier: 'RBAC', scopes: ['auth:read'] };
      expect((await client.request('POST', `${BASE}/${appId}/authorized-apis`, { token: admin, body })).status).toBe(200);
      const again = await client.request('POST', `${BASE}/${appId}/authorized-apis`, { token: admin, body });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('APP-60509');
      const unknownApi = await client.request('POST', `${BASE}/${appId}/authorized-apis`, { token: admin, body: { ...body, id: 'nope' } });
      expect(unknownApi.status).toBe(400);
      expect(unknownApi.body.code).toBe('APP-60507');
      const other = await client.createApp(admin, m2mApp('authorized-2'));
      const unknownScope = await client.request('POST', `${BASE}/${other}/authorized-apis`, {
        token: admin,
        body: { ...body, scopes: ['auth:delete'] },
      });
      expect(unknownScope.status).toBe(400);
      expect(unknownScope.body.code).toBe('APP-60508');
      expect((await client.request('GET', `${BASE}/${other}/authorized-apis`, { token: admin })).body).toEqual([]);
    });

    it('drops deleted scopes and APIs from authorizations', async () => {
      const api = await client.createApiResource(admin, {
        name: 'Gone',
        identifier: 'urn:gone',
        scopes: [{ name: 'gone:a' }, { name: 'gone:b' }],
      });
      const app = await client.createApp(admin, m2mApp('cascade'));
      await client.request('POST', `${BASE}/${app}/authorized-apis`, {
        token: admin,
        body: { id: api.id, policyIdentifier: 'RBAC', scopes: ['gone:a', 'gone:b'] },
      });
      await client.request('DELETE', `/api/server/v1/api-resources/${api.id}/scopes/gone:a`, { token: admin });
      expect(
        (await client.request('GET', `${BASE}/${app}/authorized-apis`, { token: admin })).body[0].authorizedScopes.map(
          (s: { name: string }) => s.name,
        ),
      ).toEqual(['gone:b']);
      await client.request('DELETE', `/api/server/v1/api-resources/${api.id}`, { token: admin });
      expect((await client.request('GET', `${BASE}/${app}/authorized-apis`, { token: admin })).body).toEqual([]);
    });
  });
});

describe('local Asgardeo: applications, rules from the corrected contract page', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
  });
  afterAll(() => server.stop());

  async function tokenWith(clientId: string, scopes: string[]): Promise<string> {
    server.addManagementClient({ clientId, clientSecret: `${clientId}-secret`, scopes });
    const reply = await client.token(clientId, `${clientId}-secret`, 'SYSTEM');
    expect(reply.status).toBe(200);
    return reply.body.access_token as string;
  }

  it(
    'GET inbound-protocols/oidc hides clientSecret, clientSecretExpiresAt and multipleClientSecretsConfigured ' +
      'without internal_application_mgt_client_secret_view',
    async () => {
      const id = await client.createApp(admin, m2mApp('secret-hidden'));
      const viewOnly = await tokenWith('view-only', ['internal_application_mgt_view']);
      const hidden = await client.request('GET', `${BASE}/${id}/inbound-protocols/oidc`, { token: viewOnly });
      expect(hidden.status).toBe(200);
      expect(hidden.body.clientId).toMatch(/^[A-Za-z0-9_]{28}$/);
      for (const field of ['clientSecret', 'clientSecretExpiresAt', 'multipleClientSecretsConfigured'])
        expect(hidden.body).not.toHaveProperty(field);
      const secretView = await tokenWith('secret-viewer', ['internal_application_mgt_view', 'internal_application_mgt_client_secret_view']);
      const shown = await client.request('GET', `${BASE}/${id}/inbound-protocols/oidc`, { token: secretView });
      expect(shown.body.clientSecret).toEqual(expect.any(String));
      expect(shown.body.clientSecret.length).toBeGreaterThanOrEqual(20);
      // the secret-view scope alone does not open the endpoint
      const onlySecretScope = await tokenWith('secret-only', ['internal_application_mgt_client_secret_view']);
      expect((await client.request('GET', `${BASE}/${id}/inbound-protocols/oidc`, { token: onlySecretScope })).status).toBe(403);
    },
  );

  it('a PUT from a secret-less GET keeps the secret (the read-change-write of a caller without the secret-view scope)', async () => {
    const id = await client.createApp(admin, m2mApp('secret-kept'));
    const before = (await client.oidc(admin, id)).clientSecret as string;
    const editor = await tokenWith('editor', ['internal_application_mgt_view', 'internal_application_mgt_update']);
    const seen = (await client.request('GET', `${BASE}/${id}/inbound-protocols/oidc`, { token: editor })).body;
    expect(seen.clientSecret).toBeUndefined();
    const put = await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
      token: editor,
      body: { ...seen, idToken: { audience: ['changed'] } },
    });
    expect(put.status).toBe(200);
    const after = await client.oidc(admin, id);
    expect(after.clientSecret).toBe(before);
    expect(after.idToken.audience).toEqual(['changed']);
  });

  it('regenerate-secret needs internal_application_mgt_client_secret_create (update is not enough)', async () => {
    const id = await client.createApp(admin, m2mApp('regenerate'));
    const before = (await client.oidc(admin, id)).clientSecret as string;
    const updater = await tokenWith('updater', ['internal_application_mgt_view', 'internal_application_mgt_update']);
    expect((await client.request('POST', `${BASE}/${id}/inbound-protocols/oidc/regenerate-secret`, { token: updater })).status).toBe(403);
    expect((await client.oidc(admin, id)).clientSecret).toBe(before);
    const creator = await tokenWith('creator', ['internal_application_mgt_client_secret_create']);
    const regenerated = await client.request('POST', `${BASE}/${id}/inbound-protocols/oidc/regenerate-secret`, { token: creator });
    expect(regenerated.status).toBe(200);
    // without the view scope the answer does not show the new secret either
    expect(regenerated.body.clientSecret).toBeUndefined();
    const after = (await client.oidc(admin, id)).clientSecret as string;
    expect(after).not.toBe(before);
    const withView = await client.request('POST', `${BASE}/${id}/inbound-protocols/oidc/regenerate-secret`, { token: admin });
    expect(withView.body.clientSecret).toBe((await client.oidc(admin, id)).clientSecret);
  });

  it('an accessToken object without accessTokenAttributes clears the list; new apps start with an empty list', async () => {
    const id = await client.createApp(
      admin,
      m2mApp('attributes', { accessToken: { type: 'JWT', accessTokenAttributes: ['given_name', 'email'] } }),
    );
    const current = await client.oidc(admin, id);
    expect(current.accessToken.accessTokenAttributes).toEqual(['given_name', 'email']);
    expect(
      (
        await client.request('PUT', `${BASE}/${id}/inbound-protocols/oidc`, {
          token: admin,
          body: { ...current, accessToken: { type: 'JWT' } },
        })
      ).status,
    ).toBe(200);
    expect((await client.oidc(admin, id)).accessToken.accessTokenAttributes).toEqual([]);
    const fresh = await client.createApp(admin, m2mApp('attributes-new'));
    expect((await client.oidc(admin, fresh)).accessToken.accessTokenAttributes).toEqual([]);
  });

  it("an accessTokenAttributes name that is not an OIDC claim is 400 'Invalid access token claim URI'", async () => {
    const bad = await client.request('POST', BASE, {
      token: admin,
      body: m2mApp('bad-claim', {
        accessToken: { type: 'JWT', accessTokenAttributes: ['given_name', 'http://wso2.org/claims/givenname'] },
      }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OAUTH-60001');
    expect(bad.body.description).toContain('Invalid access token claim URI');
    expect(bad.body.description).toContain('http://wso2.org/claims/givenname');
    expect(
      (await client.request('GET', `${BASE}?filter=${encodeURIComponent('name eq bad-claim')}`, { token: admin })).body.totalResults,
    ).toBe(0);
  });

  it('application names must match the server regex (400 otherwise), on create and rename', async () => {
    for (const good of ['Pharmacy User API', 'pharmacy-reader', 'a.b_c-1']) {
      expect((await client.request('POST', BASE, { token: admin, body: { name: good } })).status).toBe(201);
    }
    for (const bad of ['pharmacy (reader)', 'two  spaces', ' leading', 'trailing ', 'kim@example', 'tollgate:app', 'ünicode']) {
      const reply = await client.request('POST', BASE, { token: admin, body: { name: bad } });
      expect({ bad, status: reply.status }).toEqual({ bad, status: 400 });
      expect(reply.body.description).toContain('^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$');
    }
    const id = await client.createApp(admin, { name: 'to-rename' });
    expect((await client.request('PATCH', `${BASE}/${id}`, { token: admin, body: { name: 'bad/name' } })).status).toBe(400);
    expect((await client.request('GET', `${BASE}/${id}`, { token: admin })).body.name).toBe('to-rename');
  });

  it('the list filter tokenizer drops characters outside [A-Za-z0-9@:_\\-+.*/] (quotes included) and collapses spaces', async () => {
    await client.createApp(admin, { name: 'Filter Me' });
    const names = async (filter: string): Promise<string[]> =>
      (await client.request('GET', `${BASE}?filter=${encodeURIComponent(filter)}`, { token: admin })).body.applications.map(
        (a: { name: string }) => a.name,
      );
    expect(await names('name eq "Filter Me"')).toEqual(['Filter Me']);
    expect(await names('name eq Filter   Me')).toEqual(['Filter Me']);
    // `(`, `)`, `!`, `#` are dropped: the value becomes "Filter Me"
    expect(await names('name eq Filter (Me)!#')).toEqual(['Filter Me']);
    // `=` is dropped too, so `name eq Filter=Me` looks for "FilterMe" and finds nothing
    expect(await names('name eq Filter=Me')).toEqual([]);
  });
});
