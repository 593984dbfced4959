/**
 * `npm run aws:local -- [--port 4566] [--host 127.0.0.1]`
 * Starts the local AWS control plane in the foreground and prints its endpoint and the aws
 * provider configuration that sends Terraform to it. Ctrl-C stops it (its state is in memory only).
 */
import { parseArgs } from 'node:util';
import { startLocalAws } from './index';
import { DUMMY_CREDENTIALS, localAwsProviderConfig, OVERRIDE_FILE } from './provider-override';

const DEFAULT_PORT = 4566;

export interface AwsLocalCliOptions {
  readonly port: number;
  readonly host: string;
}

export class HelpRequested extends Error {}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): AwsLocalCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}. Options: --port <n> (or PORT; 0 = any free port), --host <ip>.`);
  }
  if (values.help) throw new HelpRequested();
  const rawPort = values.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) throw new Error(`Invalid port '${rawPort}': use 0-65535 (0 = any free port).`);
  return { port, host: values.host ?? '127.0.0.1' };
}

/** The lines printed once listening: endpoint, the provider block (HCL) and the override (JSON). */
export function describeEndpoint(endpoint: string, endpoints: Readonly<Record<string, string>>): string[] {
  // The HCL below mirrors localAwsProviderConfig, which the JSON line prints as is.
  const width = Math.max(...Object.keys(endpoints).map((k) => k.length));
  return [
    `Local AWS control plane listening at ${endpoint}`,
    '  serves: IAM, STS, CloudWatch Logs, Lambda, API Gateway v2 (state in memory; Ctrl-C forgets it)',
    `  debug:  ${endpoint}/_local/state (what is deployed), ${endpoint}/_local/requests (calls received)`,
    '',
    'aws provider configuration (HCL):',
    '  provider "aws" {',
    `    access_key                  = "${DUMMY_CREDENTIALS.access_key}"`,
    `    secret_key                  = "${DUMMY_CREDENTIALS.secret_key}"`,
    '    skip_credentials_validation = true',
    '    skip_metadata_api_check     = true',
    '    skip_region_validation      = true',
    '    endpoints {',
    ...Object.entries(endpoints).map(([service, url]) => `      ${service.padEnd(width)} = "${url}"`),
    '    }',
    '  }',
    '',
    `or as a Terraform override file next to cdk.tf.json (${OVERRIDE_FILE}):`,
    `  ${JSON.stringify({ provider: { aws: [localAwsProviderConfig(endpoint)] } })}`,
  ];
}

async function main(): Promise<void> {
  let options: AwsLocalCliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log('Usage: npm run aws:local -- [--port 4566] [--host 127.0.0.1]');
      return;
    }
    console.error(`aws:local: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  let aws;
  try {
    aws = await startLocalAws({ port: options.port, host: options.host });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ` Port ${options.port} is in use: pick another with --port (0 = any free port).` : '';
    console.error(`aws:local: could not start: ${e.message}.${hint}`);
    process.exitCode = 1;
    return;
  }
  for (const line of describeEndpoint(aws.endpoint, aws.providerEndpoints)) console.log(line);
  console.log('Press Ctrl-C to stop.');
  const stop = (): void => {
    const unserved = aws.requests.unserved();
    if (unserved.length > 0) console.log(`Operations asked for and not served: ${unserved.join(', ')}`);
    void aws.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
