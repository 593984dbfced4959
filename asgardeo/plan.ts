import { bareUserName, type RoleBody, type UserBody } from './api';
import { UNKNOWN_IDENTIFIER, type DesiredApp, type DesiredRole, type DesiredState, type DesiredUser } from './desired';
import type { ObservedApp, ObservedState } from './observe';
import { ownerOf } from './ownership';

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op' | 'conflict';
export type ObjectType = 'api-resource' | 'application' | 'role' | 'user';

export interface FieldDiff {
  field: string;
  /** Absent on create. */
  before?: unknown;
  /** Absent on delete. */
  after?: unknown;
}

export interface PlannedChange {
  type: ObjectType;
  /** Stable key: identifier, application name, role name (with audience), user name. */
  name: string;
  action: ChangeAction;
  /** Asgardeo id when the object exists. */
  id?: string;
  fields: FieldDiff[];
  /** Why (conflicts: who owns it and how to adopt; notes on what is left alone). */
  note?: string;
}

export interface AsgardeoPlan {
  stackName: string;
  environment: string;
  organization: string;
  baseUrl: string;
  apiIdentifier: string;
  prune: boolean;
  adopt: boolean;
  changes: PlannedChange[];
  warnings: string[];
  /** Requests and sequential round trips the observation took (see `roundTrips`). */
  stats?: { requests: number; roundTrips: number };
}

export const SENSITIVE = '(sensitive)';
export const KNOWN_AFTER_APPLY = '(known after apply)';

export function planHasChanges(plan: AsgardeoPlan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op');
}

export interface PlanOptions {
  prune: boolean;
  adopt: boolean;
  destroy?: boolean;
  env?: NodeJS.ProcessEnv;
}

const ORDER: ObjectType[] = ['api-resource', 'application', 'user', 'role'];

export function computePlan(desired: DesiredState, observed: ObservedState, meta: Omit<AsgardeoPlan, 'changes' | 'warnings' | 'prune' | 'adopt' | 'apiIdentifier'>, o: PlanOptions): AsgardeoPlan {
  const warnings: string[] = [];
  if (desired.apiResource.identifier === UNKNOWN_IDENTIFIER) {
    warnings.push('the API identifier is not known (no stack outputs and no apiResource.identifier): the API resource and the apps\' token audience cannot be compared; pass --outputs <file> for a complete plan.');
  }
  const changes = o.destroy ? destroyChanges(desired, observed) : [...applyChanges(desired, observed, o, warnings), ...(o.prune ? pruneChanges(observed) : [])];
  // Replacing the API resource (its identifier changed, --prune) drops its scopes from every role:
  // the roles are re-granted after it, so they are changes too.
  if (changes.some((c) => c.type === 'api-resource' && c.action === 'create') && changes.some((c) => c.type === 'api-resource' && c.action === 'delete')) {
    for (const c of changes) {
      if (c.type !== 'role' || c.action !== 'no-op') continue;
      const role = desired.roles.find((r) => (r.client ? `${r.name} (application ${r.client})` : r.name) === c.name);
      c.action = 'update';
      c.fields = [{ field: 'permissions', before: '(dropped with the replaced API resource)', after: role?.permissions ?? [] }];
    }
  }
  changes.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type) || a.name.localeCompare(b.name));
  return { ...meta, apiIdentifier: desired.apiResource.identifier, prune: o.prune, adopt: o.adopt, changes, warnings };
}

function conflictNote(kind: string, key: string, owner: string | undefined, stack: string): string {
  const who = owner ? `is managed by another tollgate stack ("${owner}")` : 'was not created by tollgate';
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind} ${key} already exists and ${who}; tollgate will not change it. To manage it from ${stack}, run with --adopt (the plan then shows what would change), or rename it in the configuration.`;
}

function applyChanges(desired: DesiredState, observed: ObservedState, o: PlanOptions, warnings: string[]): PlannedChange[] {
  const stack = desired.stackName;
  const out: PlannedChange[] = [];
  const d = desired.apiResource;
  const a = observed.apiResource;
  if (!a) {
    out.push({
      type: 'api-resource',
      name: d.identifier,
      action: 'create',
      fields: [
        { field: 'name', after: d.name },
        { field: 'identifier', after: d.identifier },
        { field: 'description', after: d.description },
        { field: 'requiresAuthorization', after: d.requiresAuthorization },
        { field: 'scopes', after: d.scopes.map((s) => s.name) },
      ],
    });
  } else {
    const owner = ownerOf(a.description);
    if (owner !== stack && !o.adopt) {
      out.push({ type: 'api-resource', name: d.identifier, action: 'conflict', id: a.id, fields: [], note: conflictNote('API resource', `with identifier ${d.identifier}`, owner, stack) });
    } else {
      const fields: FieldDiff[] = [];
      if (a.name !== d.name) fields.push({ field: 'name', before: a.name, after: d.name });
      if ((a.description ?? '') !== d.description) fields.push({ field: 'description', before: a.description ?? '', after: d.description });
      const have = new Map((a.scopes ?? []).map((s) => [s.name, s]));
      const added = d.scopes.filter((s) => !have.has(s.name)).map((s) => s.name);
      const removed = [...have.keys()].filter((n) => !d.scopes.some((s) => s.name === n)).sort();
      if (added.length || removed.length) fields.push({ field: 'scopes', before: [...have.keys()].sort(), after: d.scopes.map((s) => s.name) });
      for (const s of d.scopes) {
        const h = have.get(s.name);
        if (!h) continue;
        if ((h.displayName ?? '') !== s.displayName) fields.push({ field: `scopes.${s.name}.displayName`, before: h.displayName ?? '', after: s.displayName });
        if ((h.description ?? '') !== s.description) fields.push({ field: `scopes.${s.name}.description`, before: h.description ?? '', after: s.description });
      }
      if (a.requiresAuthorization !== undefined && a.requiresAuthorization !== d.requiresAuthorization) {
        warnings.push(`API resource ${d.identifier}: requiresAuthorization is ${a.requiresAuthorization} in Asgardeo but ${d.requiresAuthorization} in the configuration; Asgardeo cannot change it in place (delete the API resource in the console and run apply to re-create it).`);
      }
      out.push({ type: 'api-resource', name: d.identifier, action: fields.length ? 'update' : 'no-op', id: a.id, fields, note: owner !== stack ? `adopted: the ownership marker for ${stack} is added` : undefined });
    }
  }

  const appIds = new Map<string, string | undefined>();
  for (const app of desired.apps) {
    const seen = observed.apps.get(app.name);
    out.push(appChange(app, seen, a?.id, stack, o.adopt));
    appIds.set(app.name, seen?.item.id);
  }

  for (const user of desired.users) out.push(userChange(user, observed.users.get(user.userName), o.env ?? process.env));
  const ourScopes = [...new Set([...d.scopes.map((s) => s.name), ...(a?.scopes?.map((s) => s.name) ?? [])])];
  for (const role of desired.roles) out.push(roleChange(role, observed, appIds, ourScopes, stack, o.adopt));
  return out;
}

function appChange(app: DesiredApp, seen: ObservedApp | undefined, apiId: string | undefined, stack: string, adopt: boolean): PlannedChange {
  const o = app.oidc;
  if (!seen) {
    return {
      type: 'application',
      name: app.name,
      action: 'create',
      fields: [
        { field: 'description', after: app.description },
        { field: 'templateId', after: 'm2m-application' },
        { field: 'associatedRoles.allowedAudience', after: app.allowedAudience },
        { field: 'oidc.grantTypes', after: o.grantTypes },
        ...(o.callbackURLs.length ? [{ field: 'oidc.callbackURLs', after: o.callbackURLs }] : []),
        { field: 'oidc.accessToken.type', after: o.accessTokenType },
        { field: 'oidc.accessToken.applicationAccessTokenExpiryInSeconds', after: o.accessTokenLifetime },
        { field: 'oidc.idToken.audience', after: o.audience },
        { field: 'oidc.clientSecret', after: SENSITIVE },
        { field: 'authorizedScopes', after: app.scopes },
      ],
    };
  }
  if (seen.owner !== stack && !adopt) {
    return { type: 'application', name: app.name, action: 'conflict', id: seen.item.id, fields: [], note: conflictNote('application', `named "${app.name}"`, seen.owner, stack) };
  }
  const fields: FieldDiff[] = [];
  const diff = (field: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
  };
  diff('description', seen.item.description ?? '', app.description);
  diff('associatedRoles.allowedAudience', seen.item.associatedRoles?.allowedAudience ?? 'ORGANIZATION', app.allowedAudience);
  const oidc = seen.oidc;
  diff('oidc.grantTypes', [...oidc.grantTypes].sort(), o.grantTypes);
  diff('oidc.callbackURLs', oidc.callbackURLs ?? [], o.callbackURLs);
  diff('oidc.publicClient', oidc.publicClient ?? false, o.publicClient);
  diff('oidc.accessToken.type', oidc.accessToken?.type ?? 'Default', o.accessTokenType);
  diff('oidc.accessToken.applicationAccessTokenExpiryInSeconds', oidc.accessToken?.applicationAccessTokenExpiryInSeconds, o.accessTokenLifetime);
  if (!o.audience.includes(UNKNOWN_IDENTIFIER)) diff('oidc.idToken.audience', [...(oidc.idToken?.audience ?? [])].sort(), [...o.audience].sort());
  const ours = apiId ? seen.authorized.find((x) => x.id === apiId) : undefined;
  diff('authorizedScopes', ours ? ours.authorizedScopes.map((s) => s.name).sort() : [], app.scopes);
  const note = seen.owner !== stack ? `adopted: the ownership marker for ${stack} is added to the description` : undefined;
  return { type: 'application', name: app.name, action: fields.length ? 'update' : 'no-op', id: seen.item.id, fields, note };
}

function userChange(u: DesiredUser, seen: UserBody | undefined, env: NodeJS.ProcessEnv): PlannedChange {
  if (!seen) {
    const password = u.password.kind === 'invite' ? 'invitation e-mail (askPassword)' : env[u.password.variable] ? `${SENSITIVE} from $${u.password.variable}` : `$${u.password.variable} is NOT SET: apply will stop before any change`;
    return {
      type: 'user',
      name: u.userName,
      action: 'create',
      fields: [
        { field: 'email', after: u.email },
        ...(u.givenName !== undefined ? [{ field: 'givenName', after: u.givenName }] : []),
        ...(u.familyName !== undefined ? [{ field: 'familyName', after: u.familyName }] : []),
        { field: 'password', after: password },
      ],
    };
  }
  const fields: FieldDiff[] = [];
  const email = firstEmail(seen);
  if (email !== u.email) fields.push({ field: 'email', before: email, after: u.email });
  if (u.givenName !== undefined && seen.name?.givenName !== u.givenName) fields.push({ field: 'givenName', before: seen.name?.givenName, after: u.givenName });
  if (u.familyName !== undefined && seen.name?.familyName !== u.familyName) fields.push({ field: 'familyName', before: seen.name?.familyName, after: u.familyName });
  return { type: 'user', name: u.userName, action: fields.length ? 'update' : 'no-op', id: seen.id, fields, note: 'the password of an existing user is never changed' };
}

export function firstEmail(u: UserBody): string | undefined {
  const e = u.emails?.[0];
  return typeof e === 'string' ? e : e?.value;
}

function roleKey(r: DesiredRole): string {
  return r.client ? `${r.name} (application ${r.client})` : r.name;
}

/** The observed role matching a desired one: same name, same audience. */
export function matchRole(role: DesiredRole, observed: ObservedState, appId: string | undefined): RoleBody | undefined {
  const candidates = observed.roles.get(role.name) ?? [];
  if (!role.client) return candidates.find((r) => (r.audience?.type ?? 'organization').toLowerCase() === 'organization');
  return appId ? candidates.find((r) => r.audience?.type?.toLowerCase() === 'application' && r.audience.value === appId) : undefined;
}

/**
 * Roles v2 have no free-form field for a marker. An application role belongs to whoever owns its
 * application; an organization role counts as ours when it grants one of our API's scopes (scope
 * names are unique in the organization, so such a role was made for this API). Organization roles are
 * never pruned, since hand-made roles use the API's scopes too.
 */
function roleChange(role: DesiredRole, observed: ObservedState, appIds: Map<string, string | undefined>, apiScopes: string[], stack: string, adopt: boolean): PlannedChange {
  const appId = role.client ? appIds.get(role.client) : undefined;
  const seen = matchRole(role, observed, appId);
  if (!seen) {
    return {
      type: 'role',
      name: roleKey(role),
      action: 'create',
      fields: [
        { field: 'audience', after: role.client ? `application ${role.client}` : 'organization' },
        { field: 'permissions', after: role.permissions },
        ...(role.users ? [{ field: 'users', after: role.users }] : []),
      ],
    };
  }
  const perms = (seen.permissions ?? []).map((p) => p.value).sort();
  const owned = role.client ? observed.apps.get(role.client)?.owner === stack : perms.some((p) => apiScopes.includes(p));
  if (!owned && !adopt) {
    return { type: 'role', name: roleKey(role), action: 'conflict', id: seen.id, fields: [], note: conflictNote('role', `named "${role.name}"`, undefined, stack) };
  }
  const fields: FieldDiff[] = [];
  if (JSON.stringify(perms) !== JSON.stringify(role.permissions)) fields.push({ field: 'permissions', before: perms, after: role.permissions });
  if (role.users) {
    const members = (seen.users ?? []).map((u) => bareUserName(u.display ?? u.value)).sort();
    const memberIds = (seen.users ?? []).map((u) => u.value);
    const wantedIds = role.users.map((n) => observed.users.get(n)?.id);
    const same = wantedIds.every((id) => id && memberIds.includes(id)) && memberIds.length === wantedIds.length;
    if (!same) fields.push({ field: 'users', before: members, after: role.users });
  }
  return { type: 'role', name: roleKey(role), action: fields.length ? 'update' : 'no-op', id: seen.id, fields };
}

function pruneChanges(observed: ObservedState): PlannedChange[] {
  return [
    ...observed.ownedApps.map((a) => ({ type: 'application' as const, name: a.name, action: 'delete' as const, id: a.id, fields: [{ field: 'name', before: a.name }], note: 'owned by this stack and no longer in the configuration (--prune)' })),
    ...observed.ownedApiResources.map((r) => ({ type: 'api-resource' as const, name: r.identifier, action: 'delete' as const, id: r.id, fields: [{ field: 'identifier', before: r.identifier }], note: 'owned by this stack and no longer its identifier (--prune)' })),
  ];
}

/** Destroy: every object this stack owns; users are never deleted, organization roles only when ours by scope. */
function destroyChanges(desired: DesiredState, observed: ObservedState): PlannedChange[] {
  const stack = desired.stackName;
  const out: PlannedChange[] = [];
  const api = observed.apiResource;
  if (api && ownerOf(api.description) === stack) out.push({ type: 'api-resource', name: api.identifier, action: 'delete', id: api.id, fields: [{ field: 'identifier', before: api.identifier }] });
  else if (api) out.push({ type: 'api-resource', name: api.identifier, action: 'no-op', id: api.id, fields: [], note: 'not owned by this stack: left alone' });
  for (const r of observed.ownedApiResources) out.push({ type: 'api-resource', name: r.identifier, action: 'delete', id: r.id, fields: [{ field: 'identifier', before: r.identifier }] });
  const configured = [...observed.apps.values()].map((a) => a.item);
  for (const app of [...configured, ...observed.ownedApps]) {
    if (ownerOf(app.description) === stack) out.push({ type: 'application', name: app.name, action: 'delete', id: app.id, fields: [{ field: 'name', before: app.name }], note: 'its application roles go with it' });
    else out.push({ type: 'application', name: app.name, action: 'no-op', id: app.id, fields: [], note: 'not owned by this stack: left alone' });
  }
  const apiScopes = api?.scopes?.map((s) => s.name) ?? [];
  for (const role of desired.roles.filter((r) => !r.client)) {
    const seen = matchRole(role, observed, undefined);
    if (!seen) continue;
    const perms = (seen.permissions ?? []).map((p) => p.value);
    const ours = api && ownerOf(api.description) === stack && perms.length > 0 && perms.every((p) => apiScopes.includes(p));
    out.push(ours ? { type: 'role', name: role.name, action: 'delete', id: seen.id, fields: [{ field: 'permissions', before: perms.sort() }] } : { type: 'role', name: role.name, action: 'no-op', id: seen.id, fields: [], note: 'grants scopes of other APIs: left alone' });
  }
  for (const u of desired.users) {
    const seen = observed.users.get(u.userName);
    if (seen) out.push({ type: 'user', name: u.userName, action: 'no-op', id: seen.id, fields: [], note: 'users are never deleted by tollgate (delete them in the console if wanted)' });
  }
  return out;
}
