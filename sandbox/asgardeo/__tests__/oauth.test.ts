import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { LocalAsgardeo } from '../index';
import { m2mApp, startTestServer, type TestClient } from './helpers';

describe('local Asgardeo: OAuth 2.0 / OIDC', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;
  let apiId: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
    const api = await client.createApiResource(admin, {
      name: 'Pharmacy User API',
      identifier: 'https://api.example.com/dev',
      scopes: [{ name: 'get_pharmacy_user' }, { name: 'create_pharmacy_user' }],
    });
    apiId = api.id;
  });
  afterAll(() => server.stop());

  async function appWithScopes(
    name: string,
    scopes: string[],
    oidc: Record<string, unknown> = {},
  ): Promise<{ id: string; clientId: string; clientSecret: string }> {
    const id = await client.createApp(admin, m2mApp(name, oidc));
    const authorize = await client.request('POST', `/api/server/v1/applications/${id}/authorized-apis`, {
      token: admin,
      body: { id: apiId, policyIdentifier: 'RBAC', scopes },
    });
    expect(authorize.status).toBe(200);
    const config = await client.oidc(admin, id);
    return { id, clientId: config.clientId, clientSecret: config.clientSecret };
  }

  it('serves the discovery document under the issuer and a JWKS with the signing key', async () => {
    const discovery = await client.request('GET', '/oauth2/token/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.body.issuer).toBe(`${server.baseUrl}/t/pharmacy/oauth2/token`);
    expect(discovery.body.issuer).toBe(server.issuer);
    expect(discovery.body.token_endpoint).toBe(`${server.baseUrl}/t/pharmacy/oauth2/token`);
    expect(discovery.body.jwks_uri).toBe(`${server.baseUrl}/t/pharmacy/oauth2/jwks`);
    const jwks = await client.request('GET', '/oauth2/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('issues RS256 JWTs with iss, aud (client id first), azp, client_id, sub, aut and only the authorized scopes', async () => {
    const app = await appWithScopes('reader', ['get_pharmacy_user'], { idToken: { audience: ['pharmacy-api'] } });
    const reply = await client.token(app.clientId, app.clientSecret, 'get_pharmacy_user create_pharmacy_user openid internal_login');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'get_pharmacy_user' });

    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/t/pharmacy/oauth2/jwks`));
    const { payload, protectedHeader } = await jwtVerify(reply.body.access_token, jwks, {
      issuer: server.issuer,
      audience: 'pharmacy-api',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload.aud).toEqual([app.clientId, 'pharmacy-api']);
    expect(payload.azp).toBe(app.clientId);
    expect(payload.client_id).toBe(app.clientId);
    // A client-credentials token names the application: sub is its client id, aut APPLICATION (a user's is APPLICATION_USER).
    expect(payload.sub).toBe(app.clientId);
    expect(payload.aut).toBe('APPLICATION');
    expect(payload.scope).toBe('get_pharmacy_user');
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(typeof payload.jti).toBe('string');
  });

  it('puts a single audience as a string and honours the app token lifetime; form-body client auth works', async () => {
    const app = await appWithScopes('writer', ['create_pharmacy_user'], {
      accessToken: { type: 'JWT', applicationAccessTokenExpiryInSeconds: 600 },
    });
    const reply = await client.token(app.clientId, app.clientSecret, 'create_pharmacy_user', 'form');
    expect(reply.status).toBe(200);
    expect(reply.body.expires_in).toBe(600);
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/t/pharmacy/oauth2/jwks`));
    const { payload } = await jwtVerify(reply.body.access_token, jwks, { issuer: server.issuer });
    expect(payload.aud).toBe(app.clientId);
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('issues opaque tokens when the access token type is Default (the default)', async () => {
    const id = await client.createApp(admin, {
      name: 'opaque',
      inboundProtocolConfiguration: { oidc: { grantTypes: ['client_credentials'] } },
    });
    const config = await client.oidc(admin, id);
    expect(config.accessToken.type).toBe('Default');
    const reply = await client.token(config.clientId, config.clientSecret, 'get_pharmacy_user');
    expect(reply.status).toBe(200);
    expect(reply.body.access_token.split('.')).toHaveLength(1);
    expect(reply.body.scope).toBe('');
    expect(() => decodeProtectedHeader(reply.body.access_token)).toThrow();
  });

  it('answers 401 invalid_client to a wrong secret, unknown client or missing credentials', async () => {
    const app = await appWithScopes('badsecret', []);
    for (const reply of [
      await client.token(app.clientId, 'wrong', ''),
      await client.token('nobody', 'x', ''),
      await client.request('POST', '/oauth2/token', {
        body: 'grant_type=client_credentials',
        contentType: 'application/x-www-form-urlencoded',
      }),
      await client.token(server.admin.clientId, 'wrong', 'SYSTEM'),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error).toBe('invalid_client');
      expect(reply.text).not.toContain(app.clientSecret);
    }
  });

  it(
    'answers 400 unsupported_grant_type for an unknown grant, invalid_request for a missing grant or a JSON body, ' +
      'unauthorized_client for a grant the client may not use',
    async () => {
      const basic = `Basic ${Buffer.from(`${server.admin.clientId}:${server.admin.clientSecret}`).toString('base64')}`;
      const password = await client.request('POST', '/oauth2/token', {
        body: 'grant_type=password&username=a&password=b',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization: basic },
      });
      expect(password.status).toBe(400);
      expect(password.body.error).toBe('unauthorized_client');
      const unknown = await client.request('POST', '/oauth2/token', {
        body: 'grant_type=magic',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization: basic },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('unsupported_grant_type');
      const missing = await client.request('POST', '/oauth2/token', {
        body: 'scope=x',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization: basic },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      const asJson = await client.request('POST', '/oauth2/token', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic },
      });
      expect(asJson.status).toBe(400);
      expect(asJson.body.error).toBe('invalid_request');

      const id = await client.createApp(admin, {
        name: 'webapp',
        inboundProtocolConfiguration: { oidc: { grantTypes: ['authorization_code'], callbackURLs: ['https://app.example.com/cb'] } },
      });
      const config = await client.oidc(admin, id);
      const denied = await client.token(config.clientId, config.clientSecret, '');
      expect(denied.status).toBe(400);
      expect(denied.body.error).toBe('unauthorized_client');
    },
  );

  it('gives management clients only the internal scopes they hold; SYSTEM expands to all of them', async () => {
    server.addManagementClient({ clientId: 'viewer', clientSecret: 'viewer-secret', scopes: ['internal_application_mgt_view'] });
    const reply = await client.token('viewer', 'viewer-secret', 'internal_application_mgt_view internal_application_mgt_create');
    expect(reply.body.scope).toBe('internal_application_mgt_view');
    const system = await client.token('viewer', 'viewer-secret', 'SYSTEM');
    expect(system.body.scope).toBe('internal_application_mgt_view');
    const all = await client.token(server.admin.clientId, server.admin.clientSecret, 'SYSTEM');
    expect(all.body.scope.split(' ')).toEqual(
      expect.arrayContaining([
        'internal_api_resource_create',
        'internal_application_business_api_update',
        'internal_role_mgt_delete',
        'internal_user_mgt_list',
      ]),
    );
    // the sandbox admin may read and create client secrets
    expect(all.body.scope.split(' ')).toEqual(
      expect.arrayContaining(['internal_application_mgt_client_secret_view', 'internal_application_mgt_client_secret_create']),
    );
  });

  it('stops accepting an application secret once the application is deleted or the secret regenerated', async () => {
    const app = await appWithScopes('short-lived', ['get_pharmacy_user']);
    const regenerated = await client.request('POST', `/api/server/v1/applications/${app.id}/inbound-protocols/oidc/regenerate-secret`, {
      token: admin,
    });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.clientSecret).not.toBe(app.clientSecret);
    expect((await client.token(app.clientId, app.clientSecret, '')).status).toBe(401);
    expect((await client.token(app.clientId, regenerated.body.clientSecret, 'get_pharmacy_user')).status).toBe(200);
    expect((await client.request('DELETE', `/api/server/v1/applications/${app.id}`, { token: admin })).status).toBe(204);
    expect((await client.token(app.clientId, regenerated.body.clientSecret, '')).status).toBe(401);
  });

  it(
    "signs with a kid in the server's format (base64url of a hex SHA-256 thumbprint + _RS256); " + 'the JWKS key carries x5t#S256',
    async () => {
      const jwks = (await client.request('GET', '/oauth2/jwks')).body.keys[0];
      expect(jwks.kid).toMatch(/^[A-Za-z0-9_-]+_RS256$/);
      const thumbprintHex = Buffer.from(jwks.kid.replace(/_RS256$/, ''), 'base64url').toString('utf8');
      expect(thumbprintHex).toMatch(/^[0-9a-f]{64}$/);
      expect(Buffer.from(jwks['x5t#S256'], 'base64url').toString('hex')).toBe(thumbprintHex);
      const app = await appWithScopes('kid-check', ['get_pharmacy_user']);
      const token = (await client.token(app.clientId, app.clientSecret, 'get_pharmacy_user')).body.access_token as string;
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: jwks.kid, typ: 'at+jwt' });
    },
  );

  it('enableJwtScopeAsArray on the app turns the scope claim into a JSON array (the token response keeps a string)', async () => {
    const app = await appWithScopes('array-scopes', ['get_pharmacy_user', 'create_pharmacy_user'], {
      accessToken: { type: 'JWT', enableJwtScopeAsArray: true },
    });
    const reply = await client.token(app.clientId, app.clientSecret, 'get_pharmacy_user create_pharmacy_user');
    expect(reply.body.scope).toBe('get_pharmacy_user create_pharmacy_user');
    const { payload } = await jwtVerify(reply.body.access_token, createRemoteJWKSet(new URL(`${server.baseUrl}/t/pharmacy/oauth2/jwks`)), {
      issuer: server.issuer,
    });
    expect(payload.scope).toEqual(['get_pharmacy_user', 'create_pharmacy_user']);
    const plain = await appWithScopes('string-scopes', ['get_pharmacy_user']);
    const plainToken = (await client.token(plain.clientId, plain.clientSecret, 'get_pharmacy_user')).body.access_token as string;
    expect(decodeJwt(plainToken).scope).toBe('get_pharmacy_user');
    const bad = await client.request('POST', '/api/server/v1/applications', {
      token: admin,
      body: m2mApp('bad-array-flag', { accessToken: { type: 'JWT', enableJwtScopeAsArray: 'yes' } }),
    });
    expect(bad.status).toBe(400);
  });

  it('answers 404 for another organization', async () => {
    const response = await fetch(`${server.baseUrl}/t/other/oauth2/jwks`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { description: string }).description).toContain("'other'");
  });
});

describe('local Asgardeo: the organization option enableJwtScopeAsArray', () => {
  it('turns every JWT scope claim into an array', async () => {
    const { server, client } = await startTestServer({ enableJwtScopeAsArray: true });
    try {
      const admin = await client.adminToken();
      const api = await client.createApiResource(admin, { name: 'Array API', identifier: 'urn:array', scopes: [{ name: 'array:read' }] });
      const id = await client.createApp(admin, m2mApp('org-array'));
      await client.request('POST', `/api/server/v1/applications/${id}/authorized-apis`, {
        token: admin,
        body: { id: api.id, policyIdentifier: 'RBAC', scopes: ['array:read'] },
      });
      const config = await client.oidc(admin, id);
      const reply = await client.token(config.clientId, config.clientSecret, 'array:read');
      expect(decodeJwt(reply.body.access_token).scope).toEqual(['array:read']);
    } finally {
      await server.stop();
    }
  });
});
