import type * as Jose from 'jose';
import type { ResolvedConfig } from '../config';
import type { AdminCredentials } from './credentials';
import { AsgardeoError, ReconcileError } from './errors';
import { Session, type TransportOptions } from './session';
import { clientCredentialsToken, type TokenResponse } from './token';

// jose (some 80 modules) loads when a token is first checked: the deploy pipeline and its tests load
// this module on every run, most of them without reading a token.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = (): typeof Jose => require('jose') as typeof Jose;

/**
 * An access token for one configured client, for trying the API by hand: reads the client's id and
 * secret through the admin API (they never leave this function) and asks the token endpoint.
 */
export async function requestClientToken(o: {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  client: string;
  scopes?: string[];
  transport?: TransportOptions;
  signal?: AbortSignal;
}): Promise<TokenResponse> {
  const client = o.config.clients.find((c) => c.name === o.client);
  if (!client) {
    const known = o.config.clients.map((c) => c.name);
    throw new ReconcileError(
      `unknown client "${o.client}" in ${o.config.file} (environment ${o.config.environment})`,
      known.length ? `use one of: ${known.join(', ')}` : 'declare clients in tollgate.config.ts (clients: [...])',
    );
  }
  const requested = o.scopes ?? client.scopes;
  const apiScopes = o.config.scopes.map((s) => s.name);
  const notOfApi = requested.filter((s) => !apiScopes.includes(s));
  if (notOfApi.length) {
    throw new ReconcileError(
      `scope ${notOfApi.join(', ')} is not a scope of the API ${o.config.apiResource.name}; its scopes: ${apiScopes.join(', ')}`,
      "ask for one of the API's scopes (--scope), or declare the scope in tollgate.config.ts (scopes: [...]) and run apply",
    );
  }
  const notAuthorized = requested.filter((s) => !client.scopes.includes(s));
  if (notAuthorized.length) {
    throw new ReconcileError(
      `client "${client.name}" is not authorized for ${notAuthorized.join(', ')} (its scopes: ${client.scopes.join(', ') || 'none'}); ` +
        'Asgardeo would issue a token without it',
      `use a client that holds it, or add it to the client's scopes in tollgate.config.ts and run \`npx tollgate apply\``,
    );
  }
  const session = new Session(o.config, o.credentials, o.transport, o.signal);
  // Asgardeo hides client secrets from tokens without the secret-view scope: ask for it here, where a secret is read.
  await session.authorize(['internal_application_mgt_view', 'internal_application_mgt_client_secret_view']);
  const [app] = await session.api.findApplications([client.name]);
  if (!app)
    throw new ReconcileError(
      `client "${client.name}" does not exist in Asgardeo organization ${o.config.asgardeo.organization}`,
      `run \`npx tollgate apply --env ${o.config.environment}\` first`,
    );
  const oidc = await session.api.getOidc(app.id);
  if (!oidc.clientId || !oidc.clientSecret)
    throw new AsgardeoError({
      message: `application ${client.name} has no OAuth client id/secret`,
      status: 200,
      hint: `run \`npx tollgate apply --env ${o.config.environment}\``,
    });
  const token = await clientCredentialsToken(
    session.http,
    { clientId: oidc.clientId, clientSecret: oidc.clientSecret },
    requested,
    client.name,
  );
  refuseArrayScope(token.accessToken, client.name, o.config.asgardeo.organization);
  // Asgardeo drops what it does not grant without an error: a token missing a requested scope is a failure here.
  const granted = token.scope.split(/\s+/);
  const missing = requested.filter((s) => !granted.includes(s));
  if (missing.length) {
    throw new ReconcileError(
      `Asgardeo did not grant ${missing.join(', ')} to client "${client.name}" (granted: ${token.scope || 'none'}): ` +
        'the application is not authorized for it in Asgardeo',
      `run \`npx tollgate plan --env ${o.config.environment}\` to see the drift and \`npx tollgate apply\` to authorize it`,
    );
  }
  return token;
}

/**
 * Asgardeo's `enableJwtScopeAsArray` (per application, or for the whole organization) turns the JWT's
 * `scope` claim into a JSON array. AWS's JWT authorizer is documented for a space-separated string only;
 * the local gateway reads an array as no scopes, so every scoped route would answer 403. tollgate keeps the
 * option off on its own clients (apply reverts it); a token that still carries an array comes from the
 * organization-level setting, which tollgate does not manage.
 */
export function refuseArrayScope(accessToken: string, client: string, organization: string): void {
  let scope: unknown;
  try {
    scope = jose().decodeJwt(accessToken).scope;
  } catch {
    return; // Not a JWT: the plan shows the access token type drift; the authorizer would answer 401.
  }
  if (!Array.isArray(scope)) return;
  throw new ReconcileError(
    `the access token of client "${client}" carries "scope" as a JSON array (${JSON.stringify(scope)}), not a space-separated ` +
      `string: Asgardeo's enableJwtScopeAsArray is on. API Gateway's JWT authorizer would not find the route's scopes in it, ` +
      'so every route that needs a scope would answer 403 (the local gateway does exactly that)',
    `switch off accessToken.enableJwtScopeAsArray for organization "${organization}" (the organization-wide setting; ` +
      'tollgate does not manage it) and run `npx tollgate apply`, which keeps it off on each client application, then ask ' +
      'for the token again',
  );
}
