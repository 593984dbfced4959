/**
 * `…/applications/{id}/inbound-protocols/oidc/secrets[/{secretId}]`: an OIDC app's multiple client
 * secrets, with the server's rules (asgardeo-secrets-and-roles.md, Part A): at most
 * `maxClientSecrets` (the current one counts), 409 OAUTH-60011 when full, the latest cannot be
 * deleted (409 OAUTH-60006), the legacy secret listed under a fixed id until the first POST
 * migrates it to a random one, each secret with an optional expiry.
 */
import { createHash, randomUUID } from 'node:crypto';
import { requireScope } from '../auth';
import { empty, json, type ServerContext } from '../context';
import { managementError } from '../errors';
import { isRecord, type RouteReply, type RouteRequest } from '../http-util';
import { newSecret, type ApplicationRecord, type ClientSecretRecord, type OidcConfig } from '../state';

export const SECRET_VIEW_SCOPE = 'internal_application_mgt_client_secret_view';
export const SECRET_CREATE_SCOPE = 'internal_application_mgt_client_secret_create';
export const SECRET_DELETE_SCOPE = 'internal_application_mgt_client_secret_delete';

/**
 * What GET shows as `secretValue`: the server returns the value "as maintained in the configured
 * persistence mode", i.e. a hash where hashing is on. We always hash (the stricter choice): only
 * the POST answer discloses a plaintext secret, so no caller can come to depend on reading one back.
 */
function storedForm(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function view(secret: ClientSecretRecord, latest: boolean, nowSeconds: number, plaintext: boolean): Record<string, unknown> {
  const expired = secret.expiresAt !== 0 && secret.expiresAt <= nowSeconds;
  return {
    secretId: secret.id,
    secretValue: plaintext ? secret.value : storedForm(secret.value),
    expiresAt: secret.expiresAt,
    createdAt: secret.createdAt,
    status: expired ? 'EXPIRED' : 'ACTIVE',
    latest,
  };
}

/** Serves the secrets endpoints; `parts` are the path segments after `…/applications/{id}/inbound-protocols/oidc/secrets`. */
export function clientSecretRoute(
  ctx: ServerContext,
  req: RouteRequest,
  app: ApplicationRecord,
  oidc: OidcConfig,
  secretId: string | undefined,
): RouteReply | undefined {
  const nowSeconds = Math.floor(ctx.state.now() / 1000);
  if (secretId === undefined) {
    if (req.method === 'GET') {
      requireScope(ctx.state, req, SECRET_VIEW_SCOPE, 'management');
      const list = ctx.state.secretsOf(app);
      return json(200, { count: list.length, list: list.map((s, i) => view(s, i === 0, nowSeconds, false)) });
    }
    if (req.method === 'POST') return create(ctx, req, app, oidc, nowSeconds);
    return undefined;
  }
  if (req.method === 'GET') {
    requireScope(ctx.state, req, SECRET_VIEW_SCOPE, 'management');
    const list = ctx.state.secretsOf(app);
    const index = list.findIndex((s) => s.id === secretId);
    if (index < 0) throw unknownSecret(secretId);
    return json(200, view(list[index]!, index === 0, nowSeconds, false));
  }
  if (req.method === 'DELETE') {
    requireScope(ctx.state, req, SECRET_DELETE_SCOPE, 'management');
    const list = ctx.state.secretsOf(app);
    const index = list.findIndex((s) => s.id === secretId);
    if (index < 0) throw unknownSecret(secretId);
    if (index === 0)
      throw managementError(
        409,
        'OAUTH-60006',
        'Client secret cannot be deleted.',
        `The client secret '${secretId}' cannot be deleted as it is the latest secret.`,
      );
    // Deleting an older secret revokes no tokens (docs-is #6320): tokens it issued stay valid until they expire.
    ctx.state.clientSecrets.set(
      app.id,
      list.filter((s) => s.id !== secretId),
    );
    return empty(204);
  }
  return undefined;
}

function create(ctx: ServerContext, req: RouteRequest, app: ApplicationRecord, oidc: OidcConfig, nowSeconds: number): RouteReply {
  requireScope(ctx.state, req, SECRET_CREATE_SCOPE, 'management');
  const body = req.body === undefined ? {} : req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object: {"expiresAt": <epoch seconds>} or {}.');
  const raw = body.expiresAt ?? 0;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0)
    throw invalid(`The client secret expiry time '${String(raw)}' is invalid: give epoch seconds in the future, or 0 for never.`);
  if (raw !== 0 && raw <= nowSeconds) throw invalid(`The client secret expiry time '${raw}' is in the past.`);
  const current = ctx.state.secretsOf(app);
  if (current.length >= ctx.state.maxClientSecrets)
    throw managementError(
      409,
      'OAUTH-60011',
      'Maximum number of client secrets reached.',
      `Maximum number of client secrets reached. Clients cannot have more than ${ctx.state.maxClientSecrets} secrets.`,
    );
  // The first POST migrates the legacy secret: it gets a new random id (ids read before are stale).
  const existing = ctx.state.clientSecrets.has(app.id) ? current : current.map((s) => ({ ...s, id: randomUUID() }));
  const secret: ClientSecretRecord = { id: randomUUID(), value: newSecret(), expiresAt: raw, createdAt: nowSeconds };
  ctx.state.clientSecrets.set(app.id, [secret, ...existing]);
  // The newest secret becomes the app's current one (GET …/oidc shows it); existing secrets and tokens stay valid.
  oidc.clientSecret = secret.value;
  oidc.clientSecretExpiresAt = secret.expiresAt;
  return json(201, view(secret, true, nowSeconds, true));
}

/** regenerate-secret: every secret goes, one new one replaces them (tokens are revoked by the caller). */
export function replaceAllSecrets(ctx: ServerContext, app: ApplicationRecord, oidc: OidcConfig): void {
  ctx.state.clientSecrets.delete(app.id);
  oidc.clientSecret = newSecret();
  oidc.clientSecretExpiresAt = 0;
}

const invalid = (description: string) => managementError(400, 'OAUTH-60001', 'Invalid request.', description);
const unknownSecret = (secretId: string) =>
  managementError(404, 'OAUTH-60010', 'Client secret not found.', `The client secret '${secretId}' does not exist for this application.`);
