import { randomUUID } from 'node:crypto';
import { requireScope } from '../auth';
import { empty, json, type RouteHandler, type ServerContext } from '../context';
import { managementError, type HttpReplyError } from '../errors';
import { applicationFilterTokens, FilterSyntaxError, matchesFilter, parseFilter, type ParsedFilter } from '../filters';
import { intParam, isRecord, optionalString, type RouteRequest, type RouteReply } from '../http-util';
import { newClientId, newSecret, type ApplicationRecord, type IssuedToken, type OidcConfig } from '../state';
import { clientSecretRoute, replaceAllSecrets, SECRET_CREATE_SCOPE, SECRET_VIEW_SCOPE } from './client-secrets';

const BASE = '/api/server/v1/applications';
/** The server's code defaults: a page of 15 unless `limit` says otherwise, never more than 30. */
const DEFAULT_LIMIT = 15;
const MAX_LIMIT = 30;
/** The server's default application-name rule (the console also caps names at 50 characters; the API does not). */
export const APPLICATION_NAME_PATTERN = /^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$/;
/** Without this scope, GET …/inbound-protocols/oidc leaves these fields out. */
export { SECRET_CREATE_SCOPE, SECRET_VIEW_SCOPE };
const SECRET_FIELDS = ['clientSecret', 'clientSecretExpiresAt', 'multipleClientSecretsConfigured'] as const;
/**
 * The OIDC claim names an app may list in `accessToken.accessTokenAttributes` (the standard claims
 * of WSO2's OIDC dialect plus its `username`, `groups`, `roles`, `upn`); anything else is a 400.
 */
export const OIDC_CLAIM_NAMES: ReadonlySet<string> = new Set([
  'sub',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
  'username',
  'groups',
  'roles',
  'upn',
]);
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
const DEFAULT_REFRESH_LIFETIME_SECONDS = 86400;
const KNOWN_GRANT_TYPES: ReadonlySet<string> = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
  'password',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'organization_switch',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'iwa:ntlm',
]);
/** Fields of the application model kept as given (no OIDC fields: those live under inbound-protocols). */
const EXTRA_FIELDS = [
  'imageUrl',
  'accessUrl',
  'logoutReturnUrl',
  'templateId',
  'templateVersion',
  'applicationVersion',
  'isManagementApp',
  'isB2BSelfServiceApp',
  'enhancedOrgAuthenticationEnabled',
  'applicationEnabled',
  'claimConfiguration',
  'authenticationSequence',
  'advancedConfigurations',
  'provisioningConfigurations',
] as const;
const LIST_ATTRIBUTES = new Set([
  'advancedConfigurations',
  'templateId',
  'templateVersion',
  'clientId',
  'issuer',
  'associatedRoles.allowedAudience',
]);

const invalid = (description: string): HttpReplyError => managementError(400, 'APP-60001', 'Invalid request.', description);
const invalidOidc = (description: string): HttpReplyError =>
  managementError(400, 'OAUTH-60001', 'Invalid OIDC configuration.', description);
const notFound = (id: string): HttpReplyError =>
  managementError(404, 'APP-60006', 'Application not found.', `No application with id '${id}' exists in the organization.`);

/** `/api/server/v1/applications/**`. */
export function applicationRoutes(ctx: ServerContext): RouteHandler {
  return (req) => {
    const { method, path } = req;
    if (path !== BASE && !path.startsWith(`${BASE}/`)) return undefined;
    const parts = path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
    const [id, sub, subId, extra] = parts;
    if (parts.length === 0) {
      if (method === 'GET') return list(ctx, req);
      if (method === 'POST') return create(ctx, req);
    } else if (parts.length === 1) {
      if (method === 'GET') return get(ctx, req, id!);
      if (method === 'PATCH') return patch(ctx, req, id!);
      if (method === 'DELETE') return remove(ctx, req, id!);
    } else if (sub === 'inbound-protocols' && subId === 'oidc' && parts.length === 3) {
      if (method === 'GET') return getOidc(ctx, req, id!);
      if (method === 'PUT') return putOidc(ctx, req, id!);
      if (method === 'DELETE') return deleteOidc(ctx, req, id!);
    } else if (
      sub === 'inbound-protocols' &&
      subId === 'oidc' &&
      extra === 'secrets' &&
      parts.length <= 5 &&
      ctx.state.maxClientSecrets > 0
    ) {
      const { app, oidc } = lookupOidc(ctx, id!);
      const reply = clientSecretRoute(ctx, req, app, oidc, parts[4]);
      if (reply) return reply;
    } else if (sub === 'inbound-protocols' && subId === 'oidc' && extra === 'regenerate-secret' && parts.length === 4) {
      if (method === 'POST') return regenerateSecret(ctx, req, id!);
    } else if (sub === 'authorized-apis' && parts.length === 2) {
      if (method === 'GET') return listAuthorized(ctx, req, id!);
      if (method === 'POST') return addAuthorized(ctx, req, id!);
    } else if (sub === 'authorized-apis' && parts.length === 3) {
      if (method === 'PATCH') return patchAuthorized(ctx, req, id!, subId!);
      if (method === 'DELETE') return deleteAuthorized(ctx, req, id!, subId!);
    }
    throw managementError(405, 'APP-60405', 'Method not allowed.', `${method} is not supported on ${path}.`);
  };
}

const selfPath = (ctx: ServerContext, id: string): string => `/t/${ctx.organization}${BASE}/${id}`;

function lookup(ctx: ServerContext, id: string): ApplicationRecord {
  const app = ctx.state.applications.get(id);
  if (!app) throw notFound(id);
  return app;
}

function parseAppFilter(raw: string | null): ParsedFilter | undefined {
  if (!raw) return undefined;
  try {
    return parseFilter(raw, {
      attributes: ['name', 'clientId', 'issuer'],
      ops: ['eq', 'sw', 'ew', 'co'],
      or: 'allow',
      tokenize: applicationFilterTokens,
    });
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalid(e.message);
    throw e;
  }
}

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_view', 'management');
  const { query } = req;
  const filter = parseAppFilter(query.get('filter'));
  // A larger limit is silently capped: callers must follow `links` / offset to `totalResults`.
  const limit = Math.min(intParam(query, 'limit', DEFAULT_LIMIT, invalid, 1), MAX_LIMIT);
  const offset = intParam(query, 'offset', 0, invalid, 0);
  const attributes = (query.get('attributes') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const attribute of attributes) {
    if (!LIST_ATTRIBUTES.has(attribute))
      throw invalid(`Attribute '${attribute}' is not supported; supported: ${[...LIST_ATTRIBUTES].join(', ')}.`);
  }
  const matching = [...ctx.state.applications.values()]
    .filter((app) => matchesFilter(filter, (attr) => (attr === 'name' ? app.name : attr === 'clientId' ? app.oidc?.clientId : undefined)))
    .sort((a, b) => a.seq - b.seq);
  const page = matching.slice(offset, offset + limit);
  const applications = page.map((app) => {
    const item: Record<string, unknown> = {
      id: app.id,
      name: app.name,
      image: app.extra.imageUrl ?? '',
      accessUrl: app.extra.accessUrl ?? '',
      access: 'WRITE',
      self: selfPath(ctx, app.id),
    };
    if (app.description !== undefined) item.description = app.description;
    for (const attribute of attributes) {
      if (attribute === 'clientId') {
        if (app.oidc) item.clientId = app.oidc.clientId;
      } else if (attribute === 'associatedRoles.allowedAudience') {
        item.associatedRoles = { allowedAudience: app.associatedRoles.allowedAudience };
      } else if (attribute !== 'issuer' && app.extra[attribute] !== undefined) {
        item[attribute] = app.extra[attribute];
      }
    }
    return item;
  });
  const links: { href: string; rel: string }[] = [];
  const base =
    `/t/${ctx.organization}${BASE}?limit=${limit}` + (query.get('filter') ? `&filter=${encodeURIComponent(query.get('filter')!)}` : '');
  if (offset + limit < matching.length) links.push({ href: `${base}&offset=${offset + limit}`, rel: 'next' });
  if (offset > 0) links.push({ href: `${base}&offset=${Math.max(0, offset - limit)}`, rel: 'previous' });
  return json(200, { totalResults: matching.length, startIndex: offset + 1, count: applications.length, applications, links });
}

function roleIdsFrom(ctx: ServerContext, raw: unknown): { allowedAudience: 'ORGANIZATION' | 'APPLICATION'; roleIds: string[] } {
  if (!isRecord(raw)) throw invalid("'associatedRoles' must be an object {allowedAudience, roles}.");
  const audience = raw.allowedAudience ?? 'ORGANIZATION';
  if (audience !== 'ORGANIZATION' && audience !== 'APPLICATION')
    throw invalid("'associatedRoles.allowedAudience' must be ORGANIZATION or APPLICATION.");
  const roles = raw.roles ?? [];
  if (!Array.isArray(roles)) throw invalid("'associatedRoles.roles' must be an array of {id}.");
  const roleIds = roles.map((role, index) => {
    if (!isRecord(role) || typeof role.id !== 'string') throw invalid(`'associatedRoles.roles[${index}].id' is required.`);
    if (!ctx.state.roles.has(role.id)) throw invalid(`Role '${role.id}' does not exist.`);
    return role.id;
  });
  return { allowedAudience: audience, roleIds };
}

/** Fills an OIDC config's defaults, as the real service stores them. */
function normalizeOidc(raw: Record<string, unknown>, clientId: string, clientSecret: string, clientSecretExpiresAt: number): OidcConfig {
  const grantTypes = raw.grantTypes;
  if (!Array.isArray(grantTypes) || grantTypes.length === 0 || !grantTypes.every((g) => typeof g === 'string')) {
    throw invalidOidc("'grantTypes' is required and must be a non-empty array of grant type names.");
  }
  const accessTokenIn = raw.accessToken === undefined ? {} : raw.accessToken;
  const idTokenIn = raw.idToken === undefined ? {} : raw.idToken;
  if (!isRecord(accessTokenIn)) throw invalidOidc("'accessToken' must be an object.");
  if (!isRecord(idTokenIn)) throw invalidOidc("'idToken' must be an object.");
  const type = accessTokenIn.type ?? 'Default';
  if (type !== 'Default' && type !== 'JWT') throw invalidOidc("'accessToken.type' must be 'Default' (opaque) or 'JWT'.");
  const lifetime = accessTokenIn.applicationAccessTokenExpiryInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime <= 0)
    throw invalidOidc("'accessToken.applicationAccessTokenExpiryInSeconds' must be a positive integer.");
  const audience = idTokenIn.audience ?? [];
  if (!Array.isArray(audience) || !audience.every((a) => typeof a === 'string'))
    throw invalidOidc("'idToken.audience' must be an array of strings.");
  for (const list of ['callbackURLs', 'allowedOrigins'] as const) {
    if (raw[list] !== undefined && !(Array.isArray(raw[list]) && (raw[list] as unknown[]).every((v) => typeof v === 'string')))
      throw invalidOidc(`'${list}' must be an array of strings.`);
  }
  for (const grant of grantTypes as string[]) {
    if (!KNOWN_GRANT_TYPES.has(grant))
      throw invalidOidc(`Unknown grant type '${grant}'; use one of: ${[...KNOWN_GRANT_TYPES].join(', ')}.`);
  }
  const callbackURLs = (raw.callbackURLs as string[] | undefined) ?? [];
  if (callbackURLs.length === 0 && (grantTypes.includes('authorization_code') || grantTypes.includes('implicit'))) {
    throw invalidOidc("'callbackURLs' is required for the authorization_code and implicit grants: list the redirect URIs the app uses.");
  }
  // New apps start with no attributes; an accessToken object without the list clears it (a full replace).
  const attributes = accessTokenIn.accessTokenAttributes ?? [];
  if (!Array.isArray(attributes) || !attributes.every((a) => typeof a === 'string'))
    throw invalidOidc("'accessToken.accessTokenAttributes' must be an array of OIDC claim names.");
  for (const name of attributes as string[]) {
    if (!OIDC_CLAIM_NAMES.has(name))
      throw invalidOidc(
        `Invalid access token claim URI: '${name}' is not an OIDC claim; ` +
          'use OIDC claim names such as given_name, family_name, email, username.',
      );
  }
  const scopeAsArray = accessTokenIn.enableJwtScopeAsArray;
  if (scopeAsArray !== undefined && typeof scopeAsArray !== 'boolean')
    throw invalidOidc("'accessToken.enableJwtScopeAsArray' must be a boolean.");
  const pkceIn = raw.pkce === undefined ? {} : raw.pkce;
  if (
    !isRecord(pkceIn) ||
    (pkceIn.mandatory !== undefined && typeof pkceIn.mandatory !== 'boolean') ||
    (pkceIn.supportPlainTransformAlgorithm !== undefined && typeof pkceIn.supportPlainTransformAlgorithm !== 'boolean')
  ) {
    throw invalidOidc('\'pkce\' must be {"mandatory": boolean, "supportPlainTransformAlgorithm": boolean}.');
  }
  const refreshIn = raw.refreshToken === undefined ? {} : raw.refreshToken;
  if (!isRecord(refreshIn)) throw invalidOidc("'refreshToken' must be an object.");
  const { clientId: _i, clientSecret: _s, state: _st, clientSecretExpiresAt: _e, multipleClientSecretsConfigured: _m, ...rest } = raw;
  return {
    ...rest,
    clientId,
    clientSecret,
    clientSecretExpiresAt,
    state: 'ACTIVE',
    grantTypes: [...grantTypes] as string[],
    callbackURLs: [...callbackURLs],
    allowedOrigins: (raw.allowedOrigins as string[] | undefined) ?? [],
    publicClient: raw.publicClient === true,
    accessToken: {
      userAccessTokenExpiryInSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
      bindingType: 'None',
      revokeTokensWhenIDPSessionTerminated: false,
      validateTokenBinding: false,
      ...accessTokenIn,
      type: type as string,
      applicationAccessTokenExpiryInSeconds: lifetime,
      accessTokenAttributes: [...attributes] as string[],
    },
    pkce: { mandatory: pkceIn.mandatory === true, supportPlainTransformAlgorithm: pkceIn.supportPlainTransformAlgorithm === true },
    refreshToken: { expiryInSeconds: DEFAULT_REFRESH_LIFETIME_SECONDS, renewRefreshToken: true, ...refreshIn },
    idToken: { expiryInSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS, ...idTokenIn, audience: [...audience] as string[] },
  };
}

/** `clientSecretExpiresAt` when the OIDC config is first given: epoch seconds in the future, or 0/omitted for never. */
function initialExpiry(ctx: ServerContext, raw: Record<string, unknown>): number {
  const value = raw.clientSecretExpiresAt ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw invalidOidc(`The client secret expiry time '${String(value)}' is invalid: give epoch seconds, or 0 for never.`);
  if (value !== 0 && value <= ctx.state.now() / 1000) throw invalidOidc(`The client secret expiry time '${value}' is in the past.`);
  return value;
}

function checkName(name: string): void {
  if (!APPLICATION_NAME_PATTERN.test(name)) {
    throw invalid(
      `Application name '${name}' is not valid: it must match ${APPLICATION_NAME_PATTERN.source} ` +
        "(letters, digits, '.', '_', '-', single spaces between words).",
    );
  }
}

function pickExtra(body: Record<string, unknown>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const field of EXTRA_FIELDS) if (body[field] !== undefined) extra[field] = body[field];
  return extra;
}

function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_create', 'management');
  const body = req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.');
  const name = optionalString(body.name);
  if (!name || !name.trim()) throw invalid("'name' is required.");
  checkName(name);
  if (ctx.state.applicationByName(name)) {
    if (ctx.state.settings.duplicateApplicationAnswer === 'older')
      throw managementError(500, 'APP-65001', 'Error while creating the application.', `Application with name ${name} already exists.`);
    throw managementError(
      409,
      'OAUTH-60008',
      'Application already exists.',
      `An application with the name '${name}' already exists in the organization.`,
    );
  }
  const inbound = body.inboundProtocolConfiguration;
  if (inbound !== undefined && !isRecord(inbound)) throw invalid("'inboundProtocolConfiguration' must be an object.");
  let oidc: OidcConfig | undefined;
  if (isRecord(inbound) && inbound.oidc !== undefined) {
    if (!isRecord(inbound.oidc)) throw invalidOidc("'inboundProtocolConfiguration.oidc' must be an object.");
    const clientId = optionalString(inbound.oidc.clientId) || newClientId();
    if (ctx.state.applicationByClientId(clientId) || ctx.state.managementClients.has(clientId)) {
      throw managementError(409, 'OAUTH-60008', 'Client id already exists.', `An application with client id '${clientId}' already exists.`);
    }
    oidc = normalizeOidc(
      inbound.oidc,
      clientId,
      optionalString(inbound.oidc.clientSecret) || newSecret(),
      initialExpiry(ctx, inbound.oidc),
    );
  }
  const app: ApplicationRecord = {
    id: randomUUID(),
    seq: ctx.state.nextSeq(),
    name,
    extra: pickExtra(body),
    associatedRoles:
      body.associatedRoles === undefined ? { allowedAudience: 'ORGANIZATION', roleIds: [] } : roleIdsFrom(ctx, body.associatedRoles),
    oidc,
    authorizedApis: new Map(),
  };
  const description = optionalString(body.description);
  if (description !== undefined) app.description = description;
  ctx.state.applications.set(app.id, app);
  return empty(201, { location: `${ctx.baseUrl}${selfPath(ctx, app.id)}` });
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_view', 'management');
  const app = lookup(ctx, id);
  const view: Record<string, unknown> = {
    id: app.id,
    name: app.name,
    isManagementApp: false,
    isB2BSelfServiceApp: false,
    applicationEnabled: true,
    ...app.extra,
    associatedRoles: {
      allowedAudience: app.associatedRoles.allowedAudience,
      roles: app.associatedRoles.roleIds.map((roleId) => ({ id: roleId, name: ctx.state.roles.get(roleId)?.displayName ?? roleId })),
    },
    inboundProtocols: app.oidc ? [{ type: 'oidc', name: 'oidc', self: `${selfPath(ctx, app.id)}/inbound-protocols/oidc` }] : [],
    access: 'WRITE',
  };
  if (app.description !== undefined) view.description = app.description;
  if (app.oidc) view.clientId = app.oidc.clientId;
  return json(200, view);
}

function patch(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_update', 'management');
  const body = req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.');
  const app = lookup(ctx, id);
  if (body.inboundProtocolConfiguration !== undefined) {
    throw invalid(
      'OIDC settings cannot be changed with PATCH; use PUT /applications/{id}/inbound-protocols/oidc with the full configuration.',
    );
  }
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || !body.name.trim()) throw invalid("'name' must be a non-empty string.");
    checkName(body.name);
    const other = ctx.state.applicationByName(body.name);
    if (other && other.id !== app.id)
      throw managementError(
        409,
        'OAUTH-60008',
        'Application already exists.',
        `An application with the name '${body.name}' already exists in the organization.`,
      );
  }
  if (body.description !== undefined && typeof body.description !== 'string') throw invalid("'description' must be a string.");
  const roles = body.associatedRoles === undefined ? undefined : roleIdsFrom(ctx, body.associatedRoles);
  if (typeof body.name === 'string') app.name = body.name;
  if (typeof body.description === 'string') app.description = body.description;
  if (roles) app.associatedRoles = roles;
  Object.assign(app.extra, pickExtra(body));
  return empty(200);
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_delete', 'management');
  ctx.state.deleteApplication(id);
  return empty(204);
}

function lookupOidc(ctx: ServerContext, id: string): { app: ApplicationRecord; oidc: OidcConfig } {
  const app = lookup(ctx, id);
  if (!app.oidc)
    throw managementError(
      404,
      'APP-60006',
      'OIDC configuration not found.',
      `Application '${app.name}' has no OIDC inbound configuration.`,
    );
  return { app, oidc: app.oidc };
}

/** The OIDC config as a caller sees it: the secret fields only for a token holding SECRET_VIEW_SCOPE. */
function oidcView(ctx: ServerContext, app: ApplicationRecord, oidc: OidcConfig, grant: IssuedToken): Record<string, unknown> {
  const view: Record<string, unknown> = structuredClone(oidc);
  view.multipleClientSecretsConfigured = ctx.state.secretsOf(app).length > 1;
  if (!grant.scopes.has(SECRET_VIEW_SCOPE)) for (const field of SECRET_FIELDS) delete view[field];
  return view;
}

function getOidc(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  const grant = requireScope(ctx.state, req, 'internal_application_mgt_view', 'management');
  const { app, oidc } = lookupOidc(ctx, id);
  return json(200, oidcView(ctx, app, oidc, grant));
}

function putOidc(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_update', 'management');
  const app = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body)) throw invalidOidc('The request body must be the full OIDC configuration as a JSON object.');
  if (app.oidc) {
    // Full replace. The clientId must be the current one; a body without clientSecret keeps the
    // secret (callers without the secret-view scope never see it), a different one is refused.
    if (body.clientId !== app.oidc.clientId)
      throw invalidOidc("The body must repeat the application's current 'clientId' (GET the configuration, change it, PUT it back).");
    if (body.clientSecret !== undefined && body.clientSecret !== app.oidc.clientSecret) {
      throw invalidOidc(
        "'clientSecret' differs from the application's current secret: leave it out to keep the secret, " +
          'or rotate it with POST …/inbound-protocols/oidc/regenerate-secret.',
      );
    }
    const expiresAt = app.oidc.clientSecretExpiresAt as number;
    if (body.clientSecretExpiresAt !== undefined && body.clientSecretExpiresAt !== expiresAt)
      throw invalid('The client secret expiry time cannot be modified with the application update.');
    app.oidc = normalizeOidc(body, app.oidc.clientId, app.oidc.clientSecret, expiresAt);
  } else {
    app.oidc = normalizeOidc(
      body,
      optionalString(body.clientId) || newClientId(),
      optionalString(body.clientSecret) || newSecret(),
      initialExpiry(ctx, body),
    );
  }
  return empty(200);
}

function deleteOidc(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_delete', 'management');
  const { app, oidc } = lookupOidc(ctx, id);
  ctx.state.revokeTokensOf(oidc.clientId);
  ctx.state.clientSecrets.delete(app.id);
  app.oidc = undefined;
  return empty(204);
}

/** Needs SECRET_CREATE_SCOPE; the answer shows the new secret only to a token that may also view secrets. */
function regenerateSecret(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  const grant = requireScope(ctx.state, req, SECRET_CREATE_SCOPE, 'management');
  const { app, oidc } = lookupOidc(ctx, id);
  // Every secret goes (not only the latest), and with them the app's tokens and codes.
  replaceAllSecrets(ctx, app, oidc);
  oidc.state = 'ACTIVE';
  ctx.state.revokeTokensOf(oidc.clientId);
  return json(200, oidcView(ctx, app, oidc, grant));
}

function requireApiAuthorizationScopes(ctx: ServerContext, req: RouteRequest): void {
  const grant = requireScope(ctx.state, req, 'internal_application_mgt_update', 'management');
  if (!grant.scopes.has('internal_application_business_api_update')) {
    throw managementError(
      403,
      'APP-60520',
      'Insufficient scopes.',
      "Authorizing APIs to an application needs the 'internal_application_business_api_update' scope.",
    );
  }
}

function listAuthorized(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_application_mgt_view', 'management');
  const app = lookup(ctx, id);
  const result = [...app.authorizedApis.values()].flatMap((authorized) => {
    const api = ctx.state.apiResources.get(authorized.apiId);
    if (!api) return [];
    return [
      {
        id: api.id,
        identifier: api.identifier,
        displayName: api.name,
        policyId: authorized.policyId,
        type: api.type,
        authorizedScopes: authorized.scopeNames.flatMap((name) => {
          const scope = api.scopes.find((s) => s.name === name);
          return scope ? [{ id: scope.id, name: scope.name, displayName: scope.displayName }] : [];
        }),
      },
    ];
  });
  return json(200, result);
}

function scopeNamesFor(ctx: ServerContext, apiId: string, raw: unknown, field: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string')) throw invalid(`'${field}' must be an array of scope names.`);
  const api = ctx.state.apiResources.get(apiId)!;
  for (const name of raw as string[]) {
    if (!api.scopes.some((s) => s.name === name)) {
      throw managementError(
        400,
        'APP-60508',
        'Invalid scope.',
        `Scope '${name}' does not belong to API resource '${api.name}' (${api.identifier}).`,
      );
    }
  }
  return [...new Set(raw as string[])];
}

function addAuthorized(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireApiAuthorizationScopes(ctx, req);
  const app = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body) || typeof body.id !== 'string')
    throw invalid('The body must be {"id": <API resource id>, "policyIdentifier": "RBAC", "scopes": [...]}.');
  if (!ctx.state.apiResources.has(body.id))
    throw managementError(400, 'APP-60507', 'Invalid API resource.', `API resource '${body.id}' does not exist.`);
  if (body.policyIdentifier !== undefined && body.policyIdentifier !== 'RBAC' && body.policyIdentifier !== 'No Policy') {
    throw invalid(`Unknown policyIdentifier '${String(body.policyIdentifier)}'; use 'RBAC'.`);
  }
  if (app.authorizedApis.has(body.id))
    throw managementError(
      409,
      'APP-60509',
      'API already authorized.',
      `API resource '${body.id}' is already authorized to application '${app.name}'; PATCH it to change the scopes.`,
    );
  const scopeNames = scopeNamesFor(ctx, body.id, body.scopes, 'scopes');
  app.authorizedApis.set(body.id, { apiId: body.id, policyId: optionalString(body.policyIdentifier) ?? 'RBAC', scopeNames });
  return empty(200);
}

function patchAuthorized(ctx: ServerContext, req: RouteRequest, id: string, apiId: string): RouteReply {
  requireApiAuthorizationScopes(ctx, req);
  const app = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body)) throw invalid('The body must be {"addedScopes": [...], "removedScopes": [...]}.');
  if (!ctx.state.apiResources.has(apiId))
    throw managementError(400, 'APP-60507', 'Invalid API resource.', `API resource '${apiId}' does not exist.`);
  const authorized = app.authorizedApis.get(apiId);
  if (!authorized)
    throw managementError(
      404,
      'APP-60510',
      'API not authorized.',
      `API resource '${apiId}' is not authorized to application '${app.name}'; POST it first.`,
    );
  const added = scopeNamesFor(ctx, apiId, body.addedScopes, 'addedScopes');
  const removed = new Set(scopeNamesFor(ctx, apiId, body.removedScopes, 'removedScopes'));
  authorized.scopeNames = [...new Set([...authorized.scopeNames.filter((n) => !removed.has(n)), ...added])];
  return empty(200);
}

function deleteAuthorized(ctx: ServerContext, req: RouteRequest, id: string, apiId: string): RouteReply {
  requireApiAuthorizationScopes(ctx, req);
  lookup(ctx, id).authorizedApis.delete(apiId);
  return empty(204);
}
