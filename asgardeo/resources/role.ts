import { bareUserName, type RoleBody } from '../api';
import { ReconcileError } from '../errors';
import { ownerOf } from '../ownership';
import { conflictNote, type FieldDiff, type PlannedChange, type ResourceKey } from '../plan';
import { API_RESOURCE, desiredApiResource, observedApiResource } from './api-resource';
import { applicationState, observedApps } from './application';
import {
  changeFor,
  kindParts,
  verbOf,
  type ApplyContext,
  type DesiredState,
  type ObservedState,
  type PlanContext,
  type ResourceKind,
} from './kind';
import { observedUsers, userIds } from './user';

/**
 * A role (SCIM2 Roles v2): an organization role, or an application role of one configured client.
 * Roles v2 have no free-form field for a marker. An application role belongs to whoever owns its
 * application; an organization role counts as ours when it has a configured name and grants at least
 * one scope of an API resource this stack owns (scope names are unique in the organization, so such a
 * role was made for this API). apply and destroy use the same rule, so scopes another API added in the
 * console do not make destroy leave the role behind (and the next apply then need --adopt).
 * Organization roles are never pruned, since hand-made roles use the API's scopes too.
 */
export const ROLE = 'role';

export interface DesiredRole {
  name: string;
  /** `undefined` for an organization role; else the name of the client whose app is the audience. */
  client: string | undefined;
  permissions: string[];
  /** `undefined` when the configuration declares no users: membership is then left to the console. */
  users: string[] | undefined;
}

/** What apply rewrites on an existing role (a create carries its whole body). */
export interface RolePatch {
  permissions?: string[];
  users?: string[];
}

const parts = kindParts<DesiredRole[], Map<string, RoleBody[]>>(ROLE);
export const desiredRoles = (d: DesiredState) => parts.desired.of(d);
/** Every role with a configured name, all audiences (names are unique per audience only). */
export const observedRoles = (o: ObservedState) => parts.observed.of(o);

export function roleKey(role: Pick<DesiredRole, 'name' | 'client'>): ResourceKey {
  return role.client ? { type: ROLE, name: role.name, application: role.client } : { type: ROLE, name: role.name };
}

/** How plans show a role: its name, and the application for an application role. */
export function roleDisplayName(key: ResourceKey): string {
  return key.application ? `${key.name} (application ${key.application})` : key.name;
}

/** The observed role matching a desired one: same name, same audience. */
function matchRole(role: DesiredRole, roles: Map<string, RoleBody[]>, appId: string | undefined): RoleBody | undefined {
  const candidates = roles.get(role.name) ?? [];
  if (!role.client) return candidates.find((r) => (r.audience?.type ?? 'organization').toLowerCase() === 'organization');
  return appId ? candidates.find((r) => r.audience?.type?.toLowerCase() === 'application' && r.audience.value === appId) : undefined;
}

const change = (role: DesiredRole, rest: Omit<PlannedChange, 'type' | 'key' | 'name'>): PlannedChange => ({
  type: ROLE,
  key: roleKey(role),
  name: roleDisplayName(roleKey(role)),
  ...rest,
});

export const role: ResourceKind<DesiredRole[], Map<string, RoleBody[]>, [string, RoleBody[]][]> = {
  type: ROLE,
  order: 3,
  parts,

  managementScopes: (config) =>
    config.roles.length > 0 ? ['view', 'create', 'update', 'delete'].map((a) => `internal_role_mgt_${a}`) : [],
  viewScopes: (roles) => (roles.length ? ['internal_role_mgt_view'] : []),
  writeScopes: (c) => [
    `internal_role_mgt_${verbOf(c)}`,
    c.action === 'create' ? 'internal_role_mgt_update' : `internal_role_mgt_${verbOf(c)}`,
  ],

  desired: (config) =>
    config.roles
      .map((r) => ({
        name: r.name,
        client: r.audience.type === 'application' ? r.audience.client : undefined,
        permissions: [...r.scopes].sort(),
        users: config.users.length ? [...r.users].sort() : undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),

  list: (api, { desired }) => {
    const names = [...new Set(desiredRoles(desired).map((r) => r.name))];
    return Promise.all(names.map(async (n) => [n, await api.findRoles(n)] as [string, RoleBody[]]));
  },

  async detail(api, _ctx, lists) {
    const details = await Promise.all(
      lists.flatMap(([, rs]) => rs.filter((r) => r.permissions === undefined)).map((r) => api.getRole(r.id)),
    );
    const detailed = new Map(details.filter((r): r is RoleBody => !!r).map((r) => [r.id, r]));
    return new Map(lists.map(([n, rs]) => [n, rs.map((r) => detailed.get(r.id) ?? r)]));
  },

  plan(ctx) {
    const d = desiredApiResource(ctx.desired);
    const apiScopes = [
      ...new Set([...d.scopes.map((s) => s.name), ...(observedApiResource(ctx.observed).current?.scopes?.map((s) => s.name) ?? [])]),
    ];
    return desiredRoles(ctx.desired).map((r) => roleChange(r, ctx, apiScopes));
  },

  /** Destroy: organization roles ours by the rule above (application roles go with their app). */
  destroy({ desired, observed }) {
    const { current, owned } = observedApiResource(observed);
    const ownApis = [current, ...owned].filter((a) => !!a && ownerOf(a.description) === desired.stackName);
    const apiScopes = ownApis.flatMap((a) => a?.scopes?.map((s) => s.name) ?? []);
    return desiredRoles(desired)
      .filter((r) => !r.client)
      .flatMap((r): PlannedChange[] => {
        const seen = matchRole(r, observedRoles(observed), undefined);
        if (!seen) return [];
        const perms = (seen.permissions ?? []).map((p) => p.value);
        const ours = perms.some((p) => apiScopes.includes(p));
        return [
          ours
            ? change(r, { action: 'delete', id: seen.id, fields: [{ field: 'permissions', before: perms.sort() }] })
            : change(r, {
                action: 'no-op',
                id: seen.id,
                fields: [],
                note: 'grants no scope of an API resource this stack owns: not created by this stack, left alone',
              }),
        ];
      });
  },

  /**
   * Replacing the API resource (its identifier changed, --prune) drops its scopes from every role:
   * the roles are re-granted after it, so they are changes too.
   */
  amend(changes, ctx) {
    const api = changes.filter((c) => c.type === API_RESOURCE);
    if (!api.some((c) => c.action === 'create') || !api.some((c) => c.action === 'delete')) return;
    for (const c of changes) {
      if (c.type !== ROLE || c.action !== 'no-op') continue;
      const r = desiredRoles(ctx.desired).find((x) => roleDisplayName(roleKey(x)) === roleDisplayName(c.key));
      c.action = 'update';
      c.fields = [{ field: 'permissions', before: '(dropped with the replaced API resource)', after: r?.permissions ?? [] }];
      c.patch = { permissions: r?.permissions ?? [] } satisfies RolePatch;
    }
  },

  apply(phase, ctx) {
    const roles = desiredRoles(ctx.desired);
    const appIds = applicationState(ctx).appIds;
    if (phase === 'link') return roles.filter((r) => !r.client).map((r) => reconcileRole(ctx, r, undefined));
    if (phase === 'app-roles') return roles.filter((r) => r.client).map((r) => reconcileRole(ctx, r, appIds.get(r.client!)));
    if (phase === 'delete') {
      return ctx.plan.changes
        .filter((c) => c.type === ROLE && c.action === 'delete')
        .map(async (c) => {
          ctx.progress(`deleting ${c.type} ${c.name}`);
          await ctx.session.api.deleteRole(c.id!);
        });
    }
    return [];
  },
};

function roleChange(r: DesiredRole, ctx: PlanContext, apiScopes: string[]): PlannedChange {
  const apps = observedApps(ctx.observed).byName;
  const appId = r.client ? apps.get(r.client)?.item.id : undefined;
  const seen = matchRole(r, observedRoles(ctx.observed), appId);
  if (!seen) {
    const fields: FieldDiff[] = [
      { field: 'audience', after: r.client ? `application ${r.client}` : 'organization' },
      { field: 'permissions', after: r.permissions },
      ...(r.users ? [{ field: 'users', after: r.users }] : []),
    ];
    return change(r, { action: 'create', fields });
  }
  const perms = (seen.permissions ?? []).map((p) => p.value).sort();
  const owned = r.client ? apps.get(r.client)?.owner === ctx.desired.stackName : perms.some((p) => apiScopes.includes(p));
  if (!owned && !ctx.adopt) {
    return change(r, {
      action: 'conflict',
      id: seen.id,
      fields: [],
      note: conflictNote('role', `named "${r.name}"`, undefined, ctx.desired.stackName),
    });
  }
  const fields: FieldDiff[] = [];
  const patch: RolePatch = {};
  if (JSON.stringify(perms) !== JSON.stringify(r.permissions)) {
    fields.push({ field: 'permissions', before: perms, after: r.permissions });
    patch.permissions = r.permissions;
  }
  if (r.users) {
    const members = (seen.users ?? []).map((u) => bareUserName(u.display ?? u.value)).sort();
    const memberIds = (seen.users ?? []).map((u) => u.value);
    const wantedIds = r.users.map((n) => observedUsers(ctx.observed).get(n)?.id);
    const same = wantedIds.every((id) => id && memberIds.includes(id)) && memberIds.length === wantedIds.length;
    if (!same) {
      fields.push({ field: 'users', before: members, after: r.users });
      patch.users = r.users;
    }
  }
  return change(r, { action: fields.length ? 'update' : 'no-op', id: seen.id, fields, patch });
}

/** Creates or updates one role; after a 409 on create (a concurrent run made it) it makes it exact. */
async function reconcileRole(ctx: ApplyContext, r: DesiredRole, appId: string | undefined): Promise<void> {
  const api = ctx.session.api;
  const key = roleDisplayName(roleKey(r));
  const c = changeFor(ctx, roleKey(r));
  // Only creates and updates: destroy plans deletions (done in the delete phase), and a delete-only
  // token cannot PATCH; a role is never written before it is deleted.
  if (!c || (c.action !== 'create' && c.action !== 'update')) return;
  const ids = userIds(ctx);
  const members = r.users?.map((n) => ids.get(n)).filter((id): id is string => !!id);
  let id = c.id;
  if (c.action === 'create') {
    if (r.client && !appId) throw new ReconcileError(`role ${key}: application ${r.client} does not exist`, 'run apply again');
    ctx.progress(`creating role ${key}`);
    id = await api.createRole({
      schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
      displayName: r.name,
      ...(r.client ? { audience: { type: 'application', value: appId } } : {}),
      permissions: r.permissions.map((value) => ({ value })),
      ...(members ? { users: members.map((value) => ({ value })) } : {}),
    });
    if (id) return;
    // 409: a concurrent run created it; make it exact.
  }
  // The role as it is now: re-read, since the plan's view may be stale (409 above, or a replaced API).
  const current = id ? await api.getRole(id) : undefined;
  const seen = current ?? matchRole(r, new Map([[r.name, await api.findRoles(r.name)]]), appId);
  if (!seen) throw new ReconcileError(`role ${key} vanished while applying`, 'run apply again');
  ctx.progress(`updating role ${key}`);
  const ops: object[] = [];
  const perms = (seen.permissions ?? []).map((p) => p.value).sort();
  if (JSON.stringify(perms) !== JSON.stringify(r.permissions))
    ops.push({ op: 'replace', path: 'permissions', value: r.permissions.map((value) => ({ value })) });
  if (members) {
    const have = (seen.users ?? []).map((u) => u.value);
    const add = members.filter((m) => !have.includes(m));
    const remove = have.filter((m) => !members.includes(m));
    if (add.length) ops.push({ op: 'add', path: 'users', value: add.map((value) => ({ value })) });
    for (const x of remove) ops.push({ op: 'remove', path: `users[value eq "${x}"]` });
  }
  if (ops.length) await api.patchRole(seen.id, ops);
}
