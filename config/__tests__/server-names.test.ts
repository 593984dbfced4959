import { loadConfig } from '..';
import { APPLICATION_NAME_MAX, applicationNameIssues, scopeNameIssues } from '../server-names';
import { ConfigFiles, configErrorOf, issueAt, validConfig, type LooseConfig } from './support';

/** Names Asgardeo's server refuses (or would never find again) are refused by loadConfig, before any request. */

let files: ConfigFiles;
beforeAll(() => {
  files = new ConfigFiles();
});
afterAll(() => files.remove());

function errorFor(change: (c: LooseConfig) => void) {
  const config = validConfig();
  change(config);
  return configErrorOf(() => loadConfig({ file: files.write(config), env: 'dev', environment: {} }));
}

const SPA = { kind: 'spa', name: 'pharmacy-web', callbackUrls: ['http://localhost:5173/callback'], scopes: ['get_pharmacy_user'] };

describe('application names against the server regex ^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$', () => {
  it.each([
    ['Pharmacy Reader', true],
    ['pharmacy.reader_2-b', true],
    ['pharmacy reader (dev)', false],
    ['pharmacy&reader', false],
    ['pharmacy  reader', false],
    [' pharmacy', false],
    ['pharmacy ', false],
    ['apothéke', false],
    ['pharmacy/reader', false],
  ])('client name %j accepted: %s', (name, ok) => {
    expect(applicationNameIssues(name, 'clients[0].name', 'client')).toHaveLength(ok ? 0 : 1);
  });

  it('a client name with a character the list filter drops is refused with the fix, and a suggested name', () => {
    const err = errorFor((c) => (c.clients[0].name = 'pharmacy reader (dev)'));
    const issue = issueAt(err, 'clients[0].name');
    expect(issue.message).toBe(
      'client name "pharmacy reader (dev)" contains "(", ")" (Asgardeo\'s list filter ' +
        'would also drop "(", ")", so tollgate could not find the application again); ' +
        'Asgardeo refuses application names outside ^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$ (400)',
    );
    expect(issue.fix).toBe('use letters, digits, ".", "_" and "-", words separated by single spaces (e.g. "pharmacy reader dev")');
  });

  it('doubled spaces are refused (the server regex allows single spaces between words only)', () => {
    const err = errorFor((c) => (c.clients[1].name = 'pharmacy  admin'));
    expect(issueAt(err, 'clients[1].name').message).toMatch(/"pharmacy {2}admin" has leading, trailing or doubled spaces/);
    expect(issueAt(err, 'clients[1].name').fix).toMatch(/e\.g\. "pharmacy admin"/);
  });

  it('a name longer than the console cap of 50 characters is refused (51 is one too many, 50 is fine)', () => {
    const err = errorFor((c) => (c.clients[0].name = 'r'.repeat(APPLICATION_NAME_MAX + 1)));
    expect(issueAt(err, 'clients[0].name').message).toBe(
      `client name "${'r'.repeat(51)}" is 51 characters; the Asgardeo console allows at most 50`,
    );
    expect(issueAt(err, 'clients[0].name').fix).toBe('shorten it to 50 characters or fewer');
    expect(applicationNameIssues('r'.repeat(50), 'x', 'client')).toEqual([]);
  });

  it('user-facing application names follow the same rules', () => {
    const err = errorFor((c) => (c.applications = [{ ...SPA, name: 'Pharmacy @ Web' }]));
    expect(issueAt(err, 'applications[0].name').message).toMatch(/^application name "Pharmacy @ Web" contains "@"/);
    expect(issueAt(err, 'applications[0].name').fix).toMatch(/e\.g\. "Pharmacy Web"/);
  });

  it('the example configuration passes', () => {
    const config = validConfig();
    config.applications = [SPA];
    expect(() => loadConfig({ file: files.write(config), env: 'dev', environment: {} })).not.toThrow();
  });
});

describe('scope names the API-resource endpoint refuses', () => {
  it.each(['internal', 'internalScope', 'Internal_orders', 'internal_user_mgt_view'])(
    'restricted prefix "internal": %s (API-RESOURCE-60008)',
    (name) => {
      const err = errorFor((c) => c.scopes.push({ name }));
      const issue = issueAt(err, 'scopes[3].name');
      expect(issue.message).toBe(
        `"${name}" starts with the restricted prefix "internal"; Asgardeo refuses it as an API scope (400 API-RESOURCE-60008)`,
      );
      expect(issue.fix).toMatch(/^rename it without that prefix, e\.g\. "/);
    },
  );

  it.each(['openid', 'profile', 'email', 'phone', 'address', 'OpenID'])('OIDC scope name: %s (API-RESOURCE-60009)', (name) => {
    const [issue] = scopeNameIssues(name, 'scopes[0].name');
    expect(issue?.message).toBe(`"${name}" is an OpenID Connect scope name; Asgardeo refuses it as an API scope (400 API-RESOURCE-60009)`);
    expect(issue?.fix).toBe(`rename it after the action it allows, e.g. "read_${name.toLowerCase()}"`);
  });

  it('a blank scope (whitespace only) is refused as API-RESOURCE-60005, once', () => {
    const err = errorFor((c) => c.scopes.push({ name: '   ' }));
    expect(err.issues.filter((i) => i.path === 'scopes[3].name')).toEqual([
      {
        path: 'scopes[3].name',
        message: 'the scope name is blank; Asgardeo refuses it (400 API-RESOURCE-60005)',
        fix: 'name the scope after the action it allows, e.g. "read_orders"',
      },
    ]);
  });

  it('ordinary scope names pass', () => {
    expect(['get_pharmacy_user', 'orders:read', 'intern_report'].flatMap((n) => scopeNameIssues(n, 'x'))).toEqual([]);
  });
});

describe('enableJwtScopeAsArray on an authorized client', () => {
  it.each(['enableJwtScopeAsArray', 'scopeAsArray'])('%s on a client is refused, saying what the authorizer would do', (key) => {
    const err = errorFor((c) => (c.clients[0][key] = true));
    const issue = issueAt(err, 'clients[0]');
    expect(issue.message).toBe(
      `"${key}" cannot be set: tollgate keeps Asgardeo's enableJwtScopeAsArray off for every client its API authorizes, because ` +
        'API Gateway\'s JWT authorizer expects "scope" as a space-separated ' +
        'string; with an array every route that needs a scope would answer 403',
    );
    expect(issue.fix).toBe(
      `remove "${key}" (a change made in the console is shown by \`npx tollgate plan\` and reverted by \`npx tollgate apply\`)`,
    );
  });

  it('other unknown keys keep the general message', () => {
    expect(
      issueAt(
        errorFor((c) => (c.clients[0].colour = 'red')),
        'clients[0]',
      ).message,
    ).toBe('unknown key(s) "colour"');
  });
});
