import type { CliIo } from '../io';
import { localSandbox } from '../local-sandbox';

export const summary = 'Run the local sandbox for this project: local Asgardeo, the stack, the checks (--once: exit after them)';

/** The sandbox's own entry (sandbox/local/run.ts) parses the flags and prints the usage. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  // performance.now() counts from the process's start: the start-to-ready time a user sees (npm start's bench reads it).
  return localSandbox().runSandbox(argv, io, { processStartMs: 0 });
}
