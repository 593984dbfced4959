/**
 * How tests start tollgate's entry points as separate processes: the one place that says which code
 * a process runs. The CLI is bin/tollgate.js, as a user runs it: in this clone it runs the TypeScript
 * sources through tsx (so a test never runs a stale dist/), in an installed package the compiled dist/
 * (__tests__/new-project.test.ts covers that one). The stand-ins' command lines are their .ts files
 * under tsx's loader.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** A program and its arguments, for spawn/spawnSync. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

/** `tollgate <args>` as a user runs it: node and the package's bin. */
export function cliCommand(args: readonly string[] = []): Command {
  return { command: process.execPath, args: [path.join(REPO_ROOT, 'bin', 'tollgate.js'), ...args] };
}

/**
 * A TypeScript entry point of the repository (`sandbox/aws/cli.ts`) in one node process: tsx's loader,
 * no tsx wrapper process, so a signal sent to the child reaches the program itself.
 */
export function entryPointCommand(file: string, args: readonly string[] = []): Command {
  return { command: process.execPath, args: ['--import', 'tsx', path.resolve(REPO_ROOT, file), ...args] };
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tollgate <args>` to its end; the environment is exactly `env` (nothing of the test's leaks in). */
export function runCli(args: readonly string[], options: Omit<SpawnSyncOptions, 'encoding'> & { env: NodeJS.ProcessEnv }): CliRun {
  const { command, args: all } = cliCommand(args);
  const r = spawnSync(command, all, { timeout: 120_000, ...options, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
