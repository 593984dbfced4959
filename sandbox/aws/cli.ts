/**
 * `npm run aws:local -- [--port 4566] [--gateway-port <n>] [--host 127.0.0.1]`
 * Starts the local AWS control plane in the foreground with the local gateway that serves what is
 * deployed in it, and prints its endpoint, the export line for `tollgate deploy/destroy --target local`
 * and the aws provider configuration that sends Terraform to it. Ctrl-C stops it (its state is in memory only).
 */
import { parseArgs } from 'node:util';
import { DUMMY_CREDENTIALS, localAwsProviderConfig, OVERRIDE_FILE } from './provider-override';
import { LOCAL_AWS_URL_VARIABLE, startLocalAwsWithGateway } from './with-gateway';

const DEFAULT_PORT = 4566;

export interface AwsLocalCliOptions {
  readonly port: number;
  /** The gateway's port; 0 = a free port. */
  readonly gatewayPort: number;
  readonly host: string;
}

export const AWS_LOCAL_USAGE = 'Usage: npm run aws:local -- [--port 4566] [--gateway-port <n> (default: a free port)] [--host 127.0.0.1]';

export class HelpRequested extends Error {}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): AwsLocalCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'gateway-port': { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}. Options: --port <n> (or PORT; 0 = any free port), --gateway-port <n>, --host <ip>.`);
  }
  if (values.help) throw new HelpRequested();
  const port = portNumber(values.port ?? env.PORT ?? String(DEFAULT_PORT), 'port');
  const gatewayPort = portNumber(values['gateway-port'] ?? '0', 'gateway port');
  return { port, gatewayPort, host: values.host ?? '127.0.0.1' };
}

function portNumber(raw: string, what: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`Invalid ${what} '${raw}': use 0-65535 (0 = any free port).`);
  return port;
}

/** The lines that point `tollgate deploy/destroy --target local` at this control plane (printed first). */
export function describeLocalAws(endpoint: string, gatewayUrl: string): string[] {
  return [
    `Local AWS control plane listening at ${endpoint}`,
    `  gateway: ${gatewayUrl} serves what is deployed here (every API's endpoint; stage invoke URLs start with it)`,
    '  serves: IAM, STS, CloudWatch Logs, Lambda, API Gateway v2 (state in memory; Ctrl-C forgets it)',
    `  debug:  ${endpoint}/_local/state (what is deployed), ${endpoint}/_local/requests (calls received)`,
    '',
    'Deploy to it from another shell (Terraform state stays in .tollgate/local/; the deployment stays here',
    'until `npx tollgate destroy --target local --yes`; needs terraform + a provider mirror and ASGARDEO_BASE_URL):',
    `  ${localAwsExportLine(endpoint)}`,
  ];
}

/** The shell line that sends `tollgate deploy/destroy --target local` to this control plane. */
export function localAwsExportLine(endpoint: string): string {
  return `export ${LOCAL_AWS_URL_VARIABLE}=${endpoint}`;
}

/** The lines printed once listening: endpoint, the provider block (HCL) and the override (JSON). */
export function describeEndpoint(endpoint: string, endpoints: Readonly<Record<string, string>>): string[] {
  // The HCL below mirrors localAwsProviderConfig, which the JSON line prints as is.
  const width = Math.max(...Object.keys(endpoints).map((k) => k.length));
  return [
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
      console.log(AWS_LOCAL_USAGE);
      return;
    }
    console.error(`aws:local: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  let local;
  try {
    local = await startLocalAwsWithGateway({
      port: options.port,
      gatewayPort: options.gatewayPort,
      host: options.host,
      log: (line) => console.error(`local AWS: ${line}`),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'EADDRINUSE'
        ? ` Port ${options.port} or ${options.gatewayPort} is in use: pick others with --port and --gateway-port (0 = any free port).`
        : '';
    console.error(`aws:local: could not start: ${e.message}.${hint}`);
    process.exitCode = 1;
    return;
  }
  const { aws } = local;
  for (const line of [...describeLocalAws(aws.endpoint, local.gatewayUrl), '', ...describeEndpoint(aws.endpoint, aws.providerEndpoints)])
    console.log(line);
  console.log('Press Ctrl-C to stop.');
  const stop = (): void => {
    const unserved = aws.requests.unserved();
    if (unserved.length > 0) console.log(`Operations asked for and not served: ${unserved.join(', ')}`);
    void local.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
