import { loadConfig, type LoadConfigOptions } from '..';
import { ConfigFiles, configErrorOf, issueAt, validConfig, type LooseConfig } from './support';

let files: ConfigFiles;
beforeAll(() => {
  files = new ConfigFiles();
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

describe('the validations issue 2 lists', () => {
  it('a route using an undeclared scope', () => {
    const err = errorFor((c) => (c.routes[1].scopes = ['create_pharmacy_usr']));
    const issue = issueAt(err, 'routes[1].scopes[0]');
    expect(issue.message).toBe('route "POST /user" uses scope "create_pharmacy_usr", which is not declared in "scopes"');
    expect(issue.fix).toContain('declared: get_pharmacy_user, create_pharmacy_user, update_pharmacy_user');
  });

  it('a duplicate route', () => {
    const err = errorFor((c) => c.routes.push({ method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] }));
    expect(issueAt(err, 'routes[3]').message).toBe('route "GET /user" is declared twice');
  });

  it('duplicate scope names', () => {
    const err = errorFor((c) => c.scopes.push({ name: 'get_pharmacy_user' }));
    expect(issueAt(err, 'scopes[3].name').message).toBe('scope "get_pharmacy_user" is declared twice');
  });

  it.each(['openid', 'profile', 'email', 'address', 'phone', 'groups', 'roles', 'offline_access', 'internal_user_mgt_view', 'SYSTEM'])(
    'a scope named like an OIDC or internal scope: %s',
    (name) => {
      const err = errorFor((c) => c.scopes.push({ name }));
      const issue = issueAt(err, 'scopes[3].name');
      expect(issue.message).toMatch(/Asgardeo refuses it as an API scope \(400 API-RESOURCE-6000[89]\)$/);
      expect(issue.fix).toMatch(/rename it/);
      expect(err.issues.filter((i) => i.path === 'scopes[3].name')).toHaveLength(1);
    },
  );

  it('a client authorized for an undeclared scope', () => {
    const err = errorFor((c) => c.clients[1].scopes.push('delete_pharmacy_user'));
    expect(issueAt(err, 'clients[1].scopes[2]').message).toBe(
      'client "pharmacy-admin" uses scope "delete_pharmacy_user", which is not declared in "scopes"',
    );
  });

  it('a role with an undeclared scope', () => {
    const err = errorFor((c) => (c.roles[0].scopes = ['get_pharmacy_user', 'dispense']));
    expect(issueAt(err, 'roles[0].scopes[1]').message).toBe('role "pharmacist" uses scope "dispense", which is not declared in "scopes"');
  });

  it.each(['Pharmacy', 'my org', '-pharmacy', 'pharmacy-', 'ph@rmacy', 'a'.repeat(64)])('a malformed organization name: %s', (org) => {
    const err = errorFor((c) => (c.asgardeo.organization = org));
    const issue = issueAt(err, 'asgardeo.organization');
    expect(issue.message).toBe(`"${org}" is not an Asgardeo organization name`);
    expect(issue.fix).toContain('https://console.asgardeo.io/t/<organization>');
  });

  it('a non-https issuer for a real deployment', () => {
    const err = errorFor((c) => (c.asgardeo.issuer = 'http://id.example.com/oauth2/token'), { target: 'aws' });
    const issue = issueAt(err, 'asgardeo.issuer');
    expect(issue.message).toBe(
      `issuer "http://id.example.com/oauth2/token" is not https; API Gateway's JWT authorizer accepts only https issuers`,
    );
  });

  it('a non-https base URL for a real deployment, even on loopback', () => {
    const err = errorFor((c) => (c.asgardeo.baseUrl = 'http://127.0.0.1:8080'), { target: 'aws' });
    expect(issueAt(err, 'asgardeo.baseUrl').message).toBe(
      `issuer "http://127.0.0.1:8080/t/pharmacy/oauth2/token" is not https; API Gateway's JWT authorizer accepts only https issuers`,
    );
  });

  it('a route without scopes that is not marked public', () => {
    const err = errorFor((c) => delete c.routes[0].scopes);
    const issue = issueAt(err, 'routes[0].scopes');
    expect(issue.message).toBe('route "GET /user" has no scopes and is not marked public');
    expect(issue.fix).toContain('public: true');
    const empty = errorFor((c) => (c.routes[0].scopes = []));
    expect(issueAt(empty, 'routes[0].scopes').message).toBe('route "GET /user" has no scopes and is not marked public');
  });
});

describe('other validations', () => {
  it('a public route that lists scopes', () => {
    const err = errorFor((c) => (c.routes[0].public = true));
    expect(issueAt(err, 'routes[0]').message).toBe('route "GET /user" is public but lists scopes');
  });

  it('accepts a public route without scopes', () => {
    const config = validConfig();
    config.routes.push({ method: 'GET', path: '/health', public: true });
    const resolved = load(config);
    expect(resolved.routes[3]).toEqual({
      method: 'GET',
      path: '/health',
      routeKey: 'GET /health',
      scopes: [],
      public: true,
      target: { kind: 'function', functionId: 'handler' },
      smoke: { status: undefined, pathParameters: {} },
    });
  });

  it('a malformed route path', () => {
    const err = errorFor((c) => (c.routes[0].path = 'user'));
    expect(issueAt(err, 'routes[0].path').message).toBe('"user" is not a valid route path');
  });

  it('a scope with whitespace', () => {
    const err = errorFor((c) => c.scopes.push({ name: 'read users' }));
    expect(issueAt(err, 'scopes[3].name').message).toBe('"read users" contains characters a scope cannot hold');
  });

  it('a role audience naming an undeclared client', () => {
    const err = errorFor((c) => (c.roles[0].audience = { client: 'nobody' }));
    expect(issueAt(err, 'roles[0].audience.client').message).toBe(
      'role "pharmacist" names client "nobody", which is not declared in "clients" or "applications"',
    );
  });

  it('a user naming an undeclared role', () => {
    const err = errorFor((c) => (c.users = [{ userName: 'ann@example.com', roles: ['chemist'], password: { invite: true } }]));
    expect(issueAt(err, 'users[0].roles[0]').message).toBe('user "ann@example.com" names role "chemist", which is not declared in "roles"');
  });

  it('a plaintext password', () => {
    const err = errorFor((c) => (c.users = [{ userName: 'ann@example.com', password: 'hunter2' }]));
    const issue = issueAt(err, 'users[0].password');
    expect(issue.message).toBeTruthy();
    // The refused value itself is not repeated in the error.
    expect(err.message).not.toContain('hunter2');
  });

  it('authorization_code without a callback URL', () => {
    const err = errorFor((c) => (c.clients[0].grantTypes = ['authorization_code']));
    expect(issueAt(err, 'clients[0].callbackUrls').message).toBe(
      'client "pharmacy-reader" uses authorization_code but has no callback URL',
    );
  });

  it('duplicate client names', () => {
    const err = errorFor((c) => c.clients.push({ name: 'pharmacy-reader', scopes: [] }));
    expect(issueAt(err, 'clients[2].name').message).toBe('client "pharmacy-reader" is declared twice');
  });

  it('an issuer with a trailing slash', () => {
    const err = errorFor((c) => (c.asgardeo.issuer = 'https://id.example.com/oauth2/token/'));
    expect(issueAt(err, 'asgardeo.issuer').message).toMatch(/ends with "\/"/);
  });

  it('schema errors: unknown keys, missing fields, bad enums and regions', () => {
    expect(
      issueAt(
        errorFor((c) => (c.aws.regoin = 'x')),
        'aws',
      ).message,
    ).toBe('unknown key(s) "regoin"');
    expect(
      issueAt(
        errorFor((c) => delete c.apiResource),
        'apiResource',
      ).message,
    ).toBe('is required');
    expect(
      issueAt(
        errorFor((c) => (c.routes[0].method = 'FETCH')),
        'routes[0].method',
      ).message,
    ).toBe('"FETCH" is not allowed');
    expect(
      issueAt(
        errorFor((c) => (c.aws.region = 'Mars')),
        'aws.region',
      ).message,
    ).toBe('must be an AWS region such as us-east-1');
    expect(
      issueAt(
        errorFor((c) => (c.aws.logRetentionDays = 10)),
        'aws.logRetentionDays',
      ).message,
    ).toBe('must be one of CloudWatch retention values');
  });

  it('reports every problem of a file at once, in the error message too', () => {
    const err = errorFor((c) => {
      c.asgardeo.organization = 'Bad Org';
      c.scopes.push({ name: 'openid' });
      c.routes[0].scopes = ['nope'];
    });
    expect(err.issues.map((i) => i.path).sort()).toEqual(['asgardeo.organization', 'routes[0].scopes[0]', 'scopes[3].name']);
    expect(err.message).toMatch(/is not valid \(3 problems\)/);
    expect(err.message).toContain('environment "dev"');
    expect(err.message).toContain('fix: ');
  });
});
