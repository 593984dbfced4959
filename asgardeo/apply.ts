import type { AppListItem } from './api';
import type { DesiredApp, DesiredRole, DesiredState } from './desired';
import { AsgardeoError, ReconcileError } from './errors';
import type { ObservedState } from './observe';
import { matchRole, type AsgardeoPlan, type PlannedChange } from './plan';
import type { Session } from './session';

/** Management scopes each planned change needs, so a run asks for nothing more. */
export function scopesForChanges(changes: readonly PlannedChange[]): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    if (c.action === 'no-op' || c.action === 'conflict') continue;
    const verb = c.action === 'create' ? 'create' : c.action === 'delete' ? 'delete' : 'update';
    // A create that meets a 409 (a concurrent or killed run made it) converges by updating: it needs both.
    if (c.type === 'api-resource') {
      out.add(`internal_api_resource_${verb}`).add(c.action === 'create' ? 'internal_api_resource_update' : `internal_api_resource_${verb}`);
      // Removing a scope is `DELETE .../scopes/{name}`, which needs the delete scope.
      const scopes = c.fields.find((f) => f.field === 'scopes' && Array.isArray(f.before) && Array.isArray(f.after));
      if (scopes && (scopes.before as string[]).some((n) => !(scopes.after as string[]).includes(n))) out.add('internal_api_resource_delete');
    }
    if (c.type === 'application') {
      out.add(`internal_application_mgt_${verb}`);
      // Authorizing an API is an application update that additionally needs the business-API scope.
      if (c.action === 'create' || c.fields.some((f) => f.field === 'authorizedScopes')) {
        out.add('internal_application_mgt_update');
        out.add('internal_application_business_api_update');
      }
    }
    if (c.type === 'role') out.add(`internal_role_mgt_${verb}`).add(c.action === 'create' ? 'internal_role_mgt_update' : `internal_role_mgt_${verb}`);
    if (c.type === 'user') out.add(`internal_user_mgt_${verb}`);
  }
  return [...out].sort();
}

export interface ExecuteContext {
  session: Session;
  desired: DesiredState;
  observed: ObservedState;
  plan: AsgardeoPlan;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
}

export interface ApplyIds {
  apiResourceId: string | undefined;
  clients: { name: string; clientId: string }[];
}

/**
 * Runs a plan in dependency order, independent objects in parallel:
 * 1. API resource, applications (with their OIDC settings), users;
 * 2. authorizations of the API to each app, organization roles, client ids of new apps;
 * 3. application roles (their permissions must be authorized to the app first);
 * 4. scopes removed from the API resource, then deletions (prune / destroy).
 * Every step re-reads after a 409, so a run that races another, or follows a killed one, converges.
 */
export async function executePlan(ctx: ExecuteContext): Promise<ApplyIds> {
  const { plan, desired, observed, session } = ctx;
  const api = session.api;
  const by = (type: PlannedChange['type'], name: string) => plan.changes.find((c) => c.type === type && c.name === name);
  const conflicts = plan.changes.filter((c) => c.action === 'conflict');
  if (conflicts.length) {
    throw new ReconcileError(
      `apply stopped before any change: ${conflicts.length} object(s) exist in Asgardeo but are not managed by ${plan.stackName}:\n${conflicts.map((c) => `  - ${c.type} ${c.name}: ${c.note}`).join('\n')}`,
      'run `tollgate plan` to review them; re-run with --adopt to take them over, or rename them in the configuration',
    );
  }
  checkPasswords(ctx);
  const step = (line: string) => ctx.progress(line);

  // Phase 1
  const apiChange = by('api-resource', desired.apiResource.identifier);
  const appIds = new Map<string, string>();
  const clientIds = new Map<string, string>();
  for (const [name, a] of observed.apps) {
    appIds.set(name, a.item.id);
    const cid = a.oidc.clientId ?? a.item.clientId;
    if (cid) clientIds.set(name, cid);
  }
  const userIds = new Map<string, string>();
  for (const [name, u] of observed.users) userIds.set(name, u.id);
  let apiId = observed.apiResource?.id;
  let apiScopes = new Set((observed.apiResource?.scopes ?? []).map((s) => s.name));

  // With --prune, an owned API resource under an old identifier goes before the new one is made:
  // it holds the same scope names, which are unique across the organization.
  const staleApis = plan.changes.filter((c) => c.type === 'api-resource' && c.action === 'delete');
  // Deleting it also drops its scopes from every role: the plan lists those roles as updates.
  if (apiChange?.action === 'create' && staleApis.length > 0) {
    await settleAll(staleApis.map(async (c) => {
      step(`deleting API resource ${c.name} (replaced by ${desired.apiResource.identifier})`);
      await api.deleteApiResource(c.id!);
    }));
  }

  await settleAll([
    (async () => {
      if (apiChange?.action === 'create') {
        const d = desired.apiResource;
        step(`creating API resource ${d.identifier}`);
        const created = await api.createApiResource({ name: d.name, identifier: d.identifier, description: d.description, requiresAuthorization: d.requiresAuthorization, scopes: d.scopes.map((s) => ({ name: s.name, displayName: s.displayName, description: s.description })) }, d.identifier);
        apiId = created.id;
        const full = created.scopes ? created : await api.getApiResource(created.id);
        apiScopes = new Set((full?.scopes ?? []).map((s) => s.name));
        // Another run may have created it first with an older scope list.
        const missing = d.scopes.filter((s) => !apiScopes.has(s.name));
        if (missing.length) await api.patchApiResource(created.id, { addedScopes: missing.map((s) => ({ name: s.name, displayName: s.displayName, description: s.description })) });
      } else if (apiChange?.action === 'update' && apiId) {
        await updateApiResource(ctx, apiId, apiChange);
      }
    })(),
    ...desired.apps.map(async (app) => {
      const c = by('application', app.name);
      if (c?.action === 'create') {
        step(`creating application ${app.name}`);
        appIds.set(app.name, await api.createApplication(appCreateBody(app)));
      } else if (c?.action === 'update') {
        await updateApplication(ctx, app, c);
      }
    }),
    ...desired.users.map(async (u) => {
      const c = by('user', u.userName);
      if (c?.action === 'create') {
        step(`creating user ${u.userName}`);
        const body: Record<string, unknown> = {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: u.userName,
          emails: [{ value: u.email, primary: true }],
          ...(u.givenName !== undefined || u.familyName !== undefined ? { name: { givenName: u.givenName, familyName: u.familyName } } : {}),
        };
        if (u.password.kind === 'env') body.password = ctx.env[u.password.variable];
        else body['urn:scim:wso2:schema'] = { askPassword: true };
        const id = (await api.createUser(body)) ?? (await api.findUser(u.userName))?.id;
        if (!id) throw new AsgardeoError({ message: `user ${u.userName} was not found after creating it`, status: 0, hint: 'run again' });
        userIds.set(u.userName, id);
      } else if (c?.action === 'update' && c.id) {
        step(`updating user ${u.userName}`);
        const ops: object[] = [];
        for (const f of c.fields) {
          if (f.field === 'email') ops.push({ op: 'replace', path: 'emails', value: [{ value: f.after, primary: true }] });
          if (f.field === 'givenName') ops.push({ op: 'replace', path: 'name.givenName', value: f.after });
          if (f.field === 'familyName') ops.push({ op: 'replace', path: 'name.familyName', value: f.after });
        }
        await api.patchUser(c.id, ops);
        userIds.set(u.userName, c.id);
      }
    }),
  ]);

  // Phase 2
  const newApps = desired.apps.filter((a) => by('application', a.name)?.action === 'create').map((a) => a.name);
  await settleAll([
    ...desired.apps.map(async (app) => {
      const c = by('application', app.name);
      const appId = appIds.get(app.name);
      if (!appId || !apiId || !c || !(c.action === 'create' || c.fields.some((f) => f.field === 'authorizedScopes'))) return;
      step(`authorizing ${app.name} for ${app.scopes.join(', ') || '(no scopes)'}`);
      const current = c.action === 'create' ? undefined : observed.apps.get(app.name)?.authorized.find((x) => x.id === apiId);
      if (!current) {
        if (await api.authorizeApi(appId, apiId, app.scopes)) return;
      }
      // Authorized already (by us earlier, or by a concurrent run): make the scope set exact.
      const now = current ?? (await api.getAuthorizedApis(appId)).find((x) => x.id === apiId);
      const have = (now?.authorizedScopes ?? []).map((s) => s.name);
      const added = app.scopes.filter((s) => !have.includes(s));
      const removed = have.filter((s) => !app.scopes.includes(s));
      if (added.length || removed.length) await api.patchAuthorizedApi(appId, apiId, added, removed);
    }),
    ...desired.roles.filter((r) => !r.client).map((r) => reconcileRole(ctx, r, undefined, userIds)),
    (async () => {
      if (!newApps.length) return;
      const found: AppListItem[] = await api.findApplications(newApps);
      for (const a of found) if (a.clientId) clientIds.set(a.name, a.clientId);
      await Promise.all(newApps.filter((n) => !clientIds.has(n)).map(async (n) => {
        const oidc = await api.getOidc(appIds.get(n)!);
        if (oidc.clientId) clientIds.set(n, oidc.clientId);
      }));
    })(),
  ]);

  // Phase 3
  await settleAll(desired.roles.filter((r) => r.client).map((r) => reconcileRole(ctx, r, appIds.get(r.client!), userIds)));

  // Phase 4
  if (apiChange?.action === 'update' && apiId) await removeApiScopes(ctx, apiId);
  const deletions = plan.changes.filter((c) => c.action === 'delete' && !(apiChange?.action === 'create' && staleApis.includes(c)));
  await settleAll(
    deletions.filter((c) => c.type !== 'api-resource').map(async (c) => {
      step(`deleting ${c.type} ${c.name}`);
      if (c.type === 'application') await api.deleteApplication(c.id!);
      if (c.type === 'role') await api.deleteRole(c.id!);
    }),
  );
  // Applications first: an API resource still authorized to an app may refuse deletion.
  await settleAll(
    deletions.filter((c) => c.type === 'api-resource').map(async (c) => {
      step(`deleting API resource ${c.name}`);
      await api.deleteApiResource(c.id!);
    }),
  );

  return {
    apiResourceId: apiId,
    clients: desired.apps.filter((a) => clientIds.has(a.name)).map((a) => ({ name: a.name, clientId: clientIds.get(a.name)! })),
  };
}

function checkPasswords(ctx: ExecuteContext): void {
  const missing = ctx.desired.users.filter((u) => u.password.kind === 'env' && ctx.plan.changes.some((c) => c.type === 'user' && c.name === u.userName && c.action === 'create') && !ctx.env[u.password.variable]);
  if (missing.length) {
    throw new ReconcileError(
      `apply stopped before any change: the initial password of ${missing.map((u) => `${u.userName} ($${u.password.kind === 'env' ? u.password.variable : ''})`).join(', ')} is not set.`,
      'export the named environment variable(s) for this run (never commit them), or use `password: { invite: true }` to send an invitation instead',
    );
  }
}

export function appCreateBody(app: DesiredApp): { name: string } & Record<string, unknown> {
  return {
    name: app.name,
    description: app.description,
    templateId: 'm2m-application',
    associatedRoles: { allowedAudience: app.allowedAudience, roles: [] },
    inboundProtocolConfiguration: {
      oidc: {
        grantTypes: app.oidc.grantTypes,
        ...(app.oidc.callbackURLs.length ? { callbackURLs: app.oidc.callbackURLs } : {}),
        publicClient: app.oidc.publicClient,
        accessToken: { type: app.oidc.accessTokenType, applicationAccessTokenExpiryInSeconds: app.oidc.accessTokenLifetime },
        idToken: { audience: app.oidc.audience },
      },
    },
  };
}

async function updateApiResource(ctx: ExecuteContext, id: string, c: PlannedChange): Promise<void> {
  const d = ctx.desired.apiResource;
  const api = ctx.session.api;
  ctx.progress(`updating API resource ${d.identifier}`);
  const have = new Set((ctx.observed.apiResource?.scopes ?? []).map((s) => s.name));
  const patch: Record<string, unknown> = {};
  if (c.fields.some((f) => f.field === 'name')) patch.name = d.name;
  if (c.fields.some((f) => f.field === 'description')) patch.description = d.description;
  const added = d.scopes.filter((s) => !have.has(s.name));
  if (added.length) patch.addedScopes = added.map((s) => ({ name: s.name, displayName: s.displayName, description: s.description }));
  if (Object.keys(patch).length) await api.patchApiResource(id, patch);
  // Scope text changes go per scope; removed scopes go last (see removeApiScopes).
  const retexted = d.scopes.filter((s) => c.fields.some((f) => f.field.startsWith(`scopes.${s.name}.`)));
  await settleAll(retexted.map((s) => api.patchApiScope(id, s.name, { displayName: s.displayName, description: s.description })));
}

/**
 * PATCH cannot remove scopes (501); each goes by DELETE, and only after the authorizations and
 * roles that used it were changed, since Asgardeo rejects a change that names a scope it no longer has.
 */
async function removeApiScopes(ctx: ExecuteContext, id: string): Promise<void> {
  const d = ctx.desired.apiResource;
  const removed = (ctx.observed.apiResource?.scopes ?? []).map((s) => s.name).filter((n) => !d.scopes.some((s) => s.name === n));
  if (removed.length) ctx.progress(`removing scope(s) ${removed.join(', ')} from API resource ${d.identifier}`);
  await settleAll(removed.map((n) => ctx.session.api.deleteApiScope(id, n)));
}

async function updateApplication(ctx: ExecuteContext, app: DesiredApp, c: PlannedChange): Promise<void> {
  const api = ctx.session.api;
  const seen = ctx.observed.apps.get(app.name)!;
  const id = seen.item.id;
  const changed = (prefix: string) => c.fields.some((f) => f.field.startsWith(prefix));
  const patch: Record<string, unknown> = {};
  if (changed('description')) patch.description = app.description;
  if (changed('associatedRoles.')) patch.associatedRoles = { allowedAudience: app.allowedAudience };
  const jobs: Promise<void>[] = [];
  if (Object.keys(patch).length) {
    ctx.progress(`updating application ${app.name}`);
    jobs.push(api.patchApplication(id, patch));
  }
  if (changed('oidc.')) {
    ctx.progress(`updating OIDC settings of ${app.name}`);
    // A full replace: the body repeats the current clientId and clientSecret (Asgardeo requires both).
    const { state: _s, multipleClientSecretsConfigured: _m, ...current } = seen.oidc as Record<string, unknown>;
    const o = app.oidc;
    const body = {
      ...current,
      grantTypes: o.grantTypes,
      callbackURLs: o.callbackURLs,
      publicClient: o.publicClient,
      accessToken: { ...(seen.oidc.accessToken ?? {}), type: o.accessTokenType, applicationAccessTokenExpiryInSeconds: o.accessTokenLifetime },
      idToken: { ...(seen.oidc.idToken ?? {}), audience: o.audience },
    };
    jobs.push(api.putOidc(id, body));
  }
  await settleAll(jobs);
}

async function reconcileRole(ctx: ExecuteContext, role: DesiredRole, appId: string | undefined, userIds: Map<string, string>): Promise<void> {
  const api = ctx.session.api;
  const key = role.client ? `${role.name} (application ${role.client})` : role.name;
  const c = ctx.plan.changes.find((x) => x.type === 'role' && x.name === key);
  if (!c || c.action === 'no-op') return;
  const members = role.users?.map((n) => userIds.get(n)).filter((id): id is string => !!id);
  let id = c.id;
  if (c.action === 'create') {
    if (role.client && !appId) throw new ReconcileError(`role ${key}: application ${role.client} does not exist`, 'run apply again');
    ctx.progress(`creating role ${key}`);
    id = await api.createRole({
      schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
      displayName: role.name,
      ...(role.client ? { audience: { type: 'application', value: appId } } : {}),
      permissions: role.permissions.map((value) => ({ value })),
      ...(members ? { users: members.map((value) => ({ value })) } : {}),
    });
    if (id) return;
    // 409: a concurrent run created it; make it exact.
  }
  const current = id ? await api.getRole(id) : undefined;
  const seen = current ?? matchRole(role, { ...ctx.observed, roles: new Map([[role.name, await api.findRoles(role.name)]]) }, appId);
  if (!seen) throw new ReconcileError(`role ${key} vanished while applying`, 'run apply again');
  ctx.progress(`updating role ${key}`);
  const ops: object[] = [];
  const perms = (seen.permissions ?? []).map((p) => p.value).sort();
  if (JSON.stringify(perms) !== JSON.stringify(role.permissions)) ops.push({ op: 'replace', path: 'permissions', value: role.permissions.map((value) => ({ value })) });
  if (members) {
    const have = (seen.users ?? []).map((u) => u.value);
    const add = members.filter((m) => !have.includes(m));
    const remove = have.filter((m) => !members.includes(m));
    if (add.length) ops.push({ op: 'add', path: 'users', value: add.map((value) => ({ value })) });
    for (const r of remove) ops.push({ op: 'remove', path: `users[value eq "${r}"]` });
  }
  if (ops.length) await api.patchRole(seen.id, ops);
}

/** Like Promise.all, but waits for every job before failing, so no write is still in flight after a failed run. */
async function settleAll(jobs: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
