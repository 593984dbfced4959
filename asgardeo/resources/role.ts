import { bareUserName, type RoleBody } from '../api';
import { ReconcileError } from '../errors';
import { ownerOf } from '../ownership';
import { ROLES_API_SCOPES, type AdminAccess } from '../roles-api';
import { rolesApiFor } from '../roles-client';
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
 * A role: an organization role, or an application role of one configured client, through SCIM2
 * Roles v2 or v3 (../roles-api.ts: one interface; the plan does not depend on which). Roles have no
 * free-form field for a marker. An application role belongs to whoever owns its
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

  managementScopes: (config, access) => (config.roles.length > 0 ? roleScopes(access, config.users.length > 0) : []),
  viewScopes: (roles) => (roles.length ? [ROLES_API_SCOPES.v2.view] : []),
  writeScopes: (c, access) => roleWriteScopes(c, access),

  desired: (config) =>
    config.roles
      .map((r) => ({
        name: r.name,
        client: r.audience.type === 'application' ? r.audience.client : undefined,
        permissions: [...r.scopes].sort(),
        users: config.users.length ? [...r.users].sort() : undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),

  list: (api, { desired, access }) => {
    const roles = rolesApiFor(api, access.rolesApi);
    const names = [...new Set(desiredRoles(desired).map((r) => r.name))];
    return Promise.all(names.map(async (n) => [n, await roles.find(n)] as [string, RoleBody[]]));
  },

  async detail(api, { access }, lists) {
    const roles = rolesApiFor(api, access.rolesApi);
    const details = await Promise.all(lists.flatMap(([, rs]) => rs.filter((r) => r.permissions === undefined)).map((r) => roles.get(r.id)));
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
          await ctx.session.roles.delete(c.id!);
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

/** The management scopes of every role write a run may make (users: whether the configuration assigns any). */
function roleScopes(access: AdminAccess, users: boolean): string[] {
  if (access.rolesApi === 'v2') return ['view', 'create', 'update', 'delete'].map((a) => `internal_role_mgt_${a}`);
  const s = ROLES_API_SCOPES.v3;
  return [s.view, s.create, s.update, ...(users ? [s.users] : []), s.delete];
}

/**
 * The scopes one role change needs. v2: one update scope covers permissions and users. v3 checks each
 * attribute a write touches: metadata (permissions) and users apart. A create that meets a 409
 * converges by updating, so it holds the update scopes too.
 */
function roleWriteScopes(c: Pick<PlannedChange, 'action' | 'fields'>, access: AdminAccess): string[] {
  if (access.rolesApi === 'v2')
    return [`internal_role_mgt_${verbOf(c)}`, c.action === 'create' ? 'internal_role_mgt_update' : `internal_role_mgt_${verbOf(c)}`];
  const s = ROLES_API_SCOPES.v3;
  const touches = (field: string) => c.fields.some((f) => f.field === field);
  if (c.action === 'delete') return [s.delete];
  if (c.action === 'create') return [s.create, s.update, ...(touches('users') ? [s.users] : [])];
  return [...(touches('permissions') ? [s.update] : []), ...(touches('users') ? [s.users] : [])];
}

/** Creates or updates one role; after a 409 on create (a concurrent run made it) it makes it exact. */
async function reconcileRole(ctx: ApplyContext, r: DesiredRole, appId: string | undefined): Promise<void> {
  const roles = ctx.session.roles;
  const key = roleDisplayName(roleKey(r));
  const c = changeFor(ctx, roleKey(r));
  // Only creates and updates: destroy plans deletions (done in the delete phase), and a delete-only
  // token cannot PATCH; a role is never written before it is deleted.
  if (!c || (c.action !== 'create' && c.action !== 'update')) return;
  const ids = userIds(ctx);
  // Every member's id is known before the first write: under v3 a create is two requests (the role,
  // then its users), and a member found missing only after the first would leave the role half-made.
  const unknown = (r.users ?? []).filter((n) => !ids.get(n));
  if (unknown.length)
    throw new ReconcileError(`role ${key}: user(s) ${unknown.join(', ')} do not exist in Asgardeo; nothing was written`, 'run apply again');
  const members = r.users?.map((n) => ids.get(n)!);
  let id = c.id;
  if (c.action === 'create') {
    if (r.client && !appId) throw new ReconcileError(`role ${key}: application ${r.client} does not exist`, 'run apply again');
    ctx.progress(`creating role ${key}`);
    id = await roles.create({ displayName: r.name, application: r.client ? appId : undefined, permissions: r.permissions, users: members });
    if (id) return;
    // 409: a concurrent run created it; make it exact.
  }
  // The role as it is now: re-read, since the plan's view may be stale (409 above, or a replaced API).
  const current = id ? await roles.get(id) : undefined;
  const seen = current ?? matchRole(r, new Map([[r.name, await roles.find(r.name)]]), appId);
  if (!seen) throw new ReconcileError(`role ${key} vanished while applying`, 'run apply again');
  ctx.progress(`updating role ${key}`);
  const perms = (seen.permissions ?? []).map((p) => p.value).sort();
  const have = (seen.users ?? []).map((u) => u.value);
  await roles.update(seen.id, {
    ...(JSON.stringify(perms) !== JSON.stringify(r.permissions) ? { permissions: r.permissions } : {}),
    addUsers: members ? members.filter((m) => !have.includes(m)) : [],
    removeUsers: members ? have.filter((m) => !members.includes(m)) : [],
  });
}
