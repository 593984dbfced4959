/**
 * Everything needed to point the real Terraform and `hashicorp/aws` provider at the local control
 * plane: an in-process synth of a stack, an override file (provider constraint, endpoints, dummy
 * credentials, skip flags), and a CLI configuration that installs the provider from a filesystem mirror.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { loadConfig, type ResolvedConfig } from '../../config';
import { buildStack } from '../../main';
import { providerEndpoints } from './services/names';

export { providerEndpoints } from './services/names';

const REPO = path.resolve(__dirname, '..', '..');

/** The provider version the offline mirror carries; the override admits it. */
export const MIRROR_PROVIDER_VERSION = '5.100.0';
/** Name of the override file written next to `cdk.tf.json`; Terraform merges `*_override.tf.json` last. */
export const OVERRIDE_FILE = 'local_aws_override.tf.json';
/** The dummy credentials: the control plane accepts any signature; real keys must never go here. */
export const DUMMY_CREDENTIALS = { access_key: 'AKIALOCALAWSTEST0000', secret_key: 'local-aws-not-a-secret' } as const;

/**
 * The override Terraform merges into the synthesized stack: the constraint admits the mirror's
 * provider (the bindings pin 6.25.0), and the provider talks only to the local control plane.
 */
export function localAwsOverride(endpoint: string, providerConstraint = `>= ${MIRROR_PROVIDER_VERSION}`): Record<string, unknown> {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: providerConstraint } } },
    provider: {
      aws: [
        {
          ...DUMMY_CREDENTIALS,
          skip_credentials_validation: true,
          skip_metadata_api_check: 'true',
          skip_region_validation: true,
          skip_requesting_account_id: false,
          endpoints: [providerEndpoints(endpoint)],
        },
      ],
    },
  };
}

export function writeLocalAwsOverride(stackDir: string, endpoint: string): string {
  const file = path.join(stackDir, OVERRIDE_FILE);
  fs.writeFileSync(file, `${JSON.stringify(localAwsOverride(endpoint), null, 2)}\n`);
  return file;
}

/** A CLI configuration that installs `hashicorp/aws` from `mirrorDir` and nothing from the network. */
export function mirrorCliConfig(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

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
