import { createHash, randomUUID } from 'node:crypto';
import { bearerGrant } from '../auth';
import { json, type RouteHandler, type ServerContext } from '../context';
import { HttpReplyError, oauthError } from '../errors';
import { isRecord, mediaType, optionalString, type RouteRequest, type RouteReply } from '../http-util';
import { SYSTEM_SCOPES, type ApplicationRecord, type IssuedToken, type UserRecord } from '../state';
import { accessTokenUserClaims, approvedUserScopes, userClaimValue } from '../user-grants';
import { GRANT_NOT_ALLOWED } from './authorize';
import { opaqueToken } from '../tokens';

/** Scopes never put into client_credentials tokens. */
const DROPPED_SCOPES = new Set(['openid', 'internal_login']);
const MANAGEMENT_TOKEN_LIFETIME_SECONDS = 3600;

/** `/oauth2/token` (client_credentials, authorization_code, refresh_token, password), `/oauth2/jwks` and the discovery document. */
export function oauthRoutes(ctx: ServerContext): RouteHandler {
  return async (req) => {
    const { method, path } = req;
    if (path === '/oauth2/token' && method === 'POST') return issueToken(ctx, req);
    if (path === '/oauth2/jwks' && method === 'GET') return json(200, ctx.signer.jwks());
    if (path === '/oauth2/userinfo' && (method === 'GET' || method === 'POST')) return userinfo(ctx, req);
    if (path === '/oauth2/revoke' && method === 'POST') return revoke(ctx, req);
    if (
      (path === '/oauth2/token/.well-known/openid-configuration' || path === '/oauth2/oidcdiscovery/.well-known/openid-configuration') &&
      method === 'GET'
    ) {
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
    revocation_endpoint: `${oauth}/revoke`,
    userinfo_endpoint: `${oauth}/userinfo`,
    end_session_endpoint: `${ctx.baseUrl}/t/${ctx.organization}/oidc/logout`,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'direct'],
    code_challenge_methods_supported: ['S256', 'plain'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'password'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    scopes_supported: ['openid', 'profile', 'email', 'address', 'phone'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'azp',
      'client_id',
      'scope',
      'aut',
      'given_name',
      'family_name',
      'name',
      'nickname',
      'preferred_username',
      'username',
      'email',
      'phone_number',
      'roles',
    ],
  };
}

interface ClientCredentials {
  clientId: string;
  /** Undefined for a public client that sends only `client_id`. */
  clientSecret?: string;
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
  if (clientId) return clientSecret ? { clientId, clientSecret } : { clientId };
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

const KNOWN_GRANTS = new Set([
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
  'implicit',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'organization_switch',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
]);
/** Grants this stand-in issues tokens for. */
const SERVED_GRANTS = new Set(['client_credentials', 'authorization_code', 'refresh_token', 'password']);
/** A public client (no secret) may use only these. */
const PUBLIC_CLIENT_GRANTS = new Set(['authorization_code', 'refresh_token']);

async function issueToken(ctx: ServerContext, req: RouteRequest): Promise<RouteReply> {
  if (mediaType(req.contentType) !== 'application/x-www-form-urlencoded' || !isRecord(req.body)) {
    throw oauthError(400, 'invalid_request', 'The token request must be a form (Content-Type: application/x-www-form-urlencoded).');
  }
  const form = req.body;
  const credentials = clientCredentials(req, form);
  if (!credentials)
    throw oauthError(
      401,
      'invalid_client',
      'Client authentication failed: send the client id and secret with HTTP Basic or in the form body (a public client sends client_id).',
    );

  const grantType = optionalString(form.grant_type);
  const requested = (optionalString(form.scope) ?? '').split(/\s+/).filter(Boolean);
  const { state, signer } = ctx;

  const management = state.managementClients.get(credentials.clientId);
  if (management) {
    if (management.clientSecret !== credentials.clientSecret) throw invalidClient();
    checkGrantType(grantType, ['client_credentials']);
    const scopes = grant(requested, management.scopes);
    const accessToken = await signer.signAccessToken({
      clientId: credentials.clientId,
      audience: [credentials.clientId],
      scopes,
      lifetimeSeconds: MANAGEMENT_TOKEN_LIFETIME_SECONDS,
    });
    return tokenResponse(ctx, { clientId: credentials.clientId, scopes }, accessToken, MANAGEMENT_TOKEN_LIFETIME_SECONDS);
  }

  const app = state.applicationByClientId(credentials.clientId);
  if (!app || !app.oidc || app.oidc.state === 'REVOKED') throw invalidClient();
  if (credentials.clientSecret === undefined ? !app.oidc.publicClient : !state.acceptsClientSecret(app, credentials.clientSecret))
    throw invalidClient();
  checkGrantType(grantType, app.oidc.grantTypes);
  if (app.oidc.publicClient && credentials.clientSecret === undefined && !PUBLIC_CLIENT_GRANTS.has(grantType!)) {
    throw oauthError(
      400,
      'unauthorized_client',
      `A public client cannot use the '${grantType}' grant: it has no secret to authenticate with.`,
    );
  }
  if (app.extra.applicationEnabled === false) throw oauthError(400, 'unauthorized_client', 'The application is disabled.');

  if (grantType === 'authorization_code') return authorizationCodeGrant(ctx, app, form);
  if (grantType === 'refresh_token') return refreshTokenGrant(ctx, app, form, requested);
  if (grantType === 'password') return passwordGrant(ctx, app, form, requested);

  const scopes = grant(requested, state.authorizedScopes(app));
  const lifetime = app.oidc.accessToken.applicationAccessTokenExpiryInSeconds;
  const accessToken =
    app.oidc.accessToken.type === 'JWT'
      ? await signer.signAccessToken({
          clientId: credentials.clientId,
          audience: [credentials.clientId, ...app.oidc.idToken.audience],
          scopes,
          lifetimeSeconds: lifetime,
          scopeAsArray: scopeAsArray(ctx, app),
        })
      : opaqueToken();
  return tokenResponse(ctx, { clientId: credentials.clientId, scopes }, accessToken, lifetime);
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
  if (!KNOWN_GRANTS.has(grantType)) throw oauthError(400, 'unsupported_grant_type', `Unsupported grant_type value '${grantType}'.`);
  if (!allowed.includes(grantType))
    throw oauthError(400, 'unauthorized_client', `${GRANT_NOT_ALLOWED} ('${grantType}'): add it to the app's OIDC grantTypes.`);
  if (!SERVED_GRANTS.has(grantType))
    throw oauthError(400, 'unsupported_grant_type', `The local Asgardeo does not issue tokens for the '${grantType}' grant.`);
}

/** base64url(SHA-256(verifier)) for S256, the verifier itself for plain. */
function pkceMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  return (method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier) === challenge;
}

async function authorizationCodeGrant(ctx: ServerContext, app: ApplicationRecord, form: Record<string, unknown>): Promise<RouteReply> {
  const codeValue = optionalString(form.code);
  if (!codeValue) throw oauthError(400, 'invalid_request', "Missing parameter 'code'.");
  const code = ctx.state.authorizationCodes.get(codeValue);
  if (!code || code.clientId !== app.oidc!.clientId)
    throw oauthError(400, 'invalid_grant', 'Invalid authorization code received from token request.');
  if (code.used) {
    // A replayed code: the tokens issued from it are revoked (RFC 6749 §4.1.2).
    for (const [token, issued] of ctx.state.tokens) if (issued.code === codeValue) ctx.state.tokens.delete(token);
    for (const [token, refresh] of ctx.state.refreshTokens) if (refresh.code === codeValue) ctx.state.refreshTokens.delete(token);
    throw oauthError(400, 'invalid_grant', 'Inactive authorization code received from token request.');
  }
  if (code.expiresAt <= ctx.state.now()) {
    ctx.state.authorizationCodes.delete(codeValue);
    throw oauthError(400, 'invalid_grant', 'Expired authorization code received from token request.');
  }
  if (optionalString(form.redirect_uri) !== code.redirectUri) throw oauthError(400, 'invalid_grant', 'Callback url mismatch');
  const verifier = optionalString(form.code_verifier);
  if (code.codeChallenge ? !verifier || !pkceMatches(verifier, code.codeChallenge, code.codeChallengeMethod!) : verifier !== undefined) {
    throw oauthError(400, 'invalid_grant', 'PKCE validation failed');
  }
  const user = ctx.state.users.get(code.userId);
  if (!user) throw oauthError(400, 'invalid_grant', 'The user of this authorization code no longer exists.');
  code.used = true;
  return userTokenResponse(ctx, app, user, code.approvedScopes, {
    sessionId: code.sessionId,
    nonce: code.nonce,
    authTime: code.authTime,
    code: codeValue,
  });
}

async function refreshTokenGrant(
  ctx: ServerContext,
  app: ApplicationRecord,
  form: Record<string, unknown>,
  requested: string[],
): Promise<RouteReply> {
  const value = optionalString(form.refresh_token);
  if (!value) throw oauthError(400, 'invalid_request', "Missing parameter 'refresh_token'.");
  const refresh = ctx.state.refreshTokens.get(value);
  if (!refresh || refresh.clientId !== app.oidc!.clientId) throw oauthError(400, 'invalid_grant', 'Persisted access token data not found');
  if (refresh.expiresAt <= ctx.state.now()) {
    ctx.state.refreshTokens.delete(value);
    throw oauthError(400, 'invalid_grant', 'Refresh token is expired.');
  }
  const user = ctx.state.users.get(refresh.userId);
  if (!user) throw oauthError(400, 'invalid_grant', 'The user of this refresh token no longer exists.');
  const extra = requested.filter((s) => !refresh.scopes.includes(s));
  if (extra.length)
    throw oauthError(400, 'invalid_scope', `Scopes not granted with the original token cannot be added on refresh: ${extra.join(' ')}.`);
  // The roles are checked again: a role taken away since sign-in takes its scopes with it.
  const scopes = approvedUserScopes(ctx.state, app, user, requested.length ? requested : refresh.scopes);
  if (app.oidc!.refreshToken.renewRefreshToken !== false) ctx.state.refreshTokens.delete(value);
  return userTokenResponse(ctx, app, user, scopes, {
    sessionId: refresh.sessionId,
    authTime: refresh.authTime,
    code: refresh.code,
    keepRefreshToken: app.oidc!.refreshToken.renewRefreshToken === false ? value : undefined,
  });
}

async function passwordGrant(
  ctx: ServerContext,
  app: ApplicationRecord,
  form: Record<string, unknown>,
  requested: string[],
): Promise<RouteReply> {
  const username = optionalString(form.username);
  const password = optionalString(form.password);
  if (!username || !password) throw oauthError(400, 'invalid_request', "The password grant needs 'username' and 'password'.");
  const user = ctx.state.userByName(username.trim());
  if (!user || user.password === undefined || user.password !== password)
    throw oauthError(400, 'invalid_grant', 'Authentication failed for the given user name and password.');
  const scopes = approvedUserScopes(ctx.state, app, user, requested);
  return userTokenResponse(ctx, app, user, scopes, { authTime: Math.floor(ctx.state.now() / 1000) });
}

/** Access token (JWT with the user's claims, or opaque), refresh token when the app allows it, ID token with `openid`. */
async function userTokenResponse(
  ctx: ServerContext,
  app: ApplicationRecord,
  user: UserRecord,
  scopes: string[],
  o: { sessionId?: string; nonce?: string; authTime: number; code?: string; keepRefreshToken?: string },
): Promise<RouteReply> {
  const oidc = app.oidc!;
  const lifetime =
    typeof oidc.accessToken.userAccessTokenExpiryInSeconds === 'number' ? oidc.accessToken.userAccessTokenExpiryInSeconds : 3600;
  const audience = [oidc.clientId, ...oidc.idToken.audience];
  const accessToken =
    oidc.accessToken.type === 'JWT'
      ? await ctx.signer.signAccessToken({
          clientId: oidc.clientId,
          audience,
          scopes,
          lifetimeSeconds: lifetime,
          subject: user.id,
          authorizedUserType: 'APPLICATION_USER',
          scopeAsArray: scopeAsArray(ctx, app),
          userClaims: accessTokenUserClaims(ctx.state, app, user),
        })
      : opaqueToken();
  const extra: Record<string, unknown> = {};
  if (oidc.grantTypes.includes('refresh_token')) {
    const refreshToken = o.keepRefreshToken ?? randomUUID();
    const expiry = typeof oidc.refreshToken.expiryInSeconds === 'number' ? oidc.refreshToken.expiryInSeconds : 86400;
    if (!o.keepRefreshToken) {
      ctx.state.refreshTokens.set(refreshToken, {
        clientId: oidc.clientId,
        appId: app.id,
        userId: user.id,
        sessionId: o.sessionId,
        scopes,
        expiresAt: ctx.state.now() + expiry * 1000,
        authTime: o.authTime,
        code: o.code,
      });
    }
    extra.refresh_token = refreshToken;
  }
  if (scopes.includes('openid')) {
    const idLifetime = typeof oidc.idToken.expiryInSeconds === 'number' ? oidc.idToken.expiryInSeconds : 3600;
    extra.id_token = await ctx.signer.signIdToken({
      clientId: oidc.clientId,
      audience,
      subject: user.id,
      lifetimeSeconds: idLifetime,
      authTime: o.authTime,
      sessionId: o.sessionId,
      nonce: o.nonce,
      userClaims: idTokenClaims(ctx, app, user, scopes),
    });
  }
  return tokenResponse(
    ctx,
    { clientId: oidc.clientId, scopes, userId: user.id, sessionId: o.sessionId, code: o.code },
    accessToken,
    lifetime,
    extra,
  );
}

/** `/oauth2/userinfo`: the user's claims for the OIDC scopes of a user access token (needs `openid`). */
function userinfo(ctx: ServerContext, req: RouteRequest): RouteReply {
  const issued = bearerGrant(ctx.state, req);
  const challenge = (error: string, description: string, status: number): HttpReplyError =>
    new HttpReplyError(status, { error, error_description: description }, 'application/json', {
      'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
    });
  if (!issued) throw challenge('invalid_token', 'Access token validation failed', 401);
  const app = ctx.state.applicationByClientId(issued.clientId);
  const user = issued.userId ? ctx.state.users.get(issued.userId) : undefined;
  if (!app || !user || !issued.scopes.has('openid'))
    throw challenge('insufficient_scope', 'Access token does not have the openid scope', 403);
  return json(200, { sub: user.id, ...idTokenClaims(ctx, app, user, [...issued.scopes]) });
}

/** `/oauth2/revoke` (RFC 7009): the client's own access or refresh token; unknown tokens are 200 too. */
function revoke(ctx: ServerContext, req: RouteRequest): RouteReply {
  if (mediaType(req.contentType) !== 'application/x-www-form-urlencoded' || !isRecord(req.body)) {
    throw oauthError(400, 'invalid_request', 'The revocation request must be a form (Content-Type: application/x-www-form-urlencoded).');
  }
  const credentials = clientCredentials(req, req.body);
  const app = credentials ? ctx.state.applicationByClientId(credentials.clientId) : undefined;
  if (
    !credentials ||
    !app?.oidc ||
    (credentials.clientSecret === undefined ? !app.oidc.publicClient : !ctx.state.acceptsClientSecret(app, credentials.clientSecret))
  )
    throw invalidClient();
  const token = optionalString(req.body.token);
  if (!token) throw oauthError(400, 'invalid_request', "Missing parameter 'token'.");
  if (ctx.state.tokens.get(token)?.clientId === credentials.clientId) ctx.state.tokens.delete(token);
  if (ctx.state.refreshTokens.get(token)?.clientId === credentials.clientId) ctx.state.refreshTokens.delete(token);
  return { status: 200, headers: { 'cache-control': 'no-store' } };
}

/** Claims of the ID token by the OIDC scopes granted (profile, email, phone). */
function idTokenClaims(ctx: ServerContext, app: ApplicationRecord, user: UserRecord, scopes: readonly string[]): Record<string, string> {
  const byScope: Record<string, readonly string[]> = {
    profile: ['given_name', 'family_name', 'name', 'nickname', 'preferred_username', 'username', 'locale', 'zoneinfo', 'updated_at'],
    email: ['email'],
    phone: ['phone_number'],
  };
  const claims: Record<string, string> = {};
  for (const scope of scopes) {
    for (const claim of byScope[scope] ?? []) {
      const value = userClaimValue(ctx.state, app, user, claim);
      if (value !== undefined) claims[claim] = value;
    }
  }
  return claims;
}

/** requested ∩ held; `SYSTEM` expands to every internal scope held. Unauthorized ones are silently dropped. */
function grant(requested: readonly string[], held: ReadonlySet<string>): string[] {
  const result = new Set<string>();
  for (const scope of requested) {
    if (scope === 'SYSTEM') {
      for (const internal of SYSTEM_SCOPES) if (held.has(internal)) result.add(internal);
    } else if (!DROPPED_SCOPES.has(scope) && held.has(scope)) {
      result.add(scope);
    }
  }
  return [...result];
}

const PRUNE_EVERY = 1000;
let issuedSincePrune = 0;

function tokenResponse(
  ctx: ServerContext,
  issued: Omit<IssuedToken, 'expiresAt' | 'scopes'> & { scopes: string[] },
  accessToken: string,
  lifetime: number,
  extra: Record<string, unknown> = {},
): RouteReply {
  // Long benchmark runs issue many tokens; forget expired ones now and then so memory stays flat.
  issuedSincePrune += 1;
  if (issuedSincePrune >= PRUNE_EVERY) {
    issuedSincePrune = 0;
    const now = Date.now();
    for (const [token, issued] of ctx.state.tokens) if (issued.expiresAt <= now) ctx.state.tokens.delete(token);
  }
  ctx.state.tokens.set(accessToken, { ...issued, scopes: new Set(issued.scopes), expiresAt: Date.now() + lifetime * 1000 });
  return json(
    200,
    { access_token: accessToken, ...extra, token_type: 'Bearer', expires_in: lifetime, scope: issued.scopes.join(' ') },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}
