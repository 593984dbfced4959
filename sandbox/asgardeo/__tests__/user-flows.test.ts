import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { LocalAsgardeo } from '../index';
import { startTestServer, type Reply, type TestClient } from './helpers';

/** Users signing in (asgardeo-user-flows.md): login page, app-native flow, PKCE, grants, role-based scopes, claims, logout, CORS. */

const SPA_ORIGIN = 'http://localhost:5173';
const SPA_CALLBACK = `${SPA_ORIGIN}/callback`;
const WEB_CALLBACK = 'https://web.example.com/oauth/callback';
const KIM = { userName: 'kim@gmail.com', password: 'Kim#Pharmacy1' };
const LEE = { userName: 'lee@gmail.com', password: 'Lee#Pharmacy1' };
const FORM = 'application/x-www-form-urlencoded';

interface App {
  id: string;
  clientId: string;
  clientSecret: string;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('local Asgardeo: users signing in', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;
  let now = Date.parse('2026-12-01T10:00:00Z');
  let apiId: string;
  let kimId: string;
  let leeId: string;
  let orgRoleId: string;
  let spa: App;
  let web: App;

  beforeAll(async () => {
    ({ server, client } = await startTestServer({ clock: () => now }));
    admin = await client.adminToken();
    apiId = (
      await client.createApiResource(admin, {
        name: 'Pharmacy User API',
        identifier: 'https://api.example.com/dev',
        scopes: [{ name: 'get_pharmacy_user' }, { name: 'create_pharmacy_user' }],
      })
    ).id;
    kimId = await createUser(KIM, 'Kim', 'Henry');
    leeId = await createUser(LEE, 'Lee', 'Perera');
    const role = await client.request('POST', '/scim2/v2/Roles', {
      token: admin,
      contentType: 'application/scim+json',
      body: { displayName: 'PharmacyUser', users: [{ value: kimId }], permissions: [{ value: 'get_pharmacy_user' }] },
    });
    expect(role.status).toBe(201);
    orgRoleId = role.body.id;
    spa = await createApp('pharmacy-spa', {
      grantTypes: ['authorization_code', 'refresh_token'],
      callbackURLs: [SPA_CALLBACK],
      allowedOrigins: [SPA_ORIGIN],
      publicClient: true,
      pkce: { mandatory: true, supportPlainTransformAlgorithm: false },
      accessToken: { type: 'JWT', accessTokenAttributes: ['given_name', 'email'], revokeTokensWhenIDPSessionTerminated: true },
      idToken: { audience: ['https://api.example.com/dev'] },
    });
    web = await createApp('pharmacy-web', {
      grantTypes: ['authorization_code', 'password'],
      callbackURLs: [`regexp=(${WEB_CALLBACK.replace(/\./g, '\\.')}|https://web\\.example\\.com/other)`],
      publicClient: false,
      accessToken: { type: 'JWT', accessTokenAttributes: ['given_name', 'family_name', 'username'] },
      idToken: { audience: ['https://api.example.com/dev'] },
    });
  });
  afterAll(() => server.stop());

  async function createUser(u: { userName: string; password: string }, givenName: string, familyName: string): Promise<string> {
    const reply = await client.request('POST', '/scim2/Users', {
      token: admin,
      contentType: 'application/scim+json',
      body: { userName: u.userName, password: u.password, name: { givenName, familyName }, emails: [{ value: u.userName, primary: true }] },
    });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  }

  async function createApp(name: string, oidc: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<App> {
    const id = await client.createApp(admin, {
      name,
      advancedConfigurations: { enableAPIBasedAuthentication: true },
      inboundProtocolConfiguration: { oidc },
      ...extra,
    });
    const authorized = await client.request('POST', `/api/server/v1/applications/${id}/authorized-apis`, {
      token: admin,
      body: { id: apiId, policyIdentifier: 'RBAC', scopes: ['get_pharmacy_user', 'create_pharmacy_user'] },
    });
    expect(authorized.status).toBe(200);
    const config = await client.oidc(admin, id);
    return { id, clientId: config.clientId, clientSecret: config.clientSecret };
  }

  const basic = (app: App): string => `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;

  async function raw(
    method: string,
    path: string,
    o: { body?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.contentType) headers['content-type'] = o.contentType;
    const response = await fetch(client.url(path), { method, headers, body: o.body, redirect: 'manual' });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  function authorizeQuery(params: Record<string, string | undefined>): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
    return `/oauth2/authorize?${query.toString()}`;
  }

  const sessionDataKeyOf = (page: string): string => /<input type="hidden" name="sessionDataKey" value="([^"]+)">/.exec(page)![1]!;

  /** The browser flow: GET the login page, post the form; returns the redirect back to the app. */
  async function browserSignIn(
    app: App,
    o: {
      user: { userName: string; password: string };
      scope: string;
      redirectUri?: string;
      state?: string;
      pkce?: { challenge: string; method?: string };
    },
  ): Promise<URL> {
    const query = authorizeQuery({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: o.redirectUri ?? SPA_CALLBACK,
      scope: o.scope,
      state: o.state ?? 'st-1',
      code_challenge: o.pkce?.challenge,
      code_challenge_method: o.pkce ? (o.pkce.method ?? 'S256') : undefined,
    });
    const page = await raw('GET', query);
    expect(page.status).toBe(200);
    const posted = await raw('POST', query, {
      contentType: FORM,
      body: new URLSearchParams({
        username: o.user.userName,
        password: o.user.password,
        sessionDataKey: sessionDataKeyOf(page.text),
      }).toString(),
    });
    expect(posted.status).toBe(302);
    return new URL(posted.headers.get('location')!);
  }

  async function redeem(
    app: App,
    code: string,
    o: { verifier?: string; redirectUri?: string; confidential?: boolean } = {},
  ): Promise<Reply> {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: o.redirectUri ?? SPA_CALLBACK });
    if (o.verifier) form.set('code_verifier', o.verifier);
    if (!o.confidential) form.set('client_id', app.clientId);
    return client.request('POST', '/oauth2/token', {
      body: form.toString(),
      contentType: FORM,
      headers: o.confidential ? { authorization: basic(app) } : {},
    });
  }

  const jwks = (): ReturnType<typeof createRemoteJWKSet> => createRemoteJWKSet(new URL(`${server.baseUrl}/t/pharmacy/oauth2/jwks`));

  describe('the login page (browser flow) and authorization code + PKCE', () => {
    it('GET /authorize answers the login page with the agreed markup', async () => {
      const { challenge } = pkcePair();
      const page = await raw(
        'GET',
        authorizeQuery({
          client_id: spa.clientId,
          response_type: 'code',
          redirect_uri: SPA_CALLBACK,
          scope: 'openid',
          state: 'x',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('<form id="login-form" method="post">');
      expect(page.text).toContain('<input id="username" name="username">');
      expect(page.text).toContain('<input id="password" name="password" type="password">');
      expect(page.text).toContain('<button id="sign-in" type="submit">');
      expect(sessionDataKeyOf(page.text)).toMatch(/^[0-9a-f-]{36}$/);
      expect(page.text).not.toContain('login-error');
      // prompt=none cannot show the page: login_required back at the app
      const silent = await raw(
        'GET',
        authorizeQuery({
          client_id: spa.clientId,
          response_type: 'code',
          redirect_uri: SPA_CALLBACK,
          scope: 'openid',
          state: 'x',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          prompt: 'none',
        }),
      );
      expect(silent.status).toBe(302);
      expect(Object.fromEntries(new URL(silent.headers.get('location')!).searchParams)).toEqual({
        error: 'login_required',
        error_description: 'Authentication required',
        state: 'x',
      });
    });

    it(
      'signs Kim in: 302 to redirect_uri with code, state and session_state; ' +
        'the code redeems (PKCE S256) for a JWT with her claims and the scope her role grants',
      async () => {
        const { verifier, challenge } = pkcePair();
        const back = await browserSignIn(spa, {
          user: KIM,
          scope: 'openid get_pharmacy_user create_pharmacy_user',
          state: 'state-kim',
          pkce: { challenge },
        });
        expect(`${back.origin}${back.pathname}`).toBe(SPA_CALLBACK);
        expect(back.searchParams.get('state')).toBe('state-kim');
        expect(back.searchParams.get('session_state')).toMatch(/^[0-9a-f]{64}\.[0-9a-f]+$/);
        const code = back.searchParams.get('code')!;
        expect(code).toBeTruthy();

        const token = await redeem(spa, code, { verifier });
        expect(token.status).toBe(200);
        // create_pharmacy_user is silently dropped: no role of Kim's grants it
        expect(token.body.scope.split(' ').sort()).toEqual(['get_pharmacy_user', 'openid']);
        expect(token.body).toMatchObject({
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: expect.any(String),
          id_token: expect.any(String),
        });
        const { payload, protectedHeader } = await jwtVerify(token.body.access_token, jwks(), {
          issuer: server.issuer,
          audience: 'https://api.example.com/dev',
        });
        expect(protectedHeader.typ).toBe('at+jwt');
        expect(payload).toMatchObject({
          sub: kimId,
          aut: 'APPLICATION_USER',
          azp: spa.clientId,
          client_id: spa.clientId,
          aud: [spa.clientId, 'https://api.example.com/dev'],
          given_name: 'Kim',
          email: 'kim@gmail.com',
        });
        expect(payload.family_name).toBeUndefined(); // not in accessTokenAttributes
        const id = await jwtVerify(token.body.id_token, jwks(), { issuer: server.issuer, audience: spa.clientId });
        expect(id.payload).toMatchObject({ sub: kimId, azp: spa.clientId, sid: expect.any(String) });
      },
    );

    it('bad credentials re-render the page with #login-error and the same sessionDataKey; no redirect', async () => {
      const { challenge } = pkcePair();
      const query = authorizeQuery({
        client_id: spa.clientId,
        response_type: 'code',
        redirect_uri: SPA_CALLBACK,
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const key = sessionDataKeyOf((await raw('GET', query)).text);
      for (const attempt of [
        { username: KIM.userName, password: 'wrong' },
        { username: 'nobody@gmail.com', password: KIM.password },
        { username: '', password: '' },
      ]) {
        const again = await raw('POST', query, {
          contentType: FORM,
          body: new URLSearchParams({ ...attempt, sessionDataKey: key }).toString(),
        });
        expect(again.status).toBe(200);
        expect(again.text).toMatch(/<p id="login-error"[^>]*>Login failed! Please recheck the username and password and try again.<\/p>/);
        expect(sessionDataKeyOf(again.text)).toBe(key);
        expect(again.text).not.toContain('wrong');
      }
      // the flow is still usable with the right password
      const ok = await raw('POST', query, {
        contentType: FORM,
        body: new URLSearchParams({ username: KIM.userName, password: KIM.password, sessionDataKey: key }).toString(),
      });
      expect(ok.status).toBe(302);
      const reused = await raw('POST', query, {
        contentType: FORM,
        body: new URLSearchParams({ username: KIM.userName, password: KIM.password, sessionDataKey: key }).toString(),
      });
      expect(reused.status).toBe(400);
    });

    it('a redirect_uri that is not a registered callback gets the error page, never a redirect', async () => {
      const { challenge } = pkcePair();
      const reply = await raw(
        'GET',
        authorizeQuery({
          client_id: spa.clientId,
          response_type: 'code',
          redirect_uri: 'https://evil.example.com/cb',
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      expect(reply.status).toBe(400);
      expect(reply.headers.get('location')).toBeNull();
      expect(reply.text).toContain('Registered callback does not match with the provided url.');
      const unknownClient = await raw('GET', authorizeQuery({ client_id: 'nope', response_type: 'code', redirect_uri: SPA_CALLBACK }));
      expect(unknownClient.status).toBe(400);
      expect(unknownClient.text).toContain('invalid_client');
      // a regexp= callback matches the whole URI only
      const web1 = await raw(
        'GET',
        authorizeQuery({ client_id: web.clientId, response_type: 'code', redirect_uri: 'https://web.example.com/other', scope: 'openid' }),
      );
      expect(web1.status).toBe(200);
      const web2 = await raw(
        'GET',
        authorizeQuery({
          client_id: web.clientId,
          response_type: 'code',
          redirect_uri: 'https://web.example.com/other/x',
          scope: 'openid',
        }),
      );
      expect(web2.status).toBe(400);
    });

    it(
      'PKCE: mandatory challenge, plain refused unless supportPlainTransformAlgorithm, ' + 'wrong or missing verifier fails at /token',
      async () => {
        const missing = await raw(
          'GET',
          authorizeQuery({ client_id: spa.clientId, response_type: 'code', redirect_uri: SPA_CALLBACK, scope: 'openid', state: 's' }),
        );
        expect(missing.status).toBe(302);
        const missingBack = new URL(missing.headers.get('location')!);
        expect(missingBack.searchParams.get('error')).toBe('invalid_request');
        expect(missingBack.searchParams.get('error_description')).toBe(
          'PKCE is mandatory for this application. PKCE Challenge is not provided or is not upto RFC 7636 specification.',
        );
        expect(missingBack.searchParams.get('state')).toBe('s');

        const { verifier } = pkcePair();
        const plain = await raw(
          'GET',
          authorizeQuery({
            client_id: spa.clientId,
            response_type: 'code',
            redirect_uri: SPA_CALLBACK,
            scope: 'openid',
            code_challenge: verifier,
            code_challenge_method: 'plain',
          }),
        );
        expect(new URL(plain.headers.get('location')!).searchParams.get('error_description')).toBe(
          'This application does not support "plain" transformation algorithm.',
        );
        const bogus = await raw(
          'GET',
          authorizeQuery({
            client_id: spa.clientId,
            response_type: 'code',
            redirect_uri: SPA_CALLBACK,
            scope: 'openid',
            code_challenge: verifier,
            code_challenge_method: 'S512',
          }),
        );
        expect(new URL(bogus.headers.get('location')!).searchParams.get('error_description')).toBe('Unsupported PKCE Challenge Method');

        const plainApp = await createApp('plain-pkce', {
          grantTypes: ['authorization_code'],
          callbackURLs: [SPA_CALLBACK],
          publicClient: true,
          pkce: { mandatory: true, supportPlainTransformAlgorithm: true },
          accessToken: { type: 'JWT' },
        });
        const plainBack = await browserSignIn(plainApp, { user: KIM, scope: 'openid', pkce: { challenge: verifier, method: 'plain' } });
        expect((await redeem(plainApp, plainBack.searchParams.get('code')!, { verifier })).status).toBe(200);

        const pair = pkcePair();
        const back = await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } });
        const wrong = await redeem(spa, back.searchParams.get('code')!, { verifier: pkcePair().verifier });
        expect(wrong.status).toBe(400);
        expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'PKCE validation failed' });
        const back2 = await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } });
        const none = await redeem(spa, back2.searchParams.get('code')!);
        expect(none.body.error).toBe('invalid_grant');
      },
    );

    it('codes are single use (a replay also revokes the refresh token), expire after 300 s, and need the same redirect_uri', async () => {
      const pair = pkcePair();
      const code = (
        await browserSignIn(spa, { user: KIM, scope: 'openid get_pharmacy_user', pkce: { challenge: pair.challenge } })
      ).searchParams.get('code')!;
      const first = await redeem(spa, code, { verifier: pair.verifier });
      expect(first.status).toBe(200);
      const replay = await redeem(spa, code, { verifier: pair.verifier });
      expect(replay.body.error).toBe('invalid_grant');
      const refreshed = await client.request('POST', '/oauth2/token', {
        contentType: FORM,
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: first.body.refresh_token,
          client_id: spa.clientId,
        }).toString(),
      });
      expect(refreshed.body.error).toBe('invalid_grant');

      const late = (await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } })).searchParams.get(
        'code',
      )!;
      now += 301_000;
      const expired = await redeem(spa, late, { verifier: pair.verifier });
      expect(expired.body.error).toBe('invalid_grant');

      const other = (await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } })).searchParams.get(
        'code',
      )!;
      const mismatch = await redeem(spa, other, { verifier: pair.verifier, redirectUri: `${SPA_CALLBACK}/x` });
      expect(mismatch.body.error).toBe('invalid_grant');
    });
  });

  describe('which scopes a user token gets', () => {
    it('a user whose roles grant nothing still gets a token, without the API scopes (silently dropped)', async () => {
      const pair = pkcePair();
      const code = (
        await browserSignIn(spa, { user: LEE, scope: 'openid get_pharmacy_user', pkce: { challenge: pair.challenge } })
      ).searchParams.get('code')!;
      const token = await redeem(spa, code, { verifier: pair.verifier });
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('openid');
      expect(decodeJwt(token.body.access_token)).toMatchObject({ sub: leeId, scope: 'openid', given_name: 'Lee' });
    });

    it('a scope the app is not authorized for is dropped even when the role grants it', async () => {
      const narrow = await client.createApp(admin, {
        name: 'narrow-web',
        inboundProtocolConfiguration: { oidc: { grantTypes: ['password'], accessToken: { type: 'JWT' } } },
      });
      const config = await client.oidc(admin, narrow);
      const app = { id: narrow, clientId: config.clientId, clientSecret: config.clientSecret };
      const token = await client.request('POST', '/oauth2/token', {
        contentType: FORM,
        headers: { authorization: basic(app) },
        body: new URLSearchParams({
          grant_type: 'password',
          username: KIM.userName,
          password: KIM.password,
          scope: 'get_pharmacy_user',
        }).toString(),
      });
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('');
    });

    it('allowedAudience APPLICATION: only roles whose audience is the app count; ORGANIZATION: only organization roles', async () => {
      const appAudience = await createApp(
        'app-audience',
        { grantTypes: ['password'], accessToken: { type: 'JWT' } },
        { associatedRoles: { allowedAudience: 'APPLICATION', roles: [] } },
      );
      const password = (app: App, user: { userName: string; password: string }): Promise<Reply> =>
        client.request('POST', '/oauth2/token', {
          contentType: FORM,
          headers: { authorization: basic(app) },
          body: new URLSearchParams({
            grant_type: 'password',
            username: user.userName,
            password: user.password,
            scope: 'get_pharmacy_user create_pharmacy_user',
          }).toString(),
        });
      // Kim's organization role does not count for an APPLICATION-audience app
      expect((await password(appAudience, KIM)).body.scope).toBe('');
      const appRole = await client.request('POST', '/scim2/v2/Roles', {
        token: admin,
        contentType: 'application/scim+json',
        body: {
          displayName: 'creator',
          audience: { type: 'application', value: appAudience.id },
          users: [{ value: leeId }],
          permissions: [{ value: 'create_pharmacy_user' }],
        },
      });
      expect(appRole.status).toBe(201);
      expect((await password(appAudience, LEE)).body.scope).toBe('create_pharmacy_user');
      // and the application role does not count for an ORGANIZATION-audience app (web)
      expect((await password(web, LEE)).body.scope).toBe('');
      expect((await password(web, KIM)).body.scope).toBe('get_pharmacy_user');
    });
  });

  describe('grants', () => {
    it('password grant: Basic client auth, user name = e-mail; the user claims in the JWT; wrong password is invalid_grant', async () => {
      const ok = await client.request('POST', '/oauth2/token', {
        contentType: FORM,
        headers: { authorization: basic(web) },
        body: new URLSearchParams({
          grant_type: 'password',
          username: KIM.userName,
          password: KIM.password,
          scope: 'openid get_pharmacy_user',
        }).toString(),
      });
      expect(ok.status).toBe(200);
      expect(ok.body.refresh_token).toBeUndefined(); // web has no refresh_token grant
      expect(decodeJwt(ok.body.access_token)).toMatchObject({
        sub: kimId,
        aut: 'APPLICATION_USER',
        given_name: 'Kim',
        family_name: 'Henry',
        username: 'kim@gmail.com',
        scope: 'openid get_pharmacy_user',
      });
      const bad = await client.request('POST', '/oauth2/token', {
        contentType: FORM,
        headers: { authorization: basic(web) },
        body: new URLSearchParams({ grant_type: 'password', username: KIM.userName, password: 'nope', scope: 'openid' }).toString(),
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_grant');
      expect(bad.text).not.toContain('nope');
    });

    it(
      'a grant the app does not allow is unauthorized_client, at /token and at /authorize; ' +
        'a public client cannot use the password grant',
      async () => {
        const refresh = await client.request('POST', '/oauth2/token', {
          contentType: FORM,
          headers: { authorization: basic(web) },
          body: 'grant_type=refresh_token&refresh_token=x',
        });
        expect(refresh.body.error).toBe('unauthorized_client');
        const spaPassword = await client.request('POST', '/oauth2/token', {
          contentType: FORM,
          body: new URLSearchParams({
            grant_type: 'password',
            username: KIM.userName,
            password: KIM.password,
            client_id: spa.clientId,
          }).toString(),
        });
        expect(spaPassword.body.error).toBe('unauthorized_client');
        const m2m = await createApp('m2m-only', {
          grantTypes: ['client_credentials'],
          callbackURLs: [SPA_CALLBACK],
          accessToken: { type: 'JWT' },
        });
        const authorize = await raw(
          'GET',
          authorizeQuery({ client_id: m2m.clientId, response_type: 'code', redirect_uri: SPA_CALLBACK, state: 'q' }),
        );
        expect(authorize.status).toBe(302);
        const back = new URL(authorize.headers.get('location')!);
        expect(back.searchParams.get('error')).toBe('unauthorized_client');
        // a public client without client_id at all, or a confidential client without its secret
        expect(
          (
            await client.request('POST', '/oauth2/token', {
              contentType: FORM,
              body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: web.clientId }).toString(),
            })
          ).status,
        ).toBe(401);
      },
    );

    it(
      'refresh_token: a new access token and a new refresh token (the old one stops working); ' +
        'a role taken away takes its scope with it',
      async () => {
        const pair = pkcePair();
        const code = (
          await browserSignIn(spa, { user: KIM, scope: 'openid get_pharmacy_user', pkce: { challenge: pair.challenge } })
        ).searchParams.get('code')!;
        const first = (await redeem(spa, code, { verifier: pair.verifier })).body;
        const refresh = (token: string): Promise<Reply> =>
          client.request('POST', '/oauth2/token', {
            contentType: FORM,
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: spa.clientId }).toString(),
          });
        const second = await refresh(first.refresh_token);
        expect(second.status).toBe(200);
        expect(second.body.refresh_token).not.toBe(first.refresh_token);
        expect(decodeJwt(second.body.access_token)).toMatchObject({ sub: kimId, scope: 'openid get_pharmacy_user', given_name: 'Kim' });
        expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
        const patch = {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'remove', path: `users[value eq ${kimId}]` }],
        };
        expect(
          (
            await client.request('PATCH', `/scim2/v2/Roles/${orgRoleId}`, {
              token: admin,
              contentType: 'application/scim+json',
              body: patch,
            })
          ).status,
        ).toBe(200);
        const third = await refresh(second.body.refresh_token);
        expect(third.body.scope).toBe('openid');
        const restore = {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'users', value: [{ value: kimId }] }],
        };
        expect(
          (
            await client.request('PATCH', `/scim2/v2/Roles/${orgRoleId}`, {
              token: admin,
              contentType: 'application/scim+json',
              body: restore,
            })
          ).status,
        ).toBe(200);
      },
    );
  });

  describe('app-native sign-in (response_mode=direct + /oauth2/authn)', () => {
    async function start(app: App, o: { challenge?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
      const form = new URLSearchParams({
        client_id: app.clientId,
        response_type: 'code',
        redirect_uri: SPA_CALLBACK,
        scope: 'openid get_pharmacy_user',
        state: 'native',
        response_mode: 'direct',
      });
      if (o.challenge) {
        form.set('code_challenge', o.challenge);
        form.set('code_challenge_method', 'S256');
      }
      return client.request('POST', '/oauth2/authorize', {
        contentType: FORM,
        body: form.toString(),
        headers: { accept: 'application/json', ...(o.headers ?? {}) },
      });
    }
    const authn = (flowId: string, username: string, password: string): Promise<Reply> =>
      client.request('POST', '/oauth2/authn', {
        body: { flowId, selectedAuthenticator: { authenticatorId: 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM', params: { username, password } } },
      });

    it('starts a flow, refuses a wrong password with msg_invalid_un_pw, then completes with a code that redeems', async () => {
      const pair = pkcePair();
      const started = await start(spa, { challenge: pair.challenge });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({
        flowId: expect.any(String),
        flowStatus: 'INCOMPLETE',
        flowType: 'AUTHENTICATION',
        nextStep: {
          stepType: 'AUTHENTICATOR_PROMPT',
          authenticators: [
            {
              authenticatorId: 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM',
              authenticator: 'Username & Password',
              idp: 'LOCAL',
              requiredParams: ['username', 'password'],
            },
          ],
        },
        links: [{ name: 'authentication', href: `${server.baseUrl}/t/pharmacy/oauth2/authn`, method: 'POST' }],
      });
      const bad = await authn(started.body.flowId, KIM.userName, 'wrong');
      expect(bad.status).toBe(200);
      expect(bad.body.flowStatus).toBe('FAIL_INCOMPLETE');
      expect(bad.body.nextStep.messages).toEqual([expect.objectContaining({ type: 'ERROR', messageId: 'msg_invalid_un_pw' })]);
      const ok = await authn(started.body.flowId, KIM.userName, KIM.password);
      expect(ok.body).toMatchObject({
        flowStatus: 'SUCCESS_COMPLETED',
        authData: { code: expect.any(String), state: 'native', session_state: expect.any(String) },
      });
      const token = await redeem(spa, ok.body.authData.code, { verifier: pair.verifier });
      expect(token.status).toBe(200);
      expect(decodeJwt(token.body.access_token)).toMatchObject({ sub: kimId, scope: 'openid get_pharmacy_user' });
      expect((await authn(started.body.flowId, KIM.userName, KIM.password)).status).toBe(400);
    });

    it('needs enableAPIBasedAuthentication; a confidential client authenticates with Basic; PKCE rules apply', async () => {
      const off = await client.createApp(admin, {
        name: 'no-native',
        inboundProtocolConfiguration: {
          oidc: { grantTypes: ['authorization_code'], callbackURLs: [SPA_CALLBACK], publicClient: true, accessToken: { type: 'JWT' } },
        },
      });
      const offConfig = await client.oidc(admin, off);
      const refused = await start({ id: off, clientId: offConfig.clientId, clientSecret: offConfig.clientSecret });
      expect(refused.status).toBe(400);
      expect(refused.body.error_description).toContain('enableAPIBasedAuthentication');
      const confidential = await createApp('native-web', {
        grantTypes: ['authorization_code'],
        callbackURLs: [SPA_CALLBACK],
        accessToken: { type: 'JWT' },
      });
      expect((await start(confidential)).status).toBe(401);
      expect((await start(confidential, { headers: { authorization: basic(confidential) } })).status).toBe(200);
      const noPkce = await start(spa);
      expect(noPkce.status).toBe(400);
      expect(noPkce.body).toEqual({
        error: 'invalid_request',
        error_description: 'PKCE is mandatory for this application. PKCE Challenge is not provided or is not upto RFC 7636 specification.',
      });
      const unknownFlow = await authn('no-such-flow', KIM.userName, KIM.password);
      expect(unknownFlow.status).toBe(400);
    });
  });

  describe('/oauth2/userinfo and /oauth2/revoke', () => {
    it('userinfo answers the claims of the openid scopes of a user token; revoke ends a refresh token', async () => {
      const pair = pkcePair();
      const code = (
        await browserSignIn(spa, { user: KIM, scope: 'openid profile email', pkce: { challenge: pair.challenge } })
      ).searchParams.get('code')!;
      const tokens = (await redeem(spa, code, { verifier: pair.verifier })).body;
      const info = await client.request('GET', '/oauth2/userinfo', { token: tokens.access_token });
      expect(info.status).toBe(200);
      expect(info.body).toEqual({
        sub: kimId,
        given_name: 'Kim',
        family_name: 'Henry',
        name: 'Kim Henry',
        username: 'kim@gmail.com',
        updated_at: expect.any(String),
        email: 'kim@gmail.com',
      });
      expect((await client.request('GET', '/oauth2/userinfo', { token: 'nope' })).status).toBe(401);
      const clientToken = (await client.token(server.admin.clientId, server.admin.clientSecret, 'SYSTEM')).body.access_token as string;
      expect((await client.request('GET', '/oauth2/userinfo', { token: clientToken })).status).toBe(403);
      const revoked = await client.request('POST', '/oauth2/revoke', {
        contentType: FORM,
        body: new URLSearchParams({ token: tokens.refresh_token, client_id: spa.clientId }).toString(),
      });
      expect(revoked.status).toBe(200);
      const refresh = await client.request('POST', '/oauth2/token', {
        contentType: FORM,
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: spa.clientId }).toString(),
      });
      expect(refresh.body.error).toBe('invalid_grant');
    });
  });

  describe('/oidc/logout', () => {
    it(
      'ends the session (revoking its tokens when the app asks for it) ' +
        'and returns to a registered post_logout_redirect_uri with state',
      async () => {
        const pair = pkcePair();
        const code = (await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } })).searchParams.get(
          'code',
        )!;
        const tokens = (await redeem(spa, code, { verifier: pair.verifier })).body;
        const unregistered = await raw(
          'GET',
          `/oidc/logout?${new URLSearchParams({
            id_token_hint: tokens.id_token,
            post_logout_redirect_uri: 'https://evil.example.com/',
            state: 'bye',
          })}`,
        );
        expect(unregistered.status).toBe(400);
        const out = await raw(
          'GET',
          `/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SPA_CALLBACK, state: 'bye' })}`,
        );
        expect(out.status).toBe(302);
        expect(out.headers.get('location')).toBe(`${SPA_CALLBACK}?state=bye`);
        const refresh = await client.request('POST', '/oauth2/token', {
          contentType: FORM,
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            client_id: spa.clientId,
          }).toString(),
        });
        expect(refresh.body.error).toBe('invalid_grant');
        const plain = await raw('GET', '/oidc/logout');
        expect(plain.status).toBe(200);
        expect(plain.text).toContain('logged out');
        expect((await raw('GET', `/oidc/logout?id_token_hint=not-a-token`)).status).toBe(400);
      },
    );
  });

  describe('CORS on the token endpoint', () => {
    it("answers preflight and token requests from an app's allowedOrigins, and 403 to other origins", async () => {
      const preflight = await raw('OPTIONS', '/oauth2/token', {
        headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
      const pair = pkcePair();
      const code = (await browserSignIn(spa, { user: KIM, scope: 'openid', pkce: { challenge: pair.challenge } })).searchParams.get(
        'code',
      )!;
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: SPA_CALLBACK,
        code_verifier: pair.verifier,
        client_id: spa.clientId,
      }).toString();
      const token = await raw('POST', '/oauth2/token', { contentType: FORM, body: form, headers: { origin: SPA_ORIGIN } });
      expect(token.status).toBe(200);
      expect(token.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      const error = await raw('POST', '/oauth2/token', { contentType: FORM, body: form, headers: { origin: SPA_ORIGIN } });
      expect(error.status).toBe(400);
      expect(error.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      const foreign = await raw('OPTIONS', '/oauth2/token', {
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      expect(
        (await raw('POST', '/oauth2/token', { contentType: FORM, body: form, headers: { origin: 'https://evil.example.com' } })).status,
      ).toBe(403);
    });
  });

  it('keeps passwords, codes, verifiers and tokens out of the request log', () => {
    const logged = JSON.stringify(server.requests.entries());
    for (const secret of [KIM.password, LEE.password]) expect(logged).not.toContain(secret);
    for (const entry of server.requests.entries()) {
      const body = entry.requestBody as Record<string, unknown> | undefined;
      if (body && typeof body === 'object')
        for (const key of ['code', 'code_verifier', 'refresh_token', 'password']) if (key in body) expect(body[key]).toBe('[REDACTED]');
      expect(entry.query).not.toMatch(/id_token_hint=ey/);
    }
    expect(server.requests.writes()).toBe(
      server.requests.entries().filter((e) => !/\/(oauth2|oidc)\//.test(e.path) && e.method !== 'GET').length,
    );
  });
});
