import { decodeJwt } from 'jose';
import type { ResolvedConfig } from '../../config';
import { applyAsgardeo, requestUserToken, SignInError } from '..';
import { Session } from '../session';
import { appNativeCode, pkcePair, redeemCode, signInClientFor } from '../user-sign-in';
import { errorText } from '../../errors';
import { rejectedText, startHarness, webAppFrom, withSignInApps, type Harness } from './helpers';

jest.setTimeout(30000);

const KIM = 'Kim-Passw0rd!abc';
const LEE = 'Lee-Passw0rd!abc';

function people(config: ResolvedConfig): ResolvedConfig {
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
        password: { kind: 'env', variable: 'KIM_PW' },
      },
      {
        userName: 'lee@example.com',
        email: 'lee@example.com',
        givenName: 'Lee',
        familyName: 'Silva',
        roles: [],
        password: { kind: 'env', variable: 'LEE_PW' },
      },
    ],
  };
}

describe('app-native sign-in of configured users (tollgate token --user, the smoke test)', () => {
  let h: Harness;
  let config: ResolvedConfig;
  const sign = (userName: string, password: string, extra: Partial<Parameters<typeof requestUserToken>[0]> = {}) =>
    requestUserToken({ config, credentials: h.la.admin, userName, password, transport: h.options().transport, ...extra });

  beforeEach(async () => {
    h = await startHarness();
    config = people(withSignInApps(h.config));
    await applyAsgardeo(h.options({ config, env: { KIM_PW: KIM, LEE_PW: LEE } }));
  });
  afterEach(async () => {
    await h.stop();
  });

  it("Kim gets a JWT with her role's scope and her given name; Lee signs in but her token lacks the scope", async () => {
    const kim = await sign('kim@gmail.com', KIM);
    expect(kim.application).toBe('pharmacy-demo');
    expect(kim.scope.split(' ')).toContain('get_pharmacy_user');
    const claims = decodeJwt(kim.accessToken);
    expect(claims.given_name).toBe('Kim');
    expect(claims.aut).toBe('APPLICATION_USER');
    const lee = await sign('lee@example.com', LEE);
    expect(lee.scope.split(' ')).not.toContain('get_pharmacy_user');
    expect(decodeJwt(lee.accessToken).given_name).toBe('Lee');
  });

  it("a wrong password: the server's msg_invalid_un_pw, the password nowhere in the message, and what to check", async () => {
    const err = await sign('kim@gmail.com', 'Wrong-Passw0rd!').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect(errorText(err)).toContain('Invalid username or password (msg_invalid_un_pw)');
    expect(errorText(err)).toContain('fromEnv');
    expect(errorText(err)).not.toContain('Wrong-Passw0rd!');
  });

  it('a PKCE verifier that does not match the challenge: "PKCE validation failed" and what it means', async () => {
    const session = new Session(config, h.la.admin, h.options().transport);
    const client = await signInClientFor(session, config.applications[0]);
    const { challenge } = pkcePair();
    const code = await appNativeCode(
      session.http,
      client,
      { userName: 'kim@gmail.com', password: KIM, scopes: ['get_pharmacy_user'] },
      challenge,
    );
    const err = await redeemCode(session.http, client, code, pkcePair().verifier).catch((e: unknown) => e);
    expect(errorText(err)).toContain('invalid_grant (PKCE validation failed)');
    expect(errorText(err)).toContain('code_verifier must be the one whose S256 hash was sent');
  });

  it("a redirect URI the app has not registered: the server's callback error and the config field to fix", async () => {
    const session = new Session(config, h.la.admin, h.options().transport);
    const client = { ...(await signInClientFor(session, config.applications[0])), redirectUri: 'http://localhost:9999/elsewhere' };
    const err = await appNativeCode(
      session.http,
      client,
      { userName: 'kim@gmail.com', password: KIM, scopes: [] },
      pkcePair().challenge,
    ).catch((e: unknown) => e);
    expect(errorText(err)).toContain('Registered callback does not match');
    expect(errorText(err)).toContain('add it to "callbackUrls" of "pharmacy-demo"');
  });

  it('a grant the app does not allow (authorization_code removed in the console): unauthorized_client and what to change', async () => {
    const list = (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-demo')}`)).body
      .applications;
    const path = `/api/server/v1/applications/${list[0].id}/inbound-protocols/oidc`;
    const { clientSecret: _s, state: _st, ...oidc } = (await h.call('GET', path)).body;
    expect((await h.call('PUT', path, { ...oidc, grantTypes: ['refresh_token'] })).status).toBeLessThan(300);
    const err = await sign('kim@gmail.com', KIM).catch((e: unknown) => e);
    expect(errorText(err)).toContain('unauthorized_client');
    expect(errorText(err)).toContain('check "grantTypes" of "pharmacy-demo"');
  });

  it("app-native login switched off on the server: the server's message and the config key to set", async () => {
    const list = (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-demo')}`)).body
      .applications;
    await h.call('PATCH', `/api/server/v1/applications/${list[0].id}`, { advancedConfigurations: { enableAPIBasedAuthentication: false } });
    const err = await sign('kim@gmail.com', KIM).catch((e: unknown) => e);
    expect(errorText(err)).toContain('App-native authentication is not enabled');
    expect(errorText(err)).toContain('set `appNativeAuthentication: true`');
  });

  it('an unknown user, or no app-native application in the configuration: refused before any request', async () => {
    h.la.requests.clear();
    expect(await rejectedText(sign('nobody@example.com', 'x'))).toMatch(
      /unknown user "nobody@example.com".*\n.*use one of: kim@gmail.com, lee@example.com/,
    );
    const off = { ...config, applications: config.applications.map((a) => ({ ...a, appNativeAuthentication: false })) };
    await expect(sign('kim@gmail.com', KIM, { config: off })).rejects.toThrow(
      /no application in environment dev allows app-native sign-in/,
    );
    expect(h.la.requests.entries()).toHaveLength(0);
  });

  it(
    'a web app (confidential: its secret read through the management API, ' + 'Basic auth at /authorize and /token) signs Kim in too',
    async () => {
      const [spa] = config.applications;
      const web = webAppFrom(spa!, ['authorization_code', 'refresh_token', 'password']);
      const both: ResolvedConfig = { ...config, applications: [spa!, web] };
      await applyAsgardeo(h.options({ config: both, env: {} }));
      const kim = await sign('kim@gmail.com', KIM, { config: both, application: 'pharmacy-portal' });
      expect(kim.application).toBe('pharmacy-portal');
      expect(kim.scope.split(' ')).toContain('get_pharmacy_user');
      const authorize = h.la.requests
        .entries()
        .filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/authorize'))
        .at(-1)!;
      expect(authorize.status).toBe(200);
    },
  );
});
