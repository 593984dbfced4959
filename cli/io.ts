import { describeRunningCommands } from '../deploy/terraform/process';

/**
 * Everything a command touches outside itself. Commands receive it instead of using `process`
 * directly, so tests run them in-process and read what they printed.
 */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on Ctrl-C; long operations stop between requests. */
  readonly signal?: AbortSignal;
}

/** A command module in `cli/commands/<name>.ts`: the file name is the command name. */
export interface CliCommand {
  readonly summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command (Terraform's convention for `--detailed-exitcode`). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

/**
 * The process's io. The first SIGINT or SIGTERM (Ctrl-C; a cancelled CI job sends SIGINT, then
 * SIGTERM) aborts the signal: the command stops between requests and Terraform is asked to stop
 * gracefully, and the command waits for it. A second one stops waiting: it says what keeps running
 * (Terraform finishes on its own and saves its state) and exits 130.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(new Error(`interrupted (${name === 'SIGINT' ? 'Ctrl-C' : name})`));
      process.stderr.write(
        `\ntollgate: interrupted (${name}): stopping; waiting for Terraform to save its state (again to stop waiting)\n`,
      );
      return;
    }
    const left = describeRunningCommands();
    process.stderr.write(
      `tollgate: interrupted again: not waiting any longer.${left ? `\n${left}` : ' Nothing of Terraform is running.'}\n` +
        'Rerun the same command afterwards: it continues from the saved state.\n',
    );
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };
}

/** An io that records output, for tests and for callers that embed a command. */
export function memoryIo(
  options: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {},
): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t), isTTY: false },
    stderr: { write: (t: string) => (err += t), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal,
    out: () => out,
    err: () => err,
  };
}
