/**
 * The one base of every failure a user can cause: the message says what is wrong, the hint what to
 * do, and the exit status what a script sees. They stay separate fields (a preflight shows the hint as
 * the check's fix); `errorText` joins them where one is shown. The CLI prints a UserError without a
 * stack trace; anything else is a bug and is printed with its stack.
 */
export class UserError extends Error {
  /** What to do about it; shown after the message as "what to do: …". */
  readonly hint?: string;
  /** The process exit status the CLI returns for it. */
  readonly exitStatus: number;
  /**
   * True for errors that say what each side holds after a failed run (deploy, destroy): they are
   * printed even when the run was interrupted, since that is what the user needs to know then.
   */
  readonly describesState: boolean;

  constructor(message: string, o: { hint?: string; exitStatus?: number; describesState?: boolean } = {}) {
    super(message);
    this.name = new.target.name;
    this.hint = o.hint;
    this.exitStatus = o.exitStatus ?? 1;
    this.describesState = o.describesState ?? false;
  }
}

/** The exit status of an interrupted run (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** A failure as it is shown: a UserError's message and what to do, another error's message. */
export function errorText(err: unknown): string {
  if (err instanceof UserError) return err.hint ? `${err.message}\n  what to do: ${err.hint}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

/** A wrong flag or argument: the message says what was wrong; the CLI prints the command's usage after it. */
export class UsageError extends UserError {}

/** Where a report goes: a writable stream, or anything with `write`. */
export interface ErrorSink {
  write(text: string): unknown;
}

/**
 * Prints `err` as `<prefix>: <message>` and returns the exit code: usage errors with the usage, an
 * interrupted run as exit 130 (with what is left when the error describes it and that outlives the
 * run: `stateOutlivesRun`, default true), a UserError as its message,
 * anything else with its stack.
 */
export function printError(
  prefix: string,
  err: unknown,
  o: { stderr: ErrorSink; signal?: AbortSignal; usage?: string; stateOutlivesRun?: boolean },
): number {
  if (err instanceof UsageError) {
    o.stderr.write(`${prefix}: ${errorText(err)}\n${o.usage ? `\n${o.usage}` : ''}`);
    return err.exitStatus;
  }
  if (o.signal?.aborted) {
    // What is left outlives the run: say it, still as an interrupted run (exit 130).
    if (err instanceof UserError && err.describesState && o.stateOutlivesRun !== false) {
      o.stderr.write(`${prefix}: interrupted: ${errorText(err)}\n`);
      return EXIT_INTERRUPTED;
    }
    o.stderr.write(`${prefix}: interrupted; nothing is left half-written that a new run cannot finish (runs are safe to repeat)\n`);
    return EXIT_INTERRUPTED;
  }
  if (err instanceof UserError) {
    o.stderr.write(`${prefix}: ${errorText(err)}\n`);
    return err.exitStatus;
  }
  const e = err as Error | undefined;
  o.stderr.write(`${prefix}: ${e && e.stack ? e.stack : String(err)}\n`);
  return 1;
}
