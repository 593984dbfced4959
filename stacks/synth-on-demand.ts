/**
 * `synthStack`, with synthesis (cdktf and the provider classes, about 200 modules) loaded on the first
 * call. The deploy runner and the sandbox import this: the commands and tests that load them without
 * building a stack do not pay for it.
 */
import type * as Synth from './synth';

export function synthStack(...args: Parameters<typeof Synth.synthStack>): ReturnType<typeof Synth.synthStack> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./synth') as typeof Synth).synthStack(...args);
}
