/**
 * A client application's secrets: reading the current one (for delivery), and the multiple-secrets
 * endpoints (`…/inbound-protocols/oidc/secrets`) that rotation uses, with `regenerate-secret` as the
 * one-secret fallback (asgardeo-secrets-and-roles.md, Part A). No function here logs or returns a
 * secret except to its caller.
 */
import type { ResolvedConfig } from '../config';
import type { AdminCredentials } from './credentials';
import { AsgardeoError, ReconcileError } from './errors';
import { AsgardeoHttp } from './http';
import { Session, type TransportOptions } from './session';
import { clientCredentialsToken, type TokenResponse } from './token';

const SERVER = '/api/server/v1';
export const SECRET_VIEW_SCOPE = 'internal_application_mgt_client_secret_view';
export const SECRET_CREATE_SCOPE = 'internal_application_mgt_client_secret_create';
export const SECRET_DELETE_SCOPE = 'internal_application_mgt_client_secret_delete';

export interface ClientSecretInfo {
  readonly secretId: string;
  /** Epoch seconds; 0 = never. */
  readonly expiresAt: number;
  readonly status: string;
  readonly latest: boolean;
}

/** A configured client as it exists in Asgardeo. */
export interface ClientApp {
  readonly name: string;
  readonly appId: string;
  readonly clientId: string;
}

const secretsPath = (appId: string) => `${SERVER}/applications/${encodeURIComponent(appId)}/inbound-protocols/oidc/secrets`;

/** Finds a configured client's application and OAuth client id (view scope only: no secret is read). */
export async function findClientApp(session: Session, config: ResolvedConfig, clientName: string): Promise<ClientApp> {
  if (!config.clients.some((c) => c.name === clientName)) {
    const known = config.clients.map((c) => c.name);
    throw new ReconcileError(
      `unknown client "${clientName}" in ${config.file} (environment ${config.environment})`,
      known.length ? `use one of: ${known.join(', ')}` : 'declare clients in tollgate.config.ts (clients: [...])',
    );
  }
  const [app] = await session.api.findApplications([clientName]);
  if (!app)
    throw new ReconcileError(
      `client "${clientName}" does not exist in Asgardeo organization ${config.asgardeo.organization}`,
      `run \`npx tollgate deploy --env ${config.environment}\` (or apply) first`,
    );
  const oidc = await session.api.getOidc(app.id);
  if (!oidc.clientId)
    throw new ReconcileError(`application ${clientName} has no OAuth client id`, `run \`npx tollgate apply --env ${config.environment}\``);
  return { name: clientName, appId: app.id, clientId: oidc.clientId };
}

/** The client's current (latest) secret; the session must hold the secret-view scope. */
export async function readCurrentSecret(session: Session, app: ClientApp): Promise<string> {
  const oidc = await session.api.getOidc(app.appId);
  if (!oidc.clientSecret)
    throw new AsgardeoError({
      message: `Asgardeo did not return the client secret of "${app.name}"`,
      status: 200,
      hint: `the admin application needs the ${SECRET_VIEW_SCOPE} scope (Application Management API) to read client secrets`,
    });
  return oidc.clientSecret;
}

/**
 * The app's secrets, or undefined when this server has no multiple-secrets endpoints (an older
 * server answers 404/405 for the path while the application exists): probed, not assumed.
 */
export async function listClientSecrets(session: Session, app: ClientApp): Promise<ClientSecretInfo[] | undefined> {
  const res = await session.api.send({ method: 'GET', path: secretsPath(app.appId), scope: SECRET_VIEW_SCOPE, accept: [404, 405, 501] });
  if (res.status !== 200) return undefined;
  const body = res.body as { list?: unknown };
  if (!Array.isArray(body?.list)) return undefined;
  return (body.list as Record<string, unknown>[]).map((s) => ({
    secretId: String(s.secretId),
    expiresAt: typeof s.expiresAt === 'number' ? s.expiresAt : 0,
    status: String(s.status),
    latest: s.latest === true,
  }));
}

/** POST …/secrets: a new secret, which becomes the latest; the others stay valid. */
export async function createClientSecret(
  session: Session,
  app: ClientApp,
  expiresAt?: number,
): Promise<{ secretId: string; secretValue: string; expiresAt: number }> {
  const res = await session.api.send({
    method: 'POST',
    path: secretsPath(app.appId),
    body: expiresAt ? { expiresAt } : {},
    scope: SECRET_CREATE_SCOPE,
    accept: [409],
  });
  const body = (res.body ?? {}) as Record<string, unknown>;
  if (res.status === 409) {
    throw new AsgardeoError({
      message: `client "${app.name}" already holds the most secrets Asgardeo allows (${String(body.description ?? body.message ?? '')})`,
      status: 409,
      code: typeof body.code === 'string' ? body.code : undefined,
      hint: `finish the previous rotation first: \`npx tollgate rotate-secret --client ${app.name} --retire-previous\``,
    });
  }
  if (typeof body.secretId !== 'string' || typeof body.secretValue !== 'string')
    throw new AsgardeoError({
      message: 'POST …/oidc/secrets answered without secretId/secretValue',
      status: res.status,
      hint: 'report this',
    });
  return { secretId: body.secretId, secretValue: body.secretValue, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : 0 };
}

export async function deleteClientSecret(session: Session, app: ClientApp, secretId: string): Promise<void> {
  await session.api.send({
    method: 'DELETE',
    path: `${secretsPath(app.appId)}/${encodeURIComponent(secretId)}`,
    scope: SECRET_DELETE_SCOPE,
  });
}

/** POST …/regenerate-secret: every secret (and token) of the app is replaced by one new secret. */
export async function regenerateClientSecret(session: Session, app: ClientApp): Promise<string> {
  const res = await session.api.send({
    method: 'POST',
    path: `${SERVER}/applications/${encodeURIComponent(app.appId)}/inbound-protocols/oidc/regenerate-secret`,
    // A bodiless request is refused with 415 (identity-apps #10587): the Console sends {}.
    body: {},
    scope: SECRET_CREATE_SCOPE,
  });
  const secret = (res.body as { clientSecret?: unknown } | undefined)?.clientSecret;
  if (typeof secret === 'string' && secret) return secret;
  // Without the view scope the answer leaves the secret out: read it.
  return readCurrentSecret(session, app);
}

export interface CredentialsTokenRequest {
  config: ResolvedConfig;
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: readonly string[];
  transport?: TransportOptions;
  signal?: AbortSignal;
}

/** A client_credentials token for credentials given by the caller (e.g. read from where they were delivered). */
export function tokenFromCredentials(o: CredentialsTokenRequest): Promise<TokenResponse> {
  const { baseUrl, organization } = o.config.asgardeo;
  const http = new AsgardeoHttp({ ...o.transport, baseUrl, organization, signal: o.signal });
  return clientCredentialsToken(http, { clientId: o.clientId, clientSecret: o.clientSecret }, o.scopes, o.clientName);
}

/** Whether the token endpoint issues a client_credentials token to these credentials (a read: nothing changes). */
export async function credentialsAuthenticate(o: CredentialsTokenRequest): Promise<boolean> {
  try {
    await tokenFromCredentials(o);
    return true;
  } catch (err) {
    if (err instanceof AsgardeoError && (err.status === 401 || err.status === 400)) return false;
    throw err;
  }
}

/** A session for the secret calls, asking for exactly the scopes given. */
export async function secretSession(o: {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  scopes: readonly string[];
  transport?: TransportOptions;
  signal?: AbortSignal;
}): Promise<Session> {
  const session = new Session(o.config, o.credentials, o.transport, o.signal);
  await session.authorize(['internal_application_mgt_view', ...o.scopes]);
  return session;
}
