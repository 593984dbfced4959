import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../config';
import { startLocalAsgardeo, type LocalAsgardeo, type RequestLogEntry } from '../../sandbox/asgardeo';
import type { ReconcileOptions, StackOutputs } from '..';

export const REPO = path.resolve(__dirname, '..', '..');
export const IDENTIFIER = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev';

/** Every request any test sent to a local Asgardeo, for the contract test at the end of a suite. */
export const sentRequests: RequestLogEntry[] = [];

export function exampleConfig(baseUrl: string, env = 'dev'): ResolvedConfig {
  return loadConfig({ file: path.join(REPO, 'tollgate.config.ts'), env, asgardeoBaseUrl: baseUrl, target: 'local', environment: {} });
}

export function exampleOutputs(config: ResolvedConfig, identifier = IDENTIFIER): StackOutputs {
  return {
    stackName: config.stackName,
    apiId: 'abc123',
    apiEndpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    stageInvokeUrl: identifier,
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

export async function startHarness(): Promise<Harness> {
  const la = await startLocalAsgardeo({ organization: 'pharmacy' });
  const config = exampleConfig(la.baseUrl);
  let token: string | undefined;
  const h: Harness = {
    la,
    config,
    options: (extra = {}) => ({ config, outputs: exampleOutputs(config), credentials: la.admin, transport: fastTransport(), env: {}, ...extra }),
    async admin() {
      if (token) return token;
      const res = await fetch(`${la.baseUrl}/t/pharmacy/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${la.admin.clientId}:${la.admin.clientSecret}`).toString('base64')}` },
        body: 'grant_type=client_credentials&scope=SYSTEM',
      });
      token = ((await res.json()) as { access_token: string }).access_token;
      return token;
    },
    async call(method, p, body, contentType = 'application/json') {
      const res = await fetch(`${la.baseUrl}/t/pharmacy${p}`, {
        method,
        headers: { authorization: `Bearer ${await h.admin()}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      sentRequests.push(...la.requests.entries());
      await la.stop();
    },
  };
  return h;
}

/** Counts of what exists, by the names the example uses: exactly one of each after any run. */
export async function inventory(h: Harness): Promise<{ apis: number; apps: Record<string, number>; roles: number }> {
  const apis = (await h.call('GET', `/api/server/v1/api-resources?filter=${encodeURIComponent(`identifier eq ${IDENTIFIER}`)}`)).body.APIResources?.length ?? 0;
  const list = (await h.call('GET', '/api/server/v1/applications?limit=100')).body.applications as { name: string }[];
  const apps: Record<string, number> = {};
  for (const a of list) apps[a.name] = (apps[a.name] ?? 0) + 1;
  const roles = (await h.call('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`)).body.Resources?.length ?? 0;
  return { apis, apps, roles };
}
