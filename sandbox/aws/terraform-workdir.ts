/**
 * Running the real Terraform against the local control plane: an in-process synth of a stack, the
 * tooling lookup (terraform + provider mirror), and a runner with its own CLI configuration.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { loadConfig, type ResolvedConfig } from '../../config';
import { buildStack } from '../../main';
import { mirrorCliConfig } from './provider-override';

const REPO = path.resolve(__dirname, '..', '..');

export interface TerraformTooling {
  /** Absolute path of `terraform`. */
  readonly terraform: string;
  /** Folder laid out as `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/`. */
  readonly mirror: string;
}

/**
 * `terraform` from PATH and the mirror from `TOLLGATE_TF_PROVIDER_MIRROR` (default /opt/tf-plugins,
 * this machine image's mirror); a reason string when either is missing.
 */
export function findTerraformTooling(env: NodeJS.ProcessEnv = process.env): TerraformTooling | string {
  const terraform = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'terraform'))
    .find((candidate) => isExecutable(candidate));
  if (!terraform) return 'terraform is not on PATH';
  const mirror = env.TOLLGATE_TF_PROVIDER_MIRROR || '/opt/tf-plugins';
  const providerDir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!fs.existsSync(providerDir)) return `no hashicorp/aws provider mirror at ${providerDir} (set TOLLGATE_TF_PROVIDER_MIRROR to a filesystem mirror)`;
  return { terraform, mirror };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface SynthesizedStack {
  readonly config: ResolvedConfig;
  readonly outdir: string;
  /** `<outdir>/stacks/<stackName>`: cdk.tf.json and assets/. */
  readonly stackDir: string;
}

/** Synthesizes one environment of `tollgate.config.ts` (or `file`) in-process, with local state in `outdir`. */
export function synthesizeStack(options: { env: string; outdir: string; asgardeoBaseUrl: string; file?: string }): SynthesizedStack {
  const config = loadConfig({
    file: options.file ?? path.join(REPO, 'tollgate.config.ts'),
    env: options.env,
    target: 'local',
    asgardeoBaseUrl: options.asgardeoBaseUrl,
    environment: {},
  });
  const app = new App({ outdir: options.outdir, skipValidation: true });
  buildStack(app, config, {
    backend: { kind: 'local', path: path.join(options.outdir, `terraform.${config.stackName}.tfstate`) },
    env: {},
    bundleDir: path.join(options.outdir, 'bundle', config.stackName),
  });
  app.synth();
  return { config, outdir: options.outdir, stackDir: path.join(options.outdir, 'stacks', config.stackName) };
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs terraform in a stack folder with its own CLI configuration and plugin-free, offline settings. */
export class TerraformWorkdir {
  readonly cliConfigFile: string;

  constructor(
    readonly tooling: TerraformTooling,
    readonly stackDir: string,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.cliConfigFile = path.join(stackDir, 'local-aws.tfrc');
    fs.writeFileSync(this.cliConfigFile, mirrorCliConfig(tooling.mirror));
  }

  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(this.tooling.terraform, args, {
        cwd: this.stackDir,
        env: {
          ...process.env,
          TF_CLI_CONFIG_FILE: this.cliConfigFile,
          TF_IN_AUTOMATION: '1',
          TF_INPUT: '0',
          CHECKPOINT_DISABLE: '1',
          TF_PLUGIN_CACHE_DIR: '',
          ...this.extraEnv,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started }),
      );
    });
  }
}

/** A fresh temp folder for a synthesized stack. */
export function tempOutdir(prefix = 'tollgate-local-aws-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
