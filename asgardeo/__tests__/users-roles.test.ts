import type { ResolvedConfig } from '../../config';
import { applyAsgardeo, planAsgardeo, planHasChanges, renderPlan, ReconcileError } from '..';
import { startHarness, type Harness } from './helpers';

jest.setTimeout(30000);

const PASSWORD = 'Initial-Passw0rd!x';

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

describe('users and roles against the local Asgardeo', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it(
    'creates users (password from the environment, or an invitation), ' +
      'organization and application roles with members; never prints the password',
    async () => {
      const config = withPeople(h.config);
      const plan = await planAsgardeo(h.options({ config, env: { KIM_PASSWORD: PASSWORD } }));
      const text = renderPlan(plan, 'text') + renderPlan(plan, 'json') + renderPlan(plan, 'markdown');
      expect(text).not.toContain(PASSWORD);
      expect(text).toContain('(sensitive) from $KIM_PASSWORD');
      expect(text).toContain('invitation e-mail');
      expect(plan.changes.map((c) => `${c.action} ${c.type} ${c.name}`)).toContain('create role auditor (application pharmacy-reader)');

      const lines: string[] = [];
      await applyAsgardeo(h.options({ config, env: { KIM_PASSWORD: PASSWORD }, progress: (l) => lines.push(l) }));
      expect(lines.join('\n')).not.toContain(PASSWORD);
      expect(lines).toContain('creating user kim@example.com');
      const kimReq = h.la.requests
        .entries()
        .find((e) => e.method === 'POST' && e.path.endsWith('/scim2/Users') && JSON.stringify(e.requestBody).includes('kim@'));
      expect(kimReq?.status).toBe(201);
      const leeReq = h.la.requests
        .entries()
        .find((e) => e.method === 'POST' && e.path.endsWith('/scim2/Users') && JSON.stringify(e.requestBody).includes('lee@'));
      expect(JSON.stringify(leeReq?.requestBody)).toContain('askPassword');

      const roles = (await h.call('GET', '/scim2/v2/Roles?count=100')).body.Resources as {
        id: string;
        displayName: string;
        audience: { type: string };
      }[];
      const pharmacist = (await h.call('GET', `/scim2/v2/Roles/${roles.find((r) => r.displayName === 'pharmacist')!.id}`)).body;
      expect(pharmacist.users.map((u: { display: string }) => u.display.replace(/^DEFAULT\//, '')).sort()).toEqual([
        'kim@example.com',
        'lee@example.com',
      ]);
      const auditor = roles.find((r) => r.displayName === 'auditor')!;
      expect(auditor.audience.type.toLowerCase()).toBe('application');

      h.la.requests.clear();
      const again = await applyAsgardeo(h.options({ config, env: {} }));
      expect(planHasChanges(again.plan)).toBe(false);
      expect(h.la.requests.writes()).toBe(0);
    },
  );

  it('reverts a changed e-mail and role membership but never resets an existing password', async () => {
    const config = withPeople(h.config);
    await applyAsgardeo(h.options({ config, env: { KIM_PASSWORD: PASSWORD } }));
    const kim = (await h.call('GET', `/scim2/Users?filter=${encodeURIComponent('userName eq kim@example.com')}`)).body.Resources[0];
    await h.call(
      'PATCH',
      `/scim2/Users/${kim.id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'other@example.com', primary: true }] }],
      },
      'application/scim+json',
    );
    const role = (await h.call('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`)).body.Resources[0];
    await h.call(
      'PATCH',
      `/scim2/v2/Roles/${role.id}`,
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `users[value eq "${kim.id}"]` }] },
      'application/scim+json',
    );

    const plan = await planAsgardeo(h.options({ config, env: { KIM_PASSWORD: 'a-new-value' } }));
    expect(plan.changes.find((c) => c.type === 'user' && c.name === 'kim@example.com')!.fields).toEqual([
      { field: 'email', before: 'other@example.com', after: 'kim@example.com' },
    ]);
    expect(plan.changes.find((c) => c.type === 'role' && c.name === 'pharmacist')!.fields.map((f) => f.field)).toEqual(['users']);

    h.la.requests.clear();
    await applyAsgardeo(h.options({ config, env: { KIM_PASSWORD: 'a-new-value' } }));
    expect(JSON.stringify(h.la.requests.entries().map((e) => e.requestBody))).not.toMatch(/password/i);
    h.la.requests.clear();
    await applyAsgardeo(h.options({ config, env: {} }));
    expect(h.la.requests.writes()).toBe(0);
  });

  it('stops before any write when a password variable is not set', async () => {
    const config = withPeople(h.config);
    const plan = await planAsgardeo(h.options({ config, env: {} }));
    expect(renderPlan(plan, 'text')).toContain('$KIM_PASSWORD is NOT SET');
    h.la.requests.clear();
    const err = await applyAsgardeo(h.options({ config, env: {} })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconcileError);
    expect((err as Error).message).toMatch(/KIM_PASSWORD/);
    expect(h.la.requests.writes()).toBe(0);
  });
});
