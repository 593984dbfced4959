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
 *
 * The files live in the stack's own working-data folder (`.terraform/tollgate-logs`), one folder per
 * command, removed when the command ends. A killed tollgate cannot remove its folder: that log is
 * the evidence of what the killed run's Terraform did, so it stays until the next command in the
 * same folder starts and sweeps the folders of runs that are no longer alive.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { TerraformError } from './errors';
import { runFolder } from './run-folders';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything the command prints, as it prints it (progress for the user). */
  onOutput?: (text: string) => void;
  /** Aborting sends SIGINT once to Terraform's process group: it then stops cleanly and saves its state. */
  signal?: AbortSignal;
  /** How often the output files are read while the command runs. @default 100 ms */
  followMs?: number;
  /**
   * A short read-only command (`version`, `output`, `state pull`): its output through pipes, nothing
   * on disk. A killed tollgate takes it along, which loses nothing: it changes no state.
   */
  pipe?: boolean;
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
  /** The folder its output goes to (it stays there if tollgate dies before the command ends). */
  readonly log?: string;
}

const running = new Map<number, { command: string; cwd: string; interrupted: boolean; log?: string }>();

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
        `a new run waits for its state lock (\`kill -0 ${r.pid}\` succeeds while it runs)` +
        (r.log ? `; its output goes to ${r.log}` : ''),
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
    const command = `${path.basename(binary)} ${args[0] ?? ''}`.trim();
    // The output files go beside the stack, in Terraform's own working-data folder.
    const logs = o.pipe ? undefined : outputFiles(path.join(o.cwd, '.terraform', LOG_FOLDER), command);
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(binary, args, {
        cwd: o.cwd,
        env: o.env,
        stdio: logs ? ['ignore', logs.outFd, logs.errFd] : ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } finally {
      logs?.close();
    }
    const cleanup = () => logs?.remove();
    const out: string[] = [];
    const err: string[] = [];
    const take = (text: string, into: string[]) => {
      if (!text) return;
      into.push(text);
      o.onOutput?.(text);
    };
    const followers = logs && { out: follower(logs.out), err: follower(logs.err) };
    const readNew = () => {
      if (!followers) return;
      take(followers.out(), out);
      take(followers.err(), err);
    };
    if (!logs) {
      child.stdout?.setEncoding('utf8').on('data', (t: string) => take(t, out));
      child.stderr?.setEncoding('utf8').on('data', (t: string) => take(t, err));
    }
    const timer = followers && setInterval(readNew, o.followMs ?? 100);
    const pid = child.pid;
    let interrupted = false;
    if (pid !== undefined)
      running.set(pid, {
        command,
        cwd: o.cwd,
        interrupted: false,
        ...(logs ? { log: logs.dir } : {}),
      });
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
      if (timer) clearInterval(timer);
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
    // 'close', not 'exit': piped output is complete only when the pipes closed.
    child.on('close', (code) => {
      done();
      readNew();
      cleanup();
      resolve({ code, stdout: out.join(''), stderr: err.join(''), ...(interrupted ? { interrupted } : {}) });
    });
  });
}

/** The folder of each command's output files under the stack's `.terraform/`. */
export const LOG_FOLDER = 'tollgate-logs';

/** A fresh folder for one command's output (`<pid>-terraform-apply-XXXXXX`); the folders of runs no longer alive are swept first. */
function outputFiles(logDir: string, command: string) {
  const dir = runFolder(logDir, '', command.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, ''));
  const files = { out: path.join(dir, 'stdout.log'), err: path.join(dir, 'stderr.log') };
  const outFd = fs.openSync(files.out, 'w');
  const errFd = fs.openSync(files.err, 'w');
  return {
    dir,
    ...files,
    outFd,
    errFd,
    close: () => {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
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
