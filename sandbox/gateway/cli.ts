/**
 * `npm run gateway:local -- [--stack cdktf.out/stacks/<stackName>] [--port 4280] [--outputs-file f.json]`
 * Serves a synthesized stack in the foreground, as API Gateway would; Ctrl-C stops it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeGateway } from './describe';
import { startLocalGateway } from './index';

const DEFAULT_PORT = 4280;
const USAGE =
  'Usage: npm run gateway:local -- [--stack cdktf.out/stacks/<stackName>] [--port 4280] [--host 127.0.0.1] [--outputs-file <file>]';

export interface GatewayCliOptions {
  readonly stackDir: string;
  readonly port: number;
  readonly host: string;
  readonly outputsFile: string | undefined;
}

/** Parses the flags; without --stack, the only stack under `cdktf.out/stacks` (a clear error when there are none or several). */
export function parseGatewayArgs(argv: readonly string[], cwd = process.cwd()): GatewayCliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'outputs-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid --port "${values.port}": use 0-65535 (0 = any free port)`);
  return {
    stackDir: values.stack ? path.resolve(cwd, values.stack) : onlyStack(cwd),
    port,
    host: values.host ?? '127.0.0.1',
    outputsFile: values['outputs-file'] && path.resolve(cwd, values['outputs-file']),
  };
}

function onlyStack(cwd: string): string {
  const stacks = path.join(cwd, process.env.CDKTF_OUTDIR ?? 'cdktf.out', 'stacks');
  const names = fs.existsSync(stacks) ? fs.readdirSync(stacks).filter((name) => fs.existsSync(path.join(stacks, name, 'cdk.tf.json'))) : [];
  if (names.length === 1) return path.join(stacks, names[0]);
  if (names.length === 0) {
    throw new Error(
      `no synthesized stack under ${stacks}: ` +
        'synthesize first (TOLLGATE_TARGET=local TOLLGATE_ENV=dev npx tsx main.ts), or pass --stack <folder>',
    );
  }
  throw new Error(
    `${stacks} holds several stacks (${names.join(', ')}): choose one with --stack ${path.relative(cwd, path.join(stacks, names[0]))}`,
  );
}

async function main(): Promise<void> {
  let options: GatewayCliOptions | 'help';
  try {
    options = parseGatewayArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`gateway:local: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const gateway = await startLocalGateway({ stackDir: options.stackDir, port: options.port, host: options.host }).catch((error: Error) => {
    console.error(`gateway:local: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  });
  if (!gateway) return;
  if (options.outputsFile) fs.writeFileSync(options.outputsFile, `${JSON.stringify(gateway.outputsFile(), null, 2)}\n`);
  console.log(describeGateway(gateway));
  if (options.outputsFile) console.log(`Outputs written to ${options.outputsFile} (the shape of cdktf deploy --outputs-file).`);
  console.log('Ctrl-C stops it.');
  const stop = () => {
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
