import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalGateway, type LocalGateway } from '..';
import { allowedOriginValue, preflightResponse, readCorsConfiguration, withCorsHeaders, type CorsModel } from '../cors';
import { GatewayStackError } from '../errors';
import { prepareStackDir, type EditableStackJson } from './helpers/stack-fixture';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';

const APP = 'http://localhost:4190';
const OTHER = 'https://evil.example';
const HANDLER = path.join(__dirname, 'fixtures', 'cors-handler');
const CORS = {
  allow_origins: [APP, 'https://demo.pharmacy.example'],
  allow_methods: ['GET', 'POST'],
  allow_headers: ['authorization', 'content-type'],
  expose_headers: ['x-route'],
  max_age: 300,
  allow_credentials: false,
};

function withCors(cors: unknown) {
  return (json: EditableStackJson) => {
    const api = Object.values(json.resource.aws_apigatewayv2_api ?? {})[0] as Record<string, unknown>;
    api.cors_configuration = cors;
  };
}

const model = (over: Partial<CorsModel> = {}): CorsModel => ({
  allowOrigins: [APP],
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['authorization', 'content-type'],
  exposeHeaders: [],
  maxAgeSeconds: 300,
  allowCredentials: false,
  ...over,
});
const identity = (value: unknown) => value;

describe('reading cors_configuration from cdk.tf.json', () => {
  it('reads the block (object or list of one), or nothing', () => {
    expect(readCorsConfiguration(CORS, 'x', identity)).toEqual({
      allowOrigins: [APP, 'https://demo.pharmacy.example'],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: ['x-route'],
      maxAgeSeconds: 300,
      allowCredentials: false,
    });
    expect(readCorsConfiguration([{ allow_origins: ['*'], allow_headers: ['Authorization'] }], 'x', identity)).toEqual(
      model({ allowOrigins: ['*'], allowMethods: [], allowHeaders: ['authorization'], maxAgeSeconds: undefined }),
    );
    expect(readCorsConfiguration(undefined, 'x', identity)).toBeUndefined();
    expect(readCorsConfiguration([], 'x', identity)).toBeUndefined();
  });

  it('refuses what API Gateway refuses, naming where', () => {
    expect(() =>
      readCorsConfiguration(
        { allow_origins: ['*'], allow_credentials: true },
        'resource.aws_apigatewayv2_api.a.cors_configuration',
        identity,
      ),
    ).toThrow(
      new GatewayStackError(
        'resource.aws_apigatewayv2_api.a.cors_configuration: allow_credentials = true with a wildcard origin; ' +
          `API Gateway refuses it ("allow-credentials is not supported if 'allow-origin' is *"): list the exact origins`,
      ),
    );
    expect(() => readCorsConfiguration({ allow_origins: 'x' }, 'c', identity)).toThrow(/c.allow_origins should be a list of strings/);
    expect(() => readCorsConfiguration({ max_age: 90000 }, 'c', identity)).toThrow(
      /c.max_age should be a whole number of seconds up to 86400/,
    );
    expect(() => readCorsConfiguration([{}, {}], 'c', identity)).toThrow(/at most one cors_configuration/);
  });
});

describe('CORS decisions', () => {
  it("matches exact origins and AWS's wildcards", () => {
    expect(allowedOriginValue(model(), APP)).toBe(APP);
    expect(allowedOriginValue(model(), `${APP}/`)).toBeUndefined();
    expect(allowedOriginValue(model(), 'http://localhost:4191')).toBeUndefined();
    expect(allowedOriginValue(model(), undefined)).toBeUndefined();
    expect(allowedOriginValue(model({ allowOrigins: ['*'] }), OTHER)).toBe('*');
    expect(allowedOriginValue(model({ allowOrigins: ['https://*'] }), OTHER)).toBe(OTHER);
    expect(allowedOriginValue(model({ allowOrigins: ['https://*'] }), APP)).toBeUndefined();
  });

  it('answers a preflight with 204 and the allow headers, or 204 with none for another origin', () => {
    const allowed = preflightResponse(model({ allowCredentials: true }), { origin: APP, 'access-control-request-method': 'GET' });
    expect(allowed.status).toBe(204);
    expect(allowed.body.length).toBe(0);
    expect(allowed.headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '300',
      'access-control-allow-credentials': 'true',
    });
    const refused = preflightResponse(model(), { origin: OTHER, 'access-control-request-method': 'GET' });
    expect(refused).toEqual({ status: 204, headers: {}, body: Buffer.alloc(0) });
  });

  it("replaces the integration's CORS headers; leaves responses alone without CORS", () => {
    const response = {
      status: 200,
      headers: { 'content-type': 'application/json', 'Access-Control-Allow-Origin': '*' },
      body: Buffer.from('{}'),
    };
    expect(withCorsHeaders(model({ exposeHeaders: ['x-route'] }), { origin: APP }, response).headers).toEqual({
      'content-type': 'application/json',
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'x-route',
    });
    expect(withCorsHeaders(model(), { origin: OTHER }, response).headers).toEqual({ 'content-type': 'application/json' });
    expect(withCorsHeaders(undefined, { origin: APP }, response)).toBe(response);
    const answer = preflightResponse(model(), { origin: APP, 'access-control-request-method': 'GET' });
    expect(withCorsHeaders(model(), { origin: APP }, answer)).toBe(answer);
  });
});

describe('the local gateway with a cors_configuration', () => {
  let issuer: TestIssuer;
  let gateway: LocalGateway;
  let stackDir: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    stackDir = prepareStackDir(issuer.issuer, withCors(CORS), HANDLER);
    gateway = await startLocalGateway({ stackDir, log: () => undefined });
  });
  afterAll(async () => {
    await gateway?.stop();
    await issuer?.stop();
    fs.rmSync(stackDir, { recursive: true, force: true });
  });

  const preflight = (route: string, origin: string, method = 'GET') =>
    fetch(`${gateway.stageInvokeUrl}${route}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
    });
  const token = (scope: string) =>
    issuer.sign({ sub: 'kim-id', aud: ['demo-client', gateway.stageInvokeUrl], client_id: 'demo-client', scope, given_name: 'Kim' });

  it('answers the preflight of a JWT route itself: 204 with the allow headers, no 401 from the authorizer', async () => {
    const res = await preflight('/user', APP);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(res.headers.get('access-control-max-age')).toBe('300');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('answers a preflight from another origin with 204 and no CORS header (the browser then refuses)', async () => {
    const res = await preflight('/user', OTHER);
    expect(res.status).toBe(204);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('answers a preflight for a path no route serves too (API Gateway does not look at the routes)', async () => {
    expect((await preflight('/nothing-here', APP)).status).toBe(204);
  });

  it('hands a preflight to a route that takes OPTIONS (here ANY /files/{proxy+}), which runs the Lambda', async () => {
    const res = await preflight('/files/a.txt', APP);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ routeKey: 'ANY /files/{proxy+}', method: 'OPTIONS' });
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('an OPTIONS request that is not a preflight is routed as usual', async () => {
    expect((await fetch(`${gateway.stageInvokeUrl}/user`, { method: 'OPTIONS', headers: { origin: APP } })).status).toBe(404);
    expect(
      (await fetch(`${gateway.stageInvokeUrl}/user`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } })).status,
    ).toBe(404);
  });

  it("adds the CORS headers to actual responses for an allowed origin, in place of the Lambda's own", async () => {
    const res = await fetch(`${gateway.stageInvokeUrl}/user`, {
      headers: { origin: APP, authorization: `Bearer ${await token('get_pharmacy_user')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toBe('x-route');
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect(res.headers.get('x-route')).toBe('GET /user');
  });

  it("adds them to the authorizer's 401 and 403 too, so a page can read the status", async () => {
    const unauthorized = await fetch(`${gateway.stageInvokeUrl}/user`, { headers: { origin: APP } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(APP);
    const forbidden = await fetch(`${gateway.stageInvokeUrl}/user`, {
      headers: { origin: APP, authorization: `Bearer ${await token('openid profile')}` },
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Forbidden' });
    expect(forbidden.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('sends no CORS header to another origin, nor without an Origin header', async () => {
    const other = await fetch(`${gateway.stageInvokeUrl}/health`, { headers: { origin: OTHER } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await fetch(`${gateway.stageInvokeUrl}/health`);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the local gateway without a cors_configuration', () => {
  it("routes a preflight like any request and passes the Lambda's headers through", async () => {
    const issuer = await startTestIssuer();
    const stackDir = prepareStackDir(issuer.issuer, undefined, HANDLER);
    const gateway = await startLocalGateway({ stackDir, log: () => undefined });
    try {
      const pre = await fetch(`${gateway.stageInvokeUrl}/user`, {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      });
      expect(pre.status).toBe(404);
      const res = await fetch(`${gateway.stageInvokeUrl}/health`, { headers: { origin: APP } });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await gateway.stop();
      await issuer.stop();
      fs.rmSync(stackDir, { recursive: true, force: true });
    }
  });
});
