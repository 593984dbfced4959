import * as fs from 'node:fs';
import * as path from 'node:path';
import { adminCredentialsFromEnv, checkOutputsMatch, readStackOutputs, transportFromEnv, type ReconcileOptions } from '../asgardeo';
import { loadConfig, type ResolvedConfig } from '../config';
import { stackOutputsPath } from '../deploy';
import { UsageError } from '../errors';
import type { CliIo } from './io';

/**
 * The one place every command resolves what it works on: the configuration file and environment,
 * the target, and the stack outputs file. Commands parse flags and print; this decides.
 */
export interface ContextFlags {
  env?: unknown;
  config?: unknown;
  outputs?: unknown;
  target?: unknown;
  prune?: unknown;
  adopt?: unknown;
}

/** `--target aws|local` sets TOLLGATE_TARGET for this command (the configuration reads it). */
export function withTarget(values: ContextFlags, io: CliIo): CliIo {
  const target = values.target;
  if (target === undefined) return io;
  if (target !== 'aws' && target !== 'local') throw new UsageError(`--target must be "aws" or "local", not "${String(target)}"`);
  return { ...io, env: { ...io.env, TOLLGATE_TARGET: target } };
}

/** The configuration file: --config, else TOLLGATE_CONFIG, else ./tollgate.config.ts. */
export function configFile(values: ContextFlags, io: CliIo): string {
  if (typeof values.config === 'string') return path.resolve(io.cwd, values.config);
  return path.resolve(io.cwd, io.env.TOLLGATE_CONFIG || 'tollgate.config.ts');
}

/** Loads the configuration the flags name, resolved against the io's working directory and env. */
export function configFromFlags(values: ContextFlags, cliIo: CliIo): ResolvedConfig {
  const io = withTarget(values, cliIo);
  return loadConfig({ file: configFile(values, io), env: typeof values.env === 'string' ? values.env : undefined, environment: io.env });
}

/** The `--outputs` / TOLLGATE_OUTPUTS value that means "no outputs file" (the Asgardeo side needs none). */
export const NO_OUTPUTS = 'none';

/**
 * The one resolver of the AWS stack's outputs file, for every command: --outputs, else
 * TOLLGATE_OUTPUTS, else ./tollgate.outputs.json when present, else the file `tollgate deploy` wrote
 * (`.tollgate/<stack>.outputs.json`, see `stackOutputsPath`) when present; `none` means no file. Outputs
 * are optional: the API identifier comes from the configuration; outputs serve the smoke test and
 * cross-checks. A file found (not named) that a local deployment left is ignored, with a line saying
 * so, when the command is aimed at another target or Asgardeo: it must not block that command.
 */
export function stackOutputsFile(values: ContextFlags, io: CliIo, o: { config: ResolvedConfig }): string | undefined {
  if (values.outputs === '') throw new UsageError(`--outputs needs a file name, or "${NO_OUTPUTS}" for no outputs file`);
  const given = typeof values.outputs === 'string' ? values.outputs : io.env.TOLLGATE_OUTPUTS;
  if (given === NO_OUTPUTS) return undefined;
  if (given) return path.resolve(io.cwd, given);
  const fallback = path.resolve(io.cwd, 'tollgate.outputs.json');
  const saved = stackOutputsPath(o.config, io.cwd);
  const found = [fallback, saved].find((f) => fs.existsSync(f));
  if (!found) return undefined;
  const stale = staleLocalOutputs(found, o.config);
  if (!stale) return found;
  io.stderr.write(
    `tollgate: ignoring ${path.relative(io.cwd, found) || found}: a local deployment wrote it (issuer ${stale}), ` +
      `and this command is aimed at ${o.config.target === 'local' ? 'another local Asgardeo' : `target ${o.config.target}`} ` +
      `(issuer ${o.config.asgardeo.issuer}); pass --outputs <file> for this deployment's outputs\n`,
  );
  return undefined;
}

/** The issuer of a local deployment's outputs in `file` when they do not fit `config`'s target and issuer; else undefined. */
function staleLocalOutputs(file: string, config: ResolvedConfig): string | undefined {
  let issuer: string;
  try {
    issuer = readStackOutputs(file, config).issuer;
  } catch {
    return undefined; // not this stack's outputs at all: the command's own read names what is wrong
  }
  const local = isLoopbackUrl(issuer);
  return local && (config.target !== 'local' || issuer !== config.asgardeo.issuer) ? issuer : undefined;
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Everything plan/apply/destroy need from flags and environment, with the errors users can cause made clear. */
export function reconcileOptions(values: ContextFlags, io: CliIo): ReconcileOptions {
  const config = configFromFlags(values, io);
  const outputsFile = stackOutputsFile(values, io, { config });
  return {
    config,
    outputs: outputsFile ? checkOutputsMatch(readStackOutputs(outputsFile, config), config, outputsFile) : undefined,
    credentials: adminCredentialsFromEnv(io.env),
    prune: values.prune === true,
    adopt: values.adopt === true,
    progress: (line) => io.stderr.write(`  ${line}\n`),
    signal: io.signal,
    transport: transportFromEnv(io.env),
    env: io.env,
  };
}

/** The command to print for a rerun or resume: the flags that chose what to work on (never --yes). */
export function repeatCommand(command: string, values: ContextFlags & { 'no-smoke'?: unknown }): string {
  // `npx tollgate` runs from a clone as printed (tollgate is not on PATH unless installed globally).
  const parts = [`npx tollgate ${command}`];
  const quote = (v: string) => (/^[\w./:@-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  if (typeof values.env === 'string') parts.push('--env', quote(values.env));
  if (typeof values.config === 'string') parts.push('--config', quote(values.config));
  if (typeof values.outputs === 'string') parts.push('--outputs', quote(values.outputs));
  if (typeof values.target === 'string') parts.push('--target', values.target);
  if (values['no-smoke']) parts.push('--no-smoke');
  if (values.adopt === true) parts.push('--adopt');
  return parts.join(' ');
}
