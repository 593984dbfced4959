import * as path from 'node:path';
import { ConfigError, listEnvironments, loadAllEnvironments, loadConfig, mergeOverrides } from '..';
import { ConfigFiles, configErrorOf, issueAt, validConfig } from './support';
import { PHARMACY_CONFIG, PHARMACY_HANDLER } from '../../__tests__/pharmacy-fixture';

const EXAMPLE = PHARMACY_CONFIG;

let files: ConfigFiles;
let file: string;
beforeAll(() => {
  files = new ConfigFiles();
  file = files.write(validConfig());
});
afterAll(() => files.remove());

describe('defaults', () => {
  it('fills in every default', () => {
    const c = loadConfig({ file, env: 'dev', environment: {} });
    expect(c.environment).toBe('dev');
    expect(c.target).toBe('aws');
    expect(c.stackName).toBe('pharmacy-user-api-dev');
    expect(c.asgardeo).toEqual({
      organization: 'pharmacy',
      baseUrl: 'https://api.asgardeo.io',
      issuer: 'https://api.asgardeo.io/t/pharmacy/oauth2/token',
      tokenEndpoint: 'https://api.asgardeo.io/t/pharmacy/oauth2/token',
      jwksUri: 'https://api.asgardeo.io/t/pharmacy/oauth2/jwks',
      discoveryUrl: 'https://api.asgardeo.io/t/pharmacy/oauth2/token/.well-known/openid-configuration',
      rolesApi: 'auto',
    });
    expect(c.aws).toEqual({
      region: 'us-east-1',
      apiName: 'pharmacy-user-api',
      stage: 'dev',
      throttling: { rateLimit: 50, burstLimit: 100 },
      logRetentionDays: 14,
      cors: undefined,
      functions: [
        {
          id: 'handler',
          functionName: 'pharmacy-user-api-dev-handler',
          entry: path.join(path.dirname(file), 'lambda/handler.ts'),
          configuredEntry: 'lambda/handler.ts',
          handler: 'handler',
          memoryMb: 256,
          timeoutSeconds: 10,
          architecture: 'arm64',
          runtime: 'nodejs22.x',
          environment: {},
        },
      ],
      lambda: {
        entry: path.join(path.dirname(file), 'lambda/handler.ts'),
        handler: 'handler',
        memoryMb: 256,
        timeoutSeconds: 10,
        architecture: 'arm64',
        runtime: 'nodejs22.x',
        environment: {},
      },
    });
    expect(c.scopes[1]).toEqual({ name: 'create_pharmacy_user', displayName: 'create_pharmacy_user', description: '' });
    expect(c.apiResource).toEqual({
      identifier: 'urn:tollgate:pharmacy:pharmacy-user-api:dev',
      identifierSource: 'default',
      name: 'Pharmacy User API',
      description: '',
      requiresAuthorization: true,
    });
    expect(c.clients[0]).toEqual({
      name: 'pharmacy-reader',
      description: '',
      grantTypes: ['client_credentials'],
      callbackUrls: [],
      scopes: ['get_pharmacy_user'],
      accessTokenLifetimeSeconds: 3600,
      roleAudience: 'application',
    });
    expect(c.roles[0]).toEqual({ name: 'pharmacist', audience: { type: 'organization' }, scopes: ['get_pharmacy_user'], users: [] });
    expect(c.users).toEqual([]);
    expect(c.applications).toEqual([]);
  });

  it('maps users to their roles and keeps passwords as references', () => {
    const config = validConfig();
    config.users = [
      { userName: 'ann@example.com', roles: ['pharmacist'], password: { invite: true } },
      { userName: 'bob@example.com', email: 'bob.b@example.com', roles: ['pharmacist'], password: { fromEnv: 'BOB_PASSWORD' } },
    ];
    const c = loadConfig({ file: files.write(config), env: 'dev', environment: { BOB_PASSWORD: 'hunter2' } });
    expect(c.roles[0]?.users).toEqual(['ann@example.com', 'bob@example.com']);
    // The e-mail defaults to the user name.
    expect(c.users.map((u) => u.email)).toEqual(['ann@example.com', 'bob.b@example.com']);
    expect(c.users.map((u) => u.password)).toEqual([{ kind: 'invite' }, { kind: 'env', variable: 'BOB_PASSWORD' }]);
    expect(JSON.stringify(c)).not.toContain('hunter2');
  });
});

describe('environments', () => {
  it('merges an environment over the base: objects key by key, scalars replace', () => {
    const prod = loadConfig({ file, env: 'prod', environment: {} });
    expect(prod.stackName).toBe('pharmacy-user-api-prod');
    expect(prod.aws.stage).toBe('prod');
    expect(prod.aws.throttling).toEqual({ rateLimit: 200, burstLimit: 400 });
    expect(prod.aws.logRetentionDays).toBe(90);
    // Untouched siblings survive the merge.
    expect(prod.aws.region).toBe('us-east-1');
    expect(prod.aws.lambda.memoryMb).toBe(256);
  });

  it('replaces arrays rather than merging them', () => {
    expect(mergeOverrides({ a: [1, 2], o: { x: 1, y: 2 } }, { a: [3], o: { y: 3 } })).toEqual({ a: [3], o: { x: 1, y: 3 } });
    const config = validConfig();
    config.environments.prod.scopes = [{ name: 'get_pharmacy_user' }];
    config.environments.prod.routes = [{ method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] }];
    config.environments.prod.clients = [];
    config.environments.prod.roles = [];
    const prod = loadConfig({ file: files.write(config), env: 'prod', environment: {} });
    expect(prod.scopes.map((s) => s.name)).toEqual(['get_pharmacy_user']);
    expect(prod.routes.map((r) => r.routeKey)).toEqual(['GET /user']);
  });

  it('validates the merged result and names the environment', () => {
    const config = validConfig();
    config.environments.prod.routes = [{ method: 'GET', path: '/user', scopes: ['nope'] }];
    const err = configErrorOf(() => loadConfig({ file: files.write(config), env: 'prod', environment: {} }));
    expect(issueAt(err, 'routes[0].scopes[0]').message).toContain('"nope"');
    expect(err.message).toContain('(environment "prod")');
    // dev is still fine.
    expect(() => loadConfig({ file: files.write(config), env: 'dev', environment: {} })).not.toThrow();
  });

  it('chooses the environment: option, then TOLLGATE_ENV, then defaultEnvironment, then dev', () => {
    expect(loadConfig({ file, env: 'prod', environment: { TOLLGATE_ENV: 'dev' } }).environment).toBe('prod');
    expect(loadConfig({ file, environment: { TOLLGATE_ENV: 'prod' } }).environment).toBe('prod');
    expect(loadConfig({ file, environment: {} }).environment).toBe('dev');
    const withDefault = files.write({ ...validConfig(), defaultEnvironment: 'prod' });
    expect(loadConfig({ file: withDefault, environment: {} }).environment).toBe('prod');
  });

  it('refuses an unknown environment and lists the known ones', () => {
    const err = configErrorOf(() => loadConfig({ file, env: 'staging', environment: {} }));
    const issue = issueAt(err, 'environments');
    expect(issue.message).toBe('unknown environment "staging"');
    expect(issue.fix).toContain('dev, prod');
    const viaEnv = configErrorOf(() => loadConfig({ file, environment: { TOLLGATE_ENV: 'qa' } }));
    expect(issueAt(viaEnv, 'environments').message).toBe('unknown environment "qa"');
  });

  it('refuses a file without environments', () => {
    const err = configErrorOf(() => loadConfig({ file: files.write({ ...validConfig(), environments: {} }), environment: {} }));
    expect(issueAt(err, 'environments').message).toBe('no environment is declared');
  });

  it('loads all environments, and lists them', () => {
    expect(loadAllEnvironments({ file, environment: {} }).map((c) => c.stackName)).toEqual([
      'pharmacy-user-api-dev',
      'pharmacy-user-api-prod',
    ]);
    expect(listEnvironments({ file, environment: {} })).toEqual(['dev', 'prod']);
  });
});

describe('issuer and target', () => {
  it('honours ASGARDEO_BASE_URL, the asgardeoBaseUrl option and trims trailing slashes', () => {
    const viaEnv = loadConfig({ file, env: 'dev', environment: { ASGARDEO_BASE_URL: 'https://id.example.com/' } });
    expect(viaEnv.asgardeo.baseUrl).toBe('https://id.example.com');
    expect(viaEnv.asgardeo.issuer).toBe('https://id.example.com/t/pharmacy/oauth2/token');
    const viaOption = loadConfig({
      file,
      env: 'dev',
      asgardeoBaseUrl: 'https://other.example.com',
      environment: { ASGARDEO_BASE_URL: 'https://id.example.com' },
    });
    expect(viaOption.asgardeo.issuer).toBe('https://other.example.com/t/pharmacy/oauth2/token');
  });

  it('asgardeo.rolesApi forces a SCIM2 Roles API (auto by default); another value is refused naming the three', () => {
    const config = validConfig();
    config.asgardeo.rolesApi = 'v3';
    expect(loadConfig({ file: files.write(config), env: 'dev', environment: {} }).asgardeo.rolesApi).toBe('v3');
    config.asgardeo.rolesApi = 'v4';
    const err = configErrorOf(() => loadConfig({ file: files.write(config), env: 'dev', environment: {} }));
    expect(err.issues.find((i) => i.path === 'asgardeo.rolesApi')).toMatchObject({
      message: '"v4" is not allowed',
      fix: 'use one of: auto, v2, v3',
    });
  });

  it('uses a custom-domain issuer for real deployments', () => {
    const config = validConfig();
    config.asgardeo.issuer = 'https://login.pharmacy.example/oauth2/token';
    const c = loadConfig({ file: files.write(config), env: 'dev', environment: {} });
    expect(c.asgardeo.issuer).toBe('https://login.pharmacy.example/oauth2/token');
    expect(c.asgardeo.discoveryUrl).toBe('https://login.pharmacy.example/oauth2/token/.well-known/openid-configuration');
  });

  it('local target: allows an http loopback issuer and ignores the custom-domain issuer', () => {
    const config = validConfig();
    config.asgardeo.issuer = 'https://login.pharmacy.example/oauth2/token';
    const c = loadConfig({
      file: files.write(config),
      env: 'dev',
      environment: { TOLLGATE_TARGET: 'local', ASGARDEO_BASE_URL: 'http://127.0.0.1:4567' },
    });
    expect(c.target).toBe('local');
    expect(c.asgardeo.issuer).toBe('http://127.0.0.1:4567/t/pharmacy/oauth2/token');
    expect(loadConfig({ file, env: 'dev', target: 'local', asgardeoBaseUrl: 'http://localhost:9', environment: {} }).asgardeo.issuer).toBe(
      'http://localhost:9/t/pharmacy/oauth2/token',
    );
  });

  it('local target: still refuses http on a non-loopback host', () => {
    const err = configErrorOf(() =>
      loadConfig({ file, env: 'dev', target: 'local', asgardeoBaseUrl: 'http://10.0.0.5:8080', environment: {} }),
    );
    expect(issueAt(err, 'asgardeo.baseUrl').message).toBe(
      'issuer "http://10.0.0.5:8080/t/pharmacy/oauth2/token" must be https, or http on a loopback address for the local sandbox',
    );
  });

  it('aws target: refuses the sandbox http issuer', () => {
    const err = configErrorOf(() => loadConfig({ file, env: 'dev', environment: { ASGARDEO_BASE_URL: 'http://127.0.0.1:4567' } }));
    expect(issueAt(err, 'asgardeo.baseUrl').message).toMatch(/is not https/);
  });

  it('refuses an unknown TOLLGATE_TARGET', () => {
    const err = configErrorOf(() => loadConfig({ file, env: 'dev', environment: { TOLLGATE_TARGET: 'gcp' } }));
    expect(issueAt(err, 'TOLLGATE_TARGET').message).toBe('unknown target "gcp"');
  });
});

describe('the configuration file', () => {
  it('reports a missing file with how to fix it', () => {
    const missing = path.join(files.dir, 'nope.config.ts');
    const err = configErrorOf(() => loadConfig({ file: missing, environment: {} }));
    expect(err.issues[0]?.message).toBe('the configuration file does not exist');
    expect(err.issues[0]?.fix).toContain('TOLLGATE_CONFIG');
    expect(err.message).toContain(missing);
  });

  it('finds the file through TOLLGATE_CONFIG', () => {
    expect(loadConfig({ env: 'dev', environment: { TOLLGATE_CONFIG: file } }).file).toBe(file);
  });

  it('reports a file that does not load', () => {
    const broken = files.writeRaw('module.exports = { asgardeo: {\n');
    const err = configErrorOf(() => loadConfig({ file: broken, environment: {} }));
    expect(err.issues[0]?.path).toBe(`${broken}:2:1`);
    expect(err.issues[0]?.message).toMatch(/^Expected identifier but found end of file\n/);
    const throwing = files.writeRaw("throw new Error('boom');\n");
    expect(configErrorOf(() => loadConfig({ file: throwing, environment: {} })).issues[0]?.message).toBe(
      'the file failed while running: Error: boom',
    );
  });

  it('reports a file that exports no configuration', () => {
    const err = configErrorOf(() => loadConfig({ file: files.writeRaw('module.exports = 42;\n'), environment: {} }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.issues.length).toBeGreaterThan(0);
  });

  it('accepts `export default`', () => {
    const c = loadConfig({ file: files.write({ default: validConfig() }), env: 'dev', environment: {} });
    expect(c.stackName).toBe('pharmacy-user-api-dev');
  });

  it('loads the shipped Pharmacy example', () => {
    const all = loadAllEnvironments({ file: EXAMPLE, environment: {} });
    expect(all.map((c) => c.stackName)).toEqual(['pharmacy-user-api-dev', 'pharmacy-user-api-prod']);
    const dev = all[0];
    expect(dev?.asgardeo.issuer).toBe('https://api.asgardeo.io/t/pharmacy/oauth2/token');
    expect(dev?.routes.map((r) => [r.routeKey, r.scopes])).toEqual([
      ['GET /user', ['get_pharmacy_user']],
      ['POST /user', ['create_pharmacy_user']],
      ['PUT /user', ['update_pharmacy_user']],
    ]);
    expect(dev?.clients.map((c) => [c.name, c.scopes])).toEqual([
      ['pharmacy-reader', ['get_pharmacy_user']],
      ['pharmacy-admin', ['create_pharmacy_user', 'update_pharmacy_user']],
    ]);
    expect(dev?.roles.map((r) => [r.name, r.users])).toEqual([
      ['pharmacist', []],
      ['PharmacyUser', ['kim@gmail.com']],
    ]);
    expect(dev?.users.map((u) => [u.userName, u.givenName, u.familyName, u.roles, u.password])).toEqual([
      ['kim@gmail.com', 'Kim', 'Henry', ['PharmacyUser'], { kind: 'env', variable: 'TOLLGATE_USER_KIM_PASSWORD' }],
      ['lee@example.com', 'Lee', 'Silva', [], { kind: 'env', variable: 'TOLLGATE_USER_LEE_PASSWORD' }],
    ]);
    expect(dev?.applications.map((a) => [a.kind, a.name, a.allowedOrigins, a.accessToken.attributes])).toEqual([
      ['spa', 'pharmacy-demo', ['http://localhost:4190'], ['given_name', 'email']],
    ]);
    expect(dev?.aws.cors?.allowOrigins).toEqual(['http://localhost:4190']);
    expect(all[1]?.users).toEqual([]);
    expect(dev?.aws.lambda.entry).toBe(PHARMACY_HANDLER);
    expect(all[1]?.aws).toEqual(
      expect.objectContaining({ stage: 'prod', logRetentionDays: 90, throttling: { rateLimit: 200, burstLimit: 400 } }),
    );
  });
});
