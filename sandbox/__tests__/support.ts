import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigFiles, validConfig, type LooseConfig } from '../../config/__tests__/support';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * A Lambda that answers with what API Gateway handed it, so tests can read the event the handler
 * receives; `failing` (lambda.handler: 'failing') answers every call with a 500, as a broken deploy would.
 */
const ECHO_HANDLER = `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ routeKey: event.routeKey, rawPath: event.rawPath, authorizer: event.requestContext.authorizer || null }),
});
exports.failing = async () => ({ statusCode: 500, body: 'broken on purpose' });
`;

/** Configuration files for sandbox runs: the Pharmacy example's shape, served by the echo Lambda. */
export class SandboxConfigs {
  private readonly files = new ConfigFiles();
  readonly handler: string;
  readonly outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sandbox-out-'));

  constructor() {
    this.handler = path.join(this.files.dir, 'echo-handler.js');
    fs.writeFileSync(this.handler, ECHO_HANDLER);
  }

  /** Writes a variant; `change` edits a fresh copy of the example configuration. */
  write(change: (config: LooseConfig) => void = () => undefined): string {
    const config = validConfig();
    config.aws.lambda.entry = this.handler;
    change(config);
    return this.files.write(config);
  }

  remove(): void {
    this.files.remove();
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}

/** The route of the example configuration with `key`, for variants. */
export function routeOf(config: LooseConfig, key: string): LooseConfig {
  const [method, routePath] = key.split(' ');
  const route = (config.routes as LooseConfig[]).find((r) => r.method === method && r.path === routePath);
  if (!route) throw new Error(`no route ${key} in the test configuration`);
  return route;
}

/** Fast settling for smoke tests: the local gateway answers at once or not at all. */
export const FAST_SMOKE = { retries: 1, retryDelayMs: 50, timeoutMs: 5_000 };

/** The plan text a deploy's AWS step printed (indented under `Plan (…):`), without Terraform's own summary lines. */
export function awsStepPlan(printed: string): string {
  return printed
    .split('\n[2/4] ')[1]!
    .split('\n[3/4] ')[0]!
    .split('\n')
    .filter((l) => l.startsWith('    ') && !l.startsWith('    terraform:'))
    .map((l) => l.slice(4))
    .join('\n');
}
