import type { ResolvedApplication } from '../../config';
import type { AppListItem, AuthorizedApi, OidcBody } from '../api';
import { ownerOf, withMarker } from '../ownership';
import { conflictNote, type FieldDiff, type PlannedChange } from '../plan';
import { apiResourceState, observedApiResource } from './api-resource';
import { changeFor, settleAll, slot, verbOf, type ApplyContext, type DesiredState, type ObservedState, type ResourceKind } from './kind';

/**
 * A user-facing application (config `applications`: kind `spa` or `web`): people sign in through
 * it (authorization code + PKCE, app-native login, optionally the password grant) and its JWT access
 * tokens carry their attributes and the scopes their roles grant. Clients (M2M) are `application`.
 */
export const SIGN_IN_APPLICATION = 'sign-in-application';

/** The console templates (asgardeo-user-flows.md): single-page app and traditional web app. */
export const TEMPLATE_IDS = { spa: '6a90e4b0-fbff-42d7-bfde-1efd98f07cd7', web: 'b9c5e11e-fc78-484b-9bec-015d247561b8' } as const;

/** OIDC claim name → the local claim URI `claimConfiguration.requestedClaims` names (WSO2's OIDC dialect mapping). */
export const CLAIM_URIS: Readonly<Record<string, string>> = {
  sub: 'http://wso2.org/claims/userid',
  name: 'http://wso2.org/claims/fullname',
  given_name: 'http://wso2.org/claims/givenname',
  family_name: 'http://wso2.org/claims/lastname',
  middle_name: 'http://wso2.org/claims/middleName',
  nickname: 'http://wso2.org/claims/nickname',
  preferred_username: 'http://wso2.org/claims/displayName',
  profile: 'http://wso2.org/claims/url',
  picture: 'http://wso2.org/claims/photourl',
  website: 'http://wso2.org/claims/url',
  email: 'http://wso2.org/claims/emailaddress',
  email_verified: 'http://wso2.org/claims/identity/emailVerified',
  gender: 'http://wso2.org/claims/gender',
  birthdate: 'http://wso2.org/claims/dob',
  zoneinfo: 'http://wso2.org/claims/timeZone',
  locale: 'http://wso2.org/claims/local',
  phone_number: 'http://wso2.org/claims/mobile',
  phone_number_verified: 'http://wso2.org/claims/identity/phoneVerified',
  address: 'http://wso2.org/claims/addresses',
  updated_at: 'http://wso2.org/claims/modified',
  username: 'http://wso2.org/claims/username',
  groups: 'http://wso2.org/claims/groups',
  roles: 'http://wso2.org/claims/roles',
  upn: 'http://wso2.org/claims/userprincipal',
};

export function claimUri(oidcName: string): string {
  const uri = CLAIM_URIS[oidcName];
  // config/validate refuses non-OIDC names before this; reaching here is a bug, not a user error.
  if (!uri) throw new Error(`no claim URI known for OIDC claim "${oidcName}"`);
  return uri;
}

export interface DesiredSignInOidc {
  grantTypes: string[];
  callbackURLs: string[];
  allowedOrigins: string[];
  publicClient: boolean;
  pkce: { mandatory: boolean; supportPlainTransformAlgorithm: false };
  accessTokenType: 'JWT';
  accessTokenLifetime: number;
  accessTokenAttributes: string[];
  refreshTokenLifetime: number;
  audience: string[];
}

export interface DesiredSignInApp {
  name: string;
  kind: ResolvedApplication['kind'];
  templateId: string;
  description: string;
  allowedAudience: 'APPLICATION' | 'ORGANIZATION';
  requestedClaims: string[];
  appNativeAuthentication: boolean;
  oidc: DesiredSignInOidc;
  scopes: string[];
}

export interface ObservedSignInApp {
  item: AppListItem;
  owner: string | undefined;
  model: Record<string, unknown>;
  oidc: OidcBody;
  authorized: AuthorizedApi[];
}

export interface SignInAppPatch {
  app: Record<string, unknown>;
  oidc: boolean;
  authorization: boolean;
}

export const desiredSignInApps = (d: DesiredState) => (d.kinds[SIGN_IN_APPLICATION] ?? []) as DesiredSignInApp[];
export const observedSignInApps = (o: ObservedState) => o[SIGN_IN_APPLICATION] as Map<string, ObservedSignInApp>;
/** Application and client ids as apply learns them. */
export const signInAppState = (ctx: ApplyContext) =>
  slot(ctx.state, SIGN_IN_APPLICATION, () => {
    const appIds = new Map<string, string>();
    const clientIds = new Map<string, string>();
    for (const [name, a] of observedSignInApps(ctx.observed)) {
      appIds.set(name, a.item.id);
      const cid = a.oidc.clientId ?? a.item.clientId;
      if (cid) clientIds.set(name, cid);
    }
    return { appIds, clientIds };
  });

const keyOf = (name: string) => ({ type: SIGN_IN_APPLICATION, name });

export function desiredSignInApp(a: ResolvedApplication, stackName: string, identifier: string): DesiredSignInApp {
  return {
    name: a.name,
    kind: a.kind,
    templateId: TEMPLATE_IDS[a.kind],
    description: withMarker(a.description, stackName),
    allowedAudience: a.roleAudience === 'organization' ? 'ORGANIZATION' : 'APPLICATION',
    requestedClaims: a.requestedClaims.map(claimUri).sort(),
    appNativeAuthentication: a.appNativeAuthentication,
    oidc: {
      grantTypes: [...a.grantTypes].sort(),
      callbackURLs: [...a.callbackUrls],
      allowedOrigins: [...a.allowedOrigins].sort(),
      publicClient: a.publicClient,
      pkce: { mandatory: a.pkce.mandatory, supportPlainTransformAlgorithm: false },
      accessTokenType: 'JWT',
      accessTokenLifetime: a.accessToken.lifetimeSeconds,
      accessTokenAttributes: [...a.accessToken.attributes].sort(),
      refreshTokenLifetime: a.refreshTokenLifetimeSeconds,
      audience: [identifier],
    },
    scopes: [...a.scopes].sort(),
  };
}

export const signInApplication: ResourceKind<DesiredSignInApp[], Map<string, ObservedSignInApp>, AppListItem[]> = {
  type: SIGN_IN_APPLICATION,
  // After the clients (1), before users (2) and roles (3).
  order: 1.5,

  // The application-management scopes are the `application` kind's (it always lists them); only a web
  // app's secret (read to sign a user in: smoke test, `tollgate token --user`) may add one.
  managementScopes: (config) =>
    config.applications.some((a) => !a.publicClient) && config.clients.length === 0 ? ['internal_application_mgt_client_secret_view'] : [],
  viewScopes: (apps) => (apps.length ? ['internal_application_mgt_view'] : []),
  writeScopes(c) {
    const out = [`internal_application_mgt_${verbOf(c)}`];
    if (c.action === 'create' || c.fields.some((f) => f.field === 'authorizedScopes'))
      out.push('internal_application_mgt_update', 'internal_application_business_api_update');
    return out;
  },

  desired: (config, ctx) =>
    config.applications.map((a) => desiredSignInApp(a, ctx.stackName, ctx.identifier)).sort((a, b) => a.name.localeCompare(b.name)),

  list: (api, { desired }) => api.findApplications(desiredSignInApps(desired).map((a) => a.name)),

  async detail(api, _ctx, list) {
    const details = await Promise.all(
      list.map(async (item) => {
        const [model, oidc, authorized] = await Promise.all([
          api.getApplication(item.id),
          api.getOidc(item.id),
          api.getAuthorizedApis(item.id),
        ]);
        return { item, owner: ownerOf(item.description), model, oidc, authorized } satisfies ObservedSignInApp;
      }),
    );
    return new Map(details.map((a) => [a.item.name, a]));
  },

  plan: ({ desired, observed, adopt }) =>
    desiredSignInApps(desired).map((app) =>
      appChange(app, observedSignInApps(observed).get(app.name), observedApiResource(observed).current?.id, desired.stackName, adopt),
    ),

  // Removed apps are pruned by the `application` kind, which lists every owned app the configuration no longer names.

  destroy: ({ desired, observed }) =>
    [...observedSignInApps(observed).values()].map((a): PlannedChange => {
      const owned = a.owner === desired.stackName;
      return {
        type: SIGN_IN_APPLICATION,
        key: keyOf(a.item.name),
        name: a.item.name,
        action: owned ? 'delete' : 'no-op',
        id: a.item.id,
        fields: owned ? [{ field: 'name', before: a.item.name }] : [],
        note: owned ? 'its application roles go with it' : 'not owned by this stack: left alone',
      };
    }),

  apply(phase, ctx) {
    const apps = desiredSignInApps(ctx.desired);
    const state = signInAppState(ctx);
    switch (phase) {
      case 'create':
        return apps.map(async (app) => {
          const c = changeFor(ctx, keyOf(app.name));
          if (c?.action === 'create') {
            ctx.progress(`creating application ${app.name}`);
            state.appIds.set(app.name, await ctx.session.api.createApplication(createBody(app)));
          } else if (c?.action === 'update') {
            await update(ctx, app, c.patch as SignInAppPatch);
          }
        });
      case 'link':
        return [...apps.map((app) => authorize(ctx, app)), clientIdsOfNewApps(ctx)];
      case 'delete':
        return ctx.plan.changes
          .filter((c) => c.type === SIGN_IN_APPLICATION && c.action === 'delete')
          .map(async (c) => {
            ctx.progress(`deleting application ${c.name}`);
            await ctx.session.api.deleteApplication(c.id!);
          });
      default:
        return [];
    }
  },
};

const requestedClaimsBody = (app: DesiredSignInApp) => ({
  requestedClaims: app.requestedClaims.map((uri) => ({ claim: { uri }, mandatory: false })),
});

/** The claim URIs an application's model requests, sorted (the reconciler's diff and `tollgate export` read them alike). */
export function observedRequestedClaims(model: Record<string, unknown>): string[] {
  const cc = model.claimConfiguration as { requestedClaims?: { claim?: { uri?: string } }[] } | undefined;
  return (cc?.requestedClaims ?? [])
    .map((c) => c.claim?.uri ?? '')
    .filter(Boolean)
    .sort();
}

/** Whether an application's model allows app-native sign-in (`advancedConfigurations.enableAPIBasedAuthentication`). */
export function observedAppNative(model: Record<string, unknown>): boolean {
  return (model.advancedConfigurations as { enableAPIBasedAuthentication?: boolean } | undefined)?.enableAPIBasedAuthentication === true;
}

function oidcFields(o: DesiredSignInOidc): FieldDiff[] {
  return [
    { field: 'oidc.grantTypes', after: o.grantTypes },
    { field: 'oidc.callbackURLs', after: o.callbackURLs },
    { field: 'oidc.allowedOrigins', after: o.allowedOrigins },
    { field: 'oidc.publicClient', after: o.publicClient },
    { field: 'oidc.pkce', after: o.pkce },
    { field: 'oidc.accessToken.type', after: o.accessTokenType },
    { field: 'oidc.accessToken.userAccessTokenExpiryInSeconds', after: o.accessTokenLifetime },
    { field: 'oidc.accessToken.accessTokenAttributes', after: o.accessTokenAttributes },
    { field: 'oidc.refreshToken.expiryInSeconds', after: o.refreshTokenLifetime },
    { field: 'oidc.idToken.audience', after: o.audience },
  ];
}

function appChange(
  app: DesiredSignInApp,
  seen: ObservedSignInApp | undefined,
  apiId: string | undefined,
  stack: string,
  adopt: boolean,
): PlannedChange {
  const key = keyOf(app.name);
  const base = { type: SIGN_IN_APPLICATION, key, name: app.name };
  if (!seen) {
    return {
      ...base,
      action: 'create',
      fields: [
        { field: 'kind', after: app.kind },
        { field: 'description', after: app.description },
        { field: 'templateId', after: app.templateId },
        { field: 'associatedRoles.allowedAudience', after: app.allowedAudience },
        { field: 'claimConfiguration.requestedClaims', after: app.requestedClaims },
        { field: 'advancedConfigurations.enableAPIBasedAuthentication', after: app.appNativeAuthentication },
        ...oidcFields(app.oidc),
        { field: 'authorizedScopes', after: app.scopes },
      ],
    };
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
  const diff = (field: string, before: unknown, after: unknown) => {
    const differs = JSON.stringify(before) !== JSON.stringify(after);
    if (differs) fields.push({ field, before, after });
    return differs;
  };
  const patch: SignInAppPatch = { app: {}, oidc: false, authorization: false };
  if (diff('description', seen.item.description ?? '', app.description)) patch.app.description = app.description;
  if (diff('associatedRoles.allowedAudience', seen.item.associatedRoles?.allowedAudience ?? 'ORGANIZATION', app.allowedAudience))
    patch.app.associatedRoles = { allowedAudience: app.allowedAudience };
  if (diff('claimConfiguration.requestedClaims', observedRequestedClaims(seen.model), app.requestedClaims))
    patch.app.claimConfiguration = requestedClaimsBody(app);
  if (diff('advancedConfigurations.enableAPIBasedAuthentication', observedAppNative(seen.model), app.appNativeAuthentication))
    patch.app.advancedConfigurations = { enableAPIBasedAuthentication: app.appNativeAuthentication };
  if (seen.item.templateId && seen.item.templateId !== app.templateId) {
    // The template only shapes the console's view; Asgardeo cannot change it in place.
    fields.push({ field: 'templateId', before: seen.item.templateId, after: app.templateId });
  }
  const o = app.oidc;
  const s = seen.oidc as OidcBody & {
    allowedOrigins?: string[];
    pkce?: { mandatory?: boolean; supportPlainTransformAlgorithm?: boolean };
    accessToken?: { userAccessTokenExpiryInSeconds?: number; accessTokenAttributes?: string[] };
    refreshToken?: { expiryInSeconds?: number };
  };
  const oidcDiffs = [
    diff('oidc.grantTypes', [...s.grantTypes].sort(), o.grantTypes),
    diff('oidc.callbackURLs', s.callbackURLs ?? [], o.callbackURLs),
    diff('oidc.allowedOrigins', [...(s.allowedOrigins ?? [])].sort(), o.allowedOrigins),
    diff('oidc.publicClient', s.publicClient ?? false, o.publicClient),
    diff(
      'oidc.pkce',
      { mandatory: s.pkce?.mandatory ?? false, supportPlainTransformAlgorithm: s.pkce?.supportPlainTransformAlgorithm ?? false },
      o.pkce,
    ),
    diff('oidc.accessToken.type', s.accessToken?.type ?? 'Default', o.accessTokenType),
    diff('oidc.accessToken.userAccessTokenExpiryInSeconds', s.accessToken?.userAccessTokenExpiryInSeconds, o.accessTokenLifetime),
    diff('oidc.accessToken.accessTokenAttributes', [...(s.accessToken?.accessTokenAttributes ?? [])].sort(), o.accessTokenAttributes),
    diff('oidc.refreshToken.expiryInSeconds', s.refreshToken?.expiryInSeconds, o.refreshTokenLifetime),
    diff('oidc.idToken.audience', [...(s.idToken?.audience ?? [])].sort(), [...o.audience].sort()),
  ];
  patch.oidc = oidcDiffs.some(Boolean);
  const ours = apiId ? seen.authorized.find((x) => x.id === apiId) : undefined;
  patch.authorization = diff('authorizedScopes', ours ? ours.authorizedScopes.map((x) => x.name).sort() : [], app.scopes);
  const changed = Object.keys(patch.app).length > 0 || patch.oidc || patch.authorization;
  const notes = [
    seen.owner !== stack ? `adopted: the ownership marker for ${stack} is added to the description` : undefined,
    seen.item.templateId && seen.item.templateId !== app.templateId
      ? 'the template cannot be changed in place (console view only): left as it is'
      : undefined,
  ].filter(Boolean);
  return {
    ...base,
    action: changed ? 'update' : 'no-op',
    id: seen.item.id,
    fields,
    patch,
    note: notes.length ? notes.join('; ') : undefined,
  };
}

function oidcBody(app: DesiredSignInApp, current: Record<string, unknown> = {}): Record<string, unknown> {
  const o = app.oidc;
  const cur = current as { accessToken?: object; refreshToken?: object; idToken?: object };
  return {
    ...current,
    grantTypes: o.grantTypes,
    callbackURLs: o.callbackURLs,
    allowedOrigins: o.allowedOrigins,
    publicClient: o.publicClient,
    pkce: o.pkce,
    // Always the whole list: a PUT whose accessToken lacks accessTokenAttributes clears them.
    accessToken: {
      ...(cur.accessToken ?? {}),
      type: o.accessTokenType,
      userAccessTokenExpiryInSeconds: o.accessTokenLifetime,
      applicationAccessTokenExpiryInSeconds: o.accessTokenLifetime,
      accessTokenAttributes: o.accessTokenAttributes,
    },
    refreshToken: { ...(cur.refreshToken ?? {}), expiryInSeconds: o.refreshTokenLifetime },
    idToken: { ...(cur.idToken ?? {}), audience: o.audience },
  };
}

export function createBody(app: DesiredSignInApp): { name: string } & Record<string, unknown> {
  return {
    name: app.name,
    description: app.description,
    templateId: app.templateId,
    associatedRoles: { allowedAudience: app.allowedAudience, roles: [] },
    claimConfiguration: requestedClaimsBody(app),
    advancedConfigurations: { enableAPIBasedAuthentication: app.appNativeAuthentication },
    inboundProtocolConfiguration: { oidc: oidcBody(app) },
  };
}

async function update(ctx: ApplyContext, app: DesiredSignInApp, patch: SignInAppPatch): Promise<void> {
  const api = ctx.session.api;
  const seen = observedSignInApps(ctx.observed).get(app.name)!;
  const jobs: Promise<void>[] = [];
  if (Object.keys(patch.app).length) {
    ctx.progress(`updating application ${app.name}`);
    jobs.push(api.patchApplication(seen.item.id, patch.app));
  }
  if (patch.oidc) {
    ctx.progress(`updating OIDC settings of ${app.name}`);
    // A full replace: the body repeats the current clientId (and secret, for a web app).
    const { state: _s, multipleClientSecretsConfigured: _m, ...current } = seen.oidc as Record<string, unknown>;
    jobs.push(api.putOidc(seen.item.id, oidcBody(app, current)));
  }
  await settleAll(jobs);
}

async function authorize(ctx: ApplyContext, app: DesiredSignInApp): Promise<void> {
  const api = ctx.session.api;
  const c = changeFor(ctx, keyOf(app.name));
  const appId = signInAppState(ctx).appIds.get(app.name);
  const apiId = apiResourceState(ctx).id;
  if (!appId || !apiId || !c || !(c.action === 'create' || (c.patch as SignInAppPatch | undefined)?.authorization)) return;
  ctx.progress(`authorizing ${app.name} for ${app.scopes.join(', ') || '(no scopes)'}`);
  const current =
    c.action === 'create'
      ? undefined
      : observedSignInApps(ctx.observed)
          .get(app.name)
          ?.authorized.find((x) => x.id === apiId);
  if (!current && (await api.authorizeApi(appId, apiId, app.scopes))) return;
  const now = current ?? (await api.getAuthorizedApis(appId)).find((x) => x.id === apiId);
  const have = (now?.authorizedScopes ?? []).map((x) => x.name);
  const added = app.scopes.filter((x) => !have.includes(x));
  const removed = have.filter((x) => !app.scopes.includes(x));
  if (added.length || removed.length) await api.patchAuthorizedApi(appId, apiId, added, removed);
}

async function clientIdsOfNewApps(ctx: ApplyContext): Promise<void> {
  const { appIds, clientIds } = signInAppState(ctx);
  const created = desiredSignInApps(ctx.desired)
    .filter((a) => changeFor(ctx, keyOf(a.name))?.action === 'create')
    .map((a) => a.name);
  await Promise.all(
    created.map(async (n) => {
      const oidc = await ctx.session.api.getOidc(appIds.get(n)!);
      if (oidc.clientId) clientIds.set(n, oidc.clientId);
    }),
  );
}
