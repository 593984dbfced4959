import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { CliIo } from '../../cli/io';
import { printError, UsageError } from '../../errors';
import { renderChecks, renderTryIt, shellQuote } from './report';
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';

export const SANDBOX_USAGE = `Usage: tollgate dev [--once] [--env <name>] [--config <file>] [--asgardeo-port <n>] [--outdir <dir>]

Runs the deploy pipeline of \`tollgate deploy --target local\` on this machine: a local Asgardeo,
the stack synthesized for it and served by the local gateway, the real reconciler, the smoke test.
Then it prints what was checked and curl commands, and serves until Ctrl-C.

  --once               exit after the checks: status 0 only if every check passed
  --env <name>         environment of the configuration (default TOLLGATE_ENV, else the file's default)
  --config <file>      configuration file (default TOLLGATE_CONFIG, else tollgate.config.ts)
  --asgardeo-port <n>  the local Asgardeo's port (default 4180; a free port when taken; 0 = any)
  --outdir <dir>       where the local stack is synthesized (default .tollgate/sandbox)
`;

const OPTIONS = {
  once: { type: 'boolean', default: false },
  env: { type: 'string', short: 'e' },
  config: { type: 'string', short: 'c' },
  'asgardeo-port': { type: 'string' },
  outdir: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface RunSandboxDeps {
  /** Resolves when the sandbox should stop serving; default: when `io.signal` aborts (Ctrl-C). */
  serveUntil?: (sandbox: Sandbox) => Promise<void>;
  smokeOptions?: SandboxOptions['smokeOptions'];
  /** The process's own start, for the start-to-ready time; default: this call. */
  processStartMs?: number;
}

/** `tollgate dev` (`npm start` in tollgate's repository): the exit code (0 = every check passed and, unless --once, a clean Ctrl-C). */
export async function runSandbox(argv: string[], io: CliIo, deps: RunSandboxDeps = {}): Promise<number> {
  const callStart = performance.now();
  let sandbox: Sandbox | undefined;
  try {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.help) {
      io.stdout.write(SANDBOX_USAGE);
      return 0;
    }
    const port = parsePort(values['asgardeo-port']);
    const configFlags = [
      ...(values.env ? ['--env', values.env] : []),
      ...(values.config ? ['--config', path.resolve(io.cwd, values.config)] : []),
    ];
    sandbox = await startSandbox({
      configFile: values.config,
      env: values.env,
      cwd: io.cwd,
      environment: io.env,
      asgardeoPort: port,
      outdir: values.outdir,
      write: (t) => io.stdout.write(t),
      gatewayLog: (line) => io.stderr.write(`gateway: ${line}\n`),
      restartCommand: ['npx tollgate dev', ...argv].map((a, i) => (i === 0 ? a : shellQuote(a))).join(' '),
      smokeOptions: deps.smokeOptions,
      signal: io.signal,
      serveDemo: !values.once,
    });
    const { result } = sandbox;
    const sinceProcessStart = performance.now() - (deps.processStartMs ?? callStart);
    io.stdout.write(`\n${renderChecks(result.smoke ?? { checks: [], skipped: [] }, sandbox.awsPath)}\n`);
    for (const [user, t] of Object.entries(result.smoke?.timings ?? {})) {
      io.stdout.write(
        `User flow ${user}: app-native sign-in ${Math.round(t.signInMs)} ms, then the API calls ${Math.round(t.callMs)} ms\n`,
      );
    }
    if (values.once) {
      // Everything stops as this returns: no address printed here would answer any more.
      io.stdout.write(
        `Sandbox checked in ${seconds(sandbox.readyMs)} (${seconds(sinceProcessStart)} from process start). ` +
          '--once: it stops now, and the addresses above stop with it; `npm start` keeps them serving.\n',
      );
      return 0;
    }
    io.stdout.write(
      `Sandbox ready in ${seconds(sandbox.readyMs)} (${seconds(sinceProcessStart)} from process start): ` +
        `${result.outputs.stageInvokeUrl}\n\n`,
    );
    io.stdout.write(
      renderTryIt({
        config: result.config,
        stageInvokeUrl: sandbox.stageInvokeUrl,
        commandEnv: sandbox.commandEnv,
        configFlags,
        clients: result.asgardeo?.outputs?.clients,
      }),
    );
    io.stdout.write('\nServing until Ctrl-C.\n');
    await (deps.serveUntil ?? (() => untilAborted(io.signal)))(sandbox);
    io.stdout.write('\nStopping the sandbox...\n');
    return 0;
  } catch (err) {
    // Usage errors show the usage; the pipeline's errors say what failed, what is applied and what to do.
    // The local stand-ins stop with the sandbox: after Ctrl-C there is no applied state worth reporting.
    return printError('tollgate dev', err, { stderr: io.stderr, signal: io.signal, usage: SANDBOX_USAGE, stateOutlivesRun: false });
  } finally {
    await sandbox?.stop();
  }
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--asgardeo-port must be a port number from 0 to 65535, not "${value}"`);
  return port;
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
