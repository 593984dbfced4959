import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type LoadConfigOptions } from '..';
import { ConfigFiles, configErrorOf, issueAt, validConfig, type LooseConfig } from './support';

let files: ConfigFiles;
beforeAll(() => {
  files = new ConfigFiles();
  // Handler files beside the configuration files: routes name them relative to the configuration.
  fs.mkdirSync(path.join(files.dir, 'handlers'));
  for (const f of ['handlers/orders.ts', 'handlers/create-order.ts', 'other/orders.ts']) {
    fs.mkdirSync(path.dirname(path.join(files.dir, f)), { recursive: true });
    fs.writeFileSync(path.join(files.dir, f), 'export const handler = async () => ({ statusCode: 200 });\n');
  }
});
afterAll(() => files.remove());

function load(config: LooseConfig, options: Partial<LoadConfigOptions> = {}) {
  return loadConfig({ file: files.write(config), env: 'dev', environment: {}, ...options });
}

function errorFor(change: (c: LooseConfig) => void, options: Partial<LoadConfigOptions> = {}) {
  const config = validConfig();
  change(config);
  return configErrorOf(() => load(config, options));
}

describe('a function per handler file', () => {
  it('routes without a handler share the default entry, function "handler", as the single-function stack had', () => {
    const c = load(validConfig());
    expect(c.aws.functions.map((f) => [f.id, f.functionName])).toEqual([['handler', 'pharmacy-user-api-dev-handler']]);
    expect(c.routes.map((r) => r.target)).toEqual(c.routes.map(() => ({ kind: 'function', functionId: 'handler' })));
  });

  it('routes naming the same file share one function; another file is another function with its own name', () => {
    const config = validConfig();
    config.routes[0].handler = 'handlers/orders.ts';
    config.routes[1].handler = './handlers/orders.ts';
    config.routes[2].handler = 'handlers/create-order.ts';
    const c = load(config);
    expect(c.aws.functions.map((f) => [f.id, f.functionName, f.entry])).toEqual([
      ['orders', 'pharmacy-user-api-dev-orders', path.join(files.dir, 'handlers/orders.ts')],
      ['create-order', 'pharmacy-user-api-dev-create-order', path.join(files.dir, 'handlers/create-order.ts')],
    ]);
    expect(c.routes.map((r) => (r.target.kind === 'function' ? r.target.functionId : r.target.kind))).toEqual([
      'orders',
      'orders',
      'create-order',
    ]);
  });

  it('two files with the same base name get distinct functions', () => {
    const config = validConfig();
    config.routes[0].handler = 'handlers/orders.ts';
    config.routes[1].handler = 'other/orders.ts';
    config.routes.pop();
    expect(load(config).aws.functions.map((f) => f.id)).toEqual(['orders', 'other-orders']);
  });

  it('per-function settings default to the API-level values; environments merge', () => {
    const config = validConfig();
    config.aws.lambda = { entry: 'handlers/orders.ts', memoryMb: 384, timeoutSeconds: 7, environment: { TABLE: 'orders', MODE: 'api' } };
    config.aws.functions = { 'handlers/create-order.ts': { memoryMb: 1024, environment: { MODE: 'writer' } } };
    config.routes[2].handler = 'handlers/create-order.ts';
    const [orders, create] = load(config).aws.functions;
    expect(orders).toMatchObject({ id: 'handler', memoryMb: 384, timeoutSeconds: 7, environment: { TABLE: 'orders', MODE: 'api' } });
    expect(create).toMatchObject({
      id: 'create-order',
      memoryMb: 1024,
      timeoutSeconds: 7,
      environment: { TABLE: 'orders', MODE: 'writer' },
    });
  });

  it('an HTTP route creates no function; its identity headers default and can be renamed', () => {
    const config = validConfig();
    config.routes = [
      { method: 'GET', path: '/orders/{id}', scopes: ['get_pharmacy_user'], http: { url: 'https://orders.example.com/o/{id}' } },
      {
        method: 'POST',
        path: '/orders',
        scopes: ['create_pharmacy_user'],
        http: { url: 'https://orders.example.com/o', method: 'POST', identityHeaders: { sub: 'X-Caller' } },
      },
    ];
    const c = load(config);
    expect(c.aws.functions).toEqual([]);
    expect(c.routes.map((r) => r.target)).toEqual([
      {
        kind: 'http',
        url: 'https://orders.example.com/o/{id}',
        method: 'ANY',
        identityHeaders: { sub: 'x-tollgate-sub', clientId: 'x-tollgate-client-id', scope: 'x-tollgate-scope' },
      },
      {
        kind: 'http',
        url: 'https://orders.example.com/o',
        method: 'POST',
        identityHeaders: { sub: 'x-caller', clientId: 'x-tollgate-client-id', scope: 'x-tollgate-scope' },
      },
    ]);
    expect(c.routes[0]!.smoke).toEqual({ status: undefined, pathParameters: { id: 'smoke-test' } });
  });

  it('smoke samples and status are per route', () => {
    const config = validConfig();
    config.routes[0] = {
      method: 'GET',
      path: '/files/{owner}/{proxy+}',
      scopes: ['get_pharmacy_user'],
      smoke: { status: 204, pathParameters: { proxy: 'a/b.txt' } },
    };
    expect(load(config).routes[0]!.smoke).toEqual({ status: 204, pathParameters: { owner: 'smoke-test', proxy: 'a/b.txt' } });
  });
});

describe('load-time validation of route targets', () => {
  it('a handler file that does not exist', () => {
    const issue = issueAt(
      errorFor((c) => (c.routes[0].handler = 'handlers/missing.ts')),
      'routes[0].handler',
    );
    expect(issue.message).toBe(
      `handler file "handlers/missing.ts" of route "GET /user" does not exist (looked for ${path.join(files.dir, 'handlers/missing.ts')})`,
    );
    expect(issue.fix).toContain("relative to the configuration file's folder");
  });

  it('both a handler and an http backend', () => {
    const issue = issueAt(
      errorFor((c) => Object.assign(c.routes[0], { handler: 'handlers/orders.ts', http: { url: 'https://x.example.com' } })),
      'routes[0]',
    );
    expect(issue.message).toBe('route "GET /user" names both a handler and an http backend');
  });

  it('a backend URL that is not https', () => {
    const issue = issueAt(
      errorFor((c) => (c.routes[0].http = { url: 'http://orders.example.com/o' })),
      'routes[0].http.url',
    );
    expect(issue.message).toContain('is not https');
  });

  it('a loopback http backend: only on the local target', () => {
    const change = (c: LooseConfig) => (c.routes[0].http = { url: 'http://127.0.0.1:4191/o' });
    expect(issueAt(errorFor(change), 'routes[0].http.url').fix).toContain('works only with the local sandbox (--target local)');
    const config = validConfig();
    change(config);
    expect(load(config, { target: 'local' }).routes[0]!.target).toMatchObject({ kind: 'http', url: 'http://127.0.0.1:4191/o' });
  });

  it('parameters in the URL that the path does not have', () => {
    const issue = issueAt(
      errorFor((c) => Object.assign(c.routes[0], { path: '/orders/{id}', http: { url: 'https://x.example.com/o/{orderId}' } })),
      'routes[0].http.url',
    );
    expect(issue.message).toBe(
      'backend URL "https://x.example.com/o/{orderId}" uses {orderId}, which the path of route "GET /orders/{id}" does not have',
    );
    expect(issue.fix).toContain('{id}');
  });

  it.each(['Authorization', 'x-amzn-trace-id', 'X-Forwarded-For'])('an identity header API Gateway reserves: %s', (name) => {
    const issue = issueAt(
      errorFor((c) => (c.routes[0].http = { url: 'https://x.example.com', identityHeaders: { sub: name } })),
      'routes[0].http.identityHeaders.sub',
    );
    expect(issue.message).toContain('API Gateway reserves');
  });

  it('two identity headers with one name', () => {
    const issue = issueAt(
      errorFor((c) => (c.routes[0].http = { url: 'https://x.example.com', identityHeaders: { scope: 'X-TOLLGATE-SUB' } })),
      'routes[0].http.identityHeaders.scope',
    );
    expect(issue.message).toBe('"X-TOLLGATE-SUB" is also the sub header');
  });

  it('function settings for a file no route runs, and environment names Lambda refuses', () => {
    const err = errorFor((c) => {
      c.aws.functions = { 'handlers/orders.ts': { environment: { AWS_REGION: 'x' } } };
      c.aws.lambda.environment = { '1BAD': 'x' };
    });
    expect(issueAt(err, 'aws.functions["handlers/orders.ts"]').message).toBe('no route runs "handlers/orders.ts"');
    expect(issueAt(err, 'aws.functions["handlers/orders.ts"].environment.AWS_REGION').message).toContain('set by the Lambda runtime');
    expect(issueAt(err, 'aws.lambda.environment.1BAD').message).toContain('is not a Lambda environment variable name');
  });

  it('a smoke sample for a parameter the path does not have', () => {
    const issue = issueAt(
      errorFor((c) => (c.routes[0].smoke = { pathParameters: { id: '1' } })),
      'routes[0].smoke.pathParameters.id',
    );
    expect(issue.message).toBe('route "GET /user" has no path parameter "id"');
  });
});
