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
      const decision = await authorizer.authorize({ authorization: await issuer.sign({ aud: AUDIENCE }, { kid: `nope-${i}`, key: issuer.strangerKey }) }, []);
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
