import type { AppListItem, AuthorizedApi, OidcBody } from '../api';
import { ownerOf, withMarker } from '../ownership';
import { conflictNote, SENSITIVE, type FieldDiff, type PlannedChange } from '../plan';
import { apiResourceState, observedApiResource } from './api-resource';
import { desiredSignInApps } from './sign-in-application';
import { changeFor, settleAll, slot, verbOf, type ApplyContext, type DesiredState, type ObservedState, type ResourceKind } from './kind';

/** A client application (M2M): its OIDC settings and the API scopes it is authorized for. */
export const APPLICATION = 'application';

export interface DesiredOidc {
  grantTypes: string[];
  callbackURLs: string[];
  publicClient: boolean;
  accessTokenType: 'JWT';
  accessTokenLifetime: number;
  /**
   * Always false: AWS's JWT authorizer is not documented to read a JSON-array `scope` claim (the local
   * gateway treats one as no scopes, so every scoped route answers 403). A console change to true is drift.
   */
  jwtScopeAsArray: false;
  /** The shared audience value that lets the gateway accept every client's tokens. */
  audience: string[];
}

export interface DesiredApp {
  name: string;
  description: string;
  allowedAudience: 'APPLICATION' | 'ORGANIZATION';
  oidc: DesiredOidc;
  scopes: string[];
}

export interface ObservedApp {
  item: AppListItem;
  owner: string | undefined;
  oidc: OidcBody;
  /** Every API this app is authorized for (ours is matched by the API resource id). */
  authorized: AuthorizedApi[];
}

export interface ObservedApps {
  /** The configured applications that exist, by name. */
  byName: Map<string, ObservedApp>;
  /** Prune/destroy only: applications this stack owns that the configuration no longer names. */
  owned: AppListItem[];
}

/** Which parts of an existing application apply rewrites. */
export interface ApplicationPatch {
  /** PATCH of the application itself. */
  app: { description?: string; allowedAudience?: DesiredApp['allowedAudience'] };
  /** A full PUT of the OIDC settings. */
  oidc: boolean;
  /** The API authorization's scope set. */
  authorization: boolean;
}

export const desiredApps = (d: DesiredState) => d.kinds[APPLICATION] as DesiredApp[];
export const observedApps = (o: ObservedState) => o[APPLICATION] as ObservedApps;
/** Application ids and client ids as apply learns them (created apps included). */
export const applicationState = (ctx: ApplyContext) =>
  slot(ctx.state, APPLICATION, () => {
    const appIds = new Map<string, string>();
    const clientIds = new Map<string, string>();
    for (const [name, a] of observedApps(ctx.observed).byName) {
      appIds.set(name, a.item.id);
      const cid = a.oidc.clientId ?? a.item.clientId;
      if (cid) clientIds.set(name, cid);
    }
    return { appIds, clientIds };
  });

const keyOf = (name: string) => ({ type: APPLICATION, name });

export const application: ResourceKind<DesiredApp[], ObservedApps, AppListItem[]> = {
  type: APPLICATION,
  order: 1,
  sensitiveFields: { 'oidc.clientSecret': 'secret' },

  managementScopes: (config) => [
    ...['view', 'create', 'update', 'delete'].map((a) => `internal_application_mgt_${a}`),
    'internal_application_business_api_update',
    // The smoke test and `tollgate token` read each client's secret, hidden without this scope.
    ...(config.clients.length > 0 ? ['internal_application_mgt_client_secret_view'] : []),
  ],
  viewScopes: () => ['internal_application_mgt_view'],
  writeScopes(c) {
    const out = [`internal_application_mgt_${verbOf(c)}`];
    // Authorizing an API is an application update that additionally needs the business-API scope.
    if (c.action === 'create' || c.fields.some((f) => f.field === 'authorizedScopes'))
      out.push('internal_application_mgt_update', 'internal_application_business_api_update');
    return out;
  },

  desired: (config, ctx) =>
    config.clients
      .map((c) => ({
        name: c.name,
        description: withMarker(c.description, ctx.stackName),
        allowedAudience: c.roleAudience === 'organization' ? ('ORGANIZATION' as const) : ('APPLICATION' as const),
        oidc: {
          grantTypes: [...c.grantTypes].sort(),
          callbackURLs: [...c.callbackUrls],
          publicClient: false,
          accessTokenType: 'JWT' as const,
          accessTokenLifetime: c.accessTokenLifetimeSeconds,
          jwtScopeAsArray: false as const,
          audience: [ctx.identifier],
        },
        scopes: [...c.scopes].sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),

  list: (api, { desired, findOwned }) =>
    findOwned ? api.listApplications() : api.findApplications(desiredApps(desired).map((a) => a.name)),

  async detail(api, { desired, findOwned }, list) {
    const names = desiredApps(desired).map((a) => a.name);
    const configured = list.filter((a) => names.includes(a.name));
    // Configured user-facing apps are the sign-in-application kind's; every other owned app is pruned here.
    const signInNames = desiredSignInApps(desired).map((a) => a.name);
    const owned = findOwned
      ? list.filter((a) => ownerOf(a.description) === desired.stackName && !names.includes(a.name) && !signInNames.includes(a.name))
      : [];
    const details = await Promise.all(
      configured.map(async (item) => {
        const [oidc, authorized] = await Promise.all([api.getOidc(item.id), api.getAuthorizedApis(item.id)]);
        return { item, owner: ownerOf(item.description), oidc, authorized } satisfies ObservedApp;
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
      key: keyOf(a.name),
      name: a.name,
      action: 'delete' as const,
      id: a.id,
      fields: [{ field: 'name', before: a.name }],
      note: 'owned by this stack and no longer in the configuration (--prune)',
    })),

  destroy({ desired, observed }) {
    const { byName, owned } = observedApps(observed);
    return [...[...byName.values()].map((a) => a.item), ...owned].map((app): PlannedChange => {
      const key = keyOf(app.name);
      if (ownerOf(app.description) === desired.stackName) {
        return {
          type: APPLICATION,
          key,
          name: app.name,
          action: 'delete',
          id: app.id,
          fields: [{ field: 'name', before: app.name }],
          note: 'its application roles go with it',
        };
      }
      return {
        type: APPLICATION,
        key,
        name: app.name,
        action: 'no-op',
        id: app.id,
        fields: [],
        note: 'not owned by this stack: left alone',
      };
    });
  },

  apply(phase, ctx) {
    const apps = desiredApps(ctx.desired);
    const state = applicationState(ctx);
    switch (phase) {
      case 'create':
        return apps.map(async (app) => {
          const c = changeFor(ctx, keyOf(app.name));
          if (c?.action === 'create') {
            ctx.progress(`creating application ${app.name}`);
            state.appIds.set(app.name, await ctx.session.api.createApplication(appCreateBody(app)));
          } else if (c?.action === 'update') {
            await updateApplication(ctx, app, c.patch as ApplicationPatch);
          }
        });
      case 'link':
        return [...apps.map((app) => authorize(ctx, app)), clientIdsOfNewApps(ctx)];
      case 'delete':
        return ctx.plan.changes
          .filter((c) => c.type === APPLICATION && c.action === 'delete')
          .map(async (c) => {
            ctx.progress(`deleting ${c.type} ${c.name}`);
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
        .filter((a) => clientIds.has(a.name))
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
  const o = app.oidc;
  const key = keyOf(app.name);
  if (!seen) {
    return {
      type: APPLICATION,
      key,
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
        { field: 'oidc.accessToken.enableJwtScopeAsArray', after: o.jwtScopeAsArray },
        { field: 'oidc.idToken.audience', after: o.audience },
        { field: 'oidc.clientSecret', after: SENSITIVE, sensitivity: 'secret' },
        { field: 'authorizedScopes', after: app.scopes },
      ],
    };
  }
  if (seen.owner !== stack && !adopt) {
    return {
      type: APPLICATION,
      key,
      name: app.name,
      action: 'conflict',
      id: seen.item.id,
      fields: [],
      note: conflictNote('application', `named "${app.name}"`, seen.owner, stack),
    };
  }
  const fields: FieldDiff[] = [];
  const diff = (field: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
    return JSON.stringify(before) !== JSON.stringify(after);
  };
  const patch: ApplicationPatch = { app: {}, oidc: false, authorization: false };
  if (diff('description', seen.item.description ?? '', app.description)) patch.app.description = app.description;
  if (diff('associatedRoles.allowedAudience', seen.item.associatedRoles?.allowedAudience ?? 'ORGANIZATION', app.allowedAudience))
    patch.app.allowedAudience = app.allowedAudience;
  const oidc = seen.oidc;
  const oidcDiffs = [
    diff('oidc.grantTypes', [...oidc.grantTypes].sort(), o.grantTypes),
    diff('oidc.callbackURLs', oidc.callbackURLs ?? [], o.callbackURLs),
    diff('oidc.publicClient', oidc.publicClient ?? false, o.publicClient),
    diff('oidc.accessToken.type', oidc.accessToken?.type ?? 'Default', o.accessTokenType),
    diff(
      'oidc.accessToken.applicationAccessTokenExpiryInSeconds',
      oidc.accessToken?.applicationAccessTokenExpiryInSeconds,
      o.accessTokenLifetime,
    ),
    diff('oidc.accessToken.enableJwtScopeAsArray', oidc.accessToken?.enableJwtScopeAsArray ?? false, o.jwtScopeAsArray),
    diff('oidc.idToken.audience', [...(oidc.idToken?.audience ?? [])].sort(), [...o.audience].sort()),
  ];
  patch.oidc = oidcDiffs.some(Boolean);
  const ours = apiId ? seen.authorized.find((x) => x.id === apiId) : undefined;
  patch.authorization = diff('authorizedScopes', ours ? ours.authorizedScopes.map((s) => s.name).sort() : [], app.scopes);
  const note = seen.owner !== stack ? `adopted: the ownership marker for ${stack} is added to the description` : undefined;
  return { type: APPLICATION, key, name: app.name, action: fields.length ? 'update' : 'no-op', id: seen.item.id, fields, patch, note };
}

function appCreateBody(app: DesiredApp): { name: string } & Record<string, unknown> {
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
        accessToken: {
          type: app.oidc.accessTokenType,
          applicationAccessTokenExpiryInSeconds: app.oidc.accessTokenLifetime,
          enableJwtScopeAsArray: app.oidc.jwtScopeAsArray,
        },
        idToken: { audience: app.oidc.audience },
      },
    },
  };
}

async function updateApplication(ctx: ApplyContext, app: DesiredApp, patch: ApplicationPatch): Promise<void> {
  const api = ctx.session.api;
  const seen = observedApps(ctx.observed).byName.get(app.name)!;
  const id = seen.item.id;
  const body: Record<string, unknown> = {};
  if (patch.app.description !== undefined) body.description = patch.app.description;
  if (patch.app.allowedAudience !== undefined) body.associatedRoles = { allowedAudience: patch.app.allowedAudience };
  const jobs: Promise<void>[] = [];
  if (Object.keys(body).length) {
    ctx.progress(`updating application ${app.name}`);
    jobs.push(api.patchApplication(id, body));
  }
  if (patch.oidc) {
    ctx.progress(`updating OIDC settings of ${app.name}`);
    jobs.push(api.putOidc(id, oidcPutBody(seen.oidc, app.oidc)));
  }
  await settleAll(jobs);
}

/**
 * The OIDC PUT is a full replace: GET → change → PUT from the whole body read, so what tollgate does not
 * manage (the console's `accessTokenAttributes`, refresh-token and PKCE settings, …) survives; an
 * `accessToken` object without `accessTokenAttributes` would clear that list. The secret fields are never
 * sent: a body without `clientSecret` keeps the current secret, and the reconciler does not read it.
 */
export function oidcPutBody(current: OidcBody, o: DesiredOidc): Record<string, unknown> {
  const {
    clientSecret: _secret,
    clientSecretExpiresAt: _expires,
    multipleClientSecretsConfigured: _multiple,
    state: _state,
    ...kept
  } = current as Record<string, unknown>;
  return {
    ...kept,
    grantTypes: o.grantTypes,
    callbackURLs: o.callbackURLs,
    publicClient: o.publicClient,
    accessToken: {
      ...(current.accessToken ?? {}),
      type: o.accessTokenType,
      applicationAccessTokenExpiryInSeconds: o.accessTokenLifetime,
      enableJwtScopeAsArray: o.jwtScopeAsArray,
    },
    idToken: { ...(current.idToken ?? {}), audience: o.audience },
  };
}

/** Authorizes the API for a new app, or makes an existing authorization's scope set exact. */
async function authorize(ctx: ApplyContext, app: DesiredApp): Promise<void> {
  const api = ctx.session.api;
  const c = changeFor(ctx, keyOf(app.name));
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
  if (!current) {
    if (await api.authorizeApi(appId, apiId, app.scopes)) return;
  }
  // Authorized already (by us earlier, or by a concurrent run): make the scope set exact.
  const now = current ?? (await api.getAuthorizedApis(appId)).find((x) => x.id === apiId);
  const have = (now?.authorizedScopes ?? []).map((s) => s.name);
  const added = app.scopes.filter((s) => !have.includes(s));
  const removed = have.filter((s) => !app.scopes.includes(s));
  if (added.length || removed.length) await api.patchAuthorizedApi(appId, apiId, added, removed);
}

/** New apps' client ids: from the filtered list, else their OIDC settings. */
async function clientIdsOfNewApps(ctx: ApplyContext): Promise<void> {
  const { appIds, clientIds } = applicationState(ctx);
  const created = desiredApps(ctx.desired)
    .filter((a) => changeFor(ctx, keyOf(a.name))?.action === 'create')
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
