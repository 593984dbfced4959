/** Builds the cdktf app from a configuration: what `main.ts` runs, and what deploy and the sandbox synthesize in-process. */
import * as path from 'node:path';
import { App } from 'cdktf';
import type { Construct } from 'constructs';
import { ConfigError, loadAllEnvironments, loadConfig, type ResolvedConfig } from '../config';
import { TollgateStack, type StateBackend } from './tollgate-stack';

export { TollgateStack, STACK_OUTPUT_NAMES, AWS_PROVIDER_CONSTRAINT } from './tollgate-stack';
export type { StateBackend, StackOutputName } from './tollgate-stack';

export interface BuildStackOptions {
  /** @default from the environment variables, see {@link backendFromEnv} */
  readonly backend?: StateBackend;
  /** Variables read for the backend. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder the Lambda bundle is written to before archiving. @default inside the app's outdir */
  readonly bundleDir?: string;
  /** Version constraint of hashicorp/aws. @default `TOLLGATE_AWS_PROVIDER_VERSION`, else AWS_PROVIDER_CONSTRAINT */
  readonly awsProviderVersion?: string;
}

/** Builds one environment's stack into `scope` (an App): what tests and the sandbox synth in-process. */
export function buildStack(scope: Construct, config: ResolvedConfig, options: BuildStackOptions = {}): TollgateStack {
  const backend = options.backend ?? backendFromEnv(config, options.env ?? process.env);
  const awsProviderVersion =
    options.awsProviderVersion ?? ((options.env ?? process.env).TOLLGATE_AWS_PROVIDER_VERSION?.trim() || undefined);
  return new TollgateStack(scope, { config, backend, bundleDir: options.bundleDir, awsProviderVersion });
}

/**
 * State: Terraform Cloud when `TF_CLOUD_ORGANIZATION` and `TF_WORKSPACE` are set (also
 * `TF_CLOUD_PROJECT`, `TF_CLOUD_HOSTNAME`; `{env}` in `TF_WORKSPACE` becomes the environment name),
 * else a local file `terraform.<stack>.tfstate` in `TOLLGATE_STATE_DIR` or the working directory.
 */
export function backendFromEnv(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): StateBackend {
  const organization = env.TF_CLOUD_ORGANIZATION?.trim();
  const workspace = env.TF_WORKSPACE?.trim();
  if (organization && workspace) {
    return {
      kind: 'cloud',
      organization,
      workspace: workspace.replace(/\{env\}/g, config.environment),
      project: env.TF_CLOUD_PROJECT?.trim() || undefined,
      hostname: env.TF_CLOUD_HOSTNAME?.trim() || undefined,
    };
  }
  if (organization || workspace) {
    throw new Error(
      `Terraform Cloud needs both TF_CLOUD_ORGANIZATION and TF_WORKSPACE; ` +
        `only ${organization ? 'TF_CLOUD_ORGANIZATION' : 'TF_WORKSPACE'} is set. ` +
        'Set the other one for Terraform Cloud state, or unset it for local state.',
    );
  }
  const dir = env.TOLLGATE_STATE_DIR ? path.resolve(env.TOLLGATE_STATE_DIR) : process.cwd();
  return { kind: 'local', path: path.join(dir, `terraform.${config.stackName}.tfstate`) };
}

/** The environments to build: only `TOLLGATE_ENV` when set, else every one the configuration declares. */
export function selectEnvironments(env: NodeJS.ProcessEnv = process.env, file?: string): ResolvedConfig[] {
  const options = { file, environment: env };
  return env.TOLLGATE_ENV ? [loadConfig({ ...options, env: env.TOLLGATE_ENV })] : loadAllEnvironments(options);
}

export interface BuildAppOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Configuration file. @default `TOLLGATE_CONFIG`, else tollgate.config.ts */
  readonly file?: string;
  /** @default `CDKTF_OUTDIR`, else cdktf.out (the CLI passes CDKTF_OUTDIR) */
  readonly outdir?: string;
}

/** The whole app: one stack per selected environment. Call `app.synth()` to write it. */
export function buildApp(options: BuildAppOptions = {}): { app: App; stacks: TollgateStack[] } {
  const env = options.env ?? process.env;
  const configs = selectEnvironments(env, options.file);
  const backends = configs.map((config) => backendFromEnv(config, env));
  const cloudWorkspaces = backends.flatMap((b) => (b.kind === 'cloud' ? [b.workspace] : []));
  if (new Set(cloudWorkspaces).size < cloudWorkspaces.length) {
    throw new Error(
      `TF_WORKSPACE "${env.TF_WORKSPACE}" would hold the state of ${configs.length} ` +
        `stacks (${configs.map((c) => c.stackName).join(', ')}). ` +
        'Build one environment (TOLLGATE_ENV=<env>), or put "{env}" in TF_WORKSPACE, e.g. "pharmacy-{env}".',
    );
  }
  // With a cloud backend, validation would run `terraform version`, which the app must not need.
  const app = new App({ outdir: options.outdir, skipValidation: cloudWorkspaces.length > 0 });
  const stacks = configs.map((config, i) => buildStack(app, config, { backend: backends[i], env }));
  return { app, stacks };
}

/**
 * A cdktf app's entry (`main.ts`): synthesizes every selected environment, or prints what is wrong with
 * the configuration and sets a failing exit status.
 */
export function synthesizeApp(options: BuildAppOptions = {}): void {
  try {
    const { app } = buildApp(options);
    app.synth();
  } catch (err) {
    // ConfigError already says where, what and how to fix; a stack trace only helps when debugging tollgate itself.
    console.error(err instanceof ConfigError ? err.message : `tollgate synth failed: ${(err as Error).message}`);
    if (process.env.TOLLGATE_DEBUG && !(err instanceof ConfigError)) console.error((err as Error).stack);
    process.exitCode = 1;
  }
}
