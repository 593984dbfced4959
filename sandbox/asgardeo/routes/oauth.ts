import { oauthError } from '../errors';
import { isRecord, mediaType, optionalString, type RouteRequest, type RouteReply } from '../http-util';
import { json, type RouteHandler, type ServerContext } from '../context';
import { ALL_INTERNAL_SCOPES, type ApplicationRecord } from '../state';
import { opaqueToken } from '../tokens';

/** Scopes never put into client_credentials tokens. */
const DROPPED_SCOPES = new Set(['openid', 'internal_login']);
const MANAGEMENT_TOKEN_LIFETIME_SECONDS = 3600;

/** `/oauth2/token`, `/oauth2/jwks` and the discovery document. */
export function oauthRoutes(ctx: ServerContext): RouteHandler {
  return async (req) => {
    const { method, path } = req;
    if (path === '/oauth2/token' && method === 'POST') return issueToken(ctx, req);
    if (path === '/oauth2/jwks' && method === 'GET') return json(200, ctx.signer.jwks());
    if ((path === '/oauth2/token/.well-known/openid-configuration' || path === '/oauth2/oidcdiscovery/.well-known/openid-configuration') && method === 'GET') {
      return json(200, discoveryDocument(ctx));
    }
    return undefined;
  };
}

function discoveryDocument(ctx: ServerContext): Record<string, unknown> {
  const oauth = `${ctx.baseUrl}/t/${ctx.organization}/oauth2`;
  return {
    issuer: ctx.issuer,
    token_endpoint: `${oauth}/token`,
    jwks_uri: `${oauth}/jwks`,
    authorization_endpoint: `${oauth}/authorize`,
    introspection_endpoint: `${oauth}/introspect`,
    revocation_endpoint: `${oauth}/revoke`,
    userinfo_endpoint: `${oauth}/userinfo`,
    end_session_endpoint: `${ctx.baseUrl}/t/${ctx.organization}/oidc/logout`,
    response_types_supported: ['code', 'id_token', 'token', 'code id_token'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'password'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'profile', 'email', 'address', 'phone'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'azp', 'client_id', 'scope'],
  };
}

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

function clientCredentials(req: RouteRequest, form: Record<string, unknown>): ClientCredentials | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: safeDecode(decoded.slice(0, colon)), clientSecret: safeDecode(decoded.slice(colon + 1)) };
  }
  const clientId = optionalString(form.client_id);
  const clientSecret = optionalString(form.client_secret);
  if (clientId && clientSecret) return { clientId, clientSecret };
  return undefined;
}

/** RFC 6749 §2.3.1 form-encodes id and secret before Basic; undo it when that was done. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

async function issueToken(ctx: ServerContext, req: RouteRequest): Promise<RouteReply> {
  if (mediaType(req.contentType) !== 'application/x-www-form-urlencoded' || !isRecord(req.body)) {
    throw oauthError(400, 'invalid_request', 'The token request must be a form (Content-Type: application/x-www-form-urlencoded).');
  }
  const form = req.body;
  const credentials = clientCredentials(req, form);
  if (!credentials) throw oauthError(401, 'invalid_client', 'Client authentication failed: send the client id and secret with HTTP Basic or in the form body.');

  const grantType = optionalString(form.grant_type);
  const requested = (optionalString(form.scope) ?? '').split(/\s+/).filter(Boolean);
  const { state, signer } = ctx;

  const management = state.managementClients.get(credentials.clientId);
  if (management) {
    if (management.clientSecret !== credentials.clientSecret) throw invalidClient();
    checkGrantType(grantType, ['client_credentials']);
    const scopes = grant(requested, management.scopes);
    const accessToken = await signer.signAccessToken({ clientId: credentials.clientId, audience: [credentials.clientId], scopes, lifetimeSeconds: MANAGEMENT_TOKEN_LIFETIME_SECONDS });
    return tokenResponse(ctx, credentials.clientId, accessToken, scopes, MANAGEMENT_TOKEN_LIFETIME_SECONDS);
  }

  const app = state.applicationByClientId(credentials.clientId);
  if (!app || !app.oidc || app.oidc.clientSecret !== credentials.clientSecret || app.oidc.state === 'REVOKED') throw invalidClient();
  checkGrantType(grantType, app.oidc.grantTypes);
  if (app.extra.applicationEnabled === false) throw oauthError(400, 'unauthorized_client', 'The application is disabled.');

  const scopes = grant(requested, state.authorizedScopes(app));
  const lifetime = app.oidc.accessToken.applicationAccessTokenExpiryInSeconds;
  const accessToken =
    app.oidc.accessToken.type === 'JWT'
      ? await signer.signAccessToken({ clientId: credentials.clientId, audience: [credentials.clientId, ...app.oidc.idToken.audience], scopes, lifetimeSeconds: lifetime, scopeAsArray: scopeAsArray(ctx, app) })
      : opaqueToken();
  return tokenResponse(ctx, credentials.clientId, accessToken, scopes, lifetime);
}

/** `enableJwtScopeAsArray`, set on the app or for the whole organization. */
function scopeAsArray(ctx: ServerContext, app: ApplicationRecord): boolean {
  return app.oidc?.accessToken.enableJwtScopeAsArray === true || ctx.state.settings.enableJwtScopeAsArray;
}

function invalidClient(): Error {
  return oauthError(401, 'invalid_client', 'Client authentication failed: unknown client id or wrong client secret.');
}

function checkGrantType(grantType: string | undefined, allowed: readonly string[]): void {
  if (!grantType) throw oauthError(400, 'invalid_request', "Missing parameter 'grant_type'.");
  if (grantType !== 'client_credentials') throw oauthError(400, 'unsupported_grant_type', `Unsupported grant_type value '${grantType}'; this server issues client_credentials tokens.`);
  if (!allowed.includes(grantType)) throw oauthError(400, 'unauthorized_client', `The application is not allowed to use the '${grantType}' grant; add it to the OIDC grantTypes.`);
}

/** requested ∩ held; `SYSTEM` expands to every internal scope held. Unauthorized ones are silently dropped. */
function grant(requested: readonly string[], held: ReadonlySet<string>): string[] {
  const result = new Set<string>();
  for (const scope of requested) {
    if (scope === 'SYSTEM') {
      for (const internal of ALL_INTERNAL_SCOPES) if (held.has(internal)) result.add(internal);
    } else if (!DROPPED_SCOPES.has(scope) && held.has(scope)) {
      result.add(scope);
    }
  }
  return [...result];
}

const PRUNE_EVERY = 1000;
let issuedSincePrune = 0;

function tokenResponse(ctx: ServerContext, clientId: string, accessToken: string, scopes: string[], lifetime: number): RouteReply {
  // Long benchmark runs issue many tokens; forget expired ones now and then so memory stays flat.
  issuedSincePrune += 1;
  if (issuedSincePrune >= PRUNE_EVERY) {
    issuedSincePrune = 0;
    const now = Date.now();
    for (const [token, issued] of ctx.state.tokens) if (issued.expiresAt <= now) ctx.state.tokens.delete(token);
  }
  ctx.state.tokens.set(accessToken, { clientId, scopes: new Set(scopes), expiresAt: Date.now() + lifetime * 1000 });
  return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope: scopes.join(' ') }, { 'cache-control': 'no-store', pragma: 'no-cache' });
}
