import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { GatewayStackError } from './errors';

export interface LambdaRuntimeSettings {
  /** The extracted deployment package (Lambda's /var/task). */
  readonly codeDir: string;
  /** `<module path>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly region: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The function's `environment.variables`. */
  readonly environment: Readonly<Record<string, string>>;
}

export type InvocationResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/*
 * Runs in a worker thread, so the handler gets its own `process.env` (the function's variables,
 * not the developer's shell secrets) and its own module cache, as a Lambda execution environment
 * would. Plain JS, because the worker does not go through the TypeScript loader.
 */
const WORKER_SOURCE =
  `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
async function load() {
  const { file, exportName } = workerData;
  const mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  let fn = mod;
  for (const part of exportName.split('.')) fn = fn == null ? undefined : fn[part];
  if (typeof fn !== 'function' && mod && mod.default) {
    fn = mod.default;
    for (const part of exportName.split('.')) fn = fn == null ? undefined : fn[part];
  }
  if (typeof fn !== 'function') throw new Error('the module ' + file + ' does not export a function "' + exportName + '"');
  return fn;
}
const ready = load();
ready.then(() => parentPort.postMessage({ type: 'ready' }), ` +
  `(e) => parentPort.postMessage({ type: 'load-error', error: String(e && e.stack || e) }));
parentPort.on('message', async ({ id, event, context }) => {
  try {
    const fn = await ready;
    const deadline = Date.now() + workerData.timeoutMs;
    const ctx = { ...context, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    const value = fn.length >= 3
      ? await new Promise((resolve, reject) => { const r = fn(event, ctx, (err, v) => (err ? reject(err) : resolve(v))); ` +
  `if (r && typeof r.then === 'function') r.then(resolve, reject); })
      : await fn(event, ctx);
    // Lambda hands the integration the JSON serialisation of the return value.
    const json = JSON.stringify(value === undefined ? null : value);
    parentPort.postMessage({ type: 'result', id, ok: true, json });
  } catch (e) {
    parentPort.postMessage({ type: 'result', id, ok: false, error: String(e && e.stack || e) });
  }
});
`;

interface Pending {
  resolve(result: InvocationResult): void;
  timer: NodeJS.Timeout;
}

/** One Lambda function's execution environment: loads the handler once, invokes it per request. */
export class LambdaRuntime {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Settles when the current environment has loaded the handler (a cold start). */
  private ready: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(private readonly settings: LambdaRuntimeSettings) {}

  /** Starts the environment and loads the handler; a handler that cannot be loaded is an error here, not at the first request. */
  static async start(settings: LambdaRuntimeSettings): Promise<LambdaRuntime> {
    const runtime = new LambdaRuntime(settings);
    runtime.ready = runtime.spawn();
    await runtime.ready;
    return runtime;
  }

  async invoke(event: unknown, requestId: string): Promise<InvocationResult> {
    try {
      await this.ready;
    } catch (error) {
      return { ok: false, error: `the Lambda environment could not start: ${(error as Error).message}` };
    }
    const worker = this.worker;
    if (!worker || this.stopped) return { ok: false, error: 'the Lambda environment is not running' };
    const s = this.settings;
    const context = {
      functionName: s.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${s.region}:000000000000:function:${s.functionName}`,
      memoryLimitInMB: String(s.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${s.functionName}`,
      logStreamName: 'local',
    };
    return new Promise((resolve) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        this.settle(id, { ok: false, error: `Task timed out after ${s.timeoutSeconds} seconds` });
        // A timed-out environment is discarded, as Lambda does; the next request waits for a fresh one.
        if (this.worker === worker) this.recycle();
      }, s.timeoutSeconds * 1000);
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ id, event, context });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: 'the local gateway is stopping' });
    await this.ready.catch(() => undefined);
    if (worker) await worker.terminate();
    if (this.worker) await (this.worker as Worker).terminate();
  }

  private settle(id: string, result: InvocationResult): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(result);
  }

  private recycle(): void {
    if (this.stopped) return;
    const old = this.worker;
    this.worker = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: 'the Lambda environment was restarted' });
    this.ready = (async () => {
      if (old) await old.terminate();
      if (!this.stopped) await this.spawn();
    })();
    this.ready.catch(() => undefined);
  }

  private async spawn(): Promise<void> {
    const s = this.settings;
    const dot = s.handler.lastIndexOf('.');
    if (dot <= 0)
      throw new GatewayStackError(`the Lambda handler "${s.handler}" of ${s.functionName} is not "<file>.<export>" (e.g. index.handler)`);
    const file = findModule(s.codeDir, s.handler.slice(0, dot));
    if (!file) {
      throw new GatewayStackError(
        `the Lambda asset of ${s.functionName} has no ${s.handler.slice(0, dot)}.js, .cjs or .mjs for the handler "${s.handler}"; ` +
          "check the bundle and the function's handler",
      );
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, exportName: s.handler.slice(dot + 1), timeoutMs: s.timeoutSeconds * 1000 },
      env: lambdaEnvironment(s),
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, s.memoryMb) },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let loaded = false;
      worker.on('message', (message: { type: string; id?: string; ok?: boolean; json?: string; error?: string }) => {
        if (message.type === 'ready') {
          loaded = true;
          resolve();
        } else if (message.type === 'load-error') {
          void worker.terminate();
          reject(new GatewayStackError(`the Lambda handler "${s.handler}" of ${s.functionName} could not be loaded: ${message.error}`));
        } else if (message.type === 'result' && message.id) {
          this.settle(
            message.id,
            message.ok ? { ok: true, value: JSON.parse(message.json as string) } : { ok: false, error: message.error ?? 'unknown error' },
          );
        }
      });
      worker.on('error', (error) => {
        if (!loaded)
          reject(new GatewayStackError(`the Lambda handler "${s.handler}" of ${s.functionName} crashed while loading: ${error.message}`));
        // An uncaught error kills the environment: fail what is in flight and start a new one.
        for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: error.stack ?? error.message });
        if (this.worker === worker) this.recycle();
      });
    });
  }
}

function findModule(dir: string, modulePath: string): string | undefined {
  for (const extension of ['.js', '.cjs', '.mjs']) {
    const file = path.join(dir, modulePath + extension);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The variables Lambda sets, plus the function's own; nothing from the developer's shell but PATH. */
function lambdaEnvironment(s: LambdaRuntimeSettings): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    AWS_REGION: s.region,
    AWS_DEFAULT_REGION: s.region,
    AWS_LAMBDA_FUNCTION_NAME: s.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memoryMb),
    LAMBDA_TASK_ROOT: s.codeDir,
    _HANDLER: s.handler,
    ...s.environment,
  };
}
