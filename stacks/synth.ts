/**
 * The one way a configuration becomes a synthesized stack folder: the CLI's runner, the sandbox,
 * the benchmarks, the tests and a project's cdktf app (`main.ts`, through `synthesizeApp`) all come
 * through here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import type { Construct } from 'constructs';
import { loadAllEnvironments, loadConfig, type ResolvedConfig } from '../config';
import { cacheRoot } from '../config/build-cache';
import { errorText, UserError } from '../errors';
import { backendFromEnv, stackDirOf } from './stack-location';
import { TollgateStack, type StateBackend } from './tollgate-stack';

export { backendFromEnv, stackDirOf, workspaceFor } from './stack-location';
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
  /** Folder of the build cache (Lambda bundles). @default `TOLLGATE_CACHE_DIR`, else node_modules/.cache/tollgate of the project */
  readonly cacheDir?: string;
}

/** Builds one environment's stack into `scope` (an App). */
export function buildStack(scope: Construct, config: ResolvedConfig, options: BuildStackOptions = {}): TollgateStack {
  const env = options.env ?? process.env;
  const backend = options.backend ?? backendFromEnv(config, env);
  const awsProviderVersion = options.awsProviderVersion ?? (env.TOLLGATE_AWS_PROVIDER_VERSION?.trim() || undefined);
  const cacheDir = options.cacheDir ?? cacheRoot(path.dirname(config.file), env);
  return new TollgateStack(scope, { config, backend, bundleDir: options.bundleDir, awsProviderVersion, cacheDir });
}

export interface SynthOptions extends BuildStackOptions {
  /** The app's outdir; the stack lands in `<outdir>/stacks/<stack>`. */
  readonly outdir: string;
}

export interface SynthesizedStack {
  readonly config: ResolvedConfig;
  readonly stack: TollgateStack;
  readonly backend: StateBackend;
  /** `<outdir>/stacks/<stackName>`: cdk.tf.json and assets/. */
  readonly stackDir: string;
}

/** Configuration in, synthesized stack folder out (only this environment's stack). */
export function synthStack(config: ResolvedConfig, o: SynthOptions): SynthesizedStack {
  const env = o.env ?? process.env;
  const backend = o.backend ?? backendFromEnv(config, env);
  fs.mkdirSync(o.outdir, { recursive: true });
  // With a cloud backend, validation would run `terraform version`, which synthesis must not need.
  const app = new App({ outdir: o.outdir, skipValidation: true });
  const stack = buildStack(app, config, { ...o, backend, env });
  app.synth();
  return { config, stack, backend, stackDir: stackDirOf(o.outdir, config.stackName) };
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

/** The whole app `cdktf synth` writes: one stack per selected environment. Call `app.synth()` to write it. */
export function buildApp(options: BuildAppOptions = {}): { app: App; stacks: TollgateStack[] } {
  const env = options.env ?? process.env;
  const configs = selectEnvironments(env, options.file);
  const backends = configs.map((config) => backendFromEnv(config, env));
  const cloudWorkspaces = backends.flatMap((b) => (b.kind === 'cloud' ? [b.workspace] : []));
  if (new Set(cloudWorkspaces).size < cloudWorkspaces.length) {
    throw new UserError(
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
    // User errors already say what is wrong and how to fix it; a stack trace only helps when debugging tollgate itself.
    const known = err instanceof UserError;
    console.error(known ? errorText(err) : `tollgate synth failed: ${(err as Error).message}`);
    if (process.env.TOLLGATE_DEBUG && !known) console.error((err as Error).stack);
    process.exitCode = 1;
  }
}
