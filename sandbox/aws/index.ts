/**
 * A local, stateful stand-in for the AWS control plane this project deploys to: IAM, STS,
 * CloudWatch Logs, Lambda, API Gateway v2 and Secrets Manager, as the real `hashicorp/aws` provider calls them.
 */
import { randomUUID } from 'node:crypto';
import { AwsFaults, type FaultKind, type FaultMatch } from './faults';
import type { ServiceName } from './protocol';
import { AwsRequestLog, type AwsRequestLogEntry } from './request-log';
import { DEBUG_PREFIX, LocalAwsHttpServer, type DebugHandler } from './server';
import { apigatewayv2Service } from './services/apigatewayv2';
import { iamService } from './services/iam';
import { lambdaService } from './services/lambda';
import { logsService } from './services/logs';
import { secretsManagerService } from './services/secretsmanager';
import { stsService } from './services/sts';
import { snapshotOf, type DeployedSnapshot } from './snapshot';
import { LocalAwsState } from './state';
import { providerEndpoints } from './services/names';

export type {
  DeployedSnapshot,
  DeployedApi,
  DeployedRoute,
  DeployedFunction,
  DeployedStage,
  DeployedAuthorizer,
  DeployedIntegration,
  DeployedPermission,
} from './snapshot';
export type { AwsRequestLogEntry } from './request-log';
export type { FaultKind, FaultMatch } from './faults';
export { LOCAL_ACCOUNT_ID } from './state';

export interface LocalAwsOptions {
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default the wall clock; tests inject one */
  readonly now?: () => Date;
  /**
   * The `apiEndpoint` answered for an API. @default AWS's `https://{apiId}.execute-api.{region}.amazonaws.com`;
   * the local gateway may pass its own URL so outputs (stage invoke URL, audience) point at it.
   */
  readonly apiEndpoint?: (apiId: string, region: string) => string;
  /** Called for each request for an operation that is not served. @default a warning on stderr naming it */
  readonly onUnserved?: (service: ServiceName, operation: string) => void;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`: the one URL for every service. */
  readonly endpoint: string;
  /**
   * A random id of this run of the control plane (also in `GET /_local/health`). The state is in
   * memory, so a Terraform state recorded against another instance describes resources that are gone.
   */
  readonly instance: string;
  /** The aws provider's `endpoints` block for this control plane. */
  readonly providerEndpoints: Readonly<Record<string, string>>;
  /** What is deployed now, references resolved: the read API for the local gateway. */
  snapshot(): DeployedSnapshot;
  /** Grows with every successful call that may change the state: a cheap "did anything change" for readers of snapshot(). */
  revision(): number;
  /** The zip Terraform uploaded for a function (`$LATEST`), or undefined. */
  functionCode(functionName: string): Buffer | undefined;
  /** True when no role, log group, function or API exists. */
  isEmpty(): boolean;
  /** Resource counts by kind. */
  counts(): Record<string, number>;
  readonly faults: {
    setLatency(ms: number): void;
    failNext(kind: FaultKind, count?: number, match?: FaultMatch): void;
    pending(): number;
    reset(): void;
  };
  readonly requests: {
    entries(): readonly AwsRequestLogEntry[];
    /** `service:Operation` names asked for and not served. */
    unserved(): string[];
    /** `service:Operation` names answered with success. */
    served(): string[];
    clear(): void;
  };
  /**
   * Sets (or, with undefined, clears) the one hook awaited after each served operation, before its
   * answer is sent: the moment AWS has done the work and the client does not know it yet.
   */
  onServed(hook: ((service: ServiceName, operation: string) => Promise<void> | void) | undefined): void;
  stop(): Promise<void>;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port ${port}: use 0 (a free port) or 1-65535.`);
  const state = new LocalAwsState({ now: options.now, apiEndpoint: options.apiEndpoint });
  const faults = new AwsFaults();
  const log = new AwsRequestLog();
  const instance = randomUUID();
  let endpoint = '';
  let servedHook: ((service: ServiceName, operation: string) => Promise<void> | void) | undefined;
  const codePath = (name: string) => `${DEBUG_PREFIX}functions/${encodeURIComponent(name)}/code.zip`;

  const debug: DebugHandler = (method, path) => {
    if (method !== 'GET') return undefined;
    const rest = path.slice(DEBUG_PREFIX.length);
    if (rest === 'state') return { status: 200, contentType: 'application/json', body: JSON.stringify(debugState(), null, 2) };
    if (rest === 'requests') return { status: 200, contentType: 'application/json', body: JSON.stringify(log.entries()) };
    if (rest === 'health')
      return { status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, instance, counts: state.counts() }) };
    const code = /^functions\/([^/]+)\/code\.zip$/.exec(rest);
    if (code) {
      const fn = state.functions.get(code[1]!);
      return fn
        ? { status: 200, contentType: 'application/zip', body: fn.code.zip }
        : { status: 404, contentType: 'application/json', body: JSON.stringify({ message: `No function ${code[1]}` }) };
    }
    return undefined;
  };
  const debugState = () => {
    const snapshot = snapshotOf(state);
    return { ...snapshot, functions: snapshot.functions.map((f) => ({ ...f, codeUrl: `${endpoint}${codePath(f.functionName)}` })) };
  };

  const http = new LocalAwsHttpServer({
    services: [
      iamService(state),
      stsService(state),
      logsService(state),
      lambdaService(state, { codeLocation: (fn) => `${endpoint}${codePath(fn.functionName)}` }),
      apigatewayv2Service(state),
      secretsManagerService(state),
    ],
    faults,
    log,
    debug,
    afterServe: (service, operation) => servedHook?.(service, operation),
    onUnserved: options.onUnserved ?? ((service, operation) => console.warn(`local AWS: unserved operation ${service}:${operation}`)),
  });
  endpoint = await http.listen(options.host ?? '127.0.0.1', port);

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    instance,
    providerEndpoints: providerEndpoints(endpoint),
    snapshot: () => snapshotOf(state),
    revision: () => log.mutations,
    functionCode: (name) => state.functions.get(name)?.code.zip,
    isEmpty: () => state.isEmpty(),
    counts: () => state.counts(),
    faults: {
      setLatency: (ms) => faults.setLatency(ms),
      failNext: (kind, count, match) => faults.failNext(kind, count, match),
      pending: () => faults.pending(),
      reset: () => faults.reset(),
    },
    requests: {
      entries: () => log.entries(),
      unserved: () => log.unserved(),
      served: () => log.served(),
      clear: () => log.clear(),
    },
    onServed(hook) {
      servedHook = hook;
    },
    stop() {
      stopped ??= http.close();
      return stopped;
    },
  };
}
