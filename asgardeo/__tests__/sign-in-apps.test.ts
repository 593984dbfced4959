import type { ResolvedConfig } from '../../config';
import { applyAsgardeo, destroyAsgardeo, planAsgardeo, planHasChanges, renderPlan, requestUserToken } from '..';
import { TEMPLATE_IDS } from '../resources/application-profiles';
import { IDENTIFIER, startHarness, webAppFrom, withSignInApps, type Harness } from './helpers';

jest.setTimeout(30000);

const KIM_PASSWORD = 'Generated-Aa1!xyzXYZ123';

/** The example with its seed users and the PharmacyUser role (the harness drops them for the other tests). */
function withUsers(config: ResolvedConfig, password: 'env' | 'generated' = 'env'): ResolvedConfig {
  return {
    ...config,
    roles: [
      ...config.roles,
      { name: 'PharmacyUser', audience: { type: 'organization' }, scopes: ['get_pharmacy_user'], users: ['kim@gmail.com'] },
    ],
    users: [
      {
        userName: 'kim@gmail.com',
        email: 'kim@gmail.com',
        givenName: 'Kim',
        familyName: 'Henry',
        roles: ['PharmacyUser'],
        password: { kind: password, variable: 'KIM_PW' },
      },
    ],
  };
}

async function appNamed(h: Harness, name: string) {
  const list = (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent(`name eq ${name}`)}`)).body.applications as {
    id: string;
  }[];
  if (!list.length) return undefined;
  const id = list[0].id;
  return {
    id,
    model: (await h.call('GET', `/api/server/v1/applications/${id}`)).body,
    oidc: (await h.call('GET', `/api/server/v1/applications/${id}/inbound-protocols/oidc`)).body,
  };
}

describe('user-facing applications (kind sign-in-application) against the local Asgardeo', () => {
  let h: Harness;
  let config: ResolvedConfig;
  beforeEach(async () => {
    h = await startHarness();
    config = withSignInApps(h.config);
  });
  afterEach(async () => {
    await h.stop();
  });

  it(
    'creates the SPA with the SPA template, PKCE, JWT tokens, ' + 'attributes, claims and app-native login; a rerun writes nothing',
    async () => {
      const plan = await planAsgardeo(h.options({ config }));
      const create = plan.changes.find((c) => c.type === 'sign-in-application' && c.name === 'pharmacy-demo')!;
      expect(create.action).toBe('create');
      expect(create.fields.find((f) => f.field === 'templateId')?.after).toBe(TEMPLATE_IDS.spa);

      await applyAsgardeo(h.options({ config }));
      const app = (await appNamed(h, 'pharmacy-demo'))!;
      expect(app.model.templateId).toBe(TEMPLATE_IDS.spa);
      expect(app.model.description).toContain('[tollgate:pharmacy-user-api-dev]');
      expect(app.model.advancedConfigurations).toEqual({ enableAPIBasedAuthentication: true });
      expect(app.model.associatedRoles.allowedAudience).toBe('ORGANIZATION');
      expect(app.model.claimConfiguration.requestedClaims.map((c: { claim: { uri: string } }) => c.claim.uri).sort()).toEqual([
        'http://wso2.org/claims/emailaddress',
        'http://wso2.org/claims/givenname',
      ]);
      expect(app.oidc.publicClient).toBe(true);
      expect(app.oidc.pkce).toEqual({ mandatory: true, supportPlainTransformAlgorithm: false });
      expect(app.oidc.grantTypes.sort()).toEqual(['authorization_code', 'refresh_token']);
      expect(app.oidc.callbackURLs).toEqual(['http://localhost:4190/']);
      expect(app.oidc.allowedOrigins).toEqual(['http://localhost:4190']);
      expect(app.oidc.accessToken.type).toBe('JWT');
      expect(app.oidc.accessToken.accessTokenAttributes.sort()).toEqual(['email', 'given_name']);
      expect(app.oidc.idToken.audience).toEqual([IDENTIFIER]);
      const authorized = (await h.call('GET', `/api/server/v1/applications/${app.id}/authorized-apis`)).body as {
        authorizedScopes: { name: string }[];
      }[];
      expect(authorized[0].authorizedScopes.map((s) => s.name)).toEqual(['get_pharmacy_user']);

      h.la.requests.clear();
      const again = await applyAsgardeo(h.options({ config }));
      expect(planHasChanges(again.plan)).toBe(false);
      expect(h.la.requests.writes()).toBe(0);
    },
  );

  it(
    'puts back attributes a console edit cleared (the PUT always carries accessTokenAttributes) ' + 'and app-native login turned off',
    async () => {
      await applyAsgardeo(h.options({ config }));
      const app = (await appNamed(h, 'pharmacy-demo'))!;
      const { clientSecret: _s, state: _st, ...oidc } = app.oidc;
      // A PUT whose accessToken lacks the list clears it, as the real server does.
      await h.call('PUT', `/api/server/v1/applications/${app.id}/inbound-protocols/oidc`, { ...oidc, accessToken: { type: 'JWT' } });
      await h.call('PATCH', `/api/server/v1/applications/${app.id}`, { advancedConfigurations: { enableAPIBasedAuthentication: false } });
      const plan = await planAsgardeo(h.options({ config }));
      const change = plan.changes.find((c) => c.type === 'sign-in-application')!;
      expect(change.action).toBe('update');
      expect(change.fields.map((f) => f.field)).toEqual(
        expect.arrayContaining(['oidc.accessToken.accessTokenAttributes', 'advancedConfigurations.enableAPIBasedAuthentication']),
      );
      h.la.requests.clear();
      await applyAsgardeo(h.options({ config }));
      const put = h.la.requests.entries().find((e) => e.method === 'PUT' && e.path.endsWith('/inbound-protocols/oidc'))!;
      expect((put.requestBody as { accessToken: { accessTokenAttributes: string[] } }).accessToken.accessTokenAttributes.sort()).toEqual([
        'email',
        'given_name',
      ]);
      expect((await appNamed(h, 'pharmacy-demo'))!.model.advancedConfigurations.enableAPIBasedAuthentication).toBe(true);
      h.la.requests.clear();
      await applyAsgardeo(h.options({ config }));
      expect(h.la.requests.writes()).toBe(0);
    },
  );

  it('day two: a changed attribute list and origin update in place; removal needs --prune; destroy deletes it', async () => {
    await applyAsgardeo(h.options({ config }));
    const [spa] = config.applications;
    const changed: ResolvedConfig = {
      ...config,
      applications: [
        {
          ...spa,
          allowedOrigins: ['http://localhost:4190', 'http://localhost:5000'],
          accessToken: { ...spa.accessToken, attributes: ['email', 'family_name', 'given_name'] },
          requestedClaims: ['email', 'family_name', 'given_name'],
        },
      ],
    };
    const plan = await planAsgardeo(h.options({ config: changed }));
    const change = plan.changes.find((c) => c.type === 'sign-in-application')!;
    expect(change.fields.map((f) => f.field).sort()).toEqual([
      'claimConfiguration.requestedClaims',
      'oidc.accessToken.accessTokenAttributes',
      'oidc.allowedOrigins',
    ]);
    await applyAsgardeo(h.options({ config: changed }));
    const app = (await appNamed(h, 'pharmacy-demo'))!;
    expect(app.oidc.accessToken.accessTokenAttributes.sort()).toEqual(['email', 'family_name', 'given_name']);
    expect(app.model.claimConfiguration.requestedClaims.map((c: { claim: { uri: string } }) => c.claim.uri)).toContain(
      'http://wso2.org/claims/lastname',
    );

    const removed: ResolvedConfig = { ...config, applications: [] };
    const keep = await planAsgardeo(h.options({ config: removed }));
    expect(keep.changes.some((c) => c.action === 'delete')).toBe(false);
    const pruned = await applyAsgardeo(h.options({ config: removed, prune: true }));
    expect(pruned.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.type} ${c.name}`)).toEqual([
      'application pharmacy-demo',
    ]);
    expect(await appNamed(h, 'pharmacy-demo')).toBeUndefined();

    await applyAsgardeo(h.options({ config }));
    const destroyed = await destroyAsgardeo(h.options({ config }));
    expect(destroyed.plan.changes.filter((c) => c.name === 'pharmacy-demo').map((c) => `${c.action} ${c.type}`)).toEqual([
      'delete sign-in-application',
    ]);
    expect(await appNamed(h, 'pharmacy-demo')).toBeUndefined();
  });

  it('day two for a web app: enabling the password grant, a new callback and refresh lifetime update its OIDC in place', async () => {
    const [spa] = config.applications;
    const web = webAppFrom(spa!, ['authorization_code', 'refresh_token']);
    const first: ResolvedConfig = { ...config, applications: [web] };
    await applyAsgardeo(h.options({ config: first }));
    const before = (await appNamed(h, 'pharmacy-portal'))!;
    expect(before.oidc.grantTypes.sort()).toEqual(['authorization_code', 'refresh_token']);

    const changed: ResolvedConfig = {
      ...config,
      applications: [
        {
          ...web,
          grantTypes: ['authorization_code', 'refresh_token', 'password'] as const,
          callbackUrls: ['https://portal.example.com/callback', 'https://portal.example.com/signed-in'],
          refreshTokenLifetimeSeconds: 3600,
        },
      ],
    };
    const plan = await planAsgardeo(h.options({ config: changed }));
    const change = plan.changes.find((c) => c.type === 'sign-in-application' && c.name === 'pharmacy-portal')!;
    expect(change.action).toBe('update');
    expect(change.fields.map((f) => f.field).sort()).toEqual(['oidc.callbackURLs', 'oidc.grantTypes', 'oidc.refreshToken.expiryInSeconds']);

    h.la.requests.clear();
    await applyAsgardeo(h.options({ config: changed }));
    const puts = h.la.requests.entries().filter((e) => e.method === 'PUT' && e.path.endsWith('/inbound-protocols/oidc'));
    expect(puts).toHaveLength(1);
    const body = puts[0]!.requestBody as { clientSecret?: unknown; accessToken: { accessTokenAttributes: string[] } };
    // A confidential client's update keeps its secret by leaving it out, and never drops the attributes.
    expect(body.clientSecret).toBeUndefined();
    expect([...body.accessToken.accessTokenAttributes].sort()).toEqual([...web.accessToken.attributes].sort());
    const after = (await appNamed(h, 'pharmacy-portal'))!;
    expect(after.id).toBe(before.id);
    expect(after.oidc.clientId).toBe(before.oidc.clientId);
    expect(after.oidc.grantTypes.sort()).toEqual(['authorization_code', 'password', 'refresh_token']);
    expect(after.oidc.callbackURLs).toEqual(['https://portal.example.com/callback', 'https://portal.example.com/signed-in']);
    expect(after.oidc.refreshToken.expiryInSeconds).toBe(3600);

    h.la.requests.clear();
    const again = await applyAsgardeo(h.options({ config: changed }));
    expect(planHasChanges(again.plan)).toBe(false);
    expect(h.la.requests.writes()).toBe(0);
  });

  it('refuses an app of the same name it does not own (conflict in the plan), and adopts it with --adopt', async () => {
    await h.call('POST', '/api/server/v1/applications', {
      name: 'pharmacy-demo',
      templateId: TEMPLATE_IDS.spa,
      inboundProtocolConfiguration: {
        oidc: { grantTypes: ['authorization_code'], callbackURLs: ['http://localhost:4190/'], publicClient: true },
      },
    });
    const plan = await planAsgardeo(h.options({ config }));
    const change = plan.changes.find((c) => c.name === 'pharmacy-demo')!;
    expect(change.action).toBe('conflict');
    await expect(applyAsgardeo(h.options({ config }))).rejects.toThrow(/pharmacy-demo/);
    await applyAsgardeo(h.options({ config, adopt: true }));
    const app = (await appNamed(h, 'pharmacy-demo'))!;
    expect(app.model.description).toContain('[tollgate:pharmacy-user-api-dev]');
    expect(app.oidc.accessToken.type).toBe('JWT');
  });

  it('a sandbox-generated password: the plan says where it comes from (not NOT SET) and apply sets it (no invitation)', async () => {
    const people = withUsers(config, 'generated');
    const plan = await planAsgardeo(h.options({ config: people, env: { KIM_PW: KIM_PASSWORD } }));
    const text = renderPlan(plan, 'text');
    expect(text).not.toContain('NOT SET');
    expect(text).not.toContain(KIM_PASSWORD);
    expect(text).toContain('generated by the sandbox into $KIM_PW');
    await applyAsgardeo(h.options({ config: people, env: { KIM_PW: KIM_PASSWORD } }));
    const post = h.la.requests.entries().find((e) => e.method === 'POST' && e.path.endsWith('/scim2/Users'))!;
    expect(JSON.stringify(post.requestBody)).not.toContain('askPassword');
    // The password is set: Kim signs in with it through the app-native flow.
    const token = await requestUserToken({
      config: people,
      credentials: h.la.admin,
      userName: 'kim@gmail.com',
      password: KIM_PASSWORD,
      transport: h.options({ config }).transport,
    });
    expect(token.scope.split(' ')).toContain('get_pharmacy_user');
  });

  it(
    'an application role of the spa (roleAudience application): ' + 'created on the app, it grants Kim the scope; a rerun writes nothing',
    async () => {
      const own: ResolvedConfig = {
        ...withUsers(config),
        applications: config.applications.map((a) => ({ ...a, roleAudience: 'application' as const })),
        roles: [
          {
            name: 'demo-reader',
            audience: { type: 'application', client: 'pharmacy-demo' },
            scopes: ['get_pharmacy_user'],
            users: ['kim@gmail.com'],
          },
        ],
      };
      await applyAsgardeo(h.options({ config: own, env: { KIM_PW: KIM_PASSWORD } }));
      const app = (await appNamed(h, 'pharmacy-demo'))!;
      const roles = (await h.call('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq demo-reader')}`)).body.Resources;
      expect(roles[0].audience).toMatchObject({ type: expect.stringMatching(/^application$/i), value: app.id });
      const token = await requestUserToken({
        config: own,
        credentials: h.la.admin,
        userName: 'kim@gmail.com',
        password: KIM_PASSWORD,
        transport: h.options().transport,
      });
      expect(token.scope.split(' ')).toContain('get_pharmacy_user');
      h.la.requests.clear();
      await applyAsgardeo(h.options({ config: own, env: {} }));
      expect(h.la.requests.writes()).toBe(0);
    },
  );
});
