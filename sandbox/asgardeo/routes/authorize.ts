import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { json, type RouteHandler, type ServerContext } from '../context';
import { HttpReplyError, managementError, oauthError } from '../errors';
import { isRecord, type RouteReply, type RouteRequest } from '../http-util';
import { errorPage, LOGIN_FAILED_MESSAGE, loginPage, logoutPage } from '../login-page';
import type { ApplicationRecord, AuthorizationRequest, LoginFlow, UserRecord } from '../state';
import { approvedUserScopes } from '../user-grants';

/**
 * Signing a user in (asgardeo-user-flows.md): `GET|POST /oauth2/authorize` with the login page,
 * the app-native `response_mode=direct` flow with `POST /oauth2/authn`, and `/oidc/logout`.
 */

/** How long a sign-in may take, an authorization code lives (WSO2's default 300 s), and a session. */
const FLOW_LIFETIME_MS = 15 * 60 * 1000;
const CODE_LIFETIME_MS = 300 * 1000;
/** The authenticator of the app-native flow: base64 of `BasicAuthenticator:LOCAL`. */
export const BASIC_AUTHENTICATOR_ID = 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM';
const SESSION_COOKIE = 'commonAuthId';

/** WSO2's wording of the PKCE failures at /authorize and /token. */
export const PKCE_MANDATORY =
  'PKCE is mandatory for this application. PKCE Challenge is not provided or is not upto RFC 7636 specification.';
export const PKCE_PLAIN_REFUSED = 'This application does not support "plain" transformation algorithm.';
export const PKCE_UNSUPPORTED_METHOD = 'Unsupported PKCE Challenge Method';
export const PKCE_BAD_CHALLENGE = 'Code challenge used is not up to RFC 7636 specifications.';
export const CALLBACK_MISMATCH = 'Registered callback does not match with the provided url.';
export const GRANT_NOT_ALLOWED = 'The authenticated client is not authorized to use this authorization grant type';

/** An /authorize failure: shown on an error page (or as JSON) unless the redirect URI is trusted. */
class AuthorizeError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    /** Set once the client and redirect URI are valid: the error goes back to the app. */
    readonly redirect?: { uri: string; state?: string },
  ) {
    super(description);
  }
}

export function authorizeRoutes(ctx: ServerContext): RouteHandler {
  return async (req) => {
    const { method, path } = req;
    if (path === '/oauth2/authorize') {
      if (method === 'GET') return browserAuthorize(ctx, req, Object.fromEntries(req.query));
      if (method === 'POST') {
        const form = isRecord(req.body) ? (req.body as Record<string, unknown>) : {};
        if (typeof form.sessionDataKey === 'string') return loginSubmit(ctx, req, form);
        const params = { ...Object.fromEntries(req.query), ...stringValues(form) };
        if (params.response_mode === 'direct') return appNativeAuthorize(ctx, req, params);
        return browserAuthorize(ctx, req, params);
      }
      throw oauthError(405, 'invalid_request', `${method} is not supported on /oauth2/authorize.`);
    }
    if (path === '/oauth2/authn' && method === 'POST') return authn(ctx, req);
    if (path === '/oidc/logout' && (method === 'GET' || method === 'POST')) {
      return logout(ctx, req, { ...Object.fromEntries(req.query), ...(isRecord(req.body) ? stringValues(req.body) : {}) });
    }
    return undefined;
  };
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** `callbackURLs` entries are exact URLs, or `regexp=<pattern>` matched against the whole URI. */
export function callbackMatches(callbackURLs: readonly string[], uri: string): boolean {
  return callbackURLs.some((entry) => {
    if (!entry.startsWith('regexp=')) return entry === uri;
    try {
      return new RegExp(`^(?:${entry.slice('regexp='.length)})$`).test(uri);
    } catch {
      return false;
    }
  });
}

/** Checks client, redirect URI, response type, grant and PKCE, in the order the server does. */
function validateAuthorizationRequest(
  ctx: ServerContext,
  params: Record<string, string>,
): { app: ApplicationRecord; request: AuthorizationRequest } {
  const clientId = params.client_id;
  if (!clientId) throw new AuthorizeError('invalid_request', "Missing parameter 'client_id'.");
  const app = ctx.state.applicationByClientId(clientId);
  if (!app?.oidc || app.oidc.state === 'REVOKED')
    throw new AuthorizeError('invalid_client', `A valid OAuth client could not be found for client_id: ${clientId}`);
  const oidc = app.oidc;
  let redirectUri = params.redirect_uri;
  if (!redirectUri) {
    // Without redirect_uri the one registered callback is used, when there is exactly one plain URL.
    if (oidc.callbackURLs.length !== 1 || oidc.callbackURLs[0]!.startsWith('regexp='))
      throw new AuthorizeError('invalid_request', `${CALLBACK_MISMATCH} Send redirect_uri.`);
    redirectUri = oidc.callbackURLs[0]!;
  } else if (!callbackMatches(oidc.callbackURLs, redirectUri)) {
    throw new AuthorizeError('invalid_request', CALLBACK_MISMATCH);
  }
  const back = { uri: redirectUri, state: params.state };
  if (params.response_type !== 'code') {
    throw new AuthorizeError(
      'unsupported_response_type',
      `Unsupported response_type '${params.response_type ?? ''}': this server serves the authorization code flow (response_type=code).`,
      back,
    );
  }
  if (!oidc.grantTypes.includes('authorization_code')) throw new AuthorizeError('unauthorized_client', GRANT_NOT_ALLOWED, back);
  if (app.extra.applicationEnabled === false) throw new AuthorizeError('unauthorized_client', 'The application is disabled.', back);

  const challenge = params.code_challenge;
  let method: 'S256' | 'plain' | undefined;
  if (challenge) {
    const rawMethod = params.code_challenge_method ?? 'plain';
    if (rawMethod !== 'S256' && rawMethod !== 'plain') throw new AuthorizeError('invalid_request', PKCE_UNSUPPORTED_METHOD, back);
    if (rawMethod === 'plain' && !oidc.pkce.supportPlainTransformAlgorithm)
      throw new AuthorizeError('invalid_request', PKCE_PLAIN_REFUSED, back);
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) throw new AuthorizeError('invalid_request', PKCE_BAD_CHALLENGE, back);
    method = rawMethod;
  } else if (oidc.pkce.mandatory) {
    throw new AuthorizeError('invalid_request', PKCE_MANDATORY, back);
  }
  const request: AuthorizationRequest = {
    appId: app.id,
    clientId,
    redirectUri,
    requestedScopes: (params.scope ?? '').split(/\s+/).filter(Boolean),
    ...(params.state !== undefined ? { state: params.state } : {}),
    ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
    ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: method } : {}),
  };
  return { app, request };
}

function redirectTo(uri: string, params: Record<string, string | undefined>, headers: Record<string, string> = {}): RouteReply {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store', ...headers } };
}

const html = (status: number, body: string, headers: Record<string, string> = {}): RouteReply => ({
  status,
  body,
  contentType: 'text/html; charset=utf-8',
  headers: { 'cache-control': 'no-store', ...headers },
});

function browserError(err: unknown): RouteReply {
  if (!(err instanceof AuthorizeError)) throw err;
  if (err.redirect)
    return redirectTo(err.redirect.uri, { error: err.error, error_description: err.description, state: err.redirect.state });
  return html(400, errorPage({ error: err.error, description: err.description }));
}

function newFlow(ctx: ServerContext, request: AuthorizationRequest, kind: LoginFlow['kind']): LoginFlow {
  const flow: LoginFlow = { ...request, id: randomUUID(), kind, expiresAt: ctx.state.now() + FLOW_LIFETIME_MS };
  for (const [id, old] of ctx.state.loginFlows) if (old.expiresAt <= ctx.state.now()) ctx.state.loginFlows.delete(id);
  ctx.state.loginFlows.set(flow.id, flow);
  return flow;
}

/** `GET /oauth2/authorize`: the login page (or the error, on a page or back at the app). */
function browserAuthorize(ctx: ServerContext, _req: RouteRequest, params: Record<string, string>): RouteReply {
  let validated: ReturnType<typeof validateAuthorizationRequest>;
  try {
    validated = validateAuthorizationRequest(ctx, params);
  } catch (err) {
    return browserError(err);
  }
  if ((params.prompt ?? '').split(' ').includes('none')) {
    // There is no single sign-on here, so a sign-in without the login page can never succeed.
    return redirectTo(validated.request.redirectUri, {
      error: 'login_required',
      error_description: 'Authentication required',
      state: params.state,
    });
  }
  const flow = newFlow(ctx, validated.request, 'browser');
  return html(200, loginPage({ organization: ctx.organization, applicationName: validated.app.name, sessionDataKey: flow.id }));
}

/** Username and password against the organization's users; undefined when they do not match. */
function authenticate(ctx: ServerContext, username: unknown, password: unknown): UserRecord | undefined {
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) return undefined;
  const user = ctx.state.userByName(username.trim());
  return user?.password !== undefined && user.password === password ? user : undefined;
}

/** Signs the user in: a login session, and an authorization code carrying the approved scopes. */
function completeSignIn(
  ctx: ServerContext,
  flow: LoginFlow,
  user: UserRecord,
  existingSession?: string,
): { code: string; sessionId: string; sessionState: string } {
  const app = ctx.state.applications.get(flow.appId);
  if (!app?.oidc) throw new AuthorizeError('invalid_client', `A valid OAuth client could not be found for client_id: ${flow.clientId}`);
  ctx.state.loginFlows.delete(flow.id);
  const now = ctx.state.now();
  const session =
    existingSession && ctx.state.sessions.get(existingSession)?.userId === user.id
      ? ctx.state.sessions.get(existingSession)!
      : { id: randomUUID(), userId: user.id, createdAt: now };
  ctx.state.sessions.set(session.id, session);
  const code = randomUUID();
  ctx.state.authorizationCodes.set(code, {
    ...stripFlow(flow),
    userId: user.id,
    sessionId: session.id,
    approvedScopes: approvedUserScopes(ctx.state, app, user, flow.requestedScopes),
    authTime: Math.floor(now / 1000),
    expiresAt: now + CODE_LIFETIME_MS,
    used: false,
  });
  return { code, sessionId: session.id, sessionState: sessionState(flow.clientId, flow.redirectUri, session.id) };
}

function stripFlow(flow: LoginFlow): AuthorizationRequest {
  const { id: _id, kind: _kind, expiresAt: _expiresAt, ...request } = flow;
  return request;
}

/** OIDC Session Management: sha256(client_id origin browser-state salt).salt. */
function sessionState(clientId: string, redirectUri: string, sessionId: string): string {
  const salt = randomBytes(8).toString('hex');
  const origin = new URL(redirectUri).origin;
  return `${createHash('sha256').update(`${clientId} ${origin} ${sessionId} ${salt}`).digest('hex')}.${salt}`;
}

function cookie(req: RouteRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The login form posted back: 302 to the app with the code, or the page again with `#login-error`. */
function loginSubmit(ctx: ServerContext, req: RouteRequest, form: Record<string, unknown>): RouteReply {
  const flow = ctx.state.loginFlows.get(String(form.sessionDataKey));
  if (!flow || flow.kind !== 'browser' || flow.expiresAt <= ctx.state.now()) {
    if (flow) ctx.state.loginFlows.delete(flow.id);
    return html(
      400,
      errorPage({
        error: 'invalid_request',
        description: 'The sign-in session is unknown or has expired: start again from the application.',
      }),
    );
  }
  const app = ctx.state.applications.get(flow.appId);
  const user = authenticate(ctx, form.username, form.password);
  if (!user || !app) {
    return html(
      200,
      loginPage({
        organization: ctx.organization,
        applicationName: app?.name ?? flow.clientId,
        sessionDataKey: flow.id,
        error: LOGIN_FAILED_MESSAGE,
      }),
    );
  }
  let signedIn: ReturnType<typeof completeSignIn>;
  try {
    signedIn = completeSignIn(ctx, flow, user, cookie(req, SESSION_COOKIE));
  } catch (err) {
    return browserError(err);
  }
  return redirectTo(
    flow.redirectUri,
    { code: signedIn.code, state: flow.state, session_state: signedIn.sessionState },
    { 'set-cookie': `${SESSION_COOKIE}=${signedIn.sessionId}; Path=/t/${ctx.organization}; HttpOnly; SameSite=Lax` },
  );
}

// ---- app-native (API-based) authentication ----

function basicClient(req: RouteRequest): { clientId: string; clientSecret: string } | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !/^Basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

function authenticatorStep(messages?: unknown[]): Record<string, unknown> {
  return {
    stepType: 'AUTHENTICATOR_PROMPT',
    authenticators: [
      {
        authenticatorId: BASIC_AUTHENTICATOR_ID,
        authenticator: 'Username & Password',
        idp: 'LOCAL',
        metadata: {
          i18nKey: 'authenticator.basic',
          promptType: 'USER_PROMPT',
          params: [
            { param: 'username', type: 'STRING', order: 0, i18nKey: 'username.param', displayName: 'Username', confidential: false },
            { param: 'password', type: 'STRING', order: 1, i18nKey: 'password.param', displayName: 'Password', confidential: true },
          ],
        },
        requiredParams: ['username', 'password'],
      },
    ],
    ...(messages ? { messages } : {}),
  };
}

function authnLinks(ctx: ServerContext): unknown[] {
  return [{ name: 'authentication', href: `${ctx.baseUrl}/t/${ctx.organization}/oauth2/authn`, method: 'POST' }];
}

/** `POST /oauth2/authorize` with `response_mode=direct`: starts an app-native sign-in (JSON). */
function appNativeAuthorize(ctx: ServerContext, req: RouteRequest, params: Record<string, string>): RouteReply {
  let validated: ReturnType<typeof validateAuthorizationRequest>;
  try {
    validated = validateAuthorizationRequest(ctx, params);
  } catch (err) {
    if (err instanceof AuthorizeError) throw oauthError(400, err.error, err.description);
    throw err;
  }
  const { app } = validated;
  const oidc = app.oidc!;
  if (!oidc.publicClient) {
    // A confidential client authenticates at /authorize too.
    const credentials = basicClient(req);
    if (!credentials || credentials.clientId !== oidc.clientId || !ctx.state.acceptsClientSecret(app, credentials.clientSecret)) {
      throw oauthError(
        401,
        'invalid_client',
        'Client authentication failed: a confidential client sends its client id and secret with HTTP Basic on app-native sign-in.',
      );
    }
  }
  const advanced = isRecord(app.extra.advancedConfigurations) ? app.extra.advancedConfigurations : {};
  if (advanced.enableAPIBasedAuthentication !== true) {
    throw oauthError(
      400,
      'invalid_request',
      `App-native authentication is not enabled for application '${app.name}': ` +
        'set advancedConfigurations.enableAPIBasedAuthentication to true.',
    );
  }
  const flow = newFlow(ctx, validated.request, 'app-native');
  return json(
    200,
    { flowId: flow.id, flowStatus: 'INCOMPLETE', flowType: 'AUTHENTICATION', nextStep: authenticatorStep(), links: authnLinks(ctx) },
    { 'cache-control': 'no-store' },
  );
}

const authnError = (status: number, code: string, message: string, description: string): HttpReplyError =>
  managementError(status, code, message, description);

/** `POST /oauth2/authn`: the username and password of an app-native flow. */
function authn(ctx: ServerContext, req: RouteRequest): RouteReply {
  const body = req.body;
  if (!isRecord(body) || typeof body.flowId !== 'string')
    throw authnError(
      400,
      'ABA-60001',
      'Invalid request.',
      'The body must be JSON {"flowId", "selectedAuthenticator": {"authenticatorId", "params": {"username", "password"}}}.',
    );
  const flow = ctx.state.loginFlows.get(body.flowId);
  if (!flow || flow.kind !== 'app-native' || flow.expiresAt <= ctx.state.now()) {
    if (flow) ctx.state.loginFlows.delete(flow.id);
    throw authnError(
      400,
      'ABA-60002',
      'Invalid flow id.',
      `Flow '${body.flowId}' is unknown or has expired: start again with POST /oauth2/authorize (response_mode=direct).`,
    );
  }
  const selected = isRecord(body.selectedAuthenticator) ? body.selectedAuthenticator : {};
  if (selected.authenticatorId !== BASIC_AUTHENTICATOR_ID) {
    throw authnError(
      400,
      'ABA-60003',
      'Invalid authenticator.',
      `Authenticator '${String(selected.authenticatorId)}' is not offered in this step; ` +
        `use ${BASIC_AUTHENTICATOR_ID} (Username & Password).`,
    );
  }
  const params = isRecord(selected.params) ? selected.params : {};
  const user = authenticate(ctx, params.username, params.password);
  if (!user) {
    const messages = [
      { type: 'ERROR', messageId: 'msg_invalid_un_pw', message: 'Invalid username or password.', i18nKey: 'message.msg_invalid_un_pw' },
    ];
    return json(
      200,
      {
        flowId: flow.id,
        flowStatus: 'FAIL_INCOMPLETE',
        flowType: 'AUTHENTICATION',
        nextStep: authenticatorStep(messages),
        links: authnLinks(ctx),
      },
      { 'cache-control': 'no-store' },
    );
  }
  let signedIn: ReturnType<typeof completeSignIn>;
  try {
    signedIn = completeSignIn(ctx, flow, user);
  } catch (err) {
    if (err instanceof AuthorizeError) throw oauthError(400, err.error, err.description);
    throw err;
  }
  return json(
    200,
    {
      flowStatus: 'SUCCESS_COMPLETED',
      authData: { code: signedIn.code, ...(flow.state !== undefined ? { state: flow.state } : {}), session_state: signedIn.sessionState },
    },
    { 'cache-control': 'no-store' },
  );
}

// ---- logout ----

/** `/oidc/logout`: ends the login session; back to `post_logout_redirect_uri` when it is a registered callback. */
async function logout(ctx: ServerContext, req: RouteRequest, params: Record<string, string>): Promise<RouteReply> {
  let clientId = params.client_id;
  let sessionId = cookie(req, SESSION_COOKIE);
  if (params.id_token_hint) {
    const hint = await ctx.signer.verifyOwnToken(params.id_token_hint);
    if (!hint)
      return html(
        400,
        errorPage({ error: 'access_denied', description: 'The id_token_hint is not a valid ID token of this organization.' }),
      );
    clientId = typeof hint.azp === 'string' ? hint.azp : clientId;
    if (typeof hint.sid === 'string') sessionId = hint.sid;
  }
  const app = clientId ? ctx.state.applicationByClientId(clientId) : undefined;
  const target = params.post_logout_redirect_uri;
  if (target) {
    if (!app?.oidc)
      return html(
        400,
        errorPage({
          error: 'access_denied',
          description: 'post_logout_redirect_uri needs id_token_hint or client_id to identify the application.',
        }),
      );
    if (!callbackMatches(app.oidc.callbackURLs, target))
      return html(400, errorPage({ error: 'access_denied', description: 'Post logout URI does not match with registered callback URI.' }));
  }
  if (sessionId) {
    // Tokens go with the session only for apps that ask for it (revokeTokensWhenIDPSessionTerminated).
    ctx.state.endSession(
      sessionId,
      (owner) => ctx.state.applicationByClientId(owner)?.oidc?.accessToken.revokeTokensWhenIDPSessionTerminated === true,
    );
  }
  const clear = { 'set-cookie': `${SESSION_COOKIE}=; Path=/t/${ctx.organization}; HttpOnly; SameSite=Lax; Max-Age=0` };
  if (target) return redirectTo(target, { state: params.state }, clear);
  return html(200, logoutPage(), clear);
}
