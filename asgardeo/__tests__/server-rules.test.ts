import { applyAsgardeo, destroyAsgardeo, planAsgardeo, planHasChanges, renderPlan, requestClientToken, ReconcileError } from '..';
import { startLocalAsgardeo } from '../../sandbox/asgardeo';
import { PAGE_SIZE } from '../api';
import { oidcPutBody } from '../resources/application-profiles';
import { exampleConfig, exampleOutputs, fastTransport, startHarness, IDENTIFIER, type Harness } from './helpers';

/**
 * The reconciler under the server's rules (asgardeo-contract.md, "Corrections and additions"), each
 * against the local Asgardeo, which follows them: hidden secrets, the OIDC full replace, paging capped at 30.
 */

jest.setTimeout(60000);

const SCIM = 'application/scim+json';

describe('reconciler under the corrected server rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const appIdOf = async (name: string) =>
    (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent(`name eq ${name}`)}`)).body.applications[0].id as string;
  /** The admin token of these console-style calls holds SYSTEM, so it sees the secret. */
  const oidcOf = async (id: string) => (await h.call('GET', `/api/server/v1/applications/${id}/inbound-protocols/oidc`)).body;
  const tokenRequestScopes = () =>
    h.la.requests
      .entries()
      .filter((e) => e.path.endsWith('/oauth2/token'))
      .map((e) => String((e.requestBody as { scope?: string }).scope ?? ''));

  it('plan and apply never ask for internal_application_mgt_client_secret_view; only reading a secret (token) does', async () => {
    h.la.requests.clear();
    await applyAsgardeo(h.options());
    const applyScopes = tokenRequestScopes();
    expect(applyScopes.length).toBeGreaterThan(0);
    for (const s of applyScopes) expect(s.split(' ')).not.toContain('internal_application_mgt_client_secret_view');

    h.la.requests.clear();
    await requestClientToken({ config: h.config, credentials: h.la.admin, client: 'pharmacy-reader', transport: fastTransport() });
    expect(tokenRequestScopes()[0]!.split(' ').sort()).toEqual([
      'internal_application_mgt_client_secret_view',
      'internal_application_mgt_view',
    ]);
  });

  it(
    'OIDC update: a console-set accessTokenAttributes list survives an apply ' +
      'that changes another OIDC field; the secret is unchanged and never sent',
    async () => {
      await applyAsgardeo(h.options());
      const id = await appIdOf('pharmacy-reader');
      const before = await oidcOf(id);
      // Console edits: claims in the access token (not managed by tollgate) and a shorter lifetime (managed).
      const edited = {
        ...before,
        accessToken: { ...before.accessToken, accessTokenAttributes: ['email', 'given_name'], applicationAccessTokenExpiryInSeconds: 60 },
      };
      expect((await h.call('PUT', `/api/server/v1/applications/${id}/inbound-protocols/oidc`, edited)).status).toBe(200);

      const plan = await planAsgardeo(h.options());
      expect(plan.changes.find((c) => c.name === 'pharmacy-reader')!.fields.map((f) => f.field)).toEqual([
        'oidc.accessToken.applicationAccessTokenExpiryInSeconds',
      ]);
      h.la.requests.clear();
      await applyAsgardeo(h.options());
      const puts = h.la.requests.entries().filter((e) => e.method === 'PUT' && e.path.endsWith('/inbound-protocols/oidc'));
      expect(puts).toHaveLength(1);
      const sent = puts[0]!.requestBody as Record<string, unknown>;
      expect(sent).not.toHaveProperty('clientSecret');
      expect(sent).not.toHaveProperty('clientSecretExpiresAt');
      expect(sent).not.toHaveProperty('multipleClientSecretsConfigured');
      expect(sent.clientId).toBe(before.clientId);

      const after = await oidcOf(id);
      expect(after.accessToken.accessTokenAttributes).toEqual(['email', 'given_name']);
      expect(after.accessToken.applicationAccessTokenExpiryInSeconds).toBe(3600);
      expect(after.clientSecret).toBe(before.clientSecret);
      // The unchanged secret still works.
      const token = await requestClientToken({
        config: h.config,
        credentials: h.la.admin,
        client: 'pharmacy-reader',
        transport: fastTransport(),
      });
      expect(token.scope).toBe('get_pharmacy_user');
    },
  );

  it('enableJwtScopeAsArray: drift to true on a client is shown in the plan and reverted by apply', async () => {
    await applyAsgardeo(h.options());
    const id = await appIdOf('pharmacy-admin');
    const created = await oidcOf(id);
    expect(created.accessToken.enableJwtScopeAsArray).toBe(false);
    const drifted = { ...created, accessToken: { ...created.accessToken, enableJwtScopeAsArray: true } };
    expect((await h.call('PUT', `/api/server/v1/applications/${id}/inbound-protocols/oidc`, drifted)).status).toBe(200);

    const plan = await planAsgardeo(h.options());
    const change = plan.changes.find((c) => c.name === 'pharmacy-admin')!;
    expect(change.fields).toEqual([{ field: 'oidc.accessToken.enableJwtScopeAsArray', before: true, after: false }]);
    expect(renderPlan(plan, 'text')).toContain('oidc.accessToken.enableJwtScopeAsArray: true -> false');
    await applyAsgardeo(h.options());
    expect((await oidcOf(id)).accessToken.enableJwtScopeAsArray).toBe(false);
    expect(planHasChanges(await planAsgardeo(h.options()))).toBe(false);
  });

  it(
    'paging: with 35 other applications, 35 same-named application roles and 35 ' +
      'other API resources, every list is followed to the end in pages of at most 30',
    async () => {
      for (let i = 0; i < 35; i++) {
        const app = await h.call('POST', '/api/server/v1/applications', {
          name: `other-app-${i}`,
          templateId: 'm2m-application',
          inboundProtocolConfiguration: { oidc: { grantTypes: ['client_credentials'] } },
        });
        expect(app.status).toBe(201);
        const appId = await appIdOf(`other-app-${i}`);
        // Same name as the example's organization role, one per application audience: the role filter matches all 36.
        const role = await h.call(
          'POST',
          '/scim2/v2/Roles',
          {
            schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
            displayName: 'pharmacist',
            audience: { type: 'application', value: appId },
          },
          SCIM,
        );
        expect(role.status).toBe(201);
        expect(
          (
            await h.call('POST', '/api/server/v1/api-resources', {
              name: `Other API ${i}`,
              identifier: `https://other-${i}.example`,
              requiresAuthorization: true,
              scopes: [],
            })
          ).status,
        ).toBe(201);
      }
      // Ours come after the 35 others in every list (created last).
      const first = await applyAsgardeo(h.options());
      expect(first.plan.changes.map((c) => `${c.action} ${c.type} ${c.name}`)).toEqual([
        `create api-resource ${IDENTIFIER}`,
        'create application pharmacy-admin',
        'create application pharmacy-reader',
        'create role pharmacist',
      ]);

      // Rerun: the organization role is the 36th "pharmacist" (page 2): found, so no write.
      h.la.requests.clear();
      const second = await applyAsgardeo(h.options());
      expect(planHasChanges(second.plan)).toBe(false);
      expect(h.la.requests.writes()).toBe(0);
      const roleReads = h.la.requests.entries().filter((e) => e.method === 'GET' && e.path.endsWith('/scim2/v2/Roles'));
      expect(roleReads.map((e) => new URLSearchParams(e.query).get('startIndex'))).toEqual(['1', '31']);

      // Prune: the owned application no longer configured sits beyond the first 30 of 37 applications.
      const pruned = await applyAsgardeo(
        h.options({ prune: true, config: { ...h.config, clients: h.config.clients.filter((c) => c.name !== 'pharmacy-admin') } }),
      );
      expect(pruned.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.type} ${c.name}`)).toEqual([
        'application pharmacy-admin',
      ]);

      // Destroy finds the API resource (36th) and the application through the paged lists.
      h.la.requests.clear();
      const destroyed = await destroyAsgardeo(h.options());
      expect(
        destroyed.plan.changes
          .filter((c) => c.action === 'delete')
          .map((c) => `${c.type} ${c.name}`)
          .sort(),
      ).toEqual([`api-resource ${IDENTIFIER}`, 'application pharmacy-reader', 'role pharmacist'].sort());
      const lists = h.la.requests.entries().filter((e) => e.method === 'GET' && /\/(applications|api-resources|Roles|Users)$/.test(e.path));
      const pageSizes = lists.map((e) => Number(new URLSearchParams(e.query).get('limit') ?? new URLSearchParams(e.query).get('count')));
      expect(pageSizes.every((n) => n > 0 && n <= PAGE_SIZE)).toBe(true);
      expect(lists.filter((e) => e.path.endsWith('/applications') && new URLSearchParams(e.query).get('offset') === '30')).toHaveLength(1);
      expect(lists.filter((e) => e.path.endsWith('/api-resources') && new URLSearchParams(e.query).get('after'))).not.toHaveLength(0);
      const left = (await h.call('GET', '/api/server/v1/applications?limit=30&offset=30')).body.applications.map(
        (a: { name: string }) => a.name,
      );
      expect(left).not.toContain('pharmacy-reader');
    },
  );
});

describe('an organization that emits array scopes (enableJwtScopeAsArray at organization level)', () => {
  it(
    'the token command (and the smoke test, which uses it) refuses the token, ' + 'saying what the authorizer will do and how to fix it',
    async () => {
      const la = await startLocalAsgardeo({ organization: 'pharmacy', enableJwtScopeAsArray: true });
      try {
        const config = exampleConfig(la.baseUrl);
        const options = { config, outputs: exampleOutputs(config), credentials: la.admin, transport: fastTransport(), env: {} };
        await applyAsgardeo(options);
        const err = await requestClientToken({
          config,
          credentials: la.admin,
          client: 'pharmacy-reader',
          transport: fastTransport(),
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ReconcileError);
        const e = err as ReconcileError;
        expect(e.message.split('\n')[0]).toBe(
          'the access token of client "pharmacy-reader" carries "scope" as a ' +
            'JSON array (["get_pharmacy_user"]), not a space-separated string: ' +
            "Asgardeo's enableJwtScopeAsArray is on. API Gateway's JWT authorizer would not find the route's scopes in it, " +
            'so every route that needs a scope would answer 403 (the local gateway does exactly that)',
        );
        expect(e.hint).toContain('switch off accessToken.enableJwtScopeAsArray for organization "pharmacy"');
        expect(e.message + e.hint).not.toMatch(/eyJ/); // no token in the message
      } finally {
        await la.stop();
      }
    },
  );
});

describe('oidcPutBody', () => {
  it(
    'keeps every field read (accessTokenAttributes, refresh token, PKCE), changes ' +
      'the managed ones, and drops the secret fields even when they were read',
    () => {
      const read = {
        clientId: 'cid',
        clientSecret: 'read-by-someone-with-secret-view',
        clientSecretExpiresAt: 0,
        multipleClientSecretsConfigured: false,
        state: 'ACTIVE',
        grantTypes: ['client_credentials'],
        publicClient: false,
        pkce: { mandatory: false },
        refreshToken: { expiryInSeconds: 86400 },
        accessToken: {
          type: 'Default',
          applicationAccessTokenExpiryInSeconds: 60,
          accessTokenAttributes: ['email'],
          enableJwtScopeAsArray: true,
          bindingType: 'None',
        },
        idToken: { audience: [], expiryInSeconds: 3600 },
      };
      const desired = {
        grantTypes: ['client_credentials'],
        callbackURLs: [],
        publicClient: false,
        accessToken: { type: 'JWT' as const, applicationAccessTokenExpiryInSeconds: 3600, enableJwtScopeAsArray: false as const },
        idToken: { audience: ['aud'] },
      };
      expect(oidcPutBody(read, desired)).toEqual({
        clientId: 'cid',
        grantTypes: ['client_credentials'],
        callbackURLs: [],
        publicClient: false,
        pkce: { mandatory: false },
        refreshToken: { expiryInSeconds: 86400 },
        accessToken: {
          type: 'JWT',
          applicationAccessTokenExpiryInSeconds: 3600,
          accessTokenAttributes: ['email'],
          enableJwtScopeAsArray: false,
          bindingType: 'None',
        },
        idToken: { audience: ['aud'], expiryInSeconds: 3600 },
      });
    },
  );
});
