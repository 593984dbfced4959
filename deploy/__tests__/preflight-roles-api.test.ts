import { loadConfig, type ResolvedConfig } from '../../config';
import { ConfigFiles, validConfig } from '../../config/__tests__/support';
import { adminScopes, startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { runPreflight, PreflightError } from '../preflight';
import { reconcilerSide } from '../reconciler-side';
import { FakeRunner } from './helpers';

/**
 * The deploy preflight against the local Asgardeo with the real reconciler side: which SCIM2 Roles
 * API the admin application is authorized for decides the role scopes it checks, and a missing one
 * is named with its API and the rule that one application cannot hold both.
 */
let la: LocalAsgardeo;
let config: ResolvedConfig;
const files = new ConfigFiles();
beforeAll(async () => {
  la = await startLocalAsgardeo({ organization: 'pharmacy' });
  // A role with a member: the users-update scope is then needed too.
  const fixture = validConfig();
  fixture.users = [{ userName: 'kim@example.com', roles: ['pharmacist'], password: { invite: true } }];
  config = loadConfig({
    file: files.write(fixture),
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: la.baseUrl,
    environment: {},
  });
  la.addManagementClient({ clientId: 'v3-admin', clientSecret: 'v3-secret', scopes: adminScopes('v3') });
  la.addManagementClient({
    clientId: 'v3-no-users',
    clientSecret: 'v3-no-users-secret',
    scopes: adminScopes('v3').filter((s) => s !== 'internal_role_mgt_users_update'),
  });
});
afterAll(async () => {
  await la.stop();
  files.remove();
});

const preflight = (clientId: string, clientSecret: string) => {
  const env = { ASGARDEO_CLIENT_ID: clientId, ASGARDEO_CLIENT_SECRET: clientSecret };
  return runPreflight({
    loadConfig: () => config,
    runner: new FakeRunner(config),
    side: reconcilerSide({ env, transport: { pacing: false } }),
    env,
    skipAws: true,
  });
};
const adminCheck = (r: Awaited<ReturnType<typeof preflight>>) => r.checks.find((c) => c.name === 'Asgardeo admin credentials')!;

test('an admin authorized for Roles v3 passes, and the preflight says roles go through SCIM2 Roles V3 API', async () => {
  const r = await preflight('v3-admin', 'v3-secret');
  expect(adminCheck(r)).toMatchObject({ status: 'ok' });
  expect(adminCheck(r).detail).toMatch(/holds the \d+ management scopes needed \(roles through SCIM2 Roles V3 API\)/);
  const v2 = await preflight(la.admin.clientId, la.admin.clientSecret);
  expect(adminCheck(v2).detail).toContain('(roles through SCIM2 Roles API)');
});

test('a v3 admin without internal_role_mgt_users_update fails, naming the scope, its API and that v2 and v3 exclude', async () => {
  const err = (await preflight('v3-no-users', 'v3-no-users-secret').catch((e: unknown) => e)) as PreflightError;
  expect(err).toBeInstanceOf(PreflightError);
  expect(err.message).toContain('internal_role_mgt_users_update (SCIM2 Roles V3 API)');
  expect(err.message).toContain('Asgardeo does not let one application be authorized for both');
  expect(err.message).not.toContain('v3-no-users-secret');
});
