import { randomBytes } from 'node:crypto';
import { Faults, type FailStatus } from './faults';
import { RequestLog, type RequestLogEntry } from './request-log';
import { AsgardeoHttpServer } from './server';
import { adminScopes, AsgardeoState, checkRolesApiScopes, newClientId, newSecret } from './state';
import { TokenSigner } from './tokens';

export type { RequestLogEntry } from './request-log';
export { ALL_INTERNAL_SCOPES, adminScopes } from './state';

export interface LocalAsgardeoOptions {
  organization: string;
  /** Default: random; holds every internal management scope. */
  adminClientId?: string;
  /** Default: random. */
  adminClientSecret?: string;
  /**
   * Which SCIM2 Roles API the admin application is authorized for (it cannot be both): `v2`
   * (default) or `v3`. The admin holds every other internal management scope either way.
   */
  adminRolesApi?: 'v2' | 'v3';
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default null = off; 200 mimics the real service (per client IP, per API family). */
  rateLimitPerMinute?: number | null;
  /** The organization option `enableJwtScopeAsArray`: every JWT's `scope` claim is an array. Default false. */
  enableJwtScopeAsArray?: boolean;
  /**
   * How a duplicate application name is answered: `current` 409 `OAUTH-60008` (default), or `older`
   * 500 `APP-65001` as older servers did (the reference: treat both as "exists").
   */
  duplicateApplicationAnswer?: 'current' | 'older';
  /**
   * The clock (ms since the epoch) of sign-in flows, authorization codes and refresh tokens; tests
   * inject one to expire them. Default Date.now.
   */
  clock?: () => number;
  /** false: an older server without the multiple-client-secrets endpoints (`…/oidc/secrets` answers 405). Default true. */
  multipleClientSecrets?: boolean;
}

export interface LocalAsgardeo {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  readonly organization: string;
  /** `${baseUrl}/t/${org}/oauth2/token` */
  readonly issuer: string;
  readonly admin: { readonly clientId: string; readonly clientSecret: string };
  /** The Roles API the admin application is authorized for. */
  readonly adminRolesApi: 'v2' | 'v3';
  /**
   * Registers another management client holding only `scopes` (to test missing-scope handling);
   * refuses one authorized for both Roles APIs, as the console does.
   */
  addManagementClient(client: { clientId: string; clientSecret: string; scopes: readonly string[] }): void;
  readonly faults: {
    setLatency(ms: number): void;
    failNext(count: number, status: 429 | 500 | 502 | 503, opts?: { retryAfterSeconds?: number }): void;
    dropNext(count: number): void;
    setRateLimit(perMinute: number | null): void;
    reset(): void;
  };
  readonly requests: { entries(): readonly RequestLogEntry[]; clear(): void; writes(): number; count(): number };
  stop(): Promise<void>;
}

const ORG_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** Starts a local, stateful stand-in of one Asgardeo organization (see asgardeo-contract.md). */
export async function startLocalAsgardeo(options: LocalAsgardeoOptions): Promise<LocalAsgardeo> {
  const organization = options.organization;
  if (!ORG_NAME.test(organization ?? '')) {
    throw new Error(
      `Invalid organization name '${organization}': use letters, digits, '-' or '_' (the {org} of https://api.asgardeo.io/t/{org}).`,
    );
  }
  const adminRolesApi = options.adminRolesApi ?? 'v2';
  if (adminRolesApi !== 'v2' && adminRolesApi !== 'v3')
    throw new Error(`Invalid adminRolesApi '${String(adminRolesApi)}': use 'v2' or 'v3'.`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port ${port}: use 0 (a free port) or 1-65535.`);
  const admin = { clientId: options.adminClientId || newClientId(), clientSecret: options.adminClientSecret || newSecret() };
  const faults = new Faults(options.rateLimitPerMinute ?? null);
  const log = new RequestLog();
  const http = new AsgardeoHttpServer(organization, faults, log);
  const baseUrl = await http.listen(options.host ?? '127.0.0.1', port);
  const issuer = `${baseUrl}/t/${organization}/oauth2/token`;
  const state = new AsgardeoState(organization);
  state.settings.enableJwtScopeAsArray = options.enableJwtScopeAsArray === true;
  state.settings.duplicateApplicationAnswer = options.duplicateApplicationAnswer ?? 'current';
  if (options.clock) state.now = options.clock;
  if (options.multipleClientSecrets === false) state.maxClientSecrets = 0;
  state.managementClients.set(admin.clientId, { clientSecret: admin.clientSecret, scopes: new Set(adminScopes(adminRolesApi)) });
  let signer: TokenSigner;
  try {
    signer = await TokenSigner.create(issuer);
  } catch (err) {
    await http.close();
    throw err;
  }
  http.attach({ state, signer, baseUrl, organization, issuer });

  let stopped: Promise<void> | undefined;
  return {
    baseUrl,
    organization,
    issuer,
    admin,
    adminRolesApi,
    addManagementClient(client) {
      if (!client.clientId || !client.clientSecret) throw new Error('addManagementClient needs a non-empty clientId and clientSecret.');
      if (state.applicationByClientId(client.clientId))
        throw new Error(`Client id '${client.clientId}' is already used by an application.`);
      checkRolesApiScopes(client.scopes);
      state.managementClients.set(client.clientId, { clientSecret: client.clientSecret, scopes: new Set(client.scopes) });
      state.revokeTokensOf(client.clientId);
    },
    faults: {
      setLatency: (ms) => faults.setLatency(ms),
      failNext: (count, status: FailStatus, opts) => faults.failNext(count, status, opts),
      dropNext: (count) => faults.dropNext(count),
      setRateLimit: (perMinute) => faults.setRateLimit(perMinute),
      reset: () => faults.reset(),
    },
    requests: {
      entries: () => log.entries(),
      clear: () => log.clear(),
      writes: () => log.writes(),
      count: () => log.count(),
    },
    stop() {
      stopped ??= http.close();
      return stopped;
    },
  };
}

/** A random client id/secret pair, for callers that need fresh admin credentials. */
export function randomClientCredentials(): { clientId: string; clientSecret: string } {
  return { clientId: newClientId(), clientSecret: randomBytes(24).toString('base64url') };
}
