import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
// Types of the cdktf matchers that jest.setup.js registers.
import 'cdktf/lib/testing/adapters/jest';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { HttpJwtAuthorizer } from '../http-jwt-authorizer';
import { executeApiResource, SecuredHttpApi, type SecuredHttpApiProps, type SecuredHttpRoute } from '../secured-http-api';

const ISSUER = 'https://api.asgardeo.io/t/pharmacy/oauth2/token';
const HANDLER = {
  functionName: 'orders-fn',
  invokeArn:
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-fn/invocations',
};
const ROUTES: SecuredHttpRoute[] = [
  { method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] },
  { method: 'POST', path: '/user', scopes: ['create_pharmacy_user', 'admin'] },
  { method: 'GET', path: '/users/{id}', scopes: ['get_pharmacy_user'] },
  { method: 'ANY', path: '/files/{proxy+}', scopes: ['files'] },
  { method: 'GET', path: '/health', public: true },
];

type Resources = Record<string, Record<string, Record<string, unknown>>>;
let outdirs: string[] = [];

function synthApi(props: Partial<SecuredHttpApiProps> = {}): { api: SecuredHttpApi; json: string; resource: Resources } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-api-'));
  outdirs.push(outdir);
  const stack = new TerraformStack(Testing.app({ outdir }), 'api-stack');
  const api = new SecuredHttpApi(stack, 'orders', { apiName: 'orders-dev', handler: HANDLER, routes: ROUTES, jwtIssuer: ISSUER, ...props });
  const json = Testing.synth(stack);
  return { api, json, resource: JSON.parse(json).resource };
}

function ids(resource: Resources, type: string): string[] {
  return Object.keys(resource[type] ?? {});
}

function byRouteKey(resource: Resources): Map<string, Record<string, unknown>> {
  return new Map(Object.values(resource.aws_apigatewayv2_route ?? {}).map((r) => [r.route_key as string, r]));
}

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
  outdirs = [];
});

describe('SecuredHttpApi', () => {
  let s: ReturnType<typeof synthApi>;
  let apiId: string;
  let authorizerId: string;
  beforeAll(() => {
    s = synthApi();
    apiId = ids(s.resource, 'aws_apigatewayv2_api')[0] as string;
    authorizerId = ids(s.resource, 'aws_apigatewayv2_authorizer')[0] as string;
  });

  it('creates one HTTP API', () => {
    expect(ids(s.resource, 'aws_apigatewayv2_api')).toHaveLength(1);
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Api, { name: 'orders-dev', protocol_type: 'HTTP' });
  });

  it('proxies to the Lambda with payload format 2.0', () => {
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Integration, {
      api_id: `\${aws_apigatewayv2_api.${apiId}.id}`,
      integration_type: 'AWS_PROXY',
      integration_uri: HANDLER.invokeArn,
      payload_format_version: '2.0',
    });
  });

  it('has a JWT authorizer reading the Authorization header, with the issuer and the stage invoke URL as audience', () => {
    expect(ids(s.resource, 'aws_apigatewayv2_authorizer')).toHaveLength(1);
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: { issuer: ISSUER, audience: [`\${aws_apigatewayv2_api.${apiId}.api_endpoint}/dev`] },
    });
    // The audience refers to the API only: no authorizer -> stage edge, so no cycle through the routes.
    expect(JSON.stringify(s.resource.aws_apigatewayv2_authorizer)).not.toContain('aws_apigatewayv2_stage');
  });

  it('creates one route per configured route, with JWT, the authorizer and its scopes', () => {
    const routes = byRouteKey(s.resource);
    expect([...routes.keys()].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of ROUTES.filter((r) => !r.public)) {
      expect(routes.get(`${route.method} ${route.path}`)).toEqual(
        expect.objectContaining({
          authorization_type: 'JWT',
          authorizer_id: `\${aws_apigatewayv2_authorizer.${authorizerId}.id}`,
          authorization_scopes: route.scopes,
          target: expect.stringMatching(/^integrations\/\$\{aws_apigatewayv2_integration\.[^.]+\.id\}$/),
        }),
      );
    }
  });

  it('serves a public route with authorization NONE, no authorizer and no scopes', () => {
    const health = byRouteKey(s.resource).get('GET /health');
    expect(health).toEqual(expect.objectContaining({ authorization_type: 'NONE' }));
    expect(health?.authorizer_id).toBeUndefined();
    expect(health?.authorization_scopes).toBeUndefined();
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: 'GET /health', authorization_type: 'NONE' });
  });

  it('scopes one Lambda permission per route to its method and path on this API', () => {
    const arns = Object.values(s.resource.aws_lambda_permission ?? {})
      .map((p) => p.source_arn)
      .sort();
    const exec = `\${aws_apigatewayv2_api.${apiId}.execution_arn}`;
    expect(arns).toEqual(
      [`${exec}/*/GET/user`, `${exec}/*/POST/user`, `${exec}/*/GET/users/*`, `${exec}/*/*/files/*`, `${exec}/*/GET/health`].sort(),
    );
    expect(arns.some((arn) => String(arn).endsWith('/*/*'))).toBe(false);
    expect(s.json).toHaveResourceWithProperties(LambdaPermission, {
      action: 'lambda:InvokeFunction',
      function_name: HANDLER.functionName,
      principal: 'apigateway.amazonaws.com',
    });
    const statementIds = Object.values(s.resource.aws_lambda_permission ?? {}).map((p) => p.statement_id as string);
    expect(new Set(statementIds).size).toBe(ROUTES.length);
    for (const id of statementIds) expect(id).toMatch(/^[A-Za-z0-9_-]{1,100}$/);
  });

  it('has an auto-deployed stage with JSON access logs to its own log group, and default throttling', () => {
    const accessLogs = ids(s.resource, 'aws_cloudwatch_log_group')[0];
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/apigateway/orders-dev/dev/access',
      retention_in_days: 14,
    });
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: 'dev',
      auto_deploy: true,
      access_log_settings: expect.objectContaining({ destination_arn: `\${aws_cloudwatch_log_group.${accessLogs}.arn}` }),
      default_route_settings: { throttling_rate_limit: 50, throttling_burst_limit: 100 },
    });
    const stage = Object.values(s.resource.aws_apigatewayv2_stage ?? {})[0] as { access_log_settings: { format: string } };
    const format = JSON.parse(stage.access_log_settings.format) as Record<string, string>;
    expect(format).toEqual(
      expect.objectContaining({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' }),
    );
    // Nothing that can carry a credential.
    expect(stage.access_log_settings.format).not.toMatch(/authorization|header|querystring/i);
  });

  it('exposes the stage invoke URL and audience', () => {
    expect(s.api.stageName).toBe('dev');
    expect(s.api.routes.size).toBe(ROUTES.length);
    expect(s.api.permissions.size).toBe(ROUTES.length);
    expect(s.api.audience).toEqual([s.api.stageInvokeUrl]);
  });
});

describe('SecuredHttpApi options', () => {
  it('uses the given audience, stage, throttling and retention', () => {
    const s = synthApi({
      jwtAudience: ['https://api.example.com/orders'],
      stageName: 'prod',
      throttling: { rateLimit: 200, burstLimit: 400 },
      logRetentionDays: 90,
    });
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      jwt_configuration: { issuer: ISSUER, audience: ['https://api.example.com/orders'] },
    });
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: 'prod',
      default_route_settings: { throttling_rate_limit: 200, throttling_burst_limit: 400 },
    });
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/apigateway/orders-dev/prod/access',
      retention_in_days: 90,
    });
    expect(s.api.audience).toEqual(['https://api.example.com/orders']);
  });

  it('uses the bare endpoint as invoke URL for the $default stage', () => {
    const s = synthApi({ stageName: '$default' });
    const apiId = ids(s.resource, 'aws_apigatewayv2_api')[0];
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      jwt_configuration: { issuer: ISSUER, audience: [`\${aws_apigatewayv2_api.${apiId}.api_endpoint}`] },
    });
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/apigateway/orders-dev/default/access' });
  });

  it('creates no authorizer when every route is public', () => {
    const s = synthApi({ routes: [{ method: 'GET', path: '/health', public: true }] });
    expect(s.resource.aws_apigatewayv2_authorizer).toBeUndefined();
  });

  it('accepts its own HttpJwtAuthorizer, like aws-cdk-lib', () => {
    const authorizer = new HttpJwtAuthorizer('custom', ISSUER, { jwtAudience: ['aud-1', 'aud-2'], authorizerName: 'custom-name' });
    const s = synthApi({ authorizer, jwtIssuer: undefined });
    expect(ids(s.resource, 'aws_apigatewayv2_authorizer')).toHaveLength(1);
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      name: 'custom-name',
      jwt_configuration: { issuer: ISSUER, audience: ['aud-1', 'aud-2'] },
    });
    expect(s.api.audience).toEqual(['aud-1', 'aud-2']);
    expect(authorizer.authorizer).toBeDefined();
  });
});

describe('SecuredHttpApi errors', () => {
  it.each<[string, Partial<SecuredHttpApiProps>, RegExp]>([
    ['no issuer and no authorizer', { jwtIssuer: undefined }, /give jwtIssuer \(or an authorizer\)/],
    ['no routes', { routes: [] }, /routes is empty/],
    [
      'a duplicate route',
      { routes: [ROUTES[0] as SecuredHttpRoute, ROUTES[0] as SecuredHttpRoute] },
      /routes\[1\] "GET \/user" is declared twice/,
    ],
    [
      'a route without scopes that is not public',
      { routes: [{ method: 'GET', path: '/user' }] },
      /routes\[0\] "GET \/user" has no scopes and is not marked public/,
    ],
    [
      'a public route with scopes',
      { routes: [{ method: 'GET', path: '/user', public: true, scopes: ['a'] }] },
      /is public but lists scopes/,
    ],
    ['a malformed path', { routes: [{ method: 'GET', path: 'user', scopes: ['a'] }] }, /path "user" is not a valid HTTP API route path/],
    ['a bad stage name', { stageName: 'dev stage' }, /stageName "dev stage"/],
    ['an empty audience', { jwtAudience: [] }, /jwtAudience is empty/],
    ['non-positive throttling', { throttling: { rateLimit: 0, burstLimit: 10 } }, /throttling needs a positive rateLimit/],
    ['an http issuer', { jwtIssuer: 'http://api.asgardeo.io/t/pharmacy/oauth2/token' }, /must be an https URL/],
    ['an issuer with a trailing slash', { jwtIssuer: `${ISSUER}/` }, /ends with "\/"/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => synthApi(props)).toThrow(message);
  });

  it('allows an http issuer on loopback only (the local sandbox)', () => {
    const s = synthApi({ jwtIssuer: 'http://127.0.0.1:4000/t/pharmacy/oauth2/token' });
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      jwt_configuration: expect.objectContaining({ issuer: 'http://127.0.0.1:4000/t/pharmacy/oauth2/token' }),
    });
  });

  it('refuses to bind one HttpJwtAuthorizer to two APIs', () => {
    const authorizer = new HttpJwtAuthorizer('shared', ISSUER);
    synthApi({ authorizer });
    expect(() => synthApi({ authorizer })).toThrow(/already bound to another API/);
  });
});

describe('SecuredHttpApi CORS', () => {
  const api = (s: ReturnType<typeof synthApi>) => Object.values(s.resource.aws_apigatewayv2_api ?? {})[0] as Record<string, unknown>;

  it('emits no cors_configuration unless cors is given', () => {
    expect(api(synthApi())).not.toHaveProperty('cors_configuration');
  });

  it("defaults: the routes' methods (* with an ANY route), authorization and content-type, 300 s, no credentials", () => {
    expect(api(synthApi({ cors: { allowOrigins: ['https://app.example.com'] } })).cors_configuration).toEqual({
      allow_origins: ['https://app.example.com'],
      allow_methods: ['*'],
      allow_headers: ['authorization', 'content-type'],
      max_age: 300,
      allow_credentials: false,
    });
    const noAny = ROUTES.filter((r) => r.method !== 'ANY');
    expect(api(synthApi({ routes: noAny, cors: { allowOrigins: ['https://app.example.com'] } })).cors_configuration).toEqual(
      expect.objectContaining({ allow_methods: ['GET', 'POST'] }),
    );
  });

  it('takes every option as given', () => {
    const s = synthApi({
      cors: {
        allowOrigins: ['https://app.example.com', 'http://localhost:4190'],
        allowMethods: ['GET'],
        allowHeaders: ['authorization', 'x-request-id'],
        exposeHeaders: ['x-request-id'],
        maxAgeSeconds: 0,
        allowCredentials: true,
      },
    });
    expect(s.json).toHaveResourceWithProperties(Apigatewayv2Api, {
      cors_configuration: {
        allow_origins: ['https://app.example.com', 'http://localhost:4190'],
        allow_methods: ['GET'],
        allow_headers: ['authorization', 'x-request-id'],
        expose_headers: ['x-request-id'],
        max_age: 0,
        allow_credentials: true,
      },
    });
  });

  it.each([
    ['no origin', { allowOrigins: [] }, /cors.allowOrigins is empty/],
    ['an origin with a path', { allowOrigins: ['https://app.example.com/'] }, /"https:\/\/app.example.com\/" is not an origin/],
    ['a non-http origin', { allowOrigins: ['ftp://app.example.com'] }, /is not an origin/],
    [
      'credentials with a wildcard origin',
      { allowOrigins: ['https://*'], allowCredentials: true },
      /cannot be true with a wildcard origin/,
    ],
    ['an unknown method', { allowOrigins: ['*'], allowMethods: ['FETCH'] }, /"FETCH" is not an HTTP method/],
    ['a bad header name', { allowOrigins: ['*'], allowHeaders: ['x header'] }, /"x header" is not a header name/],
    ['a max age over a day', { allowOrigins: ['*'], maxAgeSeconds: 86401 }, /maxAgeSeconds must be a whole number from 0 to 86400/],
  ])('refuses %s', (_name, cors, message) => {
    expect(() => synthApi({ cors })).toThrow(message);
  });

  it("accepts AWS's wildcard origins without credentials", () => {
    expect(api(synthApi({ cors: { allowOrigins: ['*'] } })).cors_configuration).toEqual(expect.objectContaining({ allow_origins: ['*'] }));
    expect(api(synthApi({ cors: { allowOrigins: ['https://*'] } })).cors_configuration).toEqual(
      expect.objectContaining({ allow_origins: ['https://*'] }),
    );
  });
});

describe('executeApiResource', () => {
  it.each([
    ['GET', '/user', 'GET/user'],
    ['ANY', '/user', '*/user'],
    ['DELETE', '/users/{id}/orders/{orderId}', 'DELETE/users/*/orders/*'],
    ['GET', '/files/{proxy+}', 'GET/files/*'],
    ['GET', '/', 'GET/'],
  ] as const)('%s %s -> %s', (method, routePath, expected) => {
    expect(executeApiResource(method, routePath)).toBe(expected);
  });
});

describe('routes to several functions and to HTTP backends', () => {
  const OTHER = {
    functionName: 'orders-writer',
    invokeArn: HANDLER.invokeArn.replace('function:orders-fn', 'function:orders-writer'),
  };
  const BACKEND = { url: 'https://shipments.example.com/shipments/{id}' };
  let s: ReturnType<typeof synthApi>;
  const integrations = () => Object.entries(s.resource.aws_apigatewayv2_integration ?? {});
  const integrationOf = (routeKey: string) => {
    const target = byRouteKey(s.resource).get(routeKey)!.target as string;
    const id = /aws_apigatewayv2_integration\.([^.]+)\.id/.exec(target)![1]!;
    return s.resource.aws_apigatewayv2_integration![id]!;
  };
  beforeAll(() => {
    s = synthApi({
      routes: [
        { method: 'GET', path: '/orders', scopes: ['read'] },
        { method: 'POST', path: '/orders', scopes: ['write'], target: OTHER },
        { method: 'PUT', path: '/orders/{id}', scopes: ['write'], target: OTHER },
        { method: 'GET', path: '/orders/{id}/shipment', scopes: ['read'], target: BACKEND },
        { method: 'GET', path: '/shipments/{id}', scopes: ['read'], target: BACKEND },
        { method: 'GET', path: '/track/{id}', public: true, target: BACKEND },
      ],
    });
  });

  it('one integration per function and per backend (a public use of a backend is its own)', () => {
    expect(integrations()).toHaveLength(4);
    expect(integrationOf('GET /orders').integration_uri).toBe(HANDLER.invokeArn);
    expect(integrationOf('POST /orders')).toBe(integrationOf('PUT /orders/{id}'));
    expect(integrationOf('POST /orders').integration_uri).toBe(OTHER.invokeArn);
    expect(integrationOf('GET /orders/{id}/shipment')).toBe(integrationOf('GET /shipments/{id}'));
    expect(integrationOf('GET /track/{id}')).not.toBe(integrationOf('GET /shipments/{id}'));
  });

  it("a backend is an HTTP_PROXY to its URL that overwrites the identity headers with the token's claims", () => {
    expect(integrationOf('GET /shipments/{id}')).toEqual(
      expect.objectContaining({
        integration_type: 'HTTP_PROXY',
        integration_method: 'ANY',
        integration_uri: BACKEND.url,
        payload_format_version: '1.0',
        request_parameters: {
          'overwrite:header.x-tollgate-sub': '$context.authorizer.claims.sub',
          'overwrite:header.x-tollgate-client-id': '$context.authorizer.claims.client_id',
          'overwrite:header.x-tollgate-scope': '$context.authorizer.claims.scope',
        },
      }),
    );
  });

  it('on a public route (no token) the identity headers are removed, so a caller cannot make them up', () => {
    expect(integrationOf('GET /track/{id}').request_parameters).toEqual({
      'remove:header.x-tollgate-sub': "''",
      'remove:header.x-tollgate-client-id': "''",
      'remove:header.x-tollgate-scope': "''",
    });
  });

  it("invoke permissions name each route's own function; backends need none", () => {
    const permissions = Object.values(s.resource.aws_lambda_permission ?? {});
    expect(permissions.map((p) => `${p.function_name as string} ${(p.source_arn as string).split('/*/')[1]}`).sort()).toEqual([
      'orders-fn GET/orders',
      'orders-writer POST/orders',
      'orders-writer PUT/orders/*',
    ]);
  });

  it('refuses a route without a target when the API has no default handler', () => {
    expect(() => synthApi({ handler: undefined, routes: [{ method: 'GET', path: '/x', scopes: ['read'] }] })).toThrow(
      /"GET \/x" has no target and the API has no default handler/,
    );
  });
});
