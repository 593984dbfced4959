/**
 * Finds what running Terraform needs, the way Terraform users set it up, and writes the CLI
 * configuration tollgate's child processes use:
 * - `terraform`: the first executable on PATH (or an explicit path); its version must be supported.
 * - a provider mirror for hashicorp/aws, first found of: the `mirror` option; the variable
 *   `TOLLGATE_TF_PROVIDER_MIRROR`; the `filesystem_mirror` paths and `plugin_cache_dir` of the
 *   user's CLI configuration (`TF_CLI_CONFIG_FILE`, else ~/.terraformrc); `TF_PLUGIN_CACHE_DIR`;
 *   Terraform's implied local mirror folders (~/.terraform.d/plugins, …). Only those folders are
 *   looked into. None: hashicorp/aws comes from the registry.
 * With a mirror the children get a CLI configuration written here (the user's file is not read by
 * them: keep Terraform Cloud tokens in TF_TOKEN_* or `terraform login`'s credentials.tfrc.json);
 * without one, the user's own CLI configuration when it exists (network mirrors, hosts), else an
 * empty one. A TF_CLI_CONFIG_FILE naming a missing file is never passed on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCliConfigProviderDirs, renderCliConfig } from './cli-config';
import { TerraformError } from './errors';
import { awsVersionsInMirror, impliedMirrorDirs, terraformPlatform } from './mirror';
import { runProcess } from './process';
import { runFolder } from './run-folders';
import { VersionConstraint, parseVersion } from './version';

/**
 * Terraform versions tollgate runs: `init -json` (1.9), saved plans of Terraform Cloud runs (1.6)
 * and the JSON plan format 1.x; 2.0 may change any of them.
 */
export const SUPPORTED_TERRAFORM = '>= 1.9.0, < 2.0.0';
export const MIRROR_VARIABLE = 'TOLLGATE_TF_PROVIDER_MIRROR';
export function installHint(supported = SUPPORTED_TERRAFORM): string {
  return (
    `install Terraform ${supported} (https://developer.hashicorp.com/terraform/install, e.g. \`brew install ` +
    `hashicorp/tap/terraform\`, the HashiCorp apt repository, or tfenv to keep several versions) and make sure \`terraform\` is on PATH`
  );
}

export type MirrorSource =
  | 'option'
  | typeof MIRROR_VARIABLE
  | 'cli-config filesystem_mirror'
  | 'cli-config plugin_cache_dir'
  | 'TF_PLUGIN_CACHE_DIR'
  | 'implied local mirror';

export interface ProviderMirror {
  /** Absolute folder holding `registry.terraform.io/hashicorp/aws/...`. */
  readonly path: string;
  /** How it was found, for messages. */
  readonly source: MirrorSource;
  /** hashicorp/aws versions it holds for this platform, newest first. */
  readonly awsVersions: readonly string[];
}

export interface TerraformSetup {
  readonly binary: string;
  readonly version: string;
  /** Undefined: hashicorp/aws comes from the registry. */
  readonly mirror?: ProviderMirror;
  /**
   * The CLI configuration file the children use: written by tollgate into a temp folder `dispose`
   * removes, or the user's own existing one when there is no mirror.
   */
  readonly cliConfigFile: string;
  /** Environment for every `terraform` child process. */
  readonly env: NodeJS.ProcessEnv;
  /** Removes the CLI configuration written for this setup. */
  dispose(): void;
}

export interface SetupOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Path of the terraform executable. @default the first `terraform` on PATH */
  binary?: string;
  /** Mirror folder; takes precedence over everything else. */
  mirror?: string;
  /** false: never use a mirror (registry only). @default true */
  useMirror?: boolean;
  /** @default {@link SUPPORTED_TERRAFORM} */
  supportedVersions?: string;
  /** @default os.homedir() */
  home?: string;
  /** Folder the CLI configuration's temp folder is made in. @default os.tmpdir() */
  tmpdir?: string;
}

/** The first `terraform` executable on PATH, or undefined. */
export function findTerraformOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === 'win32' ? ['terraform.exe'] : ['terraform'];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** `terraform version -json` → the version; throws a TerraformError naming the fix when unsupported. */
export async function checkTerraformVersion(binary: string, env: NodeJS.ProcessEnv, supported = SUPPORTED_TERRAFORM): Promise<string> {
  const res = await runProcess(binary, ['version', '-json'], { cwd: os.tmpdir(), env, pipe: true });
  let version: string | undefined;
  try {
    version = (JSON.parse(res.stdout) as { terraform_version?: unknown }).terraform_version as string | undefined;
  } catch {
    version = undefined;
  }
  if (res.code !== 0 || typeof version !== 'string') {
    // Terraform before 0.13 has no -json: its output is not JSON, and it is unsupported anyway.
    const plain = /Terraform v(\d+\.\d+\.\d+\S*)/.exec(res.stdout)?.[1];
    if (plain) version = plain;
    else
      throw new TerraformError(
        'terraform-version',
        `\`${binary} version -json\` did not report a version (exit ${res.code}).`,
        installHint(supported),
        (res.stderr || res.stdout).trim() || undefined,
      );
  }
  if (!VersionConstraint.parse(supported).matches(parseVersion(version))) {
    throw new TerraformError(
      'terraform-version',
      `Terraform ${version} (${binary}) is not supported: tollgate needs ${supported}.`,
      installHint(supported),
    );
  }
  return version;
}

/** The provider mirror to use, per the order in this module's comment; undefined when there is none. */
export function locateProviderMirror(o: {
  env: NodeJS.ProcessEnv;
  mirror?: string;
  home?: string;
  platform?: string;
}): ProviderMirror | undefined {
  const platform = o.platform ?? terraformPlatform();
  const explicit = (value: string, source: MirrorSource, fix: string): ProviderMirror => {
    const dir = path.resolve(value);
    if (!fs.existsSync(dir))
      throw new TerraformError('mirror-unusable', `The provider mirror ${dir} (from ${source}) does not exist.`, fix);
    const awsVersions = awsVersionsInMirror(dir, platform);
    if (awsVersions.length === 0) {
      throw new TerraformError(
        'mirror-unusable',
        `The provider mirror ${dir} (from ${source}) holds no hashicorp/aws for ${platform}: expected ` +
          `registry.terraform.io/hashicorp/aws/<version>/${platform}/ or terraform-provider-aws_<version>_${platform}.zip inside it.`,
        `${fix}; \`terraform providers mirror ${dir}\` (run in a synthesized stack folder, with registry access) fills a mirror`,
      );
    }
    return { path: dir, source, awsVersions };
  };
  if (o.mirror) return explicit(o.mirror, 'option', 'pass an existing mirror folder');
  const variable = o.env[MIRROR_VARIABLE]?.trim();
  if (variable)
    return explicit(variable, MIRROR_VARIABLE, `point ${MIRROR_VARIABLE} at a mirror folder, or unset it to install from the registry`);

  const home = o.home ?? os.homedir();
  const candidates: { dir: string; source: MirrorSource }[] = [];
  const cliConfig = userCliConfig(o.env, home);
  if (cliConfig) {
    const dirs = readCliConfigProviderDirs(cliConfig.text, { json: cliConfig.file.endsWith('.json') });
    const base = path.dirname(cliConfig.file);
    candidates.push(
      ...dirs.filesystemMirrors.map((d) => ({
        dir: path.resolve(base, expandHome(d, home, o.env)),
        source: 'cli-config filesystem_mirror' as const,
      })),
    );
    if (dirs.pluginCacheDir)
      candidates.push({ dir: path.resolve(base, expandHome(dirs.pluginCacheDir, home, o.env)), source: 'cli-config plugin_cache_dir' });
  }
  if (o.env.TF_PLUGIN_CACHE_DIR) candidates.push({ dir: path.resolve(o.env.TF_PLUGIN_CACHE_DIR), source: 'TF_PLUGIN_CACHE_DIR' });
  candidates.push(...impliedMirrorDirs(o.env, home).map((dir) => ({ dir, source: 'implied local mirror' as const })));
  for (const c of candidates) {
    const awsVersions = awsVersionsInMirror(c.dir, platform);
    if (awsVersions.length > 0) return { path: c.dir, source: c.source, awsVersions };
  }
  return undefined;
}

/** Finds terraform and a mirror, checks the version, writes the children's CLI configuration. */
export async function setupTerraform(o: SetupOptions = {}): Promise<TerraformSetup> {
  const baseEnv = o.env ?? process.env;
  const binary = o.binary ?? findTerraformOnPath(baseEnv);
  if (!binary) throw new TerraformError('terraform-missing', '`terraform` was not found on PATH.', installHint(o.supportedVersions));
  const mirror = o.useMirror === false ? undefined : locateProviderMirror({ env: baseEnv, mirror: o.mirror, home: o.home });
  // The CLI configuration's folder; a killed run's is swept by the next setup.
  const dir = runFolder(o.tmpdir ?? os.tmpdir(), 'tollgate-terraform-');
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  // Without a mirror, a user's own (existing) CLI configuration keeps working: network mirrors, hosts, credentials.
  const own = mirror ? undefined : userCliConfig(baseEnv, o.home ?? os.homedir());
  const cliConfigFile = own?.file ?? path.join(dir, 'terraform.tfrc');
  if (!own) fs.writeFileSync(cliConfigFile, renderCliConfig(mirror?.path));
  try {
    const env = childEnvironment(baseEnv, cliConfigFile);
    const version = await checkTerraformVersion(binary, env, o.supportedVersions);
    return { binary, version, ...(mirror ? { mirror } : {}), cliConfigFile, env, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Go's garbage collector target for Terraform and the provider processes it starts, unless the user
 * set GOGC. Every plan and apply starts the hashicorp/aws provider two or three times, and each start
 * builds its whole schema: with the default (100) much of that is collection. Measured with the
 * pharmacy stack (bench/README.md): about a fifth less CPU per command, for about 120 MB more memory
 * at the peak (about 680 MB instead of 560 MB).
 */
const TERRAFORM_GOGC = '400';

/**
 * The environment of every terraform child: our CLI configuration, no prompts, no update checks,
 * no TF_CLI_ARGS* (they would add flags to the commands tollgate runs, e.g. a second -out), and a
 * garbage collector tuned for the provider's start.
 */
export function childEnvironment(base: NodeJS.ProcessEnv, cliConfigFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!/^TF_CLI_ARGS/.test(k)) env[k] = v;
  return {
    ...env,
    GOGC: base.GOGC || TERRAFORM_GOGC,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    NO_COLOR: '1',
  };
}

function userCliConfig(env: NodeJS.ProcessEnv, home: string): { file: string; text: string } | undefined {
  const files = env.TF_CLI_CONFIG_FILE
    ? [env.TF_CLI_CONFIG_FILE]
    : process.platform === 'win32'
      ? env.APPDATA
        ? [path.join(env.APPDATA, 'terraform.rc')]
        : []
      : [path.join(home, '.terraformrc')];
  for (const file of files) {
    try {
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch {
      // A missing or unreadable file names no mirror (Terraform itself only warns).
    }
  }
  return undefined;
}

/** `~` and `$VAR`/`${VAR}` as Terraform users write them in CLI configurations (`plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"`). */
function expandHome(p: string, home: string, env: NodeJS.ProcessEnv = {}): string {
  const expanded = p.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    return name === 'HOME' ? home : (env[name] ?? '');
  });
  return expanded === '~' || expanded.startsWith('~/') ? path.join(home, expanded.slice(1)) : expanded;
}
