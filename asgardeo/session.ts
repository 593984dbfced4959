import type { ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { AsgardeoApi } from './api';
import type { AdminCredentials } from './credentials';
import { AsgardeoHttp, type HttpOptions } from './http';
import { DEFAULT_ADMIN_ACCESS, type AdminAccess, type RolesApi, type RolesApiSetting } from './roles-api';
import { chooseRolesApi, rolesApiFor } from './roles-client';
import { managementToken } from './token';

/**
 * Transport knobs a caller may tune: tests inject fast backoff and fault hooks; the CLI reads
 * TOLLGATE_ASGARDEO_RATE_PER_MINUTE and TOLLGATE_ASGARDEO_TIMEOUT_MS.
 */
export type TransportOptions = Omit<HttpOptions, 'baseUrl' | 'organization' | 'signal'>;

/** One run's connection to Asgardeo: transport, typed API, and the management token it holds. */
export class Session {
  readonly http: AsgardeoHttp;
  readonly api: AsgardeoApi;
  private token = '';
  private granted = new Set<string>();
  /** What the run may use: set by `chooseRolesApi` before anything is read. */
  access: AdminAccess = DEFAULT_ADMIN_ACCESS;

  constructor(
    readonly config: ResolvedConfig,
    private readonly credentials: AdminCredentials,
    transport: TransportOptions = {},
    signal?: AbortSignal,
  ) {
    this.http = new AsgardeoHttp({ ...transport, baseUrl: config.asgardeo.baseUrl, organization: config.asgardeo.organization, signal });
    this.api = new AsgardeoApi(
      this.http,
      () => this.token,
      () => this.renew(),
    );
  }

  private renewing: Promise<void> | undefined;

  /** One renewal shared by every request that met the same 401. */
  private renew(): Promise<void> {
    this.renewing ??= managementToken(this.http, this.credentials, [...this.granted])
      .then((t) => {
        this.token = t;
      })
      .finally(() => {
        setImmediate(() => (this.renewing = undefined));
      });
    return this.renewing;
  }

  /** Settles which SCIM2 Roles API this run speaks (a probe of the granted scopes under `auto`). */
  async chooseRolesApi(setting: RolesApiSetting): Promise<void> {
    this.access = { rolesApi: await chooseRolesApi(this.http, this.credentials, setting) };
  }

  /** The roles client of the chosen API. */
  get roles(): RolesApi {
    return rolesApiFor(this.api, this.access.rolesApi);
  }

  /** Gets a token holding exactly `scopes` (plus what the current one holds) unless the current one already has them. */
  async authorize(scopes: readonly string[]): Promise<void> {
    if (scopes.every((s) => this.granted.has(s))) return;
    const wanted = [...new Set([...this.granted, ...scopes])];
    this.token = await managementToken(this.http, this.credentials, wanted);
    this.granted = new Set(wanted);
  }
}

/** Environment knobs for the transport (documented in README "Rate limits"); a value set but not a whole number is refused. */
export function transportFromEnv(env: NodeJS.ProcessEnv): TransportOptions {
  const num = (name: string, min: number) => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min) {
      throw new UserError(`${name} is "${v}", not a whole number of at least ${min}`, {
        hint: `set ${name} to a whole number (at least ${min}), or unset it for the default`,
      });
    }
    return Number(v);
  };
  const rate = num('TOLLGATE_ASGARDEO_RATE_PER_MINUTE', 2);
  const timeoutMs = num('TOLLGATE_ASGARDEO_TIMEOUT_MS', 1);
  const budgetSeconds = num('TOLLGATE_ASGARDEO_RETRY_BUDGET_SECONDS', 0);
  return {
    ...(budgetSeconds !== undefined ? { retryBudgetMs: budgetSeconds * 1000 } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(rate ? { pacing: { capacity: Math.max(1, Math.floor(rate / 4)), refillPerMinute: rate - Math.max(1, Math.floor(rate / 4)) } } : {}),
  };
}
