import { deployCommand } from '../../deploy/command';
import type { CliIo } from '../io';

export const summary = 'Deploy one environment: preflight, AWS (cdktf deploy), Asgardeo (reconcile), smoke test';

export function run(argv: string[], io: CliIo): Promise<number> {
  return deployCommand(argv, io);
}
