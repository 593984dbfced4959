import { parseArgs, type ParseArgsConfig } from 'node:util';
import { printError, UsageError } from '../errors';
import type { CliIo } from './io';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command understands (see README "Command line"). */
export const COMMON_OPTIONS = {
  env: { type: 'string', short: 'e' },
  config: { type: 'string', short: 'c' },
  outputs: { type: 'string' },
  /** aws | local (the local Asgardeo and gateway); sets TOLLGATE_TARGET for this command. */
  target: { type: 'string' },
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  'detailed-exitcode': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** `util.parseArgs` with the common flags merged in; unknown flags are a UsageError. */
export function parseCommandArgs<T extends Options>(argv: string[], extra: T) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
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

export function useColor(io: CliIo): boolean {
  return !!io.stdout.isTTY && !io.env.NO_COLOR;
}
