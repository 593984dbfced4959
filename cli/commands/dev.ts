import type { CliIo } from '../io';
import { localSandbox } from '../local-sandbox';

export const summary = 'Run the local sandbox for this project: local Asgardeo, the stack, the checks (--once: exit after them)';

/** The sandbox's own entry (sandbox/local/run.ts) parses the flags and prints the usage. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  return localSandbox().runSandbox(argv, io);
}
