import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../config';
import { renderConfigFragment } from '../render-config';
import type { ExportedApplication, ExportedSetup } from '../model';
import { PORTAL, QUICK_START, expectedPortalExport, expectedQuickStartExport } from './quick-start-setup';

const CONFIG_MODULE = path.resolve(__dirname, '..', '..', 'config');

let scratch: string;
let files = 0;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-export-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The fragment placed in a configuration as a user would: their own aws, routes and environments around it. */
function configSource(fragment: string, routeScope: string): string {
  return [
    `import { defineConfig } from ${JSON.stringify(CONFIG_MODULE)};`,
    '',
    'export default defineConfig({',
    fragment.trimEnd(),
    "  aws: { region: 'us-east-1', apiName: 'pharmacy-user-api', lambda: { entry: 'lambda/handler.ts' } },",
    `  routes: [{ method: 'GET', path: '/user', scopes: [${JSON.stringify(routeScope)}] }],`,
    '  environments: { dev: {} },',
    '});',
    '',
  ].join('\n');
}

/** Renders, writes a tollgate.config.ts around the fragment and loads it with the project's loader. */
function roundTrip(setup: ExportedSetup): { loaded: ResolvedConfig; text: string; notes: readonly string[]; source: string } {
  const { text, notes } = renderConfigFragment(setup);
  const source = configSource(text, setup.apiResource.scopes[0]!.name);
  // A fresh name per file: require caches modules by path.
  const file = path.join(scratch, `tollgate-${++files}.config.ts`);
  fs.writeFileSync(file, source);
  return { loaded: loadConfig({ file, env: 'dev', environment: {} }), text, notes, source };
}

const app = (overrides: Partial<ExportedApplication>): ExportedApplication => ({
  name: 'svc',
  authorizedScopes: ['get_pharmacy_user'],
  otherAuthorizedApis: [],
  grantTypes: ['client_credentials'],
  callbackUrls: [],
  publicClient: false,
  accessTokenType: 'JWT',
  jwtScopeAsArray: false,
  accessTokenLifetimeSeconds: 3600,
  accessTokenAttributes: [],
  requestedClaims: [],
  pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
  appNativeAuthentication: false,
  audience: [QUICK_START.identifier],
  roleAudience: 'APPLICATION',
  ...overrides,
});

describe('renderConfigFragment: the quick-start setup', () => {
  const setup = expectedQuickStartExport('pharmacy');

  it('loads with the configuration loader and says what Asgardeo has', () => {
    const { loaded } = roundTrip(setup);
    expect(loaded.asgardeo.organization).toBe('pharmacy');
    expect(loaded.scopes).toEqual([
      { name: 'get_pharmacy_user', displayName: 'Get pharmacy user', description: 'Read the signed-in pharmacy user' },
    ]);
    expect(loaded.apiResource).toEqual({
      identifier: QUICK_START.identifier,
      identifierSource: 'configured',
      name: 'Pharmacy User API',
      description: '',
      requiresAuthorization: true,
    });
    // A public client with a callback URL is a single-page app: a user-facing application, not a machine client.
    expect(loaded.clients).toEqual([]);
    expect(loaded.applications).toEqual([
      expect.objectContaining({
        kind: 'spa',
        name: 'Pharmacy App',
        description: 'Pharmacy single-page app',
        grantTypes: ['authorization_code', 'refresh_token'],
        publicClient: true,
        callbackUrls: ['http://localhost:5173'],
        allowedOrigins: ['http://localhost:5173'],
        scopes: ['get_pharmacy_user'],
        accessToken: expect.objectContaining({ type: 'JWT', lifetimeSeconds: 3600 }),
        roleAudience: 'organization',
      }),
    ]);
    expect(loaded.roles).toEqual([
      { name: 'PharmacyUser', audience: { type: 'organization' }, scopes: ['get_pharmacy_user'], users: ['kim@gmail.com'] },
    ]);
    expect(loaded.users).toEqual([
      {
        userName: 'kim@gmail.com',
        email: 'kim@gmail.com',
        givenName: 'Kim',
        familyName: 'Henry',
        roles: ['PharmacyUser'],
        password: { kind: 'invite' },
      },
    ]);
  });

  it("names the tutorial's mistakes as the fixes adopting would make, beside the application they concern", () => {
    const { notes, text } = renderConfigFragment(setup);
    expect(notes).toEqual([
      expect.stringMatching(/^application "Pharmacy App": Asgardeo issues it opaque \("Default"\) access tokens; tollgate configures JWT/),
      expect.stringMatching(
        new RegExp(
          /^application "Pharmacy App": its idToken.audience is empty, so its tokens' "aud" holds only its client id; /.source +
            /tollgate sets it to the API identifier/.source,
        ),
      ),
    ]);
    const lines = text.split('\n');
    const clientLine = lines.findIndex((l) => l.includes("name: 'Pharmacy App'"));
    const scopesLine = lines.findIndex((l, i) => i > clientLine && l.includes('scopes:'));
    const noteLines = lines.map((l, i) => (l.includes('// NOTE: application "Pharmacy App"') ? i : -1)).filter((i) => i >= 0);
    expect(noteLines).toHaveLength(2);
    for (const i of noteLines) expect(i > clientLine && i < scopesLine).toBe(true);
  });

  it('writes no secret and no Asgardeo object id', () => {
    const { text } = renderConfigFragment(setup);
    expect(text).not.toMatch(/secret\s*:|clientId|client_id|password\s*:\s*'/i);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).toContain('password: { invite: true },');
  });

  it('is the same text whatever order the reader listed things in', () => {
    const many: ExportedSetup = {
      ...setup,
      applications: [app({ name: 'b-svc' }), ...setup.applications, app({ name: 'a-svc' })],
      roles: [{ ...setup.roles[0]!, name: 'Zeta' }, ...setup.roles],
    };
    const reversed: ExportedSetup = { ...many, applications: [...many.applications].reverse(), roles: [...many.roles].reverse() };
    expect(renderConfigFragment(reversed).text).toBe(renderConfigFragment(many).text);
    const { loaded } = roundTrip(many);
    expect(loaded.clients.map((c) => c.name)).toEqual(['a-svc', 'b-svc']);
    expect(loaded.applications.map((c) => c.name)).toEqual(['Pharmacy App']);
    expect(loaded.users[0]!.roles).toEqual(['PharmacyUser', 'Zeta']);
  });
});

describe('renderConfigFragment: a user-facing application beyond the basics', () => {
  const base = expectedQuickStartExport('pharmacy');

  it('says its access token attributes, lifetimes, app-native sign-in and password grant, and they load as Asgardeo has them', () => {
    const { loaded, notes, text } = roundTrip({ ...base, applications: [...base.applications, expectedPortalExport()] });
    expect(text).toContain("accessTokenAttributes: ['given_name', 'email'],");
    expect(text).toContain('accessTokenLifetimeSeconds: 900,');
    expect(text).toContain(`refreshTokenLifetimeSeconds: ${PORTAL.refreshTokenLifetimeSeconds},`);
    expect(text).toContain('appNativeAuthentication: true,');
    const portal = loaded.applications.find((a) => a.name === PORTAL.name);
    expect(portal).toMatchObject({
      kind: 'web',
      grantTypes: ['authorization_code', 'refresh_token', 'password'],
      publicClient: false,
      pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
      allowedOrigins: [],
      accessToken: { type: 'JWT', lifetimeSeconds: PORTAL.userAccessTokenLifetimeSeconds, attributes: ['given_name', 'email'] },
      refreshTokenLifetimeSeconds: PORTAL.refreshTokenLifetimeSeconds,
      requestedClaims: ['given_name', 'email'],
      roleAudience: 'application',
      appNativeAuthentication: true,
    });
    // Only the quick-start SPA's two mistakes: the portal is already as tollgate would set it.
    expect(notes.filter((n) => n.includes(PORTAL.name))).toEqual([]);
  });

  it("leaves out what equals the configuration's defaults: no attributes, a one-day refresh token, no app-native sign-in", () => {
    const { text, loaded } = roundTrip(base);
    expect(text).not.toMatch(/accessTokenAttributes|refreshTokenLifetimeSeconds|appNativeAuthentication/);
    expect(loaded.applications[0]).toMatchObject({
      refreshTokenLifetimeSeconds: 86400,
      appNativeAuthentication: false,
      requestedClaims: [],
    });
  });

  it('notes attributes, requested claims, PKCE and a refresh token lifetime the configuration would change', () => {
    const spa = base.applications[0]!;
    const { loaded, notes } = roundTrip({
      ...base,
      applications: [
        {
          ...spa,
          audience: [QUICK_START.identifier],
          accessTokenType: 'JWT',
          accessTokenAttributes: ['email', 'http://wso2.org/claims/department'],
          requestedClaims: ['http://wso2.org/claims/emailaddress', 'http://wso2.org/claims/mobile'],
          refreshTokenLifetimeSeconds: 2 * 31536000,
          pkce: { mandatory: false, supportPlainTransformAlgorithm: true },
        },
      ],
    });
    expect(loaded.applications[0]).toMatchObject({
      accessToken: expect.objectContaining({ attributes: ['email'] }),
      refreshTokenLifetimeSeconds: 86400,
    });
    expect(notes).toEqual([
      'application "Pharmacy App": access token attribute(s) the configuration cannot hold are left out and would be removed: ' +
        'http://wso2.org/claims/department.',
      'application "Pharmacy App": its requested claims (http://wso2.org/claims/emailaddress, http://wso2.org/claims/mobile) ' +
        'differ from its access token attributes; tollgate requests exactly those: http://wso2.org/claims/emailaddress.',
      'application "Pharmacy App": its refresh token lifetime of 63072000 s is outside 60-31536000 s; ' +
        'tollgate would set the default, 86400 s.',
      'application "Pharmacy App": PKCE is optional and accepts the plain method; ' +
        'tollgate makes it mandatory for a spa application, S256 only.',
    ]);
  });
});

describe('renderConfigFragment: what the configuration cannot say', () => {
  const base = expectedQuickStartExport('pharmacy');

  it('keeps names and descriptions exactly, whatever characters they hold', () => {
    const tricky = 'it\'s a \\ "quoted" */ line\nand a second line';
    const { loaded, source } = roundTrip({
      ...base,
      apiResource: {
        ...base.apiResource,
        description: tricky,
        scopes: [{ name: 'get_pharmacy_user', displayName: tricky, description: tricky }],
      },
      applications: [{ ...base.applications[0]!, description: tricky }],
    });
    expect(loaded.apiResource.description).toBe(tricky);
    expect(loaded.scopes[0]).toEqual({ name: 'get_pharmacy_user', displayName: tricky, description: tricky });
    expect(loaded.applications[0]!.description).toBe(tricky);
    expect(source).not.toContain('\nand a second line');
  });

  it('leaves out grant types, callback URLs and lifetimes tollgate cannot configure, and says what adopting would change', () => {
    const { loaded, notes } = roundTrip({
      ...base,
      applications: [
        app({
          name: 'web',
          grantTypes: ['authorization_code', 'implicit', 'password'],
          callbackUrls: ['regexp=(https://a.example|https://b.example)', 'https://c.example/cb'],
        }),
        app({ name: 'legacy', grantTypes: ['implicit'], accessTokenLifetimeSeconds: 7 * 86400 }),
        app({ name: 'odd-callbacks', grantTypes: ['authorization_code', 'refresh_token'], callbackUrls: ['regexp=(https://x.example)'] }),
      ],
    });
    const byName = Object.fromEntries(loaded.clients.map((c) => [c.name, c]));
    // A confidential app signing users in with a usable callback URL is a web application; it keeps its password grant.
    expect(loaded.applications).toEqual([
      expect.objectContaining({
        kind: 'web',
        name: 'web',
        grantTypes: ['authorization_code', 'refresh_token', 'password'],
        callbackUrls: ['https://c.example/cb'],
      }),
    ]);
    expect(byName.legacy).toMatchObject({ grantTypes: ['client_credentials'], accessTokenLifetimeSeconds: 3600 });
    expect(byName['odd-callbacks']).toMatchObject({ grantTypes: ['client_credentials'], callbackUrls: [] });
    expect(notes).toEqual(
      expect.arrayContaining([
        'application "web": grant type(s) a web application does not have would be removed: implicit.',
        'application "web": tollgate gives every web application the refresh_token grant, which it lacks today.',
        'application "web": callback URL(s) the configuration cannot hold (https, or http on localhost) ' +
          'are left out and would be removed: regexp=(https://a.example|https://b.example).',
        'client "legacy": its access token lifetime of 604800 s is outside 60-86400 s; tollgate would set the default, 3600 s.',
        'client "legacy": none of its grant types can be configured; tollgate would give it client_credentials (the default).',
        'client "odd-callbacks": authorization_code needs a callback URL and none could be exported; ' +
          'the grant is left out (add it back with "callbackUrls").',
      ]),
    );
  });

  it('notes a client whose tokens carry scope as an array: adopting turns enableJwtScopeAsArray off', () => {
    const { loaded, notes } = roundTrip({
      ...base,
      applications: [app({ name: 'arrays', jwtScopeAsArray: true }), app({ name: 'strings' })],
    });
    expect(loaded.clients.map((c) => c.name).sort()).toEqual(['arrays', 'strings']);
    expect(notes.filter((n) => n.includes('enableJwtScopeAsArray'))).toEqual([
      'client "arrays": its tokens carry "scope" as an array (enableJwtScopeAsArray); tollgate turns that off, ' +
        'since the JWT authorizer checks route scopes against a space-separated string.',
    ]);
  });

  it("keeps only this API's scopes and says which other ones a role would lose", () => {
    const { loaded, notes, text } = roundTrip({
      ...base,
      applications: [{ ...base.applications[0]!, otherAuthorizedApis: ['https://inventory.example.com'] }],
      roles: [{ ...base.roles[0]!, otherScopes: ['read_inventory'] }],
    });
    expect(loaded.roles[0]!.scopes).toEqual(['get_pharmacy_user']);
    expect(notes).toContain(
      'role "PharmacyUser" also grants scopes of other API resources, which tollgate would remove from it: read_inventory.',
    );
    expect(text).toContain('// Also authorized for other API resources (not exported, left as they are): https://inventory.example.com.');
  });

  it('an application role of an exported client refers to it; one of an application not exported is left out with its members', () => {
    const { loaded, notes } = roundTrip({
      ...base,
      roles: [
        { ...base.roles[0]!, name: 'AppRole', audience: { type: 'application', application: 'Pharmacy App' } },
        {
          ...base.roles[0]!,
          name: 'Elsewhere',
          audience: { type: 'application', application: 'inventory-sync' },
          users: [{ userName: 'sam@example.com' }],
        },
      ],
    });
    expect(loaded.roles).toEqual([
      {
        name: 'AppRole',
        audience: { type: 'application', client: 'Pharmacy App' },
        scopes: ['get_pharmacy_user'],
        users: ['kim@gmail.com'],
      },
    ]);
    expect(loaded.users.map((u) => u.userName)).toEqual(['kim@gmail.com']);
    expect(notes).toContain(
      'role "Elsewhere" is not exported: it is a role of the application "inventory-sync", which is not authorized for this API resource.',
    );
  });

  it('a member without an e-mail address is named for the user to add by hand', () => {
    const { loaded, notes } = roundTrip({
      ...base,
      roles: [{ ...base.roles[0]!, users: [...base.roles[0]!.users, { userName: 'frontdesk' }] }],
    });
    expect(loaded.users.map((u) => u.userName)).toEqual(['kim@gmail.com']);
    expect(notes).toContain(
      'user "frontdesk" is not exported: Asgardeo has no e-mail address for it, which the configuration needs; ' +
        'add it by hand with its roles (PharmacyUser).',
    );
  });

  it('an API resource that does not require authorization stays that way; a JWT client with the shared audience gets no note', () => {
    const { loaded, notes } = roundTrip({
      ...base,
      apiResource: { ...base.apiResource, requiresAuthorization: false },
      applications: [app({})],
      roles: [],
    });
    expect(loaded.apiResource.requiresAuthorization).toBe(false);
    expect(loaded.clients).toEqual([
      expect.objectContaining({ name: 'svc', grantTypes: ['client_credentials'], roleAudience: 'application' }),
    ]);
    expect(notes).toEqual([]);
  });
});

describe('renderConfigFragment: the TypeScript it writes', () => {
  it('type-checks as a tollgate.config.ts under the project compiler options (defineConfig is typed)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const base = expectedQuickStartExport('pharmacy');
    const setup: ExportedSetup = {
      ...base,
      applications: [
        ...base.applications,
        expectedPortalExport(),
        app({ name: 'web', grantTypes: ['authorization_code', 'implicit'], callbackUrls: ['https://c.example/cb'] }),
      ],
    };
    const file = path.join(scratch, 'typed.config.ts');
    fs.writeFileSync(file, configSource(renderConfigFragment(setup).text, 'get_pharmacy_user'));
    const tsconfig = ts.readConfigFile(path.resolve(__dirname, '..', '..', 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, path.resolve(__dirname, '..', '..'));
    // The written file's diagnostics (with the options' and global ones): tollgate's own sources, which it
    // imports, are `tsc --noEmit`'s to check, and checking all of them again here took seconds.
    const program = ts.createProgram([file], { ...options, types: ['node'] });
    const diagnostics = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    // The same check fails on a fragment with a misspelt key: it does test something. The second
    // program reuses the first one's unchanged files.
    fs.writeFileSync(file, configSource(renderConfigFragment(setup).text.replace('roleAudience:', 'roleAudienc:'), 'get_pharmacy_user'));
    const broken = ts.createProgram([file], { ...options, types: ['node'] }, undefined, program);
    expect(ts.getPreEmitDiagnostics(broken, broken.getSourceFile(file)).length).toBeGreaterThan(0);
  });
});
