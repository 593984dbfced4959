import * as fs from 'node:fs';
import * as http from 'node:http';
import { startLocalGateway, type LocalGateway } from '..';
import { prepareStackDir } from './helpers/stack-fixture';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';

// Parsed response bodies, whose shape the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let issuer: TestIssuer;
let gateway: LocalGateway;
let stackDir: string;
const logged: string[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  stackDir = prepareStackDir(issuer.issuer);
  process.env.TOLLGATE_SHELL_SECRET = 'must-not-reach-the-lambda';
  gateway = await startLocalGateway({ stackDir, log: (line) => logged.push(line) });
});

afterAll(async () => {
  delete process.env.TOLLGATE_SHELL_SECRET;
  await gateway?.stop();
  await issuer?.stop();
  fs.rmSync(stackDir, { recursive: true, force: true });
});

const readerToken = (claims: Record<string, unknown> = {}) =>
  issuer.sign({
    sub: 'pharmacy-reader',
    aud: [`reader-client-id`, gateway.stageInvokeUrl],
    client_id: 'reader-client-id',
    scope: 'get_pharmacy_user',
    ...claims,
  });

async function call(path: string, init: RequestInit & { token?: string; bare?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', init.bare ? init.token : `Bearer ${init.token}`);
  const response = await fetch(`${gateway.stageInvokeUrl}${path}`, { ...init, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Json };
}

function rawGet(
  url: string,
  headers: http.OutgoingHttpHeaders,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

async function expectUnauthorized(token: string, descriptionPart: RegExp) {
  const response = await call('/user', { token });
  expect(response.status).toBe(401);
  expect(response.json).toEqual({ message: 'Unauthorized' });
  const header = response.headers.get('www-authenticate') ?? '';
  expect(header).toMatch(/^Bearer scope="" error="invalid_token" error_description="[^"]*"$/);
  expect(header).toMatch(descriptionPart);
}

describe('what the gateway reads from the stack', () => {
  test('urls, routes and the outputs file evaluated with the local values', () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gateway.stageInvokeUrl).toBe(`${gateway.url}/dev`);
    expect(gateway.routes).toEqual(
      expect.arrayContaining([
        { routeKey: 'GET /user', authorizationType: 'JWT', scopes: ['get_pharmacy_user'] },
        { routeKey: 'POST /user', authorizationType: 'JWT', scopes: ['create_pharmacy_user', 'update_pharmacy_user'] },
        { routeKey: 'GET /health', authorizationType: 'NONE', scopes: [] },
        { routeKey: 'GET /items/{id}', authorizationType: 'NONE', scopes: [] },
      ]),
    );
    expect(gateway.outputsFile()).toEqual({
      'pharmacy-user-api-dev': {
        api_id: 'local',
        api_endpoint: gateway.url,
        stage_invoke_url: `${gateway.url}/dev`,
        api_identifier: `${gateway.url}/dev`,
        issuer: issuer.issuer,
        region: 'us-east-1',
        function_name: 'pharmacy-user-api-dev',
        stack_name: 'pharmacy-user-api-dev',
        environment: 'dev',
      },
    });
  });
});

describe('JWT authorizer', () => {
  test('no token -> 401 with the invalid_token challenge', async () => {
    const response = await call('/user');
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer scope="" error="invalid_token"/);
  });

  test('a valid token with the scope -> 200, with "Bearer " and as a bare token', async () => {
    const token = await readerToken();
    const bearer = await call('/user', { token });
    expect(bearer.status).toBe(200);
    expect(bearer.json.message).toBe('Welcome pharmacy-reader!');
    const bare = await call('/user', { token, bare: true });
    expect(bare.status).toBe(200);
    expect(bare.json.message).toBe('Welcome pharmacy-reader!');
  });

  test('forged signature -> 401', async () => {
    await expectUnauthorized(
      await issuer.sign({ sub: 'x', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' }, { key: issuer.strangerKey }),
      /signature/,
    );
  });

  test('unknown kid -> 401, and the JWKS is refetched at most once for it', async () => {
    await readerToken().then((token) => call('/user', { token }));
    const before = issuer.jwksFetches();
    const token = await issuer.sign(
      { sub: 'x', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' },
      { kid: 'rotated-away', key: issuer.strangerKey },
    );
    await expectUnauthorized(token, /kid/);
    await expectUnauthorized(token, /kid/);
    expect(issuer.jwksFetches() - before).toBeLessThanOrEqual(1);
  });

  test('an EC-signed token is refused even though its key is in the JWKS (RSA only)', async () => {
    await expectUnauthorized(
      await issuer.sign(
        { sub: 'x', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' },
        { key: issuer.ecKey, alg: 'ES256', kid: 'ec-1' },
      ),
      /RS256/,
    );
  });

  test('wrong issuer, including a trailing slash -> 401', async () => {
    await expectUnauthorized(await readerToken({ iss: 'https://api.asgardeo.io/t/other/oauth2/token' }), /issuer/);
    await expectUnauthorized(await readerToken({ iss: `${issuer.issuer}/` }), /issuer/);
  });

  test('wrong audience -> 401, even when client_id would match', async () => {
    await expectUnauthorized(await readerToken({ aud: 'https://elsewhere.example/dev', client_id: gateway.stageInvokeUrl }), /audience/);
  });

  test('aud absent: client_id is checked instead', async () => {
    const matching = await issuer.sign({ sub: 'svc', client_id: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' });
    expect((await call('/user', { token: matching })).status).toBe(200);
    await expectUnauthorized(await issuer.sign({ sub: 'svc', client_id: 'some-client', scope: 'get_pharmacy_user' }), /audience/);
  });

  test('expired and not-yet-valid tokens -> 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(await readerToken({ iat: now - 600, exp: now - 1 }), /expired/);
    await expectUnauthorized(await readerToken({ nbf: now + 120 }), /not valid yet/);
    await expectUnauthorized(await readerToken({ iat: now + 120 }), /future/);
  });

  test('a token without exp -> 401', async () => {
    const token = await readerToken({ exp: undefined });
    await expectUnauthorized(token, /exp/);
  });

  test('a malformed token -> 401', async () => {
    await expectUnauthorized('not-a-jwt', /malformed/);
  });

  test('missing scope -> 403 with the insufficient_scope challenge', async () => {
    const token = await readerToken();
    const response = await call('/user', { method: 'POST', token, body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ message: 'Forbidden' });
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer scope="create_pharmacy_user update_pharmacy_user" error="insufficient_scope" ' +
        'error_description="expected scopes: [create_pharmacy_user update_pharmacy_user]"',
    );
    const noScopeAtAll = await call('/user', { token: await readerToken({ scope: undefined }) });
    expect(noScopeAtAll.status).toBe(403);
  });

  test('any-of scopes: one of the route scopes is enough, from scope or scp', async () => {
    const admin = await readerToken({ sub: 'pharmacy-admin', scope: 'openid update_pharmacy_user' });
    expect((await call('/user', { method: 'POST', token: admin, body: '{}' })).status).toBe(200);
    const scp = await readerToken({ scope: undefined, scp: ['create_pharmacy_user'] });
    expect((await call('/user', { method: 'POST', token: scp, body: '{}' })).status).toBe(200);
  });

  test('a route the stack leaves unauthenticated is served without a token', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(response.json.message).toBe('Welcome guest!');
    expect(response.json.event.requestContext.authorizer).toBeUndefined();
  });
});

describe('the payload 2.0 event', () => {
  test('carries the claims as strings, the scopes and the request', async () => {
    const token = await readerToken({ scope: 'get_pharmacy_user openid', roles: ['a', 'b'] });
    // node:http, because fetch merges repeated headers before sending them.
    const response = await rawGet(`${gateway.stageInvokeUrl}/user?b=2&a=1&a=3`, {
      authorization: `Bearer ${token}`,
      'X-Trace': ['one', 'two'],
      cookie: 'session=abc; theme=dark',
      'user-agent': 'gateway-test',
    });
    expect(response.status).toBe(200);
    expect(response.headers['apigw-requestid']).toMatch(/\S+/);
    const { event, env, context } = JSON.parse(response.body) as Json;
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /user');
    expect(event.rawPath).toBe('/dev/user');
    expect(event.rawQueryString).toBe('b=2&a=1&a=3');
    expect(event.queryStringParameters).toEqual({ a: '1,3', b: '2' });
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.headers['x-trace']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
    const rc = event.requestContext;
    expect(rc).toMatchObject({ accountId: '000000000000', apiId: 'local', routeKey: 'GET /user', stage: 'dev' });
    expect(rc.http).toEqual({ method: 'GET', path: '/dev/user', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'gateway-test' });
    expect(rc.domainName).toBe(new URL(gateway.url).host);
    expect(rc.requestId).toBe(response.headers['apigw-requestid']);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(60_000);
    expect(rc.authorizer.jwt.scopes).toEqual(['get_pharmacy_user', 'openid']);
    const claims = rc.authorizer.jwt.claims;
    expect(claims.sub).toBe('pharmacy-reader');
    expect(claims.iss).toBe(issuer.issuer);
    expect(claims.client_id).toBe('reader-client-id');
    expect(claims.roles).toBe('[a b]');
    expect(claims.aud).toBe(`[reader-client-id ${gateway.stageInvokeUrl}]`);
    expect(typeof claims.exp).toBe('string');
    expect(claims.exp).toMatch(/^\d+$/);
    // The function's own environment, evaluated; nothing from the developer's shell.
    expect(env).toEqual({ GREETING: 'Welcome', API_ENDPOINT: gateway.url, AWS_LAMBDA_FUNCTION_NAME: 'pharmacy-user-api-dev' });
    expect(context.functionName).toBe('pharmacy-user-api-dev');
    expect(context.awsRequestId).toBe(rc.requestId);
    expect(context.remaining).toBeGreaterThan(9000);
  });

  test('a text body is passed as text, a binary body as base64', async () => {
    const token = await readerToken({ scope: 'create_pharmacy_user' });
    const text = await call('/user', { method: 'POST', token, body: '{"name":"Ann"}', headers: { 'content-type': 'application/json' } });
    expect(text.json.event.body).toBe('{"name":"Ann"}');
    expect(text.json.event.isBase64Encoded).toBe(false);
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const binary = await call('/user', { method: 'POST', token, body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(binary.json.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.json.event.body, 'base64')).toEqual(bytes);
  });

  test('path parameters from {param} and {proxy+}', async () => {
    const item = await call('/items/a%20b');
    expect(item.json.event.routeKey).toBe('GET /items/{id}');
    expect(item.json.event.pathParameters).toEqual({ id: 'a b' });
    const files = await call('/files/docs/2024/report.pdf', { method: 'DELETE' });
    expect(files.json.event.routeKey).toBe('ANY /files/{proxy+}');
    expect(files.json.event.pathParameters).toEqual({ proxy: 'docs/2024/report.pdf' });
  });
});

describe('response mapping', () => {
  test('a return value without statusCode is 200 JSON of the value', async () => {
    const response = await call('/raw');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toEqual({ hello: 'world', stage: 'dev' });
  });

  test('statusCode, headers, cookies and a base64 body are mapped', async () => {
    const response = await fetch(`${gateway.stageInvokeUrl}/binary`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  test('a handler that throws -> 500 Internal Server Error, and the reason is logged', async () => {
    const response = await call('/boom');
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ message: 'Internal Server Error' });
    expect(logged.join('\n')).toMatch(/GET \/boom.*handler failure for the test/s);
  });

  test('no matching route, a path outside the stage or the wrong method -> 404 Not Found', async () => {
    for (const [path, method] of [
      ['/nowhere', 'GET'],
      ['/health', 'POST'],
      ['/user/extra', 'GET'],
      ['/files', 'GET'],
    ]) {
      const response = await call(path, { method });
      expect([path, response.status, response.json]).toEqual([path, 404, { message: 'Not Found' }]);
    }
    const outside = await fetch(`${gateway.url}/prod/user`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ message: 'Not Found' });
  });
});
