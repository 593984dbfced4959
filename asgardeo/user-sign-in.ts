import { createHash, randomBytes } from 'node:crypto';
import type { ResolvedApplication, ResolvedConfig, ResolvedUser } from '../config';
import type { AdminCredentials } from './credentials';
import { AsgardeoError, ReconcileError } from './errors';
import type { AsgardeoHttp } from './http';
import { Session, type TransportOptions } from './session';
import type { TokenResponse } from './token';

/**
 * Signs a configured user in without a browser: Asgardeo's app-native flow (asgardeo-user-flows.md):
 * POST /oauth2/authorize with response_mode=direct → POST /oauth2/authn with the user name and
 * password → the code redeemed at /oauth2/token with the PKCE verifier. The password is only ever
 * sent to /oauth2/authn; it is never part of an error message.
 */

/** The OAuth client a user signs in through. */
export interface SignInClient {
  /** The application's name in the configuration (for messages). */
  name: string;
  clientId: string;
  /** Only for a confidential (web) app, which authenticates at /authorize and /token. */
  clientSecret?: string;
  redirectUri: string;
}

export interface UserSignInRequest {
  userName: string;
  password: string;
  scopes: readonly string[];
}

export interface UserToken extends TokenResponse {
  /** The application signed in through. */
  application: string;
}

/** Asgardeo's `Username & Password` authenticator (base64 of `BasicAuthenticator:LOCAL`). */
const BASIC_AUTHENTICATOR = 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM';

export class SignInError extends AsgardeoError {}

/** The application `tollgate token --user` and the smoke test sign in through: named, else the first app-native one. */
export function signInApplicationFor(config: ResolvedConfig, name?: string): ResolvedApplication {
  const apps = config.applications;
  if (name !== undefined) {
    const app = apps.find((a) => a.name === name);
    if (!app) {
      throw new ReconcileError(
        `unknown application "${name}" (environment ${config.environment})`,
        apps.length
          ? `use one of: ${apps.map((a) => a.name).join(', ')}`
          : 'declare a user-facing application in tollgate.config.ts (applications: [...])',
      );
    }
    if (!app.appNativeAuthentication) throw appNativeOff(app.name);
    return app;
  }
  const app = apps.find((a) => a.appNativeAuthentication);
  if (!app) {
    throw new ReconcileError(
      `no application in environment ${config.environment} allows app-native sign-in, so a user cannot sign in without a browser`,
      'set `appNativeAuthentication: true` on an application in tollgate.config.ts (applications: [...]) and run `npx tollgate apply`',
    );
  }
  return app;
}

function appNativeOff(name: string): ReconcileError {
  return new ReconcileError(
    `application "${name}" does not allow app-native sign-in (advancedConfigurations.enableAPIBasedAuthentication is off)`,
    `set \`appNativeAuthentication: true\` on "${name}" in tollgate.config.ts and run \`npx tollgate apply\``,
  );
}

/** The configured user, or a message naming the configured ones. */
export function configuredUser(config: ResolvedConfig, userName: string): ResolvedUser {
  const user = config.users.find((u) => u.userName === userName);
  if (!user) {
    const known = config.users.map((u) => u.userName);
    throw new ReconcileError(
      `unknown user "${userName}" (environment ${config.environment})`,
      known.length ? `use one of: ${known.join(', ')}` : 'declare users in tollgate.config.ts (users: [...])',
    );
  }
  return user;
}

/** Reads the application's client id (and, for a web app, its secret) through the management API. */
export async function signInClientFor(session: Session, app: ResolvedApplication): Promise<SignInClient> {
  await session.authorize(['internal_application_mgt_view', ...(app.publicClient ? [] : ['internal_application_mgt_client_secret_view'])]);
  const [found] = await session.api.findApplications([app.name]);
  const env = session.config.environment;
  if (!found)
    throw new ReconcileError(
      `application "${app.name}" does not exist in Asgardeo organization ${session.config.asgardeo.organization}`,
      `run \`npx tollgate apply --env ${env}\` first`,
    );
  const oidc = await session.api.getOidc(found.id);
  if (!oidc.clientId || (!app.publicClient && !oidc.clientSecret)) {
    throw new AsgardeoError({
      message: `application ${app.name} has no OAuth client id${app.publicClient ? '' : '/secret'}`,
      status: 200,
      hint: `run \`npx tollgate apply --env ${env}\``,
    });
  }
  const redirectUri = app.callbackUrls[0];
  if (!redirectUri)
    throw new ReconcileError(`application "${app.name}" has no callback URL`, 'add "callbackUrls" to it in tollgate.config.ts');
  return { name: app.name, clientId: oidc.clientId, clientSecret: app.publicClient ? undefined : oidc.clientSecret, redirectUri };
}

/** PKCE S256: a verifier and its challenge. */
export function pkcePair(random: (n: number) => Buffer = randomBytes): { verifier: string; challenge: string } {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const basic = (c: SignInClient): Record<string, string> =>
  c.clientSecret
    ? {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`,
      }
    : {};

/** Steps 1–2 of the app-native flow: an authorization code for the user. */
export async function appNativeCode(http: AsgardeoHttp, client: SignInClient, req: UserSignInRequest, challenge: string): Promise<string> {
  const state = randomBytes(8).toString('hex');
  const started = await http.send({
    method: 'POST',
    path: '/oauth2/authorize',
    form: {
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: ['openid', ...req.scopes].join(' '),
      state,
      response_mode: 'direct',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    },
    headers: { accept: 'application/json', ...basic(client) },
    accept: [400, 401],
  });
  const flow = (started.body ?? {}) as {
    flowId?: string;
    error?: string;
    error_description?: string;
    links?: { name?: string; href?: string }[];
  };
  if (started.status >= 400 || typeof flow.flowId !== 'string') throw explainOAuthError(client, flow, started.status, 'authorize');
  const authn = await http.send({
    method: 'POST',
    path: '/oauth2/authn',
    body: {
      flowId: flow.flowId,
      selectedAuthenticator: { authenticatorId: BASIC_AUTHENTICATOR, params: { username: req.userName, password: req.password } },
    },
    headers: { accept: 'application/json' },
    accept: [400, 401],
  });
  const done = (authn.body ?? {}) as {
    flowStatus?: string;
    authData?: { code?: string; state?: string };
    nextStep?: { messages?: { messageId?: string; message?: string }[] };
    code?: string;
    message?: string;
    description?: string;
  };
  if (done.flowStatus === 'SUCCESS_COMPLETED' && typeof done.authData?.code === 'string') {
    if (done.authData.state !== undefined && done.authData.state !== state) {
      throw new SignInError({
        message: 'sign-in answered with another state than it was sent',
        status: authn.status,
        hint: 'try again; if it repeats, check ASGARDEO_BASE_URL',
      });
    }
    return done.authData.code;
  }
  const messages = done.nextStep?.messages ?? [];
  if (messages.some((m) => m.messageId === 'msg_invalid_un_pw')) {
    throw new SignInError({
      message: `Asgardeo refused the sign-in of ${req.userName}: Invalid username or password (msg_invalid_un_pw)`,
      status: authn.status,
      code: 'msg_invalid_un_pw',
      hint:
        "check the password in the variable named by the user's `password: { fromEnv }` (or type it again); a user created " +
        'earlier keeps the first password it was given: reset it in the console if it is lost',
    });
  }
  const detail =
    messages.map((m) => m.message ?? m.messageId).join('; ') || [done.code, done.message, done.description].filter(Boolean).join(' ');
  throw new SignInError({
    message: `app-native sign-in of ${req.userName} did not complete (${done.flowStatus ?? authn.status}): ${detail}`,
    status: authn.status,
    code: done.code,
    hint: 'run the sign-in again',
  });
}

/** Step 3: the code redeemed at /oauth2/token with the PKCE verifier. */
export async function redeemCode(
  http: AsgardeoHttp,
  client: SignInClient,
  code: string,
  verifier: string,
  redirectUri = client.redirectUri,
): Promise<TokenResponse> {
  const res = await http.send({
    method: 'POST',
    path: '/oauth2/token',
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      ...(client.clientSecret ? {} : { client_id: client.clientId }),
    },
    headers: basic(client),
    accept: [400, 401],
  });
  const body = (res.body ?? {}) as {
    access_token?: unknown;
    scope?: unknown;
    expires_in?: unknown;
    error?: string;
    error_description?: string;
  };
  if (res.status >= 400 || typeof body.access_token !== 'string') throw explainOAuthError(client, body, res.status, 'token');
  return {
    accessToken: body.access_token,
    scope: typeof body.scope === 'string' ? body.scope : '',
    expiresIn: Number(body.expires_in ?? 0),
  };
}

/**
 * The real server's OAuth error, quoted, with what to change in tollgate.config.ts. The descriptions
 * matched are WSO2's (asgardeo-user-flows.md); anything else is quoted as it is.
 */
export function explainOAuthError(
  client: Pick<SignInClient, 'name' | 'redirectUri'>,
  body: { error?: string; error_description?: string },
  status: number,
  step: 'authorize' | 'token',
): SignInError {
  const error = body.error ?? `HTTP ${status}`;
  const description = body.error_description ?? '';
  const quoted =
    `Asgardeo refused the ${step === 'authorize' ? 'sign-in' : 'token request'} ` +
    `through "${client.name}": ${error}${description ? ` (${description})` : ''}`;
  const app = `"${client.name}" in tollgate.config.ts (applications: [...])`;
  let hint = 'run `npx tollgate plan` to see whether Asgardeo differs from the configuration, then `npx tollgate apply`';
  if (/app-native|enableAPIBasedAuthentication/i.test(description))
    hint = `set \`appNativeAuthentication: true\` on ${app} and run \`npx tollgate apply\``;
  else if (error === 'unauthorized_client')
    hint =
      `the application does not allow this grant: check "grantTypes" of ${app} (a web app ` +
      `needs \`passwordGrant: true\` for the password grant), then run \`npx tollgate apply\``;
  else if (/pkce/i.test(description))
    hint =
      'the code_verifier must be the one whose S256 hash was sent as ' +
      'code_challenge to /authorize (plain is refused): start the sign-in again';
  else if (/callback|redirect/i.test(description))
    hint = `redirect URI ${client.redirectUri} is not registered: add it to "callbackUrls" of ${app} and run \`npx tollgate apply\``;
  else if (error === 'invalid_client')
    hint = `run \`npx tollgate apply\` so application "${client.name}" exists with its current client id`;
  return new SignInError({ message: quoted, status, code: error, hint });
}

/** Signs `userName` in through the configured application and returns the user's access token. */
export async function requestUserToken(o: {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  userName: string;
  password: string;
  application?: string;
  scopes?: readonly string[];
  transport?: TransportOptions;
  signal?: AbortSignal;
}): Promise<UserToken> {
  configuredUser(o.config, o.userName);
  const app = signInApplicationFor(o.config, o.application);
  const session = new Session(o.config, o.credentials, o.transport, o.signal);
  const client = await signInClientFor(session, app);
  const { verifier, challenge } = pkcePair();
  const code = await appNativeCode(
    session.http,
    client,
    { userName: o.userName, password: o.password, scopes: o.scopes ?? app.scopes },
    challenge,
  );
  return { ...(await redeemCode(session.http, client, code, verifier)), application: app.name };
}

/** Where a configured user's password comes from: its variable, if the run's environment has it. */
export function passwordFromEnv(user: ResolvedUser, env: NodeJS.ProcessEnv): { variable: string | undefined; value: string | undefined } {
  if (user.password.kind === 'invite') return { variable: undefined, value: undefined };
  return { variable: user.password.variable, value: env[user.password.variable] || undefined };
}
