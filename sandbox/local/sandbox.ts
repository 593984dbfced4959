import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type ResolvedConfig } from '../../config';
import { reconcilerSide, runDeploy, type DeployResult, type StackOperation } from '../../deploy';
import type { AwsSdkTarget } from '../../deploy/secrets-manager-store';
import type { LocalAsgardeo } from '../asgardeo';
import { DEFAULT_ASGARDEO_PORT, SANDBOX_RATE_LIMIT_PER_MINUTE, startAsgardeoOnPreferredPort } from './asgardeo-port';
import { configureSandboxDemo, startSandboxDemo } from './demo';
import { LOCAL_AWS_URL_VARIABLE } from '../aws/with-gateway';
import { chooseLocalInfra } from './infra-choice';
import { UserError } from '../../errors';

export interface SandboxOptions {
  /** Configuration file. @default TOLLGATE_CONFIG, else `tollgate.config.ts` in `cwd` */
  configFile?: string;
  /** Environment name. @default TOLLGATE_ENV, else the file's default, else `dev` */
  env?: string;
  cwd: string;
  /** The shell's variables; the sandbox adds the local Asgardeo's on top. @default {} */
  environment?: NodeJS.ProcessEnv;
  /** The local Asgardeo's port; 0 = a free one. @default 4180, a free one when taken */
  asgardeoPort?: number;
  /**
   * The local Asgardeo's limit per API family and minute. @default 200, as the real service (so every
   * sandbox run exercises the reconciler's pacing); `null` turns it off, for tests that need that and say why.
   */
  rateLimitPerMinute?: number | null;
  /**
   * The SCIM2 Roles API the local Asgardeo's admin application is authorized for (only one can be).
   * @default TOLLGATE_SANDBOX_ROLES_API in `environment`, else `v2`
   */
  adminRolesApi?: 'v2' | 'v3';
  /** Where the stack is synthesized and its outputs written. @default `<cwd>/.tollgate/sandbox` */
  outdir?: string;
  /** Pipeline progress (step headers, reconciler lines, smoke checks). Never receives a secret. */
  write: (text: string) => void;
  /** The gateway's explanations of failed invocations. @default discarded */
  gatewayLog?: (line: string) => void;
  /** The command that starts the sandbox again, for failure messages. @default `npm start` */
  restartCommand?: string;
  smokeOptions?: { retries?: number; retryDelayMs?: number; timeoutMs?: number };
  /** Aborted on Ctrl-C: the running step stops between requests. */
  signal?: AbortSignal;
  /** Serve the demo page (see ./demo.ts). `npm start -- --once` does not: it exits before anyone could open it. @default true */
  serveDemo?: boolean;
}

export interface Sandbox {
  readonly asgardeo: LocalAsgardeo;
  /** The local Asgardeo's requests per minute per API family; null when off. */
  readonly rateLimitPerMinute: number | null;
  /** Set when the preferred Asgardeo port was taken. */
  readonly asgardeoPortFallbackFrom?: number;
  /** The last successful run of the pipeline. */
  readonly result: DeployResult;
  readonly config: ResolvedConfig;
  /** The gateway's stage URL, e.g. http://127.0.0.1:<port>/dev. */
  readonly stageInvokeUrl: string;
  /**
   * Variables that point `tollgate` commands at this sandbox (target, Asgardeo URL, admin credentials),
   * and the test users' passwords this run generated (`tollgate token --user` reads them); a password
   * variable the shell set is not repeated.
   */
  readonly commandEnv: Readonly<Record<string, string>>;
  /** The demo page (sandbox/demo), when served: see ./demo.ts for where. */
  readonly demoUrl: string | undefined;
  /** How the AWS side ran: real Terraform against the local control plane, or the synthesized-stack fallback. */
  readonly awsPath: 'terraform' | 'synthesized';
  /** Where the deploy's SDK calls (credential delivery) go: the local AWS control plane; a UserError on the synthesized path. */
  awsSdkTarget(): Promise<AwsSdkTarget | undefined>;
  /** Milliseconds from startSandbox() to the end of the first smoke test. */
  readonly readyMs: number;
  /**
   * Runs the whole pipeline again (re-synthesis, gateway restart on the same address, reconcile,
   * smoke test), optionally with another configuration file: what a developer does after an edit.
   * Prints which Terraform resources changed against the running stack first.
   */
  redeploy(o?: { configFile?: string }): Promise<DeployResult>;
  stop(): Promise<void>;
}

/**
 * The local sandbox: the deploy pipeline of `tollgate deploy --target local` (preflight, stack,
 * reconciler, smoke test: the same code a real deploy runs) against a local Asgardeo started here
 * and the local gateway serving the stack: deployed by the real Terraform to the local AWS control plane where
 * Terraform and a provider mirror are present, else the synthesized Terraform. AWS is what is stood in for.
 */
export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const started = performance.now();
  const base = o.environment ?? {};
  let configFile = path.resolve(o.cwd, o.configFile ?? base.TOLLGATE_CONFIG ?? 'tollgate.config.ts');
  // Read once before anything starts, so a broken configuration fails fast with its own message.
  const organization = loadConfig({
    file: configFile,
    env: o.env,
    target: 'local',
    asgardeoBaseUrl: 'http://127.0.0.1:1',
    environment: base,
  }).asgardeo.organization;
  const rateLimitPerMinute = o.rateLimitPerMinute === undefined ? SANDBOX_RATE_LIMIT_PER_MINUTE : o.rateLimitPerMinute;
  const adminRolesApi = o.adminRolesApi ?? sandboxRolesApi(base);
  const { asgardeo, fallbackFrom } = await startAsgardeoOnPreferredPort(
    organization,
    o.asgardeoPort ?? DEFAULT_ASGARDEO_PORT,
    rateLimitPerMinute,
    adminRolesApi,
  );
  if (fallbackFrom !== undefined) o.write(`Port ${fallbackFrom} is taken: the local Asgardeo uses ${asgardeo.baseUrl} instead.\n`);
  o.write(
    `Local Asgardeo (organization "${organization}") at ${asgardeo.baseUrl}` +
      ` (${rateLimitPerMinute ? `${rateLimitPerMinute} requests/minute per API family, as the real service` : 'no rate limit'}` +
      `${adminRolesApi === 'v3' ? '; admin authorized for SCIM2 Roles V3 API only' : ''})\n`,
  );

  const commandEnv: Record<string, string> = {
    TOLLGATE_TARGET: 'local',
    ASGARDEO_BASE_URL: asgardeo.baseUrl,
    ASGARDEO_CLIENT_ID: asgardeo.admin.clientId,
    ASGARDEO_CLIENT_SECRET: asgardeo.admin.clientSecret,
  };
  const env: NodeJS.ProcessEnv = { ...base, ...commandEnv };
  const configOf = (file: string, environmentName?: string) =>
    loadConfig({ file, env: environmentName, target: 'local', asgardeoBaseUrl: asgardeo.baseUrl, environment: env });
  const demo = o.serveDemo === false ? { reason: 'not served' } : await startSandboxDemo(configOf(configFile, o.env));
  const outdir = path.resolve(o.cwd, o.outdir ?? path.join('.tollgate', 'sandbox'));
  const runnerOptions = {
    config: (op: StackOperation) => configOf(op.configFile, op.environment),
    outdir: path.join(outdir, 'cdktf.out'),
    log: o.gatewayLog ?? (() => undefined),
  };
  const infra = await chooseLocalInfra({ ...runnerOptions, environment: base, projectDir: o.cwd }).catch(async (err: unknown) => {
    await asgardeo.stop();
    throw err;
  });
  const { runner } = infra;
  o.write(`${infra.message}\n`);
  if (base[LOCAL_AWS_URL_VARIABLE]?.trim())
    o.write(
      `${LOCAL_AWS_URL_VARIABLE} is not used here: this run's local Asgardeo (the stack's issuer) ends with it, ` +
        'so its AWS side does too. For a deployment that outlives the command: `npm run asgardeo:local`, ' +
        'then `npx tollgate deploy --target local` with both exports.\n',
    );
  const side = reconcilerSide({ env });
  const restart = o.restartCommand ?? 'npm start';

  // The first deploy prints the plan's summary; a redeploy prints the whole plan: what changes against the running stack.
  const deploy = async (planDetail: 'full' | 'summary' = 'summary'): Promise<DeployResult> => {
    const config = configOf(configFile, o.env);
    return runDeploy({
      loadConfig: () => configOf(configFile, o.env),
      runner,
      side,
      env,
      cwd: o.cwd,
      yes: true,
      interactive: false,
      prompt: async () => {
        throw new Error('the sandbox never asks for approval');
      },
      smoke: true,
      planDetail,
      discoveryFix: 'restart the sandbox (`npm start`): its local Asgardeo did not answer',
      // Apart from a real deploy's `.tollgate/<stack>.outputs.json`, which must not be overwritten with local URLs.
      outputsFile: path.join(outdir, `${config.stackName}.outputs.json`),
      // The local Asgardeo lives only as long as this process: a resume is a fresh start.
      resumeCommand: () => restart,
      write: o.write,
      smokeOptions: o.smokeOptions,
      signal: o.signal,
      // Without the demo page the run stops after its checks (`--once`): no address that is about to go.
      outlivesRun: o.serveDemo !== false,
    });
  };

  let result: DeployResult;
  try {
    result = await deploy();
    if ('server' in demo) {
      await configureSandboxDemo(demo, result.config, asgardeo.admin, result.outputs.stageInvokeUrl);
      o.write(`Demo page: ${demo.url} (sign in as a test user)\n`);
    } else if (o.serveDemo !== false) {
      o.write(`Demo page not served: ${demo.reason}\n`);
    }
  } catch (err) {
    if ('server' in demo) await demo.server.stop();
    await runner.close();
    await asgardeo.stop();
    throw err;
  }
  const readyMs = performance.now() - started;
  let stopped: Promise<void> | undefined;
  return {
    asgardeo,
    rateLimitPerMinute,
    asgardeoPortFallbackFrom: fallbackFrom,
    get result() {
      return result;
    },
    get config() {
      return result.config;
    },
    get stageInvokeUrl() {
      return result.outputs.stageInvokeUrl;
    },
    get commandEnv() {
      return { ...commandEnv, ...result.passwords };
    },
    demoUrl: 'server' in demo ? demo.url : undefined,
    awsPath: infra.path,
    awsSdkTarget: () => runner.awsSdkTarget(),
    readyMs,
    async redeploy(r = {}) {
      if (r.configFile) configFile = path.resolve(o.cwd, r.configFile);
      result = await deploy('full');
      return result;
    },
    stop() {
      stopped ??= (async () => {
        if ('server' in demo) await demo.server.stop();
        await runner.close();
        await asgardeo.stop();
      })();
      return stopped;
    },
  };
}

/** TOLLGATE_SANDBOX_ROLES_API: `v3` runs the sandbox with an admin application authorized for Roles v3 only. */
export function sandboxRolesApi(env: NodeJS.ProcessEnv): 'v2' | 'v3' {
  const v = env.TOLLGATE_SANDBOX_ROLES_API;
  if (v === undefined || v === '' || v === 'v2') return 'v2';
  if (v === 'v3') return 'v3';
  throw new UserError(`TOLLGATE_SANDBOX_ROLES_API is '${v}'`, {
    hint: 'set it to v3 (the local admin application authorized for SCIM2 Roles V3 API only) or v2, or unset it (v2)',
  });
}
