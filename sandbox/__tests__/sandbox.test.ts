import * as http from 'node:http';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { applyAsgardeo, requestClientToken } from '../../asgardeo';
import { loadConfig } from '../../config';
import { startLocalAsgardeo } from '../asgardeo';
import { startSandbox, type Sandbox } from '../local';
import { awsStepPlan, FAST_SMOKE, REPO_ROOT, routeOf, SandboxConfigs } from './support';

/*
 * The whole sandbox in-process: the deploy pipeline against a local Asgardeo, the stack synthesized
 * from a configuration file and served by the local gateway. Tokens come from the local Asgardeo
 * through the real reconciler; each negative case changes one thing a real caller could get wrong.
 */
let configs: SandboxConfigs;
let sandbox: Sandbox;
/** Everything the sandbox printed (progress, reconciler lines, smoke checks, redeploy diffs). */
let written = '';

beforeAll(async () => {
  configs = new SandboxConfigs();
  sandbox = await startSandbox({
    configFile: configs.write(),
    cwd: REPO_ROOT,
    asgardeoPort: 0,
    outdir: configs.outdir,
    write: (t) => (written += t),
    smokeOptions: FAST_SMOKE,
  });
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  configs?.remove();
});

interface Answer {
  status: number;
  body: string;
  challenge?: string;
}

/**
 * node:http rather than fetch: tests that move the clock fake `Date`, which fetch's own timers read;
 * node:http's timers are real ones.
 */
function call(method: string, authorization?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${sandbox.stageInvokeUrl}/user`,
      { method, headers: authorization ? { authorization } : {}, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, challenge: res.headers['www-authenticate'] as string | undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function tokenOf(client: string): Promise<string> {
  return (await requestClientToken({ config: sandbox.config, credentials: sandbox.asgardeo.admin, client })).accessToken;
}

function clientIdOf(client: string): string {
  const id = sandbox.result.asgardeo?.outputs?.clients?.find((c) => c.name === client)?.clientId;
  if (!id) throw new Error(`the reconciler reported no client id for ${client}`);
  return id;
}

/** Only `Date` moves: servers, sockets and timers keep real time. */
function setClock(epochMs: number): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    now: epochMs,
  });
}

afterEach(() => {
  jest.useRealTimers();
});

const UNAUTHORIZED = { status: 401, body: '{"message":"Unauthorized"}' };

describe('the pipeline the sandbox ran', () => {
  test('the local Asgardeo ran with the real 200 requests/minute limit, and the pipeline, paced, met no 429', () => {
    expect(sandbox.rateLimitPerMinute).toBe(200);
    expect(written).toMatch(
      /Local Asgardeo \(organization "pharmacy"\) at http:\/\/\S+ \(200 requests\/minute per API family, as the real service\)\n/,
    );
    const entries = sandbox.asgardeo.requests.entries();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.status === 429)).toEqual([]);
  });

  test('every smoke check passed against the stack it synthesized, trusting the local Asgardeo', () => {
    const { result } = sandbox;
    expect(result.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['preflight:done', 'aws:done', 'asgardeo:done', 'smoke:done']);
    expect(result.outputs.issuer).toBe(sandbox.asgardeo.issuer);
    expect(result.outputs.stageInvokeUrl).toBe(sandbox.stageInvokeUrl);
    const checks = result.smoke!.checks.map((c) => `${c.route} | ${c.caller} | ${c.got.split(' ')[0]}`);
    expect(checks).toEqual(
      expect.arrayContaining([
        'GET /user | no token | 401',
        'GET /user | token of pharmacy-admin (lacks get_pharmacy_user) | 403',
        'GET /user | token of pharmacy-reader (get_pharmacy_user) | 200',
      ]),
    );
    expect(result.smoke!.checks).toHaveLength(9);
    expect(result.smoke!.checks.every((c) => c.ok)).toBe(true);
  });
});

describe('the event the handler receives', () => {
  test('carries the verified claims and scopes of the caller', async () => {
    const answer = await call('GET', `Bearer ${await tokenOf('pharmacy-reader')}`);
    expect(answer.status).toBe(200);
    const event = JSON.parse(answer.body);
    expect(event.routeKey).toBe('GET /user');
    expect(event.rawPath).toBe('/dev/user');
    const clientId = clientIdOf('pharmacy-reader');
    expect(event.authorizer.jwt.claims).toMatchObject({
      client_id: clientId,
      sub: clientId,
      iss: sandbox.asgardeo.issuer,
      scope: expect.stringContaining('get_pharmacy_user'),
    });
    // The audience claim lists the API identifier the reconciler registered (the stack's output).
    expect(event.authorizer.jwt.claims.aud).toContain(sandbox.result.outputs.apiIdentifier);
    expect(event.authorizer.jwt.scopes).toContain('get_pharmacy_user');
  });
});

describe('the JWT authorizer, through the whole sandbox', () => {
  test('a token is accepted with the Bearer prefix and bare', async () => {
    const token = await tokenOf('pharmacy-reader');
    expect((await call('GET', `Bearer ${token}`)).status).toBe(200);
    expect((await call('GET', token)).status).toBe(200);
  });

  test('a forged signature is refused: a changed payload, and claims re-signed with a key Asgardeo does not publish', async () => {
    const genuine = await tokenOf('pharmacy-admin');
    const [header, , signature] = genuine.split('.');
    const claims = decodeJwt(genuine);
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: `${claims.scope} get_pharmacy_user` })).toString('base64url');
    const tampered = await call('GET', `Bearer ${header}.${widened}.${signature}`);
    expect(tampered).toMatchObject(UNAUTHORIZED);
    expect(tampered.challenge).toContain('error="invalid_token"');

    const stranger = await generateKeyPair('RS256');
    const resigned = await new SignJWT({ ...claims, scope: 'get_pharmacy_user' })
      .setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string })
      .sign(stranger.privateKey);
    expect(await call('GET', `Bearer ${resigned}`)).toMatchObject(UNAUTHORIZED);
    // The genuine token still gets its real answer: only the forgery was refused.
    expect((await call('GET', `Bearer ${genuine}`)).status).toBe(403);
  });

  test('an unknown kid is refused', async () => {
    const claims = decodeJwt(await tokenOf('pharmacy-reader'));
    const stranger = await generateKeyPair('RS256');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published-by-asgardeo', typ: 'at+jwt' })
      .sign(stranger.privateKey);
    expect(await call('GET', `Bearer ${token}`)).toMatchObject(UNAUTHORIZED);
  });

  test('a genuine token of another Asgardeo (wrong issuer) is refused, though its audience and scopes are right', async () => {
    const other = await startLocalAsgardeo({ organization: 'pharmacy' });
    try {
      const config = loadConfig({
        file: sandbox.config.file,
        env: 'dev',
        target: 'local',
        asgardeoBaseUrl: other.baseUrl,
        environment: {},
      });
      await applyAsgardeo({ config, outputs: { ...sandbox.result.outputs, issuer: other.issuer }, credentials: other.admin });
      const token = await requestClientToken({ config, credentials: other.admin, client: 'pharmacy-reader' });
      const claims = decodeJwt(token.accessToken);
      expect(claims.iss).toBe(other.issuer);
      expect(claims.aud).toContain(sandbox.result.outputs.apiIdentifier);
      expect(claims.scope).toContain('get_pharmacy_user');
      expect(await call('GET', `Bearer ${token.accessToken}`)).toMatchObject(UNAUTHORIZED);
    } finally {
      await other.stop();
    }
  });

  test('a genuine token of the trusted issuer for another audience is refused', async () => {
    // The admin's management token: signed by the local Asgardeo, valid now, audience = the admin app only.
    const { clientId, clientSecret } = sandbox.asgardeo.admin;
    const response = await fetch(`${sandbox.asgardeo.baseUrl}/t/${sandbox.asgardeo.organization}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'internal_application_mgt_view' }),
    });
    const token = ((await response.json()) as { access_token: string }).access_token;
    const claims = decodeJwt(token);
    expect(claims.iss).toBe(sandbox.asgardeo.issuer);
    expect([claims.aud].flat()).not.toContain(sandbox.result.outputs.apiIdentifier);
    expect(await call('GET', `Bearer ${token}`)).toMatchObject(UNAUTHORIZED);
  });

  test('an expired token is refused', async () => {
    const token = await tokenOf('pharmacy-reader');
    const { exp } = decodeJwt(token);
    setClock((exp! + 1) * 1000);
    const expired = await call('GET', `Bearer ${token}`);
    jest.useRealTimers();
    expect(expired).toMatchObject(UNAUTHORIZED);
    expect(expired.challenge).toContain('error="invalid_token"');
    expect((await call('GET', `Bearer ${token}`)).status).toBe(200);
  });

  test('a token that is not yet valid is refused', async () => {
    const token = await tokenOf('pharmacy-reader');
    const { nbf } = decodeJwt(token);
    expect(nbf).toBeDefined();
    setClock((nbf! - 30) * 1000);
    const early = await call('GET', `Bearer ${token}`);
    jest.useRealTimers();
    expect(early).toMatchObject(UNAUTHORIZED);
    expect((await call('GET', `Bearer ${token}`)).status).toBe(200);
  });
});

// Last: these redeploy the sandbox with other configurations.
describe('configuration changes reach the gateway through re-synthesis', () => {
  test('a changed scope changes the answer to the same token', async () => {
    const reader = await tokenOf('pharmacy-reader');
    expect((await call('GET', `Bearer ${reader}`)).status).toBe(200);
    const url = sandbox.stageInvokeUrl;

    const printedBefore = written.length;
    const result = await sandbox.redeploy({
      configFile: configs.write((c) => (routeOf(c, 'GET /user').scopes = ['create_pharmacy_user'])),
    });
    expect(sandbox.stageInvokeUrl).toBe(url);
    // The re-synthesized Terraform changed exactly the route's scopes.
    // The redeploy's AWS step prints the whole plan against the running stack.
    const diff = awsStepPlan(written.slice(printedBefore));
    expect(diff).toMatch(
      /^ {2}~ aws_apigatewayv2_route\.http-api_route-GET-2Fuser_\w+ \(authorization_scopes\)\nPlan: 0 to add, 1 to change, 0 to destroy\.$/,
    );
    expect(result.smoke!.checks.map((c) => c.caller)).toContain('token of pharmacy-reader (lacks create_pharmacy_user)');

    const refused = await call('GET', `Bearer ${reader}`);
    expect(refused.status).toBe(403);
    expect(refused.challenge).toContain('expected scopes: [create_pharmacy_user]');
    expect((await call('GET', `Bearer ${await tokenOf('pharmacy-admin')}`)).status).toBe(200);
  }, 60_000);

  test('a route made public is served without a token, and its event has no authorizer', async () => {
    expect((await call('GET')).status).toBe(401);
    const result = await sandbox.redeploy({
      configFile: configs.write((c) => {
        const route = routeOf(c, 'GET /user');
        delete route.scopes;
        route.public = true;
      }),
    });
    expect(result.smoke!.checks.filter((c) => c.route === 'GET /user').map((c) => c.caller)).toEqual(['no token (public route)']);
    const open = await call('GET');
    expect(open.status).toBe(200);
    expect(JSON.parse(open.body)).toMatchObject({ routeKey: 'GET /user', authorizer: null });
    // The other routes are still protected.
    expect((await call('POST')).status).toBe(401);

    const printedBefore = written.length;
    await sandbox.redeploy();
    expect(written.slice(printedBefore)).toContain('  Plan (No changes.):\n    No changes.\n');
    expect((await call('GET')).status).toBe(200);
  }, 60_000);
});
