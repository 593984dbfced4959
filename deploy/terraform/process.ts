/**
 * Runs one `terraform` command and collects what it printed (stdout and stderr apart).
 *
 * Terraform must outlive tollgate: a Terraform killed halfway through an apply has created
 * resources it never recorded in its state. So it runs in its own process group (a terminal's
 * Ctrl-C or a CI runner's signal to tollgate's group does not reach it directly) and writes into
 * files that tollgate follows, never into a pipe: when tollgate dies, Terraform loses no output
 * channel, finishes the operation, saves its state, releases its lock and stops its providers.
 * tollgate forwards an interrupt to it once (SIGINT to its group: Terraform's own graceful stop,
 * which also reaches its provider plugins) and waits for it to end.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { TerraformError } from './errors';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything the command prints, as it prints it (progress for the user). */
  onOutput?: (text: string) => void;
  /** Aborting sends SIGINT once to Terraform's process group: it then stops cleanly and saves its state. */
  signal?: AbortSignal;
  /** How often the output files are read while the command runs. @default 100 ms */
  followMs?: number;
}

export interface RunResult {
  /** null when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the run's signal was aborted while it ran (an interrupt was forwarded to it). */
  interrupted?: boolean;
}

/** A Terraform command running now in this process's care: what a second interrupt reports as left running. */
export interface RunningCommand {
  readonly pid: number;
  /** e.g. `terraform apply`. */
  readonly command: string;
  readonly cwd: string;
  /** Whether an interrupt was forwarded to it. */
  readonly interrupted: boolean;
}

const running = new Map<number, { command: string; cwd: string; interrupted: boolean }>();

/** The commands started by runProcess that have not ended yet. */
export function runningCommands(): RunningCommand[] {
  return [...running].map(([pid, r]) => ({ pid, ...r }));
}

/**
 * What keeps running when tollgate stops waiting (a second interrupt): each Terraform command, its
 * process id and folder; empty when none runs.
 */
export function describeRunningCommands(): string {
  const runs = runningCommands();
  if (!runs.length) return '';
  return runs
    .map(
      (r) =>
        `\`${r.command}\` (pid ${r.pid}) in ${r.cwd} ` +
        `keeps running on its own until it has saved its state${r.interrupted ? ' (it was asked to stop)' : ''}; ` +
        `a new run waits for its state lock (\`kill -0 ${r.pid}\` succeeds while it runs)`,
    )
    .join('\n');
}

export function runProcess(binary: string, args: readonly string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Aborted before it started (the other half of a plan failed, Ctrl-C): start nothing.
    if (o.signal?.aborted) {
      reject(o.signal.reason instanceof Error ? o.signal.reason : new Error(`terraform ${args[0] ?? ''} not started: aborted`));
      return;
    }
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-terraform-'));
    const files = { out: path.join(logDir, 'stdout.log'), err: path.join(logDir, 'stderr.log') };
    const outFd = fs.openSync(files.out, 'w');
    const errFd = fs.openSync(files.err, 'w');
    const cleanup = () => fs.rmSync(logDir, { recursive: true, force: true });
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(binary, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', outFd, errFd], detached: true });
    } finally {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
    }
    const followers = { out: follower(files.out), err: follower(files.err) };
    const out: string[] = [];
    const err: string[] = [];
    const readNew = () => {
      for (const [text, into] of [
        [followers.out(), out],
        [followers.err(), err],
      ] as const) {
        if (!text) continue;
        into.push(text);
        o.onOutput?.(text);
      }
    };
    const timer = setInterval(readNew, o.followMs ?? 100);
    const pid = child.pid;
    let interrupted = false;
    if (pid !== undefined)
      running.set(pid, { command: `${path.basename(binary)} ${args[0] ?? ''}`.trim(), cwd: o.cwd, interrupted: false });
    // Once: a second interrupt is the caller's to handle (it stops waiting); Terraform itself would
    // abandon its operation on a second SIGINT, which is what loses state.
    const abort = () => {
      if (interrupted || pid === undefined) return;
      interrupted = true;
      const entry = running.get(pid);
      if (entry) entry.interrupted = true;
      try {
        process.kill(-pid, 'SIGINT');
      } catch {
        child.kill('SIGINT');
      }
    };
    o.signal?.addEventListener('abort', abort, { once: true });
    const done = () => {
      clearInterval(timer);
      o.signal?.removeEventListener('abort', abort);
      if (pid !== undefined) running.delete(pid);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      cleanup();
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
    child.on('exit', (code) => {
      done();
      readNew();
      cleanup();
      resolve({ code, stdout: out.join(''), stderr: err.join(''), ...(interrupted ? { interrupted } : {}) });
    });
  });
}

/** Reads what was appended to `file` since the last call (whole UTF-8 characters only). */
function follower(file: string): () => string {
  let offset = 0;
  let pending = Buffer.alloc(0);
  return () => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return '';
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return '';
      const chunk = Buffer.alloc(size - offset);
      const n = fs.readSync(fd, chunk, 0, chunk.length, offset);
      offset += n;
      const bytes = Buffer.concat([pending, chunk.subarray(0, n)]);
      const cut = completeUtf8Length(bytes);
      pending = bytes.subarray(cut);
      return bytes.subarray(0, cut).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  };
}

/** The length of the longest prefix of `b` that ends on a character boundary. */
function completeUtf8Length(b: Buffer): number {
  for (let i = b.length - 1, seen = 0; i >= 0 && seen < 4; i -= 1, seen += 1) {
    const byte = b[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return b.length - i >= need ? b.length : i;
  }
  return b.length;
}

/** The last `lines` lines of a command's output, colour codes removed: enough for Terraform's error block. */
export function outputTail(text: string, lines = 40): string {
  return stripVTControlCharacters(text).trimEnd().split('\n').slice(-lines).join('\n');
}
