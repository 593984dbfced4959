import { destroyAsgardeo, planAsgardeo } from '../../asgardeo';
import { UserError } from '../../errors';
import { startSandbox, type Sandbox } from '../local';
import { sandboxRolesApi } from '../local/sandbox';
import { FAST_SMOKE, REPO_ROOT, SandboxConfigs } from './support';

/*
 * The whole sandbox with the local Asgardeo's admin application authorized for SCIM2 Roles v3 only
 * (TOLLGATE_SANDBOX_ROLES_API=v3): the deploy pipeline (preflight, stack, reconciler, smoke test),
 * a redeploy that writes nothing to Asgardeo, a console edit of a role's users through the v3
 * sub-resource that the plan shows and the next deploy reverts, and a destroy that leaves no role.
 */
let configs: SandboxConfigs;
let sandbox: Sandbox;
let written = '';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const environment = { TOLLGATE_SANDBOX_ROLES_API: 'v3', TOLLGATE_TEST_KIM_PASSWORD: 'Initial-Passw0rd!x' };

beforeAll(async () => {
  configs = new SandboxConfigs();
  sandbox = await startSandbox({
    configFile: configs.write((c) => {
      c.users = [
        { userName: 'kim@example.com', givenName: 'Kim', roles: ['pharmacist'], password: { fromEnv: 'TOLLGATE_TEST_KIM_PASSWORD' } },
      ];
    }),
    cwd: REPO_ROOT,
    asgardeoPort: 0,
    outdir: configs.outdir,
    write: (t) => (written += t),
    smokeOptions: FAST_SMOKE,
    environment,
  });
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  configs?.remove();
});

const roleCalls = () => sandbox.asgardeo.requests.entries().filter((e) => /\/scim2\/v\d\/Roles/.test(e.path));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- console-style calls read arbitrary bodies
async function adminCall(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const { clientId, clientSecret } = sandbox.asgardeo.admin;
  const token = await fetch(`${sandbox.asgardeo.baseUrl}/t/${sandbox.asgardeo.organization}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=SYSTEM',
  });
  const res = await fetch(`${sandbox.asgardeo.baseUrl}/t/${sandbox.asgardeo.organization}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const options = () => ({ config: sandbox.config, credentials: sandbox.asgardeo.admin, env: environment });

test('deploy, redeploy (0 Asgardeo writes), console edit of users, plan, revert, destroy: roles only via /scim2/v3/Roles', async () => {
  expect(sandbox.asgardeo.adminRolesApi).toBe('v3');
  expect(written).toContain('admin authorized for SCIM2 Roles V3 API only');
  expect(sandbox.result.smoke!.checks.length).toBeGreaterThan(0);
  expect(written).toMatch(/holds the \d+ management scopes needed \(roles through SCIM2 Roles V3 API\)/);
  const created = roleCalls().filter((e) => e.write);
  expect(created.map((e) => `${e.method} ${e.path.replace(/Roles\/[^/]+/, 'Roles/{id}')}`)).toEqual([
    `POST /t/${sandbox.asgardeo.organization}/scim2/v3/Roles`,
    `PUT /t/${sandbox.asgardeo.organization}/scim2/v3/Roles/{id}/Users`,
  ]);

  const writesBefore = sandbox.asgardeo.requests.writes();
  await sandbox.redeploy();
  expect(sandbox.asgardeo.requests.writes()).toBe(writesBefore);

  const found = await adminCall('GET', `/scim2/v3/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`);
  const role = (await adminCall('GET', `/scim2/v3/Roles/${found.body.Resources[0].id}`)).body;
  expect(role.users).toHaveLength(1);
  const edit = await adminCall('PATCH', `/scim2/v3/Roles/${role.id}/Users`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'remove', path: `value eq ${role.users[0].value}` }],
  });
  expect(edit.status).toBe(200);
  const plan = await planAsgardeo(options());
  expect(plan.changes.find((c) => c.type === 'role' && c.name === 'pharmacist')).toMatchObject({
    action: 'update',
    fields: [{ field: 'users', before: [], after: ['kim@example.com'] }],
  });
  await sandbox.redeploy();
  expect((await adminCall('GET', `/scim2/v3/Roles/${role.id}`)).body.users).toHaveLength(1);

  await destroyAsgardeo(options());
  expect((await adminCall('GET', '/scim2/v3/Roles?count=100')).body.totalResults).toBe(0);
  expect(roleCalls().every((e) => e.path.includes('/scim2/v3/Roles'))).toBe(true);
});

test('TOLLGATE_SANDBOX_ROLES_API: v3, v2 or unset (v2); anything else is a UserError saying what to set', () => {
  expect(sandboxRolesApi({ TOLLGATE_SANDBOX_ROLES_API: 'v3' })).toBe('v3');
  expect(sandboxRolesApi({})).toBe('v2');
  expect(() => sandboxRolesApi({ TOLLGATE_SANDBOX_ROLES_API: 'V3.1' })).toThrow(UserError);
  // The message says what is wrong, the hint what to set (UserError keeps them apart).
  expect(() => sandboxRolesApi({ TOLLGATE_SANDBOX_ROLES_API: 'V3.1' })).toThrow(
    expect.objectContaining({ message: expect.stringContaining("'V3.1'"), hint: expect.stringMatching(/^set it to v3/) }),
  );
});
