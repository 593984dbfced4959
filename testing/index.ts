/**
 * `tollgate/testing`: what a project's own test (`tollgate.test.ts`, written by `tollgate init`) runs
 * on its configuration: load every environment, synthesize the stacks, validate them with the real
 * Terraform when it is installed, and run the local sandbox's checks (`tollgate dev --once`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAllEnvironments, type ResolvedConfig } from '../config';
import { synthStack } from '../stacks/synth';
import { setupTerraform, TerraformWorkspace } from '../deploy/terraform';
import { terraformUnavailableReason } from '../sandbox/aws/terraform-workdir';
import { runSandbox } from '../sandbox/local/run';

export { synthStack } from '../stacks/synth';
export type { SynthOptions, SynthesizedStack } from '../stacks/synth';

export interface ProjectOptions {
  /** The project's folder. @default process.cwd() */
  readonly dir?: string;
  /** The configuration file. @default `TOLLGATE_CONFIG`, else tollgate.config.ts in `dir` */
  readonly configFile?: string;
  /** Variables the checks see (Terraform's PATH and provider mirror, passwords). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

function configFileOf(o: ProjectOptions): string {
  const dir = o.dir ?? process.cwd();
  return path.resolve(dir, o.configFile ?? (o.env ?? process.env).TOLLGATE_CONFIG ?? 'tollgate.config.ts');
}

/** Every environment the configuration declares, validated as a deploy would (no variables needed). */
export function loadProjectEnvironments(o: ProjectOptions = {}): ResolvedConfig[] {
  return loadAllEnvironments({ file: configFileOf(o), environment: {} });
}

export interface SynthesizedProject {
  /** `<outdir>/stacks/<stack>` for each environment, keyed by environment name. */
  readonly stackDirs: Record<string, string>;
  /** Removes the temporary folder. */
  dispose(): void;
}

/** Synthesizes every environment's stack (local state) into a temporary folder, as `tollgate plan` would. */
export function synthesizeProject(o: ProjectOptions = {}): SynthesizedProject {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-project-'));
  try {
    const env = { TOLLGATE_STATE_DIR: path.join(tmp, 'state') };
    const stackDirs = Object.fromEntries(
      loadProjectEnvironments(o).map((config) => [config.environment, synthStack(config, { outdir: path.join(tmp, 'out'), env }).stackDir]),
    );
    return { stackDirs, dispose: () => fs.rmSync(tmp, { recursive: true, force: true }) };
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Why `validateWithTerraform` cannot run here (no terraform on PATH, no provider mirror), or undefined. */
export function terraformUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return terraformUnavailableReason(env);
}

/** `terraform init` (from the provider mirror) and `terraform validate` on one synthesized stack. */
export async function validateWithTerraform(stackDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = await setupTerraform({ env });
  try {
    const workspace = new TerraformWorkspace(setup, { stackDir });
    await workspace.init();
    await workspace.validate();
  } finally {
    setup.dispose();
  }
}

export interface SandboxChecks {
  /** 0 when every check passed. */
  readonly exitCode: number;
  /** What `tollgate dev --once` printed (stdout, then stderr). */
  readonly output: string;
}

/** The local sandbox's checks on the project (`tollgate dev --once`), in-process; free ports, its own folder. */
export async function runSandboxChecks(o: ProjectOptions = {}): Promise<SandboxChecks> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-dev-'));
  let out = '';
  let err = '';
  try {
    const exitCode = await runSandbox(['--once', '--config', configFileOf(o), '--asgardeo-port', '0', '--outdir', tmp], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: o.env ?? process.env,
      cwd: o.dir ?? process.cwd(),
    });
    return { exitCode, output: `${out}${err}` };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
