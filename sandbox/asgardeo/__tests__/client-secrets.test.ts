import type { LocalAsgardeo } from '../index';
import { DEFAULT_SECRET_ID } from '../state';
import { m2mApp, startTestServer, type TestClient } from './helpers';

const BASE = '/api/server/v1/applications';
const START = Date.UTC(2026, 11, 1, 12, 0, 0);

/** The multiple-client-secrets endpoints and their rules (asgardeo-secrets-and-roles.md, Part A). */
describe('local Asgardeo: multiple client secrets', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;
  let now = START;

  beforeAll(async () => {
    ({ server, client } = await startTestServer({ clock: () => now }));
    admin = await client.adminToken();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    now = START;
  });

  const secrets = (id: string) => `${BASE}/${id}/inbound-protocols/oidc/secrets`;
  async function app(name: string): Promise<{ id: string; clientId: string; secret: string }> {
    const id = await client.createApp(admin, m2mApp(name));
    const oidc = await client.oidc(admin, id);
    return { id, clientId: oidc.clientId as string, secret: oidc.clientSecret as string };
  }
  const issues = async (clientId: string, secret: string) => (await client.token(clientId, secret, '')).status;

  it('lists the legacy secret under the fixed placeholder id until the first POST migrates it to a new id', async () => {
    const a = await app('placeholder');
    const before = await client.request('GET', secrets(a.id), { token: admin });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ count: 1, list: [{ secretId: DEFAULT_SECRET_ID, latest: true, status: 'ACTIVE', expiresAt: 0 }] });
    const created = await client.request('POST', secrets(a.id), { token: admin, body: {} });
    expect(created.status).toBe(201);
    const after = await client.request('GET', secrets(a.id), { token: admin });
    expect(after.body.count).toBe(2);
    expect(after.body.list[0]).toMatchObject({ secretId: created.body.secretId, latest: true });
    expect(after.body.list[1].latest).toBe(false);
    expect(after.body.list[1].secretId).not.toBe(DEFAULT_SECRET_ID);
    expect(after.body.list[1].createdAt).toBeNull();
    // an id read before the first rotation is gone
    expect((await client.request('GET', `${secrets(a.id)}/${DEFAULT_SECRET_ID}`, { token: admin })).status).toBe(404);
  });

  it('POST returns the plaintext once; GET returns only the stored (hashed) form', async () => {
    const a = await app('plaintext-once');
    const created = await client.request('POST', secrets(a.id), { token: admin, body: {} });
    expect(created.body.secretValue).toEqual(expect.any(String));
    expect(await issues(a.clientId, created.body.secretValue as string)).toBe(200);
    const one = await client.request('GET', `${secrets(a.id)}/${created.body.secretId}`, { token: admin });
    expect(one.status).toBe(200);
    expect(one.body.secretValue).not.toBe(created.body.secretValue);
    expect(JSON.stringify((await client.request('GET', secrets(a.id), { token: admin })).body)).not.toContain(created.body.secretValue);
  });

  it('holds two at most: the third is 409 OAUTH-60011 and changes nothing', async () => {
    const a = await app('full');
    expect((await client.request('POST', secrets(a.id), { token: admin, body: {} })).status).toBe(201);
    const third = await client.request('POST', secrets(a.id), { token: admin, body: {} });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('OAUTH-60011');
    expect(third.body.description).toContain('cannot have more than 2 secrets');
    expect((await client.request('GET', secrets(a.id), { token: admin })).body.count).toBe(2);
  });

  it('both secrets authenticate; the newest is the app clientSecret; the older can go (then refused), the latest not', async () => {
    const a = await app('overlap');
    const created = await client.request('POST', secrets(a.id), { token: admin, body: {} });
    const fresh = created.body.secretValue as string;
    expect(await issues(a.clientId, a.secret)).toBe(200);
    expect(await issues(a.clientId, fresh)).toBe(200);
    expect((await client.oidc(admin, a.id)).clientSecret).toBe(fresh);
    expect((await client.oidc(admin, a.id)).multipleClientSecretsConfigured).toBe(true);

    const list = (await client.request('GET', secrets(a.id), { token: admin })).body.list as { secretId: string }[];
    const latest = await client.request('DELETE', `${secrets(a.id)}/${list[0]!.secretId}`, { token: admin });
    expect(latest.status).toBe(409);
    expect(latest.body.code).toBe('OAUTH-60006');
    expect((await client.request('DELETE', `${secrets(a.id)}/${list[1]!.secretId}`, { token: admin })).status).toBe(204);
    expect(await issues(a.clientId, a.secret)).toBe(401);
    expect(await issues(a.clientId, fresh)).toBe(200);
    const unknown = await client.request('DELETE', `${secrets(a.id)}/${list[1]!.secretId}`, { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('OAUTH-60010');
  });

  it('the only (legacy) secret cannot be deleted either', async () => {
    const a = await app('only-one');
    const reply = await client.request('DELETE', `${secrets(a.id)}/${DEFAULT_SECRET_ID}`, { token: admin });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('OAUTH-60006');
  });

  it('expiry: a past or negative expiresAt is 400 OAUTH-60001; an expired secret is listed EXPIRED and refused', async () => {
    const a = await app('expiry');
    const nowSeconds = Math.floor(START / 1000);
    const past = await client.request('POST', secrets(a.id), { token: admin, body: { expiresAt: nowSeconds - 1 } });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('OAUTH-60001');
    expect(past.body.description).toContain('in the past');
    const negative = await client.request('POST', secrets(a.id), { token: admin, body: { expiresAt: -5 } });
    expect(negative.status).toBe(400);
    expect(negative.body.description).toContain('invalid');
    const created = await client.request('POST', secrets(a.id), { token: admin, body: { expiresAt: nowSeconds + 60 } });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(nowSeconds + 60);
    expect((await client.oidc(admin, a.id)).clientSecretExpiresAt).toBe(nowSeconds + 60);
    expect(await issues(a.clientId, created.body.secretValue as string)).toBe(200);
    now = START + 61_000;
    expect(await issues(a.clientId, created.body.secretValue as string)).toBe(401);
    expect(await issues(a.clientId, a.secret)).toBe(200);
    const list = (await client.request('GET', secrets(a.id), { token: admin })).body.list as { status: string }[];
    expect(list.map((s) => s.status)).toEqual(['EXPIRED', 'ACTIVE']);
  });

  it('PUT …/oidc may not change clientSecretExpiresAt (400 APP-60001); the same value is fine', async () => {
    const a = await app('expiry-put');
    const seen = await client.oidc(admin, a.id);
    const changed = await client.request('PUT', `${BASE}/${a.id}/inbound-protocols/oidc`, {
      token: admin,
      body: { ...seen, clientSecretExpiresAt: Math.floor(START / 1000) + 3600 },
    });
    expect(changed.status).toBe(400);
    expect(changed.body.code).toBe('APP-60001');
    expect((await client.request('PUT', `${BASE}/${a.id}/inbound-protocols/oidc`, { token: admin, body: seen })).status).toBe(200);
  });

  it('regenerate-secret deletes every secret, the older ones too', async () => {
    const a = await app('regenerate-all');
    const created = await client.request('POST', secrets(a.id), { token: admin, body: {} });
    const regenerated = await client.request('POST', `${BASE}/${a.id}/inbound-protocols/oidc/regenerate-secret`, {
      token: admin,
      body: {},
    });
    expect(regenerated.status).toBe(200);
    expect(await issues(a.clientId, a.secret)).toBe(401);
    expect(await issues(a.clientId, created.body.secretValue as string)).toBe(401);
    expect(await issues(a.clientId, regenerated.body.clientSecret as string)).toBe(200);
    const list = await client.request('GET', secrets(a.id), { token: admin });
    expect(list.body).toMatchObject({ count: 1, list: [{ secretId: DEFAULT_SECRET_ID }] });
  });

  it('each endpoint has its own scope: view, create, delete; the general application scopes grant none', async () => {
    const a = await app('scopes');
    const general = 'general';
    server.addManagementClient({
      clientId: general,
      clientSecret: `${general}-secret`,
      scopes: ['internal_application_mgt_view', 'internal_application_mgt_update', 'internal_application_mgt_create'],
    });
    const token = (await client.token(general, `${general}-secret`, 'SYSTEM')).body.access_token as string;
    expect((await client.request('GET', secrets(a.id), { token })).status).toBe(403);
    expect((await client.request('POST', secrets(a.id), { token, body: {} })).status).toBe(403);
    expect((await client.request('DELETE', `${secrets(a.id)}/${DEFAULT_SECRET_ID}`, { token })).status).toBe(403);
  });
});
