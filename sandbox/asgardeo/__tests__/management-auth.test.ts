import type { LocalAsgardeo } from '../index';
import { m2mApp, startTestServer, type TestClient } from './helpers';

/** Every management call with the one scope the contract page names for it. */
const CALLS: readonly { method: string; path: string; scope: string; body?: unknown }[] = [
  { method: 'GET', path: '/api/server/v1/api-resources', scope: 'internal_api_resource_view' },
  { method: 'POST', path: '/api/server/v1/api-resources', scope: 'internal_api_resource_create', body: { name: 'X', identifier: 'urn:x' } },
  { method: 'GET', path: '/api/server/v1/api-resources/{api}', scope: 'internal_api_resource_view' },
  { method: 'PATCH', path: '/api/server/v1/api-resources/{api}', scope: 'internal_api_resource_update', body: { description: 'd' } },
  { method: 'PUT', path: '/api/server/v1/api-resources/{api}/scopes', scope: 'internal_api_resource_update', body: [{ name: 'a:one' }] },
  {
    method: 'PATCH',
    path: '/api/server/v1/api-resources/{api}/scopes/a:one',
    scope: 'internal_api_resource_update',
    body: { displayName: 'One' },
  },
  { method: 'DELETE', path: '/api/server/v1/api-resources/{api}/scopes/zzz', scope: 'internal_api_resource_delete' },
  { method: 'DELETE', path: '/api/server/v1/api-resources/unknown', scope: 'internal_api_resource_delete' },
  { method: 'GET', path: '/api/server/v1/applications', scope: 'internal_application_mgt_view' },
  { method: 'POST', path: '/api/server/v1/applications', scope: 'internal_application_mgt_create', body: { name: 'new-app' } },
  { method: 'GET', path: '/api/server/v1/applications/{app}', scope: 'internal_application_mgt_view' },
  { method: 'PATCH', path: '/api/server/v1/applications/{app}', scope: 'internal_application_mgt_update', body: { description: 'd' } },
  { method: 'GET', path: '/api/server/v1/applications/{app}/inbound-protocols/oidc', scope: 'internal_application_mgt_view' },
  { method: 'GET', path: '/api/server/v1/applications/{app}/authorized-apis', scope: 'internal_application_mgt_view' },
  { method: 'DELETE', path: '/api/server/v1/applications/unknown', scope: 'internal_application_mgt_delete' },
  { method: 'GET', path: '/scim2/Users', scope: 'internal_user_mgt_list' },
  { method: 'POST', path: '/scim2/Users', scope: 'internal_user_mgt_create', body: { userName: 'u@example.com', password: 'Pw#12345' } },
  { method: 'GET', path: '/scim2/Users/{user}', scope: 'internal_user_mgt_view' },
  {
    method: 'PATCH',
    path: '/scim2/Users/{user}',
    scope: 'internal_user_mgt_update',
    body: { Operations: [{ op: 'add', value: { nickName: 'n' } }] },
  },
  { method: 'DELETE', path: '/scim2/Users/{user}', scope: 'internal_user_mgt_delete' },
  { method: 'GET', path: '/scim2/v2/Roles', scope: 'internal_role_mgt_view' },
  { method: 'POST', path: '/scim2/v2/Roles', scope: 'internal_role_mgt_create', body: { displayName: 'r' } },
  { method: 'GET', path: '/scim2/v2/Roles/{role}', scope: 'internal_role_mgt_view' },
  {
    method: 'PATCH',
    path: '/scim2/v2/Roles/{role}',
    scope: 'internal_role_mgt_update',
    body: { Operations: [{ op: 'replace', path: 'displayName', value: 'r2' }] },
  },
  { method: 'DELETE', path: '/scim2/v2/Roles/{role}', scope: 'internal_role_mgt_delete' },
];

describe('local Asgardeo: management calls need a valid token (401) carrying the named scope (403)', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  const ids: Record<string, string> = {};
  let counter = 0;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    const admin = await client.adminToken();
    ids.api = (await client.createApiResource(admin, { name: 'A', identifier: 'urn:a', scopes: [{ name: 'a:one' }] })).id;
    ids.app = await client.createApp(admin, m2mApp('app'));
    ids.user = (
      await client.request('POST', '/scim2/Users', { token: admin, body: { userName: 'kim@example.com', password: 'Pw#12345' } })
    ).body.id;
    ids.role = (await client.request('POST', '/scim2/v2/Roles', { token: admin, body: { displayName: 'role' } })).body.id;
    server.addManagementClient({ clientId: 'nothing', clientSecret: 'nothing-secret', scopes: [] });
  });
  afterAll(() => server.stop());

  const resolve = (path: string): string => path.replace(/\{(\w+)\}/g, (_, key: string) => ids[key]!);

  it.each(CALLS)('$method $path', async ({ method, path, scope, body }) => {
    const scim = path.startsWith('/scim2');
    const url = resolve(path);
    const anonymous = await client.request(method, url, { body });
    expect(anonymous.status).toBe(401);
    if (scim) expect(anonymous.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    else expect(anonymous.text).toBe('');
    expect((await client.request(method, url, { body, token: 'not-a-token' })).status).toBe(401);

    const empty = (await client.token('nothing', 'nothing-secret', scope)).body.access_token;
    const forbidden = await client.request(method, url, { body, token: empty });
    expect(forbidden.status).toBe(403);
    if (scim) expect(forbidden.body.status).toBe('403');

    const clientId = `only-${(counter += 1)}`;
    server.addManagementClient({ clientId, clientSecret: 's', scopes: [scope] });
    const token = (await client.token(clientId, 's', scope)).body.access_token;
    const allowed = await client.request(method, url, { body, token });
    expect([401, 403]).not.toContain(allowed.status);
    expect(allowed.status).toBeLessThan(300);
  });

  it('authorizing an API needs internal_application_business_api_update as well (403 APP-60520)', async () => {
    server.addManagementClient({ clientId: 'app-updater', clientSecret: 's', scopes: ['internal_application_mgt_update'] });
    const token = (await client.token('app-updater', 's', 'internal_application_mgt_update')).body.access_token;
    const body = { id: ids.api, policyIdentifier: 'RBAC', scopes: ['a:one'] };
    const denied = await client.request('POST', `/api/server/v1/applications/${ids.app}/authorized-apis`, { token, body });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('APP-60520');
    server.addManagementClient({
      clientId: 'api-authorizer',
      clientSecret: 's',
      scopes: ['internal_application_mgt_update', 'internal_application_business_api_update'],
    });
    const full = (await client.token('api-authorizer', 's', 'internal_application_mgt_update internal_application_business_api_update'))
      .body.access_token;
    expect((await client.request('POST', `/api/server/v1/applications/${ids.app}/authorized-apis`, { token: full, body })).status).toBe(
      200,
    );
  });

  it('rejects expired-by-deletion tokens: an app token stops working once the app is gone', async () => {
    const admin = await client.adminToken();
    const system = await client.request(
      'GET',
      `/api/server/v1/api-resources?filter=${encodeURIComponent('identifier eq /api/server/v1/applications')}`,
      { token: admin },
    );
    const appId = await client.createApp(admin, m2mApp('manager'));
    await client.request('POST', `/api/server/v1/applications/${appId}/authorized-apis`, {
      token: admin,
      body: { id: system.body.APIResources[0].id, policyIdentifier: 'RBAC', scopes: ['internal_application_mgt_view'] },
    });
    const oidc = await client.oidc(admin, appId);
    const appToken = (await client.token(oidc.clientId, oidc.clientSecret, 'internal_application_mgt_view internal_application_mgt_delete'))
      .body;
    expect(appToken.scope).toBe('internal_application_mgt_view');
    expect((await client.request('GET', '/api/server/v1/applications', { token: appToken.access_token })).status).toBe(200);
    await client.request('DELETE', `/api/server/v1/applications/${appId}`, { token: admin });
    expect((await client.request('GET', '/api/server/v1/applications', { token: appToken.access_token })).status).toBe(401);
  });
});
