import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { PORTAL, QUICK_START, buildPortalApplication, buildQuickStartSetup } from '../../export/__tests__/quick-start-setup';
import { EXPORT_SCOPES } from '../../export';
import { main } from '../main';
import { memoryIo } from '../io';

const CONFIG_MODULE = path.resolve(__dirname, '..', '..', 'config');

jest.setTimeout(60000);

/** The fragment placed in a configuration as a user would: their own aws, routes and environments around it. */
function configAround(fragment: string): string {
  return [
    `import { defineConfig } from ${JSON.stringify(CONFIG_MODULE)};`,
    '',
    'export default defineConfig({',
    fragment.trimEnd(),
    "  aws: { region: 'us-east-1', apiName: 'pharmacy-user-api', lambda: { entry: 'lambda/handler.ts' } },",
    "  routes: [{ method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] }],",
    '  environments: { dev: {} },',
    '});',
    '',
  ].join('\n');
}

interface JsonPlan {
  hasChanges: boolean;
  changes: { type: string; name: string; action: string; fields: { field: string; before?: unknown; after?: unknown }[] }[];
}

/**
 * Issue 16: the quick-start's setup built by hand in the local Asgardeo with raw management calls
 * (a SPA with opaque tokens and no audience; a web app with access token attributes, its own
 * lifetimes and app-native sign-in), exported, placed in a configuration, planned with --adopt,
 * applied, planned again.
 */
describe('tollgate export → plan --adopt → apply → plan (local Asgardeo)', () => {
  let la: LocalAsgardeo;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let fragment: string;
  const run = async (...argv: string[]) => {
    const io = memoryIo({ env, cwd: dir });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    await buildPortalApplication(la, await buildQuickStartSetup(la));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-export-cli-'));
    env = {
      ASGARDEO_CLIENT_ID: la.admin.clientId,
      ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
      ASGARDEO_BASE_URL: la.baseUrl,
      TOLLGATE_TARGET: 'local',
    };
  });
  afterAll(async () => {
    await la.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('export --api <name> prints the fragment: reads only, with view scopes, and no secret', async () => {
    // An admin application holding only the view scopes is enough (the token asks for nothing more).
    const viewer = { clientId: 'export-viewer', clientSecret: 'viewer-secret-0123456789' };
    la.addManagementClient({ ...viewer, scopes: [...EXPORT_SCOPES] });
    const before = la.requests.entries().length;
    const io = memoryIo({ env: { ...env, ASGARDEO_CLIENT_ID: viewer.clientId, ASGARDEO_CLIENT_SECRET: viewer.clientSecret }, cwd: dir });
    const r = {
      code: await main(['export', '--api', QUICK_START.apiName, '--organization', 'pharmacy'], io),
      out: io.out(),
      err: io.err(),
    };
    expect(r.code).toBe(0);
    fragment = r.out;
    const sent = la.requests.entries().slice(before);
    expect(sent.filter((e) => e.write)).toEqual([]);
    // Two token requests: the export's (view scopes), and the Roles API probe, which asks only for v3's
    // scope names to read which are granted (none here: roles are read through v2) and is never used.
    const tokens = sent.filter((e) => e.method !== 'GET');
    expect(tokens.map((e) => e.path)).toEqual(['/t/pharmacy/oauth2/token', '/t/pharmacy/oauth2/token']);
    expect(tokens.map((e) => String((e.requestBody as { scope?: string }).scope)).sort()).toEqual(
      [
        'internal_role_mgt_meta_create internal_role_mgt_meta_update internal_role_mgt_users_update internal_role_mgt_groups_update',
        [...EXPORT_SCOPES].sort().join(' '),
      ].sort(),
    );
    expect([...EXPORT_SCOPES].every((s) => s.endsWith('_view') || s.endsWith('_list'))).toBe(true);
    // The SPA, as a user-facing application, with its API scope; the role and its member.
    expect(fragment).toContain("kind: 'spa',");
    expect(fragment).toContain("name: 'Pharmacy App',");
    expect(fragment).toContain(`identifier: '${QUICK_START.identifier}',`);
    expect(fragment).toContain("callbackUrls: ['http://localhost:5173'],");
    expect(fragment).toContain("userName: 'kim@gmail.com',");
    // The web app, with what it holds beyond the basics.
    const lines = fragment.split('\n').map((l) => l.trim());
    const from = lines.indexOf(`name: '${PORTAL.name}',`);
    expect(lines.slice(from - 1, lines.indexOf('},', from))).toEqual([
      "kind: 'web',",
      `name: '${PORTAL.name}',`,
      `description: '${PORTAL.description}',`,
      `callbackUrls: ['${PORTAL.callbackUrl}'],`,
      "scopes: ['get_pharmacy_user'],",
      "accessTokenAttributes: ['given_name', 'email'],",
      'accessTokenLifetimeSeconds: 900,',
      `refreshTokenLifetimeSeconds: ${PORTAL.refreshTokenLifetimeSeconds},`,
      "roleAudience: 'application',",
      'appNativeAuthentication: true,',
      'passwordGrant: true,',
    ]);
    expect(fragment).not.toContain(QUICK_START.unrelated.app);
    expect(fragment).not.toContain(viewer.clientSecret);
    expect(fragment).not.toMatch(/clientId|clientSecret|client_secret|"?password"?: '/);
    // What adopting would fix, said on stderr and in the fragment.
    expect(r.err).toContain('Taking it over would change 2 thing(s)');
    expect(r.err).toContain('opaque ("Default") access tokens');
    expect(fragment).toContain('// NOTE: application "Pharmacy App": its idToken.audience is empty');
    expect(r.err).toContain('npx tollgate plan --adopt');
  });

  it('export --api <identifier> --out writes the same fragment, and never overwrites a file', async () => {
    const r = await run('export', '--api', QUICK_START.identifier, '--organization', 'pharmacy', '--out', 'fragment.ts');
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(fs.readFileSync(path.join(dir, 'fragment.ts'), 'utf8')).toBe(fragment);
    expect(r.err).toContain('written to fragment.ts');
    const again = await run('export', '--api', QUICK_START.identifier, '--organization', 'pharmacy', '--out', 'fragment.ts');
    expect(again.code).toBe(1);
    expect(again.err).toContain('fragment.ts already exists; export never overwrites a file');
    // A folder that does not exist is refused before anything is read.
    const nowhere = await run('export', '--api', QUICK_START.identifier, '--organization', 'pharmacy', '--out', 'no/such/fragment.ts');
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toContain('the folder of --out no/such/fragment.ts does not exist: create it first');
    expect(fs.readdirSync(dir)).toEqual(['fragment.ts']);
  });

  it('an unknown API, a missing --api and a missing organization are clear errors', async () => {
    const unknown = await run('export', '--api', 'Nope API', '--organization', 'pharmacy');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no API resource has the identifier or name "Nope API"');
    expect(unknown.err).toContain(`"${QUICK_START.apiName}" (${QUICK_START.identifier})`);
    const noApi = await run('export', '--organization', 'pharmacy');
    expect(noApi.err).toContain('--api is required');
    const noOrg = await run('export', '--api', QUICK_START.apiName);
    expect(noOrg.err).toContain('--organization is required when there is no tollgate.config.ts');
    const ignored = await run('export', '--api', QUICK_START.apiName, '--organization', 'pharmacy', '--json');
    expect(ignored.err).toContain("Unknown option '--json'");
  });

  it('plan --adopt shows exactly the fixes: JWT tokens, the audience, the ownership markers', async () => {
    fs.writeFileSync(path.join(dir, 'tollgate.config.ts'), configAround(fragment));
    const writes = la.requests.writes();
    const r = await run('plan', '--adopt', '--json', '--detailed-exitcode');
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.out) as JsonPlan;
    const changed = plan.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => `${c.action} ${c.type} ${c.name}`)).toEqual([
      `update api-resource ${QUICK_START.identifier}`,
      'update sign-in-application Pharmacy App',
      `update sign-in-application ${PORTAL.name}`,
    ]);
    expect(changed[0]!.fields).toEqual([{ field: 'description', before: '', after: '[tollgate:pharmacy-user-api-dev]' }]);
    expect(changed[1]!.fields).toEqual([
      { field: 'description', before: 'Pharmacy single-page app', after: 'Pharmacy single-page app [tollgate:pharmacy-user-api-dev]' },
      { field: 'oidc.accessToken.type', before: 'Default', after: 'JWT' },
      { field: 'oidc.idToken.audience', before: [], after: [QUICK_START.identifier] },
    ]);
    // The portal's attributes, requested claims, lifetimes, PKCE, grants and app-native sign-in round-trip: only the marker changes.
    expect(changed[2]!.fields).toEqual([
      { field: 'description', before: PORTAL.description, after: `${PORTAL.description} [tollgate:pharmacy-user-api-dev]` },
    ]);
    // The role and Kim are taken as they are.
    expect(
      plan.changes
        .filter((c) => c.action === 'no-op')
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual(['role PharmacyUser', 'user kim@gmail.com']);
    expect(la.requests.writes()).toBe(writes);
  });

  it('without --adopt the hand-made objects are conflicts, not changes', async () => {
    const r = await run('plan', '--json');
    const plan = JSON.parse(r.out) as JsonPlan;
    expect(plan.changes.filter((c) => c.action === 'conflict').map((c) => `${c.type} ${c.name}`)).toEqual([
      `api-resource ${QUICK_START.identifier}`,
      'sign-in-application Pharmacy App',
      `sign-in-application ${PORTAL.name}`,
    ]);
  });

  it('apply --adopt makes those changes; the next plan (without --adopt) has none', async () => {
    const applied = await run('apply', '--adopt');
    expect(applied.code).toBe(0);
    const again = await run('plan', '--detailed-exitcode');
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes');
    // Re-exporting now gives a fragment with nothing left to fix.
    const reexport = await run('export', '--api', QUICK_START.apiName, '--organization', 'pharmacy');
    expect(reexport.out).not.toContain('// NOTE:');
    expect(reexport.err).not.toContain('Taking it over would change');
  });
});
