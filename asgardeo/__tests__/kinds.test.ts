import type { ResolvedConfig } from '../../config';
import { executePlan, scopesForChanges } from '../apply';
import { computePlan } from '../compute-plan';
import { desiredState } from '../desired';
import { ReconcileError } from '../errors';
import { observe } from '../observe';
import type { AsgardeoApi } from '../api';
import type { PlannedChange } from '../plan';
import { managementScopesFor } from '../reconcile';
import { kindOf, RESOURCE_KINDS } from '../resources';
import { APPLY_PHASES, KindPart, kindParts, planOrder, type ApplyPhase, type ResourceKind } from '../resources/kind';
import type { Session } from '../session';

/*
 * The engine (desired, observe, plan, apply) knows no kind by name: a kind it has never seen plugs
 * in as one ResourceKind value. "group" here stands for the next kind someone adds.
 */
interface Group {
  name: string;
  members: string[];
}

const groupParts = kindParts<Group[], Map<string, Group & { id: string }>>('group');

function groupKind(
  existing: Map<string, Group & { id: string }>,
  log: string[],
  o: { refuse?: boolean } = {},
): ResourceKind<Group[], Map<string, Group & { id: string }>, string[]> {
  const parts = groupParts;
  return {
    type: 'group',
    order: 5,
    parts,
    sensitiveFields: {},
    managementScopes: () => ['internal_group_mgt_view', 'internal_group_mgt_create', 'internal_group_mgt_update'],
    viewScopes: (groups) => (groups.length ? ['internal_group_mgt_view'] : []),
    writeScopes: (c) => [`internal_group_mgt_${c.action === 'create' ? 'create' : 'update'}`],
    desired: (config) => config.roles.map((r) => ({ name: `${r.name}-group`, members: [...r.users].sort() })),
    list: async (_api, { desired }) => {
      log.push('list');
      return parts.desired
        .of(desired)
        .map((g) => g.name)
        .filter((n) => existing.has(n));
    },
    detail: async (_api, _ctx, names) => {
      log.push('detail');
      return new Map(names.map((n) => [n, existing.get(n)!]));
    },
    plan: ({ desired, observed }) =>
      parts.desired.of(desired).map((g): PlannedChange => {
        const seen = parts.observed.of(observed).get(g.name);
        const key = { type: 'group', name: g.name };
        if (!seen) return { type: 'group', key, name: g.name, action: 'create', fields: [{ field: 'members', after: g.members }] };
        const same = JSON.stringify(seen.members) === JSON.stringify(g.members);
        const fields = same ? [] : [{ field: 'members', before: seen.members, after: g.members }];
        return { type: 'group', key, name: g.name, action: same ? 'no-op' : 'update', id: seen.id, fields, patch: { members: g.members } };
      }),
    destroy: () => [],
    check: () => {
      log.push('check');
      if (o.refuse) throw new ReconcileError('apply stopped before any change: the group check refused', 'fix it');
    },
    apply: (phase: ApplyPhase, ctx) =>
      ctx.plan.changes
        .filter((c) => c.type === 'group' && (phase === 'create' ? c.action === 'create' : phase === 'link' && c.action === 'update'))
        .map(async (c) => {
          log.push(`${phase}: ${c.action} ${c.name}`);
        }),
    outputs: () => ({ apiResourceId: 'from-the-group-kind' }),
  };
}

const config = {
  stackName: 'api-dev',
  apiResource: { identifier: 'https://api.example/dev' },
  roles: [
    { name: 'pharmacist', users: ['kim@example.com'] },
    { name: 'auditor', users: ['lee@example.com', 'kim@example.com'] },
  ],
} as unknown as ResolvedConfig;

const META = { stackName: 'api-dev', environment: 'dev', organization: 'pharmacy', baseUrl: 'http://127.0.0.1' };

describe('a new resource kind plugs into the engine unchanged', () => {
  test('desired, two observation rounds, plan, and apply phase by phase', async () => {
    const log: string[] = [];
    const existing = new Map([['auditor-group', { id: 'g1', name: 'auditor-group', members: ['kim@example.com'] }]]);
    const kinds = [groupKind(existing, log)];
    const desired = desiredState(config, undefined, kinds);
    expect(groupParts.desired.of(desired)).toEqual([
      { name: 'pharmacist-group', members: ['kim@example.com'] },
      { name: 'auditor-group', members: ['kim@example.com', 'lee@example.com'] },
    ]);
    const observed = await observe({} as AsgardeoApi, desired, { findOwned: false }, kinds);
    expect(log).toEqual(['list', 'detail']);
    const plan = computePlan(desired, observed, META, { prune: false, adopt: false }, kinds);
    expect(plan.changes.map((c) => `${c.action} ${c.key.type}:${c.key.name}`)).toEqual([
      'update group:auditor-group',
      'create group:pharmacist-group',
    ]);
    expect(scopesForChanges(plan.changes, kinds)).toEqual(['internal_group_mgt_create', 'internal_group_mgt_update']);

    const ids = await executePlan({ session: {} as Session, desired, observed, plan, env: {}, progress: () => undefined }, kinds);
    // The kind's check runs before its first write; its phases run in APPLY_PHASES order.
    expect(log).toEqual(['list', 'detail', 'check', 'create: create pharmacist-group', 'link: update auditor-group']);
    expect(APPLY_PHASES.indexOf('create')).toBeLessThan(APPLY_PHASES.indexOf('link'));
    expect(ids).toEqual({ apiResourceId: 'from-the-group-kind', clients: [] });
  });

  test('a conflict, or a kind that refuses, stops the run before any write', async () => {
    const log: string[] = [];
    const kinds = [groupKind(new Map(), log, { refuse: true })];
    const desired = desiredState(config, undefined, kinds);
    const observed = await observe({} as AsgardeoApi, desired, { findOwned: false }, kinds);
    const plan = computePlan(desired, observed, META, { prune: false, adopt: false }, kinds);
    const run = (p = plan) =>
      executePlan({ session: {} as Session, desired, observed, plan: p, env: {}, progress: () => undefined }, kinds);
    await expect(run()).rejects.toThrow('the group check refused');
    const conflicted = { ...plan, changes: [...plan.changes, { ...plan.changes[0]!, action: 'conflict' as const, note: 'not ours' }] };
    const refused = (await run(conflicted).then(
      () => undefined,
      (e: unknown) => e,
    )) as ReconcileError;
    expect(refused.message).toMatch(/apply stopped before any change: the plan for api-dev has 1 conflict\(s\):\n {2}- .*: not ours/);
    // The note says how to resolve each conflict; the error adds no advice of its own (--adopt does not fit them all).
    expect(`${refused.message} ${refused.hint}`).not.toContain('--adopt');
    expect(log.filter((l) => l.includes(':'))).toEqual([]);
  });
});

describe('a kind part', () => {
  test('holds one value per run, and a read before the engine set it is a bug', () => {
    const part = new KindPart<string[]>('the desired groups');
    const [one, two] = [{}, {}];
    part.set(one, ['a']);
    expect(part.of(one)).toEqual(['a']);
    expect(() => part.of(two)).toThrow('the desired groups read before it was set');
    expect(part.ensure(two, () => ['b'])).toEqual(['b']);
    expect(part.ensure(two, () => ['c'])).toEqual(['b']);
  });
});

describe('the registry', () => {
  test('lists each kind once, with distinct plan orders, and the management scopes are theirs in registry order', () => {
    const types = RESOURCE_KINDS.map((k) => k.type);
    expect(types).toEqual(['api-resource', 'application', 'role', 'user']);
    expect(new Set(RESOURCE_KINDS.map((k) => k.order)).size).toBe(RESOURCE_KINDS.length);
    // User-facing applications are the application kind's, under their own type in plans, sorted after the clients.
    expect(kindOf('sign-in-application')).toBe(kindOf('application'));
    expect(planOrder(RESOURCE_KINDS, 'application')).toBeLessThan(planOrder(RESOURCE_KINDS, 'sign-in-application'));
    expect(planOrder(RESOURCE_KINDS, 'sign-in-application')).toBeLessThan(planOrder(RESOURCE_KINDS, 'user'));
    expect(kindOf('group')).toBeUndefined();
    const full = {
      clients: [{}],
      applications: [{ kind: 'web', publicClient: false }],
      roles: [{}],
      users: [{}],
    } as unknown as ResolvedConfig;
    expect(managementScopesFor(full)).toEqual(RESOURCE_KINDS.flatMap((k) => k.managementScopes(full, { rolesApi: 'v2' })));
    expect(managementScopesFor(full)).toContain('internal_user_mgt_list');
    expect(
      managementScopesFor({ clients: [], applications: [], roles: [], users: [] } as unknown as ResolvedConfig).some((s) =>
        /role|user|secret/.test(s),
      ),
    ).toBe(false);
  });
});
