import { adminCredentialsFromEnv, readStackOutputs, transportFromEnv, type ReconcileOptions } from '../asgardeo';
import { configFromFlags, outputsFileFromFlags, type COMMON_OPTIONS, type RECONCILE_OPTIONS } from './args';
import type { CliIo } from './io';

type Flags = { [K in keyof typeof COMMON_OPTIONS | keyof typeof RECONCILE_OPTIONS]?: string | boolean | undefined };

/** Everything plan/apply/destroy need from flags and environment, with the errors users can cause made clear. */
export function reconcileOptionsFromFlags(values: Flags, io: CliIo): ReconcileOptions {
  const config = configFromFlags(values, io);
  const outputsFile = outputsFileFromFlags(values, io);
  const outputs = outputsFile ? readStackOutputs(outputsFile, config) : undefined;
  return {
    config,
    outputs,
    credentials: adminCredentialsFromEnv(io.env),
    prune: values.prune === true,
    adopt: values.adopt === true,
    progress: (line) => io.stderr.write(`  ${line}\n`),
    signal: io.signal,
    transport: transportFromEnv(io.env),
    env: io.env,
  };
}
