import {
  AsgardeoApi,
  bareUserName,
  type ApiResourceBody,
  type AppListItem,
  type AuthorizedApi,
  type RoleBody,
  type UserBody,
} from '../asgardeo/api';
import type { AdminCredentials } from '../asgardeo/credentials';
import { UserError } from '../errors';
import { AsgardeoHttp } from '../asgardeo/http';
import { stripMarker } from '../asgardeo/ownership';
import { observedAppNative, observedRequestedClaims } from '../asgardeo/resources/application-profiles';
import type { TransportOptions } from '../asgardeo/session';
import type { RolesApiSetting } from '../asgardeo/roles-api';
import { chooseRolesApi, rolesApiFor } from '../asgardeo/roles-client';
import { managementToken } from '../asgardeo/token';
import type { ExportedApplication, ExportedRole, ExportedSetup, ExportedUser } from './model';

/**
 * The management scopes an export asks for: view and list only. Never
 * `internal_application_mgt_client_secret_view`, so Asgardeo leaves the client secret out of every
 * OIDC answer and no secret can reach the export.
 */
export const EXPORT_SCOPES = [
  'internal_api_resource_view',
  'internal_application_mgt_view',
  'internal_role_mgt_view',
  'internal_user_mgt_list',
  'internal_user_mgt_view',
] as const;

export interface ReadSetupOptions {
  baseUrl: string;
  organization: string;
  credentials: AdminCredentials;
  /** The API resource: its identifier, or its name. */
  api: string;
  /** The SCIM2 Roles API to read roles through; default `auto` (v3 when the admin application is authorized for it). */
  rolesApi?: RolesApiSetting;
  transport?: TransportOptions;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

/** The outcome of a read: the setup, and how many requests it took (for the command's summary). */
export interface ReadSetupResult {
  setup: ExportedSetup;
  requests: number;
}

/** An error a user can cause while exporting (an unknown or ambiguous API): message and how to fix it. */
export class ExportError extends UserError {}

/**
 * Reads one API resource's setup from an organization into an `ExportedSetup`, following every
 * list's paging: the API resource; the applications authorized for it with their OIDC settings; the
 * roles whose permissions include one of its scopes, with their members. Sends only GETs.
 */
export async function readExportedSetup(o: ReadSetupOptions): Promise<ReadSetupResult> {
  const http = new AsgardeoHttp({ ...o.transport, baseUrl: o.baseUrl, organization: o.organization, signal: o.signal });
  let token = '';
  const renew = async () => {
    token = await managementToken(http, o.credentials, EXPORT_SCOPES);
  };
  // The probe reads which Roles API the application is authorized for; its token is never used.
  const [rolesApi] = await Promise.all([chooseRolesApi(http, o.credentials, o.rolesApi ?? 'auto'), renew()]);
  const api = new AsgardeoApi(http, () => token, renew);
  const roleReader = rolesApiFor(api, rolesApi);
  const progress = o.progress ?? (() => undefined);
  progress(`reading Asgardeo organization "${o.organization}" at ${o.baseUrl}`);

  const resource = await findApi(api, o.api);
  const scopeNames = new Set((resource.scopes ?? []).map((s) => s.name));

  // Applications: every one (paged), then which are authorized for this API resource.
  const listed = await api.listApplications();
  const authorized = await Promise.all(listed.map(async (app) => ({ app, apis: await api.getAuthorizedApis(app.id) })));
  const ours = authorized.filter(({ apis }) => apis.some((a) => a.id === resource.id));
  const applications = await Promise.all(ours.map(({ app, apis }) => readApplication(api, app, apis, resource)));
  const appNames = new Map(ours.map(({ app }) => [app.id, app.name]));

  // Roles: every one (paged), then the details of those granting a scope of this API resource.
  const roleIds = await roleReader.listIds();
  const roles = (await Promise.all(roleIds.map((id) => roleReader.get(id)))).filter(
    (r): r is RoleBody => !!r && (r.permissions ?? []).some((p) => scopeNames.has(p.value)),
  );
  const userIds = [...new Set(roles.flatMap((r) => (r.users ?? []).map((u) => u.value)))];
  const users = new Map((await Promise.all(userIds.map((id) => api.getUser(id)))).filter((u) => !!u).map((u) => [u.id, exportedUser(u)]));

  const setup: ExportedSetup = {
    organization: o.organization,
    apiResource: {
      name: resource.name,
      identifier: resource.identifier,
      ...(stripMarker(resource.description) ? { description: stripMarker(resource.description) } : {}),
      requiresAuthorization: resource.requiresAuthorization !== false,
      scopes: (resource.scopes ?? []).map((s) => ({
        name: s.name,
        ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
        ...(s.description ? { description: s.description } : {}),
      })),
    },
    applications: applications.sort(byName),
    roles: roles.map((r) => exportedRole(r, scopeNames, appNames, users)).sort(byName),
  };
  progress(`read ${setup.applications.length} application(s) and ${setup.roles.length} role(s) of "${resource.name}"`);
  return { setup, requests: http.records.length };
}

/** By identifier first, then by name; a name that two API resources share is refused. */
async function findApi(api: AsgardeoApi, wanted: string): Promise<ApiResourceBody> {
  const all = await api.listApiResources();
  const byIdentifier = all.find((a) => a.identifier === wanted);
  const byName = all.filter((a) => a.name === wanted);
  const hit = byIdentifier ?? (byName.length === 1 ? byName[0] : undefined);
  if (byName.length > 1 && !byIdentifier) {
    throw new ExportError(`${byName.length} API resources are named "${wanted}"`, {
      hint: `pass the identifier instead: ${byName.map((a) => a.identifier).join(', ')}`,
    });
  }
  if (!hit) {
    const known = all.filter((a) => a.type === undefined || a.type === 'BUSINESS').map((a) => `"${a.name}" (${a.identifier})`);
    throw new ExportError(`no API resource has the identifier or name "${wanted}"`, {
      hint: known.length
        ? `pass one of the API resources in this organization: ${known.join(', ')}`
        : 'this organization has no API resource yet',
    });
  }
  // The list leaves out the scopes; the resource itself has them.
  return (await api.getApiResource(hit.id)) ?? hit;
}

async function readApplication(
  api: AsgardeoApi,
  app: AppListItem,
  apis: AuthorizedApi[],
  resource: ApiResourceBody,
): Promise<ExportedApplication> {
  // The list leaves out claimConfiguration and advancedConfigurations; the application itself has them.
  const [oidc, model] = await Promise.all([api.getOidc(app.id), api.getApplication(app.id)]);
  const mine = apis.find((a) => a.id === resource.id);
  const description = stripMarker(app.description);
  const allowedAudience = app.associatedRoles?.allowedAudience;
  const { accessToken, pkce, allowedOrigins } = oidc;
  const userLifetime = accessToken?.userAccessTokenExpiryInSeconds;
  const refreshLifetime = oidc.refreshToken?.expiryInSeconds;
  return {
    name: app.name,
    ...(description ? { description } : {}),
    ...(app.templateId ? { templateId: app.templateId } : {}),
    authorizedScopes: (mine?.authorizedScopes ?? []).map((s) => s.name),
    otherAuthorizedApis: apis.filter((a) => a.id !== resource.id).map((a) => a.identifier ?? a.id),
    grantTypes: oidc.grantTypes,
    callbackUrls: oidc.callbackURLs ?? [],
    publicClient: oidc.publicClient === true,
    accessTokenType: oidc.accessToken?.type ?? 'Default',
    jwtScopeAsArray: accessToken?.enableJwtScopeAsArray === true,
    ...(accessToken?.applicationAccessTokenExpiryInSeconds !== undefined
      ? { accessTokenLifetimeSeconds: accessToken.applicationAccessTokenExpiryInSeconds }
      : {}),
    ...(userLifetime !== undefined ? { userAccessTokenLifetimeSeconds: userLifetime } : {}),
    accessTokenAttributes: accessToken?.accessTokenAttributes ?? [],
    requestedClaims: observedRequestedClaims(model),
    ...(refreshLifetime !== undefined ? { refreshTokenLifetimeSeconds: refreshLifetime } : {}),
    pkce: { mandatory: pkce?.mandatory === true, supportPlainTransformAlgorithm: pkce?.supportPlainTransformAlgorithm === true },
    appNativeAuthentication: observedAppNative(model),
    ...(allowedOrigins ? { allowedOrigins } : {}),
    audience: oidc.idToken?.audience ?? [],
    roleAudience: String(allowedAudience ?? '').toUpperCase() === 'ORGANIZATION' ? 'ORGANIZATION' : 'APPLICATION',
  };
}

function exportedRole(
  role: RoleBody,
  scopeNames: ReadonlySet<string>,
  appNames: ReadonlyMap<string, string>,
  users: ReadonlyMap<string, ExportedUser>,
): ExportedRole {
  const permissions = (role.permissions ?? []).map((p) => p.value);
  const isApp = role.audience?.type?.toLowerCase() === 'application';
  const appName = isApp ? (appNames.get(role.audience?.value ?? '') ?? role.audience?.display ?? role.audience?.value ?? '') : '';
  return {
    name: role.displayName,
    audience: isApp ? { type: 'application', application: appName } : { type: 'organization' },
    scopes: permissions.filter((p) => scopeNames.has(p)),
    otherScopes: permissions.filter((p) => !scopeNames.has(p)),
    users: (role.users ?? [])
      .map((u) => users.get(u.value) ?? { userName: bareUserName(u.display ?? u.value) })
      .sort((a, b) => a.userName.localeCompare(b.userName)),
  };
}

/** A member as exported: its name without the user-store prefix, primary e-mail and names. Never its password. */
function exportedUser(body: UserBody): ExportedUser {
  const emails = body.emails ?? [];
  const primary = emails.find((e) => typeof e !== 'string' && e.primary) ?? emails[0];
  const email = typeof primary === 'string' ? primary : primary?.value;
  return {
    userName: bareUserName(body.userName),
    ...(email ? { email } : {}),
    ...(body.name?.givenName ? { givenName: body.name.givenName } : {}),
    ...(body.name?.familyName ? { familyName: body.name.familyName } : {}),
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
