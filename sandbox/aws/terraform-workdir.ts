/**
 * Running the real Terraform against the local control plane: an in-process synth of a stack, and
 * the tooling (terraform + provider mirror, CLI configuration, child environment) from deploy/terraform,
 * the same code that runs Terraform for AWS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../config';
import { findTerraformOnPath, locateProviderMirror, setupTerraform, TerraformError, type TerraformSetup } from '../../deploy/terraform';
import { runProcess } from '../../deploy/terraform/process';
import { offlineEnvironment } from '../../deploy/terraform/offline';
import { synthStack } from '../../stacks/synth-on-demand';

/**
 * Why the real-Terraform path cannot run here, or undefined when it can: `terraform` on PATH and a
 * hashicorp/aws mirror found the way deploy/terraform finds one (TOLLGATE_TF_PROVIDER_MIRROR, the
 * CLI configuration, the implied local mirror folders). A sync check, for test skips and the sandbox's choice.
 */
export function terraformUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!findTerraformOnPath(env)) return 'terraform is not on PATH';
  try {
    if (!locateProviderMirror({ env })) {
      return (
        'no hashicorp/aws provider mirror found ' +
        '(set TOLLGATE_TF_PROVIDER_MIRROR to a filesystem mirror, e.g. eval "$(scripts/terraform-mirror.sh)")'
      );
    }
  } catch (err) {
    return err instanceof TerraformError ? err.message : String(err);
  }
  return undefined;
}

/** deploy/terraform's setup, required to use a provider mirror: the local path never reaches the registry. */
export async function localTerraformSetup(env: NodeJS.ProcessEnv = process.env): Promise<TerraformSetup> {
  const reason = terraformUnavailableReason(env);
  if (reason) throw new Error(`cannot run Terraform against the local control plane: ${reason}`);
  return setupTerraform({ env });
}

export interface SynthesizedStack {
  readonly config: ResolvedConfig;
  readonly outdir: string;
  /** `<outdir>/stacks/<stackName>`: cdk.tf.json and assets/. */
  readonly stackDir: string;
}

/** Synthesizes one environment of the configuration `file` in-process, with local state in `outdir`. */
export function synthesizeStack(options: { env: string; outdir: string; asgardeoBaseUrl: string; file: string }): SynthesizedStack {
  const config = loadConfig({
    file: options.file,
    env: options.env,
    target: 'local',
    asgardeoBaseUrl: options.asgardeoBaseUrl,
    environment: {},
  });
  const { stackDir } = synthStack(config, {
    outdir: options.outdir,
    backend: { kind: 'local', path: path.join(options.outdir, `terraform.${config.stackName}.tfstate`) },
    env: {},
    bundleDir: path.join(options.outdir, 'bundle', config.stackName),
  });
  return { config, outdir: options.outdir, stackDir };
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Raw terraform commands in a stack folder through deploy/terraform's runner and environment (its CLI
 * configuration with the mirror), without real AWS credentials: for tests and benchmarks that need
 * commands the TerraformWorkspace does not wrap (`plan -detailed-exitcode`, `destroy`, `output`).
 */
export class TerraformWorkdir {
  constructor(
    readonly setup: TerraformSetup,
    readonly stackDir: string,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
  ) {}

  async run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    const started = performance.now();
    const res = await runProcess(this.setup.binary, args, {
      cwd: this.stackDir,
      env: { ...offlineEnvironment(this.setup.env), ...this.extraEnv, ...env },
    });
    return { code: res.code ?? -1, stdout: res.stdout, stderr: res.stderr, ms: performance.now() - started };
  }
}

/** A fresh temp folder for a synthesized stack. */
export function tempOutdir(prefix = 'tollgate-local-aws-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
