import type { AppListItem } from '../api';
import { ownerOf } from '../ownership';
import { conflictNote, type FieldDiff, type PlannedChange } from '../plan';
import { apiResourceState, observedApiResource } from './api-resource';
import {
  createBody,
  desiredClient,
  desiredUserFacingApp,
  fieldRule,
  oidcPutBody,
  PLAN_TYPES,
  PROFILES,
  type ApplicationPatchBody,
  type DesiredApp,
  type ObservedApp,
} from './application-profiles';
import { changeFor, KindPart, kindParts, settleAll, verbOf } from './kind';
import type { ApplyContext, DesiredState, ObservedState, ResourceKind } from './kind';

export type { DesiredApp, ObservedApp };

/**
 * Every application tollgate makes, of each type (machine client, single-page app, web app; their OIDC
 * profiles are in ./application-profiles.ts): its settings, and the API scopes it is authorized for.
 * User-facing apps keep their own type in plans, `sign-in-application`.
 */
export const APPLICATION = 'application';

export interface ObservedApps {
  /** The configured applications that exist, by name. */
  byName: Map<string, ObservedApp>;
  /** Prune/destroy only: applications this stack owns that the configuration no longer names. */
  owned: AppListItem[];
}

/** Which parts of an existing application apply rewrites. */
export interface ApplicationPatch {
  /** PATCH of the application itself. */
  app: ApplicationPatchBody;
  /** A full PUT of the OIDC settings. */
  oidc: boolean;
  /** The API authorization's scope set. */
  authorization: boolean;
}

const parts = kindParts<DesiredApp[], ObservedApps>(APPLICATION);
const learnt = new KindPart<{ appIds: Map<string, string>; clientIds: Map<string, string> }>('the application ids apply learns');

/** Clients first, then user-facing apps, each by name. */
export const desiredApps = (d: DesiredState) => parts.desired.of(d);
export const observedApps = (o: ObservedState) => parts.observed.of(o);
/** Application ids and client ids as apply learns them (created apps included). */
export const applicationState = (ctx: ApplyContext) =>
  learnt.ensure(ctx.state, () => {
    const appIds = new Map<string, string>();
    const clientIds = new Map<string, string>();
    for (const [name, a] of observedApps(ctx.observed).byName) {
      appIds.set(name, a.item.id);
      const cid = a.oidc.clientId ?? a.item.clientId;
      if (cid) clientIds.set(name, cid);
    }
    return { appIds, clientIds };
  });

const planTypeOf = (app: DesiredApp) => PROFILES[app.type].planType;
const keyOf = (app: DesiredApp) => ({ type: planTypeOf(app), name: app.name });
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

export const application: ResourceKind<DesiredApp[], ObservedApps, AppListItem[]> = {
  type: APPLICATION,
  order: 1,
  // After the clients, before users (2) and roles (3).
  planTypes: { 'sign-in-application': 1.5 },
  parts,
  sensitiveFields: { 'oidc.clientSecret': 'secret' },

  managementScopes: (config) => [
    ...['view', 'create', 'update', 'delete'].map((a) => `internal_application_mgt_${a}`),
    'internal_application_business_api_update',
    // The smoke test and `tollgate token` read each client's secret (and a web app's, to sign a user
    // in), hidden without this scope.
    ...(config.clients.length > 0 || config.applications.some((a) => !a.publicClient)
      ? ['internal_application_mgt_client_secret_view']
      : []),
  ],
  viewScopes: () => ['internal_application_mgt_view'],
  writeScopes(c) {
    const out = [`internal_application_mgt_${verbOf(c)}`];
    // Authorizing an API is an application update that additionally needs the business-API scope.
    if (c.action === 'create' || c.fields.some((f) => f.field === 'authorizedScopes'))
      out.push('internal_application_mgt_update', 'internal_application_business_api_update');
    return out;
  },

  desired: (config, { stackName, identifier }) => [
    ...config.clients.map((c) => desiredClient(c, stackName, identifier)).sort(byName),
    ...config.applications.map((a) => desiredUserFacingApp(a, stackName, identifier)).sort(byName),
  ],

  list: (api, { desired, findOwned }) =>
    findOwned ? api.listApplications() : api.findApplications(desiredApps(desired).map((a) => a.name)),

  async detail(api, { desired, findOwned }, list) {
    const wanted = new Map(desiredApps(desired).map((a) => [a.name, a]));
    const owned = findOwned ? list.filter((a) => ownerOf(a.description) === desired.stackName && !wanted.has(a.name)) : [];
    const details = await Promise.all(
      list
        .filter((item) => wanted.has(item.name))
        .map(async (item): Promise<ObservedApp> => {
          const [oidc, authorized, model] = await Promise.all([
            api.getOidc(item.id),
            api.getAuthorizedApis(item.id),
            PROFILES[wanted.get(item.name)!.type].readsModel ? api.getApplication(item.id) : undefined,
          ]);
          return { item, owner: ownerOf(item.description), oidc, model, authorized };
        }),
    );
    return { byName: new Map(details.map((a) => [a.item.name, a])), owned };
  },

  plan: ({ desired, observed, adopt }) =>
    desiredApps(desired).map((app) =>
      appChange(app, observedApps(observed).byName.get(app.name), observedApiResource(observed).current?.id, desired.stackName, adopt),
    ),

  prune: ({ observed }) =>
    observedApps(observed).owned.map((a) => ({
      type: APPLICATION,
      key: { type: APPLICATION, name: a.name },
      name: a.name,
      action: 'delete' as const,
      id: a.id,
      fields: [{ field: 'name', before: a.name }],
      note: 'owned by this stack and no longer in the configuration (--prune)',
    })),

  destroy({ desired, observed }) {
    const { byName, owned } = observedApps(observed);
    const typeOf = (name: string) => {
      const app = desiredApps(desired).find((a) => a.name === name);
      return app ? planTypeOf(app) : APPLICATION;
    };
    return [...[...byName.values()].map((a) => a.item), ...owned].map((app): PlannedChange => {
      const type = typeOf(app.name);
      const mine = ownerOf(app.description) === desired.stackName;
      return {
        type,
        key: { type, name: app.name },
        name: app.name,
        action: mine ? 'delete' : 'no-op',
        id: app.id,
        fields: mine ? [{ field: 'name', before: app.name }] : [],
        note: mine ? 'its application roles go with it' : 'not owned by this stack: left alone',
      };
    });
  },

  apply(phase, ctx) {
    const apps = desiredApps(ctx.desired);
    switch (phase) {
      case 'create':
        return apps.map(async (app) => {
          const c = changeFor(ctx, keyOf(app));
          if (c?.action === 'create') {
            ctx.progress(`creating application ${app.name}`);
            applicationState(ctx).appIds.set(app.name, await ctx.session.api.createApplication(createBody(app)));
          } else if (c?.action === 'update') {
            await updateApplication(ctx, app, c.patch as ApplicationPatch);
          }
        });
      case 'link':
        return [...apps.map((app) => authorize(ctx, app)), clientIdsOfNewApps(ctx)];
      case 'delete':
        return ctx.plan.changes
          .filter((c) => PLAN_TYPES.has(c.type) && c.action === 'delete')
          .map(async (c) => {
            ctx.progress(`deleting application ${c.name}`);
            await ctx.session.api.deleteApplication(c.id!);
          });
      default:
        return [];
    }
  },

  outputs(ctx) {
    const { clientIds } = applicationState(ctx);
    return {
      clients: desiredApps(ctx.desired)
        .filter((a) => PROFILES[a.type].clientIdIsOutput && clientIds.has(a.name))
        .map((a) => ({ name: a.name, clientId: clientIds.get(a.name)! })),
    };
  },
};

function appChange(
  app: DesiredApp,
  seen: ObservedApp | undefined,
  apiId: string | undefined,
  stack: string,
  adopt: boolean,
): PlannedChange {
  const profile = PROFILES[app.type];
  const base = { type: profile.planType, key: keyOf(app), name: app.name };
  if (!seen) {
    const fields = profile.created.flatMap((field): FieldDiff[] => {
      const rule = fieldRule(field);
      const after = rule.want(app);
      if (rule.shownWhenEmpty === false && Array.isArray(after) && after.length === 0) return [];
      return [{ field, after, ...(rule.sensitivity ? { sensitivity: rule.sensitivity } : {}) }];
    });
    return { ...base, action: 'create', fields: [...fields, { field: 'authorizedScopes', after: app.scopes }] };
  }
  if (seen.owner !== stack && !adopt) {
    return {
      ...base,
      action: 'conflict',
      id: seen.item.id,
      fields: [],
      note: conflictNote('application', `named "${app.name}"`, seen.owner, stack),
    };
  }
  const fields: FieldDiff[] = [];
  const patch: ApplicationPatch = { app: {}, oidc: false, authorization: false };
  const notes = seen.owner !== stack ? [`adopted: the ownership marker for ${stack} is added to the description`] : [];
  const differs = (field: string, before: unknown, after: unknown) => {
    const d = JSON.stringify(before) !== JSON.stringify(after);
    if (d) fields.push({ field, before, after });
    return d;
  };
  for (const field of profile.kept) {
    const rule = fieldRule(field);
    if (!differs(field, rule.held?.(seen, app), rule.want(app))) continue;
    if (rule.unchangeable) notes.push(rule.unchangeable);
    else if (rule.write === 'oidc') patch.oidc = true;
    else if (rule.write) Object.assign(patch.app, rule.write(app));
  }
  const ours = apiId ? seen.authorized.find((x) => x.id === apiId) : undefined;
  patch.authorization = differs('authorizedScopes', ours ? ours.authorizedScopes.map((s) => s.name).sort() : [], app.scopes);
  const changed = Object.keys(patch.app).length > 0 || patch.oidc || patch.authorization;
  return {
    ...base,
    action: changed ? 'update' : 'no-op',
    id: seen.item.id,
    fields,
    patch,
    note: notes.length ? notes.join('; ') : undefined,
  };
}

async function updateApplication(ctx: ApplyContext, app: DesiredApp, patch: ApplicationPatch): Promise<void> {
  const api = ctx.session.api;
  const seen = observedApps(ctx.observed).byName.get(app.name)!;
  const jobs: Promise<void>[] = [];
  if (Object.keys(patch.app).length) {
    ctx.progress(`updating application ${app.name}`);
    jobs.push(api.patchApplication(seen.item.id, patch.app));
  }
  if (patch.oidc) {
    ctx.progress(`updating OIDC settings of ${app.name}`);
    jobs.push(api.putOidc(seen.item.id, oidcPutBody(seen.oidc, app.oidc)));
  }
  await settleAll(jobs);
}

/** Authorizes the API for a new app, or makes an existing authorization's scope set exact. */
async function authorize(ctx: ApplyContext, app: DesiredApp): Promise<void> {
  const api = ctx.session.api;
  const c = changeFor(ctx, keyOf(app));
  const appId = applicationState(ctx).appIds.get(app.name);
  const apiId = apiResourceState(ctx).id;
  if (!appId || !apiId || !c || !(c.action === 'create' || (c.patch as ApplicationPatch | undefined)?.authorization)) return;
  ctx.progress(`authorizing ${app.name} for ${app.scopes.join(', ') || '(no scopes)'}`);
  const current =
    c.action === 'create'
      ? undefined
      : observedApps(ctx.observed)
          .byName.get(app.name)
          ?.authorized.find((x) => x.id === apiId);
  if (!current && (await api.authorizeApi(appId, apiId, app.scopes))) return;
  // Authorized already (by us earlier, or by a concurrent run): make the scope set exact.
  const now = current ?? (await api.getAuthorizedApis(appId)).find((x) => x.id === apiId);
  const have = (now?.authorizedScopes ?? []).map((s) => s.name);
  const added = app.scopes.filter((s) => !have.includes(s));
  const removed = have.filter((s) => !app.scopes.includes(s));
  if (added.length || removed.length) await api.patchAuthorizedApi(appId, apiId, added, removed);
}

/** New clients' client ids (an output of the run): from the filtered list, else their OIDC settings. */
async function clientIdsOfNewApps(ctx: ApplyContext): Promise<void> {
  const { appIds, clientIds } = applicationState(ctx);
  const created = desiredApps(ctx.desired)
    .filter((a) => PROFILES[a.type].clientIdIsOutput && changeFor(ctx, keyOf(a))?.action === 'create')
    .map((a) => a.name);
  if (!created.length) return;
  for (const a of await ctx.session.api.findApplications(created)) if (a.clientId) clientIds.set(a.name, a.clientId);
  await Promise.all(
    created
      .filter((n) => !clientIds.has(n))
      .map(async (n) => {
        const oidc = await ctx.session.api.getOidc(appIds.get(n)!);
        if (oidc.clientId) clientIds.set(n, oidc.clientId);
      }),
  );
}
