import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type ResolvedConfig } from '../config';
import type { CliIo } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command understands (see README "Command line"). */
export const COMMON_OPTIONS = {
  env: { type: 'string', short: 'e' },
  config: { type: 'string', short: 'c' },
  outputs: { type: 'string' },
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  'detailed-exitcode': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** A wrong flag: the message says what was wrong; the caller prints the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `util.parseArgs` with the common flags merged in; unknown flags are a UsageError. */
export function parseCommandArgs<T extends Options>(argv: string[], extra: T) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Loads the configuration the flags name, resolved against the io's working directory and env. */
export function configFromFlags(values: { env?: unknown; config?: unknown }, io: CliIo): ResolvedConfig {
  const file = typeof values.config === 'string' ? path.resolve(io.cwd, values.config) : io.env.TOLLGATE_CONFIG ? path.resolve(io.cwd, io.env.TOLLGATE_CONFIG) : path.resolve(io.cwd, 'tollgate.config.ts');
  return loadConfig({ file, env: typeof values.env === 'string' ? values.env : undefined, environment: io.env });
}

/** Output format from `--json` / `--markdown` (mutually exclusive). */
export function formatFromFlags(values: { json?: unknown; markdown?: unknown }): 'text' | 'json' | 'markdown' {
  if (values.json && values.markdown) throw new UsageError('--json and --markdown cannot be used together');
  return values.json ? 'json' : values.markdown ? 'markdown' : 'text';
}

/** Prints any error as `tollgate <cmd>: <message>` (with the fix it carries); never a stack for known errors. */
export function reportError(command: string, err: unknown, io: CliIo, usageText?: string): number {
  const e = err as Error & { hint?: string };
  if (e instanceof UsageError) {
    io.stderr.write(`tollgate ${command}: ${e.message}\n${usageText ? `\n${usageText}` : ''}`);
    return 1;
  }
  if (io.signal?.aborted) {
    io.stderr.write(`tollgate ${command}: interrupted; nothing is left half-written that a new run cannot finish (runs are safe to repeat)\n`);
    return 130;
  }
  const known = e && typeof e === 'object' && ['ConfigError', 'AsgardeoError', 'OutputsError', 'CredentialsError', 'ReconcileError'].includes(e.name);
  const body = known ? e.message : e && e.stack ? e.stack : String(err);
  const hint = e && typeof e.hint === 'string' && e.hint && !body.includes(e.hint) ? `\n  what to do: ${e.hint}` : '';
  io.stderr.write(`tollgate ${command}: ${body}${hint}\n`);
  return 1;
}

/** Flags of the reconciler commands (plan/apply/destroy) on top of the common ones. */
export const RECONCILE_OPTIONS = {
  prune: { type: 'boolean', default: false },
  adopt: { type: 'boolean', default: false },
} as const satisfies Options;

/** Where the AWS stack's outputs come from: --outputs, else TOLLGATE_OUTPUTS, else ./tollgate.outputs.json when present. */
export function outputsFileFromFlags(values: { outputs?: unknown }, io: CliIo): string | undefined {
  const given = typeof values.outputs === 'string' ? values.outputs : io.env.TOLLGATE_OUTPUTS;
  if (given) return path.resolve(io.cwd, given);
  const fallback = path.resolve(io.cwd, 'tollgate.outputs.json');
  return fs.existsSync(fallback) ? fallback : undefined;
}

export function useColor(io: CliIo): boolean {
  return !!io.stdout.isTTY && !io.env.NO_COLOR;
}
