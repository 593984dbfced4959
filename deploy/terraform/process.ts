import { stripVTControlCharacters } from 'node:util';
/** Runs one `terraform` command and collects what it printed (stdout and stderr apart). */
import { spawn } from 'node:child_process';
import { TerraformError } from './errors';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything the command prints, as it prints it (progress for the user). */
  onOutput?: (text: string) => void;
  /** Aborting sends SIGINT: Terraform then stops cleanly and keeps its state consistent. */
  signal?: AbortSignal;
}

export interface RunResult {
  /** null when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(binary: string, args: readonly string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Aborted before it started (the other half of a plan failed, Ctrl-C): start nothing.
    if (o.signal?.aborted) {
      reject(o.signal.reason instanceof Error ? o.signal.reason : new Error(`terraform ${args[0] ?? ''} not started: aborted`));
      return;
    }
    const child = spawn(binary, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      o.onOutput?.(c.toString('utf8'));
    });
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
      o.onOutput?.(c.toString('utf8'));
    });
    const abort = () => child.kill('SIGINT');
    o.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      o.signal?.removeEventListener('abort', abort);
      reject(
        new TerraformError(
          'terraform-missing',
          e.code === 'ENOENT'
            ? `\`${binary}\` could not be started: it does not exist.`
            : `\`${binary}\` could not be started: ${e.message}`,
          'install Terraform (https://developer.hashicorp.com/terraform/install) and make sure `terraform` is on PATH',
        ),
      );
    });
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', abort);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** The last `lines` lines of a command's output, colour codes removed: enough for Terraform's error block. */
export function outputTail(text: string, lines = 40): string {
  return stripVTControlCharacters(text).trimEnd().split('\n').slice(-lines).join('\n');
}
