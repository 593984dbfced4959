import * as path from 'node:path';
import { loadConfig, type ResolvedApplication, type ResolvedConfig } from '../../config';
import { startLocalAsgardeo, type LocalAsgardeo, type LocalAsgardeoOptions, type RequestLogEntry } from '../../sandbox/asgardeo';
import type { ReconcileOptions, StackOutputs } from '..';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';
import { errorText } from '../../errors';

export const REPO = path.resolve(__dirname, '..', '..');
/** The example configuration's default API identifier (config/load.ts defaultApiIdentifier). */
export const IDENTIFIER = 'urn:tollgate:pharmacy:pharmacy-user-api:dev';
/** What the API identifier used to default to (the stage invoke URL): an owned API resource under it is replaced with --prune. */
export const OLD_URL_IDENTIFIER = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev';

type RequestValidator = {
  missing: readonly string[];
  covers(path: string): boolean;
  validateRequest(r: { method: string; path: string; query?: string; contentType?: string; body?: unknown }): {
    operation: string | null;
    violations: string[];
  };
};

let validator: RequestValidator | null | undefined;
/** WSO2's OpenAPI documents through the sandbox's validator; null where ../shared/asgardeo-api/ is absent. */
export function requestValidator(): RequestValidator | null {
  if (validator === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    validator = (require('../../sandbox/asgardeo/openapi') as { loadAsgardeoSpecs(): RequestValidator | null }).loadAsgardeoSpecs();
    if (!validator) console.warn("SKIPPED request contract checks: WSO2's OpenAPI documents (../shared/asgardeo-api/) are not present.");
    else if (validator.missing.length)
      console.warn(
        `SKIPPED request contract checks of the paths only ${validator.missing.join(', ')} covers: not in ../shared/asgardeo-api/.`,
      );
  }
  return validator;
}

/**
 * Violations of WSO2's OpenAPI documents among the management requests in `entries` (OAuth calls have
 * no document there). Every harness runs this at stop, so each reconciler test checks what it sent.
 */
export function contractViolations(entries: readonly RequestLogEntry[]): string[] {
  const specs = requestValidator();
  if (!specs) return [];
  return entries
    .filter((e) => !e.path.includes('/oauth2/'))
    .flatMap((e) => {
      const r = specs.validateRequest({ method: e.method, path: e.path, query: e.query, contentType: e.contentType, body: e.requestBody });
      if (r.operation) return r.violations.map((v) => `${e.method} ${e.path}?${e.query}: ${v}`);
      // A path only an absent optional document covers (Roles v3 without roles-v3.yaml) goes unchecked: said once at load.
      return specs.covers(e.path) ? [`${e.method} ${e.path}: no operation in the specs`] : [];
    });
}

/**
 * The example as these tests count on it: its API, machine clients and the pharmacist role. The
 * example's people (its users and their PharmacyUser role) are left out: users outlive destroy and
 * would change every count here; users-roles.test.ts reconciles users and roles with its own. Its
 * user-facing application is left out too; sign-in-apps.test.ts adds it back (`withSignInApps`).
 */
export function exampleConfig(baseUrl: string, env = 'dev'): ResolvedConfig {
  const config = loadConfig({
    file: PHARMACY_CONFIG,
    env,
    asgardeoBaseUrl: baseUrl,
    target: 'local',
    environment: {},
  });
  return { ...config, users: [], applications: [], roles: config.roles.filter((r) => r.name !== 'PharmacyUser') };
}

/** `config` with the example's user-facing applications (the demo SPA). */
export function withSignInApps(config: ResolvedConfig): ResolvedConfig {
  const full = loadConfig({
    file: PHARMACY_CONFIG,
    env: config.environment,
    asgardeoBaseUrl: config.asgardeo.baseUrl,
    target: 'local',
    environment: {},
  });
  return { ...config, applications: full.applications };
}

/** A confidential web app `pharmacy-portal` built from a resolved spa: no PKCE requirement, its own callback, no origins. */
export function webAppFrom(spa: ResolvedApplication, grantTypes: ResolvedApplication['grantTypes']): ResolvedApplication {
  return {
    ...spa,
    kind: 'web',
    name: 'pharmacy-portal',
    publicClient: false,
    pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
    grantTypes,
    callbackUrls: ['https://portal.example.com/callback'],
    allowedOrigins: [],
  };
}

export function exampleOutputs(config: ResolvedConfig, identifier = IDENTIFIER): StackOutputs {
  return {
    stackName: config.stackName,
    apiId: 'abc123',
    apiEndpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    stageInvokeUrl: OLD_URL_IDENTIFIER,
    apiIdentifier: identifier,
    issuer: config.asgardeo.issuer,
    region: 'us-east-1',
    functionName: 'pharmacy-user-api-dev-handler',
    environment: config.environment,
  };
}

/** Retries in milliseconds and an instant sleep that records what it was asked to wait. */
export function fastTransport(sleeps: number[] = []): NonNullable<ReconcileOptions['transport']> {
  return {
    backoff: { baseMs: 2, capMs: 10 },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      await new Promise((r) => setImmediate(r));
    },
    timeoutMs: 5000,
  };
}

export interface Harness {
  la: LocalAsgardeo;
  config: ResolvedConfig;
  options(extra?: Partial<ReconcileOptions>): ReconcileOptions;
  /** An admin management token, for console-style edits. */
  admin(): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- console-style calls read arbitrary bodies
  call(method: string, p: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startHarness(server: Partial<LocalAsgardeoOptions> = {}): Promise<Harness> {
  const la = await startLocalAsgardeo({ organization: 'pharmacy', ...server });
  const config = exampleConfig(la.baseUrl);
  let token: string | undefined;
  // Console-style edits made by the test itself, kept out of the contract check of the reconciler's requests.
  const consoleCalls: string[] = [];
  const h: Harness = {
    la,
    config,
    options: (extra = {}) => ({
      config,
      outputs: exampleOutputs(config),
      credentials: la.admin,
      transport: fastTransport(),
      env: {},
      ...extra,
    }),
    async admin() {
      if (token) return token;
      const res = await fetch(`${la.baseUrl}/t/pharmacy/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${la.admin.clientId}:${la.admin.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=SYSTEM',
      });
      token = ((await res.json()) as { access_token: string }).access_token;
      return token;
    },
    async call(method, p, body, contentType = 'application/json') {
      consoleCalls.push(`${method} /t/pharmacy${p.split('?')[0]}`);
      const res = await fetch(`${la.baseUrl}/t/pharmacy${p}`, {
        method,
        headers: { authorization: `Bearer ${await h.admin()}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      const unmatched = [...consoleCalls];
      const sent = la.requests.entries().filter((e) => {
        const i = unmatched.indexOf(`${e.method} ${e.path}`);
        if (i === -1) return true;
        unmatched.splice(i, 1);
        return false;
      });
      await la.stop();
      const violations = contractViolations(sent);
      if (violations.length > 0)
        throw new Error(`requests the reconciler sent do not match WSO2's OpenAPI documents:\n  ${violations.join('\n  ')}`);
    },
  };
  return h;
}

/** Counts of what exists, by the names the example uses: exactly one of each after any run. */
export async function inventory(h: Harness): Promise<{ apis: number; apps: Record<string, number>; roles: number }> {
  const apis =
    (await h.call('GET', `/api/server/v1/api-resources?filter=${encodeURIComponent(`identifier eq ${IDENTIFIER}`)}`)).body.APIResources
      ?.length ?? 0;
  const list = (await h.call('GET', '/api/server/v1/applications?limit=100')).body.applications as { name: string }[];
  const apps: Record<string, number> = {};
  for (const a of list) apps[a.name] = (apps[a.name] ?? 0) + 1;
  const roles =
    (await h.call('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`)).body.Resources?.length ?? 0;
  return { apis, apps, roles };
}

/** What `fn` throws, as the CLI shows it (message, then what to do); fails when it throws nothing. */
export function thrownText(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return errorText(err);
  }
  throw new Error('expected a throw');
}

/** What `promise` rejects with, as the CLI shows it; fails when it resolves. */
export async function rejectedText(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => errorText(err),
  );
}
