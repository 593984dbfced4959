/**
 * The cdktf app (`cdktf synth`/`cdktf deploy` run by hand, see cdktf.json): every selected
 * environment's stack, built by stacks/synth.ts as tollgate's own runner builds it.
 */
import { ConfigError } from './config';
import { UserError } from './errors';
import { buildApp } from './stacks/synth';

export { TollgateStack, STACK_OUTPUT_NAMES, AWS_PROVIDER_CONSTRAINT } from './stacks/tollgate-stack';
export type { StateBackend, StackOutputName } from './stacks/tollgate-stack';
export { buildApp, buildStack, backendFromEnv, selectEnvironments, synthStack } from './stacks/synth';
export type { BuildAppOptions, BuildStackOptions, SynthOptions, SynthesizedStack } from './stacks/synth';

function main(): void {
  try {
    const { app } = buildApp();
    app.synth();
  } catch (err) {
    // User errors already say what is wrong and how to fix it; a stack trace only helps when debugging tollgate itself.
    const known = err instanceof ConfigError || err instanceof UserError;
    console.error(known ? (err as Error).message : `tollgate synth failed: ${(err as Error).message}`);
    if (process.env.TOLLGATE_DEBUG && !known) console.error((err as Error).stack);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
