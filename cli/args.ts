import { parseArgs, styleText, type ParseArgsConfig } from 'node:util';
import { printError, UsageError } from '../errors';
import type { CliIo } from './io';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;
/** Spelled out so the declaration file can name it (util's option-map type is not exported). */
type ParsedArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: false; strict: true }>>;

/** Flags every command understands: what it works on, help, and colour (see README "Command line"). */
export const BASE_OPTIONS = {
  env: { type: 'string', short: 'e' },
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h', default: false },
  'no-color': { type: 'boolean', default: false },
} as const satisfies Options;

/** Report formats and Terraform's exit codes: only for commands that print a plan. */
export const REPORT_OPTIONS = {
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  'detailed-exitcode': { type: 'boolean', default: false },
} as const satisfies Options;

/** Approval without a prompt; `--auto-approve` is Terraform's spelling of `--yes`. */
export const APPROVE_OPTIONS = {
  yes: { type: 'boolean', short: 'y', default: false },
  'auto-approve': { type: 'boolean', default: false },
} as const satisfies Options;

/** The flags of the commands that read the stack outputs, print a report and may write (plan, apply, destroy, token). */
export const COMMON_OPTIONS = {
  ...BASE_OPTIONS,
  outputs: { type: 'string' },
  /** aws | local (the local Asgardeo and gateway); sets TOLLGATE_TARGET for this command. */
  target: { type: 'string' },
  ...REPORT_OPTIONS,
  ...APPROVE_OPTIONS,
} as const satisfies Options;

/**
 * `util.parseArgs` with `base` (default: the common flags) merged in; unknown flags are a UsageError.
 * Terraform's single-dash spelling of a long flag (`-detailed-exitcode`, `-auto-approve`) is accepted,
 * and `--auto-approve` sets `yes`.
 */
export function parseCommandArgs<T extends Options, B extends Options = typeof COMMON_OPTIONS>(
  argv: string[],
  extra: T,
  base?: B,
): ParsedArgs<B & T> {
  const options = { ...(base ?? COMMON_OPTIONS), ...extra } as B & T;
  try {
    const parsed = parseArgs({ args: terraformStyle(argv, options), options, allowPositionals: false, strict: true });
    const values = parsed.values as Record<string, unknown>;
    if (values['auto-approve'] === true) values.yes = true;
    return parsed;
  } catch (err) {
    throw new UsageError(doubleDashHint((err as Error).message, argv, options));
  }
}

/** Rewrites `-name` / `-name=value` to `--name` when `name` is a long flag of `options` (Terraform's spelling). */
export function terraformStyle(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    if (rest || arg === '--') {
      rest = true;
      out.push(arg);
      continue;
    }
    const m = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg);
    out.push(m && m[1]! in options ? `-${arg}` : arg);
  }
  return out;
}

/** parseArgs reads an unknown `-name` as the short flags -n -a ...: say which flag it was instead. */
function doubleDashHint(message: string, argv: readonly string[], options: Options): string {
  const single = argv.find((a) => /^-[a-z][a-z0-9-]+/.test(a) && !(a.slice(1).split('=')[0]! in options));
  return single ? `unknown flag "${single}": this command has no --${single.slice(1).split('=')[0]} (see --help)` : message;
}

/** Output format from `--json` / `--markdown` (mutually exclusive). */
export function formatFromFlags(values: { json?: unknown; markdown?: unknown }): 'text' | 'json' | 'markdown' {
  if (values.json && values.markdown) throw new UsageError('--json and --markdown cannot be used together');
  return values.json ? 'json' : values.markdown ? 'markdown' : 'text';
}

/** Prints any error as `tollgate <cmd>: <message>` (see printError); returns the exit status. */
export function reportError(command: string, err: unknown, io: CliIo, usageText?: string): number {
  return printError(`tollgate ${command}`, err, { stderr: io.stderr, signal: io.signal, usage: usageText });
}

/** Flags of the reconciler commands (plan/apply/destroy) on top of the common ones. */
export const RECONCILE_OPTIONS = {
  prune: { type: 'boolean', default: false },
  adopt: { type: 'boolean', default: false },
} as const satisfies Options;

/**
 * Whether to colour what goes to stdout, with the rules of `util.styleText`'s stream check:
 * `--no-color` and a non-empty `NO_COLOR` turn colour off, `FORCE_COLOR` (not 0/false) turns it on,
 * else colour only on a terminal.
 */
export function useColor(io: CliIo, values: { 'no-color'?: unknown } = {}): boolean {
  if (values['no-color'] === true) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR) return false;
  return !!io.stdout.isTTY && io.env.TERM !== 'dumb';
}

type Style = Parameters<typeof styleText>[0];

/** `text` in `style` when `color`, else as it is. The caller decides with `useColor`. */
export function paint(style: Style, text: string, color: boolean): string {
  return color ? styleText(style, text, { validateStream: false }) : text;
}
