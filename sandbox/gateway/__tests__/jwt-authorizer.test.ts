import { SignJWT } from 'jose';
import { JwtAuthorizer } from '../jwt-authorizer';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.stop());

const AUDIENCE = 'https://api.example/dev';
const settings = () => ({ issuer: issuer.issuer, audiences: [AUDIENCE], identityHeaders: ['authorization'] });

describe('signing keys', () => {
  test('a key published after the keys were cached is picked up when a token names its kid', async () => {
    const authorizer = new JwtAuthorizer(settings(), () => undefined, 0);
    const before = await authorizer.authorize({ authorization: await issuer.sign({ aud: AUDIENCE, scope: 's' }) }, ['s']);
    expect(before.allowed).toBe(true);
    const fetches = issuer.jwksFetches();
    const rotated = await issuer.rotate();
    const token = await issuer.sign({ aud: AUDIENCE, scope: 's' }, { kid: rotated.kid, key: rotated.key });
    expect(await authorizer.authorize({ authorization: `Bearer ${token}` }, ['s'])).toMatchObject({ allowed: true });
    expect(issuer.jwksFetches()).toBe(fetches + 1);
    // Known keys are served from the cache.
    await authorizer.authorize({ authorization: `Bearer ${token}` }, ['s']);
    expect(issuer.jwksFetches()).toBe(fetches + 1);
  });

  test('unknown kids refetch the JWKS at most once per cool-down', async () => {
    const authorizer = new JwtAuthorizer(settings(), () => undefined, 60_000);
    await authorizer.authorize({ authorization: await issuer.sign({ aud: AUDIENCE }) }, []);
    const fetches = issuer.jwksFetches();
    for (let i = 0; i < 5; i++) {
      const decision = await authorizer.authorize(
        { authorization: await issuer.sign({ aud: AUDIENCE }, { kid: `nope-${i}`, key: issuer.strangerKey }) },
        [],
      );
      expect(decision).toMatchObject({ allowed: false, status: 401 });
    }
    expect(issuer.jwksFetches() - fetches).toBeLessThanOrEqual(1);
  });
});

describe('identity sources', () => {
  test('every identity source header must be present; the first carries the token', async () => {
    const authorizer = new JwtAuthorizer({ ...settings(), identityHeaders: ['authorization', 'x-tenant'] }, () => undefined);
    const token = await issuer.sign({ aud: AUDIENCE });
    expect(await authorizer.authorize({ authorization: token }, [])).toMatchObject({ allowed: false, status: 401 });
    expect(await authorizer.authorize({ authorization: token, 'x-tenant': 'pharmacy' }, [])).toMatchObject({ allowed: true, scopes: null });
  });
});

describe('algorithms', () => {
  test('RS256, RS384 and RS512 are accepted (the RSA family AWS accepts); HS256 and ES256 are not', async () => {
    const authorizer = new JwtAuthorizer(settings(), () => undefined, 0);
    for (const alg of ['RS384', 'RS512'] as const) {
      const { kid, key } = await issuer.rotate(alg);
      const token = await issuer.sign({ aud: AUDIENCE, scope: 's' }, { kid, key, alg });
      expect({ alg, decision: await authorizer.authorize({ authorization: token }, ['s']) }).toMatchObject({
        alg,
        decision: { allowed: true },
      });
    }
    const hmac = await new SignJWT({ iss: issuer.issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    const refused = await authorizer.authorize({ authorization: hmac }, []);
    expect(refused).toMatchObject({ allowed: false, status: 401 });
    expect(refused.allowed === false && refused.wwwAuthenticate).toMatch(/only RSA algorithms \(RS256, RS384, RS512\)/);
    const ec = await authorizer.authorize(
      { authorization: await issuer.sign({ aud: AUDIENCE }, { key: issuer.ecKey, alg: 'ES256', kid: 'ec-1' }) },
      [],
    );
    expect(ec).toMatchObject({ allowed: false, status: 401 });
  });
});

describe('what the integration sees', () => {
  test(
    'scopes: null on a route without authorization scopes, even when the token has scopes; ' + 'the token scopes on a scoped route',
    async () => {
      const authorizer = new JwtAuthorizer(settings(), () => undefined);
      const token = await issuer.sign({ aud: AUDIENCE, scope: 'get_pharmacy_user openid' });
      expect(await authorizer.authorize({ authorization: token }, [])).toMatchObject({ allowed: true, scopes: null });
      expect(await authorizer.authorize({ authorization: token }, ['get_pharmacy_user'])).toMatchObject({
        allowed: true,
        scopes: ['get_pharmacy_user', 'openid'],
      });
    },
  );

  test('claims become strings; null claims are left out', async () => {
    const authorizer = new JwtAuthorizer(settings(), () => undefined);
    const token = await issuer.sign({
      aud: AUDIENCE,
      given_name: 'Kim',
      middle_name: null,
      email_verified: true,
      age: 42,
      groups: ['a', 'b'],
      address: { country: 'LK' },
    });
    const decision = await authorizer.authorize({ authorization: token }, []);
    expect(decision.allowed).toBe(true);
    const claims = decision.allowed ? decision.claims : {};
    expect(claims).not.toHaveProperty('middle_name');
    expect(claims).toMatchObject({
      given_name: 'Kim',
      email_verified: 'true',
      age: '42',
      groups: '[a b]',
      address: '{"country":"LK"}',
      aud: AUDIENCE,
    });
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
  });

  test('a JSON-array scope claim (Asgardeo enableJwtScopeAsArray) is not read as scopes: scoped routes answer 403', async () => {
    const authorizer = new JwtAuthorizer(settings(), () => undefined);
    const token = await issuer.sign({ aud: AUDIENCE, scope: ['get_pharmacy_user'] });
    expect(await authorizer.authorize({ authorization: token }, ['get_pharmacy_user'])).toMatchObject({ allowed: false, status: 403 });
    expect(await authorizer.authorize({ authorization: token }, [])).toMatchObject({ allowed: true, scopes: null });
  });
});
