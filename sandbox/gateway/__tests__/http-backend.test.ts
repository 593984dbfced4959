import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalGateway, type LocalGateway } from '..';
import { claimAsJsonText } from '../http-integration';
import { prepareStackDir } from './helpers/stack-fixture';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';

/*
 * HTTP_PROXY integrations as API Gateway runs them: the request goes to the integration URI with the
 * path parameters filled in, and the parameter mapping writes the validated token's claims into the
 * backend's headers, overwriting whatever the caller sent under those names.
 */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let issuer: TestIssuer;
let gateway: LocalGateway;
let stackDir: string;
let backend: http.Server;
const seen: Seen[] = [];
const API = '${aws_apigatewayv2_api.HttpApi_Api_1A2B3C4D.id}';
const AUTHORIZER = '${aws_apigatewayv2_authorizer.HttpApi_Authorizer_0A1B2C3D.id}';
const MAPPING = {
  'overwrite:header.x-caller-sub': '$context.authorizer.claims.sub',
  'overwrite:header.x-caller-client': '$context.authorizer.claims.client_id',
  'overwrite:header.x-caller-scope': '$context.authorizer.claims.scope',
  'overwrite:header.x-caller-name': '$context.authorizer.claims.name',
};

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(207, { 'content-type': 'application/json', 'x-backend': 'shipments' });
      res.end(JSON.stringify({ from: 'backend' }));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const port = (backend.address() as AddressInfo).port;
  issuer = await startTestIssuer();
  stackDir = prepareStackDir(issuer.issuer, (json) => {
    json.resource.aws_apigatewayv2_integration!.Shipments = {
      api_id: API,
      integration_type: 'HTTP_PROXY',
      integration_method: 'ANY',
      integration_uri: `http://127.0.0.1:${port}/shipments/{id}`,
      payload_format_version: '1.0',
      request_parameters: MAPPING,
    };
    json.resource.aws_apigatewayv2_integration!.Tracking = {
      api_id: API,
      integration_type: 'HTTP_PROXY',
      integration_method: 'GET',
      integration_uri: `http://127.0.0.1:${port}/track/{proxy}`,
      payload_format_version: '1.0',
      request_parameters: { 'remove:header.x-caller-sub': "''" },
    };
    json.resource.aws_apigatewayv2_route!.Shipment = {
      api_id: API,
      route_key: 'ANY /orders/{id}/shipment',
      authorization_type: 'JWT',
      authorizer_id: AUTHORIZER,
      authorization_scopes: ['get_pharmacy_user'],
      target: 'integrations/${aws_apigatewayv2_integration.Shipments.id}',
    };
    json.resource.aws_apigatewayv2_route!.Track = {
      api_id: API,
      route_key: 'GET /track/{proxy+}',
      authorization_type: 'NONE',
      target: 'integrations/${aws_apigatewayv2_integration.Tracking.id}',
    };
  });
  gateway = await startLocalGateway({ stackDir, log: () => undefined });
});

afterAll(async () => {
  await gateway?.stop();
  await issuer?.stop();
  await new Promise<void>((resolve) => backend?.close(() => resolve()));
  fs.rmSync(stackDir, { recursive: true, force: true });
});

const token = (claims: Record<string, unknown> = {}) =>
  issuer.sign({
    sub: 'user-7',
    aud: [gateway.stageInvokeUrl],
    client_id: 'reader-client-id',
    scope: 'get_pharmacy_user other',
    ...claims,
  });

test('the backend gets path parameter, query, method, body and the claims as JSON text; a forged header does not get through', async () => {
  seen.length = 0;
  const response = await fetch(`${gateway.stageInvokeUrl}/orders/ord%2F1/shipment?carrier=ups`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await token({ name: 'Zoë' })}`,
      'x-caller-sub': 'admin',
      'X-Caller-Scope': 'everything',
      'content-type': 'application/json',
    },
    body: '{"rush":true}',
  });
  expect(response.status).toBe(207);
  expect(response.headers.get('x-backend')).toBe('shipments');
  expect(await response.json()).toEqual({ from: 'backend' });
  const [request] = seen;
  expect(request).toMatchObject({ method: 'POST', url: '/shipments/ord%2F1?carrier=ups', body: '{"rush":true}' });
  expect(request!.headers['x-caller-sub']).toBe('"user-7"');
  expect(request!.headers['x-caller-client']).toBe('"reader-client-id"');
  expect(request!.headers['x-caller-scope']).toBe('"get_pharmacy_user other"');
  expect(request!.headers['x-caller-name']).toBe('"Zo\\u00EB"');
  // The caller's token is not removed: API Gateway reserves Authorization, a mapping cannot touch it.
  expect(request!.headers.authorization).toMatch(/^Bearer /);
});

test('a claim the token lacks leaves its header out, even when the caller sent one', async () => {
  seen.length = 0;
  const response = await fetch(`${gateway.stageInvokeUrl}/orders/1/shipment`, {
    headers: { authorization: `Bearer ${await token()}`, 'x-caller-name': 'Mallory' },
  });
  expect(response.status).toBe(207);
  expect(seen[0]!.headers['x-caller-name']).toBeUndefined();
});

test('the authorizer still answers first: no token 401, no backend call', async () => {
  seen.length = 0;
  const response = await fetch(`${gateway.stageInvokeUrl}/orders/1/shipment`, { headers: { 'x-caller-sub': 'admin' } });
  expect(response.status).toBe(401);
  expect(seen).toHaveLength(0);
});

test('a public route with a greedy parameter and a fixed method; a remove mapping drops the header', async () => {
  seen.length = 0;
  const response = await fetch(`${gateway.stageInvokeUrl}/track/a/b c`, { headers: { 'x-caller-sub': 'admin' } });
  expect(response.status).toBe(207);
  expect(seen[0]).toMatchObject({ method: 'GET', url: '/track/a/b%20c' });
  expect(seen[0]!.headers['x-caller-sub']).toBeUndefined();
});

test('claims are written as JSON text, non-ASCII escaped', () => {
  expect(claimAsJsonText('abc')).toBe('"abc"');
  expect(claimAsJsonText(1516239022)).toBe('1516239022');
  expect(claimAsJsonText(['user', 'editor'])).toBe('["user","editor"]');
  expect(claimAsJsonText('Doe, "Jane" é')).toBe('"Doe, \\"Jane\\" \\u00E9"');
  expect(claimAsJsonText(undefined)).toBe('');
});

test('a mapping the local gateway cannot evaluate is refused with where it is', async () => {
  const dir = prepareStackDir(issuer.issuer, (json) => {
    const integration = json.resource.aws_apigatewayv2_integration!.HttpApi_Integration_4D5E6F70!;
    Object.assign(integration, {
      integration_type: 'HTTP_PROXY',
      integration_method: 'ANY',
      integration_uri: 'https://backend.example.com',
      payload_format_version: '1.0',
      request_parameters: { 'overwrite:header.x-body': '$request.body.name' },
    });
  });
  try {
    await expect(startLocalGateway({ stackDir: dir, log: () => undefined })).rejects.toThrow(
      /HttpApi_Integration_4D5E6F70\.request_parameters: "overwrite:header\.x-body" maps "\$request\.body\.name"/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
