import type { ResolvedConfig } from '../../config';
import { adminScopes } from '../../sandbox/asgardeo';
import { readExportedSetup } from '../../export/read';
import { applyAsgardeo, destroyAsgardeo, planAsgardeo, planHasChanges, renderPlan, AsgardeoError, type AsgardeoPlan } from '..';
import { startHarness, type Harness } from './helpers';

jest.setTimeout(60000);

const PASSWORD = 'Initial-Passw0rd!x';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Two admin applications of one organization: one authorized for Roles v2, one for Roles v3 (never both). */
const V3_ADMIN = { clientId: 'v3-admin', clientSecret: 'v3-admin-secret' };

/** An organization role and an application role, both with members: every role write there is. */
function withPeople(config: ResolvedConfig): ResolvedConfig {
  return {
    ...config,
    roles: [
      {
        name: 'pharmacist',
        audience: { type: 'organization' },
        scopes: ['get_pharmacy_user', 'update_pharmacy_user'],
        users: ['kim@example.com', 'lee@example.com'],
      },
      {
        name: 'auditor',
        audience: { type: 'application', client: 'pharmacy-reader' },
        scopes: ['get_pharmacy_user'],
        users: ['kim@example.com'],
      },
    ],
    users: [
      {
        userName: 'kim@example.com',
        email: 'kim@example.com',
        givenName: 'Kim',
        familyName: 'Perera',
        roles: ['pharmacist', 'auditor'],
        password: { kind: 'env', variable: 'KIM_PASSWORD' },
      },
      {
        userName: 'lee@example.com',
        email: 'lee@example.com',
        givenName: 'Lee',
        familyName: undefined,
        roles: ['pharmacist'],
        password: { kind: 'invite' },
      },
    ],
  };
}

const roleCalls = (h: Harness) => h.la.requests.entries().filter((e) => /\/scim2\/v\d\/Roles/.test(e.path));
const rolePaths = (h: Harness) =>
  [...new Set(roleCalls(h).map((e) => e.path.replace(/^\/t\/pharmacy/, '').replace(/\/Roles\/[^/]+/, '/Roles/{id}')))].sort();
/** A plan as `--json` prints it. */
const json = (plan: AsgardeoPlan) => renderPlan(plan, 'json');

describe('roles through SCIM2 Roles v3 (admin application authorized for v3 only)', () => {
  let h: Harness;
  let config: ResolvedConfig;
  beforeEach(async () => {
    h = await startHarness();
    h.la.addManagementClient({ ...V3_ADMIN, scopes: adminScopes('v3') });
    config = withPeople(h.config);
  });
  afterEach(async () => {
    await h.stop();
  });

  const v2 = (extra: Parameters<Harness['options']>[0] = {}) => h.options({ config, env: { KIM_PASSWORD: PASSWORD }, ...extra });
  const v3 = (extra: Parameters<Harness['options']>[0] = {}) => v2({ credentials: V3_ADMIN, ...extra });

  /** A console edit through the v3 sub-resource, with a token of the v3 admin. */
  async function consoleV3(method: string, path: string, body: unknown): Promise<number> {
    const token = await fetch(`${h.la.baseUrl}/t/pharmacy/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${V3_ADMIN.clientId}:${V3_ADMIN.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=SYSTEM',
    });
    const res = await fetch(`${h.la.baseUrl}/t/pharmacy${path}`, {
      method,
      headers: {
        authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}`,
        'content-type': 'application/scim+json',
      },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  const pharmacist = async () => {
    const found = (await h.call('GET', `/scim2/v3/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`)).body.Resources;
    return (await h.call('GET', `/scim2/v3/Roles/${found[0].id}`)).body;
  };

  it('apply, rerun (0 writes), console edit of users, plan, revert, destroy leaves nothing; only /scim2/v3/Roles', async () => {
    const lines: string[] = [];
    const first = await applyAsgardeo(v3({ progress: (l) => lines.push(l) }));
    expect(first.plan.changes.filter((c) => c.type === 'role').map((c) => `${c.action} ${c.name}`)).toEqual([
      'create auditor (application pharmacy-reader)',
      'create pharmacist',
    ]);
    // Two steps per role with members: the role (no users in the body: v3 would drop them), then its users.
    const created = roleCalls(h).filter((e) => e.write);
    expect(created.map((e) => `${e.method} ${e.path.replace(/Roles\/[^/]+/, 'Roles/{id}')} ${e.status}`)).toEqual([
      'POST /t/pharmacy/scim2/v3/Roles 201',
      'PUT /t/pharmacy/scim2/v3/Roles/{id}/Users 200',
      'POST /t/pharmacy/scim2/v3/Roles 201',
      'PUT /t/pharmacy/scim2/v3/Roles/{id}/Users 200',
    ]);
    for (const post of created.filter((e) => e.method === 'POST')) expect(JSON.stringify(post.requestBody)).not.toContain('users');
    const role = await pharmacist();
    expect(role.users.map((u: { display: string }) => u.display.replace(/^DEFAULT\//, '')).sort()).toEqual([
      'kim@example.com',
      'lee@example.com',
    ]);
    expect(role.permissions.map((p: { value: string }) => p.value).sort()).toEqual(['get_pharmacy_user', 'update_pharmacy_user']);

    h.la.requests.clear();
    const second = await applyAsgardeo(v3());
    expect(planHasChanges(second.plan)).toBe(false);
    expect(h.la.requests.writes()).toBe(0);

    // The console: remove Kim from the role, through the v3 sub-resource.
    const kim = role.users.find((u: { display: string }) => u.display.endsWith('kim@example.com')).value as string;
    expect(
      await consoleV3('PATCH', `/scim2/v3/Roles/${role.id}/Users`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `value eq ${kim}` }],
      }),
    ).toBe(200);
    const drift = await planAsgardeo(v3());
    expect(drift.changes.find((c) => c.name === 'pharmacist')).toMatchObject({
      action: 'update',
      fields: [{ field: 'users', before: ['lee@example.com'], after: ['kim@example.com', 'lee@example.com'] }],
    });
    h.la.requests.clear();
    await applyAsgardeo(v3());
    expect(
      roleCalls(h)
        .filter((e) => e.write)
        .map((e) => `${e.method} ${e.path.replace(/Roles\/[^/]+/, 'Roles/{id}')}`),
    ).toEqual(['PATCH /t/pharmacy/scim2/v3/Roles/{id}/Users']);
    // One write reverts it (the role's /Users PATCH); the user needs none.
    expect(h.la.requests.writes()).toBe(1);
    expect((await pharmacist()).users).toHaveLength(2);
    h.la.requests.clear();
    await applyAsgardeo(v3());
    expect(h.la.requests.writes()).toBe(0);

    const destroyed = await destroyAsgardeo(v3());
    expect(destroyed.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.type} ${c.name}`)).toContain('role pharmacist');
    expect((await h.call('GET', '/scim2/v3/Roles?count=100')).body.totalResults).toBe(0);
    expect((await h.call('GET', '/api/server/v1/applications?limit=30')).body.applications ?? []).toEqual([]);

    // Every role call of every run went to /scim2/v3/Roles (the console's own edits included).
    expect(roleCalls(h).length).toBeGreaterThan(0);
    expect(roleCalls(h).every((e) => e.path.startsWith('/t/pharmacy/scim2/v3/Roles'))).toBe(true);
  });

  it('the same flow through v2 gives --json plans identical to v3 for the same organization state', async () => {
    const pairs: [string, string][] = [];
    const both = async () => {
      const [a, b] = [await planAsgardeo(v2()), await planAsgardeo(v3())];
      pairs.push([json(a), json(b)]);
      return a;
    };
    expect(planHasChanges(await both())).toBe(true);
    await applyAsgardeo(v2());
    expect(planHasChanges(await both())).toBe(false);
    // Drift in permissions and in users, made with the v2 API: each client sees the same plan.
    const role = await pharmacist();
    await h.call(
      'PATCH',
      `/scim2/v2/Roles/${role.id}`,
      {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'remove', path: 'permissions[value eq update_pharmacy_user]' },
          { op: 'remove', path: `users[value eq ${role.users[0].value}]` },
        ],
      },
      'application/scim+json',
    );
    const drift = await both();
    expect(drift.changes.find((c) => c.name === 'pharmacist')!.fields.map((f) => f.field)).toEqual(['permissions', 'users']);
    for (const [a, b] of pairs) expect(b).toBe(a);

    // v3 reverts both: permissions through the role's PATCH (meta), users through /Users.
    h.la.requests.clear();
    await applyAsgardeo(v3());
    expect(
      roleCalls(h)
        .filter((e) => e.write)
        .map((e) => `${e.method} ${e.path.replace(/Roles\/[^/]+/, 'Roles/{id}')}`),
    ).toEqual(['PATCH /t/pharmacy/scim2/v3/Roles/{id}', 'PATCH /t/pharmacy/scim2/v3/Roles/{id}/Users']);
    expect(await planAsgardeo(v2()).then(planHasChanges)).toBe(false);

    // v2 reads only /scim2/v2/Roles; destroy through v2 leaves nothing.
    h.la.requests.clear();
    await destroyAsgardeo(v2());
    expect(rolePaths(h).every((p) => p.startsWith('/scim2/v2/Roles'))).toBe(true);
    expect((await h.call('GET', '/scim2/v2/Roles?count=100')).body.totalResults).toBe(0);
  });

  it('adopt and export work through v3: a hand-made role is a conflict, --adopt takes it over, export reads it through v3', async () => {
    await applyAsgardeo(v3({ config: { ...config, roles: config.roles.filter((r) => r.name !== 'pharmacist') } }));
    expect(
      await consoleV3('POST', '/scim2/v3/Roles', {
        schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
        displayName: 'pharmacist',
        permissions: [{ value: 'internal_user_mgt_view' }],
      }),
    ).toBe(201);
    const plan = await planAsgardeo(v3());
    expect(plan.changes.find((c) => c.name === 'pharmacist')!.action).toBe('conflict');
    const adopted = await applyAsgardeo(v3({ adopt: true }));
    expect(adopted.plan.changes.find((c) => c.name === 'pharmacist')).toMatchObject({ action: 'update' });
    expect((await pharmacist()).permissions.map((p: { value: string }) => p.value).sort()).toEqual([
      'get_pharmacy_user',
      'update_pharmacy_user',
    ]);

    h.la.requests.clear();
    const read = (credentials: { clientId: string; clientSecret: string }) =>
      readExportedSetup({
        baseUrl: h.la.baseUrl,
        organization: 'pharmacy',
        credentials,
        api: config.apiResource.name,
        transport: { pacing: false },
      });
    const viaV3 = await read(V3_ADMIN);
    expect(rolePaths(h).every((p) => p.startsWith('/scim2/v3/Roles'))).toBe(true);
    expect(viaV3.setup.roles.map((r) => r.name).sort()).toEqual(['auditor', 'pharmacist']);
    expect((await read(h.la.admin)).setup).toEqual(viaV3.setup);
  });

  it('prune through v3: a client no longer configured goes with its application role; the organization role stays', async () => {
    await applyAsgardeo(v3());
    const fewer = {
      ...config,
      clients: config.clients.filter((c) => c.name !== 'pharmacy-reader'),
      roles: config.roles.filter((r) => r.name !== 'auditor'),
      users: config.users.map((u) => ({ ...u, roles: u.roles.filter((r) => r !== 'auditor') })),
    };
    const plan = await planAsgardeo(v3({ config: fewer, prune: true }));
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.type} ${c.name}`)).toEqual(['application pharmacy-reader']);
    h.la.requests.clear();
    await applyAsgardeo(v3({ config: fewer, prune: true }));
    const left = (await h.call('GET', '/scim2/v3/Roles?count=100')).body.Resources.map((r: { displayName: string }) => r.displayName);
    expect(left).toEqual(['pharmacist']);
    expect(rolePaths(h).every((p) => p.startsWith('/scim2/v3/Roles'))).toBe(true);
    h.la.requests.clear();
    await applyAsgardeo(v3({ config: fewer }));
    expect(h.la.requests.writes()).toBe(0);
  });

  it('asgardeo.rolesApi forces one: v3 forced on a v2 admin names the v3 scopes, and that both cannot be authorized', async () => {
    const forced = { ...config, asgardeo: { ...config.asgardeo, rolesApi: 'v3' as const } };
    h.la.requests.clear();
    const err = (await applyAsgardeo(v2({ config: forced })).catch((e: unknown) => e)) as AsgardeoError;
    expect(err).toBeInstanceOf(AsgardeoError);
    expect(err.message).toContain('internal_role_mgt_meta_create (SCIM2 Roles V3 API)');
    expect(err.hint).toContain('does not let one application be authorized for both');
    expect(h.la.requests.writes()).toBe(0);
    // Forced v2 on the v3 admin: the v2 scopes are missing, named as v2's.
    const back = { ...config, asgardeo: { ...config.asgardeo, rolesApi: 'v2' as const } };
    const err2 = (await applyAsgardeo(v3({ config: back })).catch((e: unknown) => e)) as AsgardeoError;
    expect(err2.message).toContain('internal_role_mgt_create (SCIM2 Roles API)');
    expect(h.la.requests.writes()).toBe(0);
  });

  it('a v3 admin without the users scope plans as before but stops before any write, naming internal_role_mgt_users_update', async () => {
    h.la.addManagementClient({
      clientId: 'no-users-admin',
      clientSecret: 'no-users-secret',
      scopes: adminScopes('v3').filter((s) => s !== 'internal_role_mgt_users_update'),
    });
    const weak = { clientId: 'no-users-admin', clientSecret: 'no-users-secret' };
    expect(json(await planAsgardeo(v2({ credentials: weak })))).toBe(json(await planAsgardeo(v3())));
    h.la.requests.clear();
    const err = (await applyAsgardeo(v2({ credentials: weak })).catch((e: unknown) => e)) as AsgardeoError;
    expect(err.message).toContain('internal_role_mgt_users_update (SCIM2 Roles V3 API)');
    expect(h.la.requests.writes()).toBe(0);
  });
});
