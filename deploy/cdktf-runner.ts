import { stripVTControlCharacters } from 'node:util';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  InfraCommandError,
  InfraToolError,
  type InfraDiff,
  type InfraRunner,
  type StackOperation,
  type ToolVersions,
} from './infra-runner';

export const TERRAFORM_INSTALL_HINT =
  'install Terraform ≥ 1.5 (https://developer.hashicorp.com/terraform/install, e.g. `brew install ' +
  'hashicorp/tap/terraform` or the HashiCorp apt repository) and make sure `terraform` is on PATH';
export const CDKTF_INSTALL_HINT =
  'run `npm ci` in the project (cdktf-cli is a dev dependency), or `npm install ' + '--save-dev cdktf-cli@0.21.0`';

/** Lines of a failed command's output kept in its error: enough for Terraform's error block. */
const ERROR_TAIL_LINES = 40;

export interface CdktfRunnerOptions {
  /** Project folder (holds cdktf.json). */
  cwd: string;
  /** Environment of the child processes. @default process.env */
  env?: NodeJS.ProcessEnv;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** The real InfraRunner: runs the `cdktf` CLI of the project (and `terraform` for its version). */
export class CdktfRunner implements InfraRunner {
  private readonly cwd: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(o: CdktfRunnerOptions) {
    this.cwd = o.cwd;
    this.env = o.env ?? process.env;
  }

  async versions(): Promise<ToolVersions> {
    const tf = await this.exec('terraform', ['version', '-json'], {}, TERRAFORM_INSTALL_HINT);
    let terraform: string | undefined;
    try {
      terraform = (JSON.parse(tf.output.slice(tf.output.indexOf('{'))) as { terraform_version?: string }).terraform_version;
    } catch {
      terraform = /Terraform v(\S+)/.exec(tf.output)?.[1];
    }
    if (tf.code !== 0 || !terraform)
      throw new InfraToolError(`\`terraform version\` did not run (exit ` + `${tf.code}).`, TERRAFORM_INSTALL_HINT);
    const [cmd, pre] = this.cdktfCommand();
    const cd = await this.exec(cmd, [...pre, '--version'], {}, CDKTF_INSTALL_HINT);
    const cdktf = /(\d+\.\d+\.\d+\S*)/.exec(cd.output)?.[1];
    if (cd.code !== 0 || !cdktf)
      throw new InfraToolError(
        `the cdktf CLI did not run (\`${[cmd, ...pre].join(' ')} ` + `--version\` exit ${cd.code}).`,
        CDKTF_INSTALL_HINT,
      );
    return { terraform, cdktf };
  }

  async synth(o: StackOperation): Promise<void> {
    await this.cdktf(o, ['synth'], 'check the configuration and the stack code; `npx cdktf synth` shows the same error');
  }

  async diff(o: StackOperation): Promise<InfraDiff> {
    const { output } = await this.cdktf(
      o,
      ['diff', o.stack, '--no-color'],
      'see the Terraform error above; `npx cdktf ' + 'diff` shows the same',
    );
    return parseDiff(output);
  }

  async deploy(o: StackOperation & { outputsFile: string; autoApprove: true }): Promise<void> {
    // cdktf deploy only runs after tollgate's own approval prompt (or --yes): Terraform never asks.
    await this.cdktf(
      o,
      ['deploy', o.stack, '--outputs-file', o.outputsFile, '--auto-approve', '--no-color'],
      'see the ' + 'Terraform error above; fix it and run the same tollgate command again (Terraform resumes from its state)',
    );
  }

  async destroy(o: StackOperation & { autoApprove: true }): Promise<void> {
    await this.cdktf(
      o,
      ['destroy', o.stack, '--auto-approve', '--no-color'],
      'see the Terraform error above; fix it and ' + 'run the same tollgate command again',
    );
  }

  /** The project's own cdktf binary when installed, else npx without installing anything. */
  private cdktfCommand(): [string, string[]] {
    const local = path.join(this.cwd, 'node_modules', '.bin', process.platform === 'win32' ? 'cdktf.cmd' : 'cdktf');
    return fs.existsSync(local) ? [local, []] : ['npx', ['--no-install', 'cdktf']];
  }

  private async cdktf(o: StackOperation, args: string[], hint: string): Promise<RunResult> {
    const [cmd, pre] = this.cdktfCommand();
    const env: Record<string, string> = { TOLLGATE_ENV: o.environment, TOLLGATE_CONFIG: o.configFile };
    // Terraform reads TF_WORKSPACE too and must see the same name the app resolved from `{env}`.
    if (this.env.TF_WORKSPACE?.includes('{env}')) env.TF_WORKSPACE = this.env.TF_WORKSPACE.replace(/\{env\}/g, o.environment);
    const res = await this.exec(cmd, [...pre, ...args], env, CDKTF_INSTALL_HINT, o.onOutput, o.signal);
    if (res.code !== 0) {
      throw new InfraCommandError({
        command: `cdktf ${args.join(' ')}`,
        exitCode: res.code,
        output: tail(res.output, ERROR_TAIL_LINES),
        hint,
      });
    }
    return res;
  }

  private exec(
    cmd: string,
    args: string[],
    extraEnv: Record<string, string>,
    installHint: string,
    onOutput?: (t: string) => void,
    signal?: AbortSignal,
  ): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        cwd: this.cwd,
        // CHECKPOINT_DISABLE: neither cdktf nor terraform calls home.
        env: { ...this.env, ...extraEnv, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output += text;
        onOutput?.(text);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      // Terraform stops cleanly on SIGINT and keeps its state consistent.
      const abort = () => child.kill('SIGINT');
      signal?.addEventListener('abort', abort, { once: true });
      child.on('error', (err: NodeJS.ErrnoException) => {
        signal?.removeEventListener('abort', abort);
        const name = path.basename(cmd);
        reject(
          err.code === 'ENOENT'
            ? new InfraToolError(`\`${name}\` was not found on PATH.`, installHint)
            : new InfraToolError(`\`${name}\` could not be started: ${err.message}`, installHint),
        );
      });
      child.on('close', (code) => {
        signal?.removeEventListener('abort', abort);
        resolve({ code, output });
      });
    });
  }
}

/**
 * Reads Terraform's verdict from `cdktf diff` output; unknown output counts as changes (never hide one).
 * Only the opt-in cdktf runner uses it: cdktf prints no machine-readable plan. The default runner
 * (terraform-runner.ts) reads Terraform's JSON instead.
 */
export function parseDiff(output: string): InfraDiff {
  const text = stripAnsi(output);
  const plan = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(text);
  if (plan) return { changes: plan.slice(1).some((n) => Number(n) > 0), text, summary: plan[0] };
  if (/No changes\./.test(text)) return { changes: false, text, summary: 'No changes.' };
  return { changes: true, text, summary: 'Terraform printed no plan summary; treat as changes and read the plan text' };
}

export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

function tail(text: string, lines: number): string {
  return stripAnsi(text).trimEnd().split('\n').slice(-lines).join('\n');
}
