import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { QUICK_START, buildQuickStartSetup, expectedQuickStartExport, type QuickStartIds } from './quick-start-setup';

/**
 * The fixture `tollgate export` is tested on: check that it really built the quick-start's setup,
 * mistakes included, in the local Asgardeo, and that the expected model describes it.
 */
describe('the quick-start setup, built by hand in the local Asgardeo', () => {
  let asgardeo: LocalAsgardeo;
  let ids: QuickStartIds;
  let token: string;

  beforeAll(async () => {
    asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
    ids = await buildQuickStartSetup(asgardeo);
    const response = await fetch(`${asgardeo.baseUrl}/t/pharmacy/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${asgardeo.admin.clientId}:${asgardeo.admin.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=SYSTEM',
    });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(() => asgardeo.stop());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function get(path: string): Promise<any> {
    const response = await fetch(`${asgardeo.baseUrl}/t/pharmacy${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return response.json();
  }

  it('made every object with the management API, writing nothing else', () => {
    const writes = asgardeo.requests
      .entries()
      .filter((e) => e.write)
      .map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/g, '{id}')} ${e.status}`);
    expect(writes).toEqual([
      'POST /t/pharmacy/api/server/v1/api-resources 201',
      'POST /t/pharmacy/api/server/v1/applications 201',
      'POST /t/pharmacy/api/server/v1/applications/{id}/authorized-apis 200',
      'POST /t/pharmacy/scim2/Users 201',
      'POST /t/pharmacy/scim2/v2/Roles 201',
      'POST /t/pharmacy/api/server/v1/api-resources 201',
      'POST /t/pharmacy/api/server/v1/applications 201',
      'POST /t/pharmacy/api/server/v1/applications/{id}/authorized-apis 200',
    ]);
  });

  it('the API resource has the invoke-URL identifier and one scope', async () => {
    const api = await get(`/api/server/v1/api-resources/${ids.apiResourceId}`);
    expect(api).toMatchObject({ identifier: QUICK_START.identifier, name: QUICK_START.apiName, requiresAuthorization: true });
    expect(api.scopes.map((s: { name: string }) => s.name)).toEqual([QUICK_START.scope.name]);
  });

  it("the app keeps the SPA template's mistakes: opaque access tokens and no shared audience", async () => {
    const oidc = await get(`/api/server/v1/applications/${ids.appId}/inbound-protocols/oidc`);
    expect(oidc.accessToken.type).toBe('Default');
    expect(oidc.idToken.audience).toEqual([]);
    expect(oidc).toMatchObject({
      publicClient: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      callbackURLs: [QUICK_START.app.callbackUrl],
    });
    const authorized = await get(`/api/server/v1/applications/${ids.appId}/authorized-apis`);
    expect(authorized).toEqual([
      expect.objectContaining({ id: ids.apiResourceId, authorizedScopes: [expect.objectContaining({ name: QUICK_START.scope.name })] }),
    ]);
  });

  it('the role grants the scope to Kim, an organization role', async () => {
    const role = await get(`/scim2/v2/Roles/${ids.roleId}`);
    expect(role).toMatchObject({ displayName: QUICK_START.role, audience: { type: 'organization' } });
    expect(role.permissions.map((p: { value: string }) => p.value)).toEqual([QUICK_START.scope.name]);
    expect(role.users.map((u: { value: string }) => u.value)).toEqual([ids.userId]);
    const user = await get(`/scim2/Users/${ids.userId}`);
    expect(user.userName).toBe(`DEFAULT/${QUICK_START.user.userName}`);
    expect(user.name).toEqual({ givenName: 'Kim', familyName: 'Henry' });
  });

  it('the expected export describes what was built, without the unrelated app and API', async () => {
    const expected = expectedQuickStartExport('pharmacy');
    const apps = await get('/api/server/v1/applications');
    expect(apps.applications.map((a: { name: string }) => a.name).sort()).toEqual([QUICK_START.app.name, QUICK_START.unrelated.app].sort());
    expect(expected.applications.map((a) => a.name)).toEqual([QUICK_START.app.name]);
    const oidc = await get(`/api/server/v1/applications/${ids.appId}/inbound-protocols/oidc`);
    expect(expected.applications[0]).toMatchObject({
      accessTokenType: oidc.accessToken.type,
      audience: oidc.idToken.audience,
      publicClient: oidc.publicClient,
      grantTypes: oidc.grantTypes,
      accessTokenLifetimeSeconds: oidc.accessToken.applicationAccessTokenExpiryInSeconds,
      userAccessTokenLifetimeSeconds: oidc.accessToken.userAccessTokenExpiryInSeconds,
      accessTokenAttributes: oidc.accessToken.accessTokenAttributes,
      refreshTokenLifetimeSeconds: oidc.refreshToken.expiryInSeconds,
      pkce: oidc.pkce,
    });
  });
});
