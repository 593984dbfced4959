import { generateSandboxPasswords, loadConfig, sandboxPassword, type LoadConfigOptions } from '..';
import { ConfigFiles, configErrorOf, issueAt, validConfig, type LooseConfig } from './support';

let files: ConfigFiles;
beforeAll(() => {
  files = new ConfigFiles();
});
afterAll(() => files.remove());

const SPA = {
  kind: 'spa',
  name: 'pharmacy-demo',
  callbackUrls: ['http://localhost:4190/', 'https://demo.pharmacy.example/callback'],
  scopes: ['get_pharmacy_user'],
  accessTokenAttributes: ['given_name', 'email'],
  roleAudience: 'organization',
};
const WEB = {
  kind: 'web',
  name: 'pharmacy-portal',
  callbackUrls: ['https://portal.pharmacy.example/cb'],
  scopes: ['get_pharmacy_user', 'update_pharmacy_user'],
};

function withApps(...apps: LooseConfig[]): LooseConfig {
  const config = validConfig();
  config.applications = apps;
  return config;
}

function load(config: LooseConfig, options: Partial<LoadConfigOptions> = {}) {
  return loadConfig({ file: files.write(config), env: 'dev', environment: {}, ...options });
}

function errorFor(change: (c: LooseConfig) => void, options: Partial<LoadConfigOptions> = {}) {
  const config = withApps(structuredClone(SPA), structuredClone(WEB));
  change(config);
  return configErrorOf(() => load(config, options));
}

describe('applications: what each kind resolves to', () => {
  it('spa: public client, PKCE (S256) mandatory, code + refresh, JWT access tokens, origins from the callbacks', () => {
    const [spa] = load(withApps(SPA)).applications;
    expect(spa).toEqual({
      kind: 'spa',
      name: 'pharmacy-demo',
      description: '',
      grantTypes: ['authorization_code', 'refresh_token'],
      publicClient: true,
      pkce: { mandatory: true, supportPlainTransformAlgorithm: false },
      callbackUrls: ['http://localhost:4190/', 'https://demo.pharmacy.example/callback'],
      allowedOrigins: ['http://localhost:4190', 'https://demo.pharmacy.example'],
      scopes: ['get_pharmacy_user'],
      accessToken: { type: 'JWT', lifetimeSeconds: 3600, attributes: ['given_name', 'email'] },
      refreshTokenLifetimeSeconds: 86400,
      requestedClaims: ['given_name', 'email'],
      roleAudience: 'organization',
      appNativeAuthentication: false,
    });
  });

  it('web: confidential, no password grant unless asked for, no browser origins by default', () => {
    const [web] = load(withApps(WEB)).applications;
    expect(web).toMatchObject({
      kind: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      publicClient: false,
      pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
      allowedOrigins: [],
      accessToken: { type: 'JWT', lifetimeSeconds: 3600, attributes: [] },
      requestedClaims: [],
      roleAudience: 'application',
    });
    const [withPassword] = load(
      withApps({ ...WEB, passwordGrant: true, allowedOrigins: ['https://portal.pharmacy.example'] }),
    ).applications;
    expect(withPassword?.grantTypes).toEqual(['authorization_code', 'refresh_token', 'password']);
    expect(withPassword?.allowedOrigins).toEqual(['https://portal.pharmacy.example']);
  });

  it("the HTTP API gets CORS for the union of the origins, with the routes' methods; none without origins", () => {
    const c = load(withApps(SPA, { ...WEB, allowedOrigins: ['https://portal.pharmacy.example', 'http://localhost:4190'] }));
    expect(c.aws.cors).toEqual({
      allowOrigins: ['http://localhost:4190', 'https://demo.pharmacy.example', 'https://portal.pharmacy.example'],
      allowMethods: ['GET', 'POST', 'PUT'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: ['www-authenticate'],
      maxAgeSeconds: 300,
      allowCredentials: false,
    });
    expect(load(withApps(WEB)).aws.cors).toBeUndefined();
    const any = withApps(SPA);
    any.routes.push({ method: 'ANY', path: '/files/{proxy+}', scopes: ['get_pharmacy_user'] });
    expect(load(any).aws.cors?.allowMethods).toEqual(['*']);
  });

  it('leaves the clients list as it was (the reconciler of clients does not see applications)', () => {
    const c = load(withApps(SPA, WEB));
    expect(c.clients.map((x) => x.name)).toEqual(['pharmacy-reader', 'pharmacy-admin']);
  });

  it('an application role may name an application', () => {
    const config = withApps(SPA);
    config.roles.push({ name: 'demo-reader', audience: { client: 'pharmacy-demo' }, scopes: ['get_pharmacy_user'] });
    expect(load(config).roles[1]?.audience).toEqual({ type: 'application', client: 'pharmacy-demo' });
  });
});

describe('applications: bad input says what to fix', () => {
  it('an attribute that is not an OIDC claim name', () => {
    const err = errorFor(
      (c) => (c.applications[0].accessTokenAttributes = ['given_name', 'givenname', 'http://wso2.org/claims/emailaddress', 'shoe_size']),
    );
    const a = issueAt(err, 'applications[0].accessTokenAttributes[1]');
    expect(a.message).toBe('"givenname" is not an OIDC claim name; Asgardeo refuses it with 400 "Invalid access token claim URI"');
    expect(a.fix).toContain('(did you mean "given_name"?)');
    expect(issueAt(err, 'applications[0].accessTokenAttributes[2]').fix).toContain('(did you mean "email"?)');
    expect(issueAt(err, 'applications[0].accessTokenAttributes[3]').fix).toBe(
      'use an OIDC claim name such as given_name, family_name, name, email, username, preferred_username',
    );
  });

  it('an attribute listed twice', () => {
    const err = errorFor((c) => (c.applications[0].accessTokenAttributes = ['email', 'email']));
    expect(issueAt(err, 'applications[0].accessTokenAttributes[1]').message).toBe('attribute "email" is listed twice');
  });

  it('the password grant on a single-page app', () => {
    const issue = issueAt(
      errorFor((c) => (c.applications[0].passwordGrant = true)),
      'applications[0].passwordGrant',
    );
    expect(issue.message).toContain('is a single-page app (a public client)');
    expect(issue.fix).toBe('remove "passwordGrant", or make it kind "web" (a confidential client with a secret)');
  });

  it('an unknown or missing kind', () => {
    const issue = issueAt(
      errorFor((c) => (c.applications[0].kind = 'mobile')),
      'applications[0].kind',
    );
    expect(issue.message).toBe('is missing or not a known kind');
    expect(issue.fix).toBe('set it to one of: spa, web');
    expect(
      issueAt(
        errorFor((c) => delete c.applications[1].kind),
        'applications[1].kind',
      ).fix,
    ).toBe('set it to one of: spa, web');
  });

  it('no callback URL; a plain-http callback off this machine; a callback with a fragment', () => {
    expect(
      issueAt(
        errorFor((c) => (c.applications[0].callbackUrls = [])),
        'applications[0].callbackUrls',
      ).message,
    ).toMatch(/at least 1/);
    const err = errorFor(
      (c) => (c.applications[1].callbackUrls = ['http://portal.pharmacy.example/cb', 'https://portal.pharmacy.example/cb#x']),
    );
    expect(issueAt(err, 'applications[1].callbackUrls[0]').message).toBe(
      'callback URL "http://portal.pharmacy.example/cb" must be https (http only on localhost or 127.0.0.1)',
    );
    expect(issueAt(err, 'applications[1].callbackUrls[1]').message).toBe(
      'callback URL "https://portal.pharmacy.example/cb#x" has a fragment',
    );
  });

  it('allowed origins that are not origins', () => {
    const err = errorFor(
      (c) =>
        (c.applications[0].allowedOrigins = [
          'https://demo.pharmacy.example/',
          '*',
          'http://demo.pharmacy.example',
          'https://demo.pharmacy.example',
        ]),
    );
    expect(issueAt(err, 'applications[0].allowedOrigins[0]')).toEqual({
      path: 'applications[0].allowedOrigins[0]',
      message: '"https://demo.pharmacy.example/" is not an origin',
      fix: 'write scheme, host and port only, without a path or trailing slash, e.g. "https://demo.pharmacy.example"',
    });
    expect(issueAt(err, 'applications[0].allowedOrigins[1]').message).toBe('"*" is not an origin');
    expect(issueAt(err, 'applications[0].allowedOrigins[2]').message).toBe(
      'origin "http://demo.pharmacy.example" must be https (http only on localhost or 127.0.0.1)',
    );
    expect(err.issues.some((i) => i.path === 'applications[0].allowedOrigins[3]')).toBe(false);
  });

  it('an undeclared scope, and a name a client already has', () => {
    const err = errorFor((c) => {
      c.applications[0].scopes = ['get_pharmacy_users'];
      c.applications[1].name = 'pharmacy-reader';
    });
    expect(issueAt(err, 'applications[0].scopes[0]').message).toBe(
      'application "pharmacy-demo" uses scope "get_pharmacy_users", which is not declared in "scopes"',
    );
    expect(issueAt(err, 'applications[1].name').message).toBe(
      'application "pharmacy-reader" is declared twice (clients and applications share one namespace)',
    );
  });

  it('the access token type cannot be chosen: always JWT', () => {
    expect(
      issueAt(
        errorFor((c) => (c.applications[0].accessTokenType = 'Default')),
        'applications[0]',
      ).message,
    ).toBe('unknown key(s) "accessTokenType"');
  });
});

describe('users', () => {
  const KIM = {
    userName: 'kim@gmail.com',
    givenName: 'Kim',
    familyName: 'Henry',
    roles: ['pharmacist'],
    password: { fromEnv: 'TOLLGATE_USER_KIM_PASSWORD' },
  };

  it('a user name that is not an e-mail address', () => {
    const issue = issueAt(
      errorFor((c) => (c.users = [{ ...KIM, userName: 'kim' }])),
      'users[0].userName',
    );
    expect(issue.message).toBe('must be an e-mail address: Asgardeo signs users in with their e-mail by default');
  });

  it('the same user twice, whatever the case', () => {
    const err = errorFor((c) => (c.users = [KIM, { ...KIM, userName: 'Kim@Gmail.com' }]));
    expect(issueAt(err, 'users[1].userName').message).toBe('user "Kim@Gmail.com" is declared twice');
  });

  it('no password value in the file, in any spelling', () => {
    for (const password of ['S3cret!pass', { value: 'S3cret!pass' }, { fromEnv: 'S3cret!pass' }]) {
      const err = errorFor((c) => (c.users = [{ ...KIM, password }]));
      expect(err.issues.some((i) => i.path.startsWith('users[0].password'))).toBe(true);
      expect(err.message).not.toContain('S3cret!pass');
    }
    expect(
      issueAt(
        errorFor((c) => (c.users = [{ ...KIM, passwordEnv: 'X' }])),
        'users[0]',
      ).message,
    ).toBe('unknown key(s) "passwordEnv"');
  });

  it('the password variable: env when set or for AWS, generated in the local sandbox when unset', () => {
    const config = validConfig();
    config.users = [
      KIM,
      { userName: 'lee@example.com', password: { fromEnv: 'LEE_PASSWORD' } },
      { userName: 'ann@example.com', password: { invite: true } },
    ];
    const aws = load(config);
    expect(aws.users.map((u) => u.password)).toEqual([
      { kind: 'env', variable: 'TOLLGATE_USER_KIM_PASSWORD' },
      { kind: 'env', variable: 'LEE_PASSWORD' },
      { kind: 'invite' },
    ]);
    const local = load(config, { target: 'local', asgardeoBaseUrl: 'http://127.0.0.1:4180', environment: { LEE_PASSWORD: 'set-by-hand' } });
    expect(local.users.map((u) => u.password)).toEqual([
      { kind: 'generated', variable: 'TOLLGATE_USER_KIM_PASSWORD' },
      { kind: 'env', variable: 'LEE_PASSWORD' },
      { kind: 'invite' },
    ]);
    expect(JSON.stringify(local)).not.toContain('set-by-hand');

    // The sandbox fills the unset variable, reloads, and the user's password is then read from it.
    const generated = generateSandboxPasswords(local, (n) => Buffer.alloc(n, 7));
    expect(Object.keys(generated)).toEqual(['TOLLGATE_USER_KIM_PASSWORD']);
    const again = load(config, {
      target: 'local',
      asgardeoBaseUrl: 'http://127.0.0.1:4180',
      environment: { LEE_PASSWORD: 'x', ...generated },
    });
    expect(again.users[0]?.password).toEqual({ kind: 'env', variable: 'TOLLGATE_USER_KIM_PASSWORD' });
    expect(generateSandboxPasswords(again)).toEqual({});
    // Never for a real deployment.
    expect(generateSandboxPasswords(aws)).toEqual({});
  });

  it("generated passwords meet Asgardeo's default policy and differ per run", () => {
    const a = sandboxPassword();
    const b = sandboxPassword();
    expect(a).not.toBe(b);
    for (const p of [a, b, sandboxPassword((n) => Buffer.alloc(n, 0)), sandboxPassword((n) => Buffer.alloc(n, 255))]) {
      expect(p.length).toBeGreaterThanOrEqual(8);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
    }
  });
});
