import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFromFlags, formatFromFlags, outputsFileFromFlags, parseCommandArgs, reportError, UsageError } from '../cli/args';
import { EXIT_ERROR, EXIT_OK, type CliIo } from '../cli/io';
import { isInteractive, terminalPrompt, type Prompt } from './approval';
import type { AsgardeoSide } from './asgardeo-side';
import { CdktfRunner } from './cdktf-runner';
import { LocalGatewayRunner } from './local-runner';
import { runDestroy } from './destroy';
import type { InfraRunner } from './infra-runner';
import { defaultOutputsFile, runDeploy, type DeployResult } from './pipeline';
import { planExitCode, renderPlanReport, runPlan } from './plan-report';
import { reconcilerSide } from './reconciler-side';
import type { ResumableStep } from './steps';

/**
 * What the commands use from outside: production defaults to the real cdktf CLI, the real
 * reconciler, the terminal prompt and global fetch; tests and the local sandbox pass their own.
 */
export interface CommandDeps {
  runner?: InfraRunner;
  side?: AsgardeoSide;
  prompt?: Prompt;
  interactive?: boolean;
  fetch?: typeof fetch;
  /** Home folder for ~/.aws. */
  home?: string;
  smokeOptions?: { retries?: number; retryDelayMs?: number; timeoutMs?: number };
  /** Called with the result of a successful deploy, while a local target's gateway still serves (the sandbox prints curl commands and waits here). */
  onDeployed?: (result: DeployResult) => void | Promise<void>;
}

/** Errors of this module whose message already says what is wrong and what to do: no stack trace. */
const SELF_EXPLAINING = new Set(['DeployError', 'PreflightError', 'DestroyError', 'ApprovalRefused', 'InfraToolError', 'InfraCommandError', 'DiscoveryError', 'SmokeTestError', 'GatewayStackError']);

function fail(command: string, err: unknown, io: CliIo, usage: string): number {
  if (err instanceof Error && SELF_EXPLAINING.has(err.name)) {
    io.stderr.write(`tollgate ${command}: ${err.message}\n`);
    return EXIT_ERROR;
  }
  return reportError(command, err, io, usage);
}

const DEPLOY_OPTIONS = {
  'no-smoke': { type: 'boolean', default: false },
  target: { type: 'string' },
  from: { type: 'string' },
  once: { type: 'boolean', default: false },
} as const;

export const DEPLOY_USAGE = `Usage: tollgate deploy [--env <name>] [--config <file>] [--yes] [--no-smoke] [--from asgardeo|smoke] [--outputs <file>]

Deploys one environment in four steps, each with its time:
  1. preflight   configuration, terraform + cdktf, AWS credentials, Asgardeo admin credentials and
                 scopes, the issuer's discovery document and its RSA keys; nothing changes before they pass
  2. aws         cdktf deploy of the environment's stack (asks for approval on a terminal)
  3. asgardeo    the reconciler's apply, fed by the stack's outputs
  4. smoke       calls every route: no token -> 401, a token without its scopes -> 403, with them -> 2xx

  --yes                  approve the AWS change without asking (required without a terminal, e.g. CI)
  --no-smoke             skip the smoke test
  --from <step>          resume at asgardeo or smoke after a failure (reads the saved outputs file)
  --outputs <file>       where the stack outputs are written/read (default .tollgate/<stack>.outputs.json)
  --target local         the local sandbox: the stack is served by the local gateway. Without
                         ASGARDEO_BASE_URL it starts a local Asgardeo too and keeps serving until Ctrl-C
                         (= npm start); with it, it uses that Asgardeo (npm run asgardeo:local)
  --once                 with --target local and no ASGARDEO_BASE_URL: exit after the checks
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app); AWS credentials (AWS_PROFILE or
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); TF_CLOUD_ORGANIZATION + TF_WORKSPACE for Terraform Cloud state.
`;

type Values = Record<string, string | boolean | undefined>;

function targetEnv(values: Values, io: CliIo): CliIo {
  const target = values.target;
  if (target === undefined) return io;
  if (target !== 'aws' && target !== 'local') throw new UsageError(`--target must be "aws" or "local", not "${String(target)}"`);
  return { ...io, env: { ...io.env, TOLLGATE_TARGET: target } };
}

/** The flags a resume must repeat (never --yes: approving is the user's call). */
function repeatFlags(command: string, values: Values): string {
  const parts = [`tollgate ${command}`];
  const quote = (v: string) => (/^[\w./:@-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  if (typeof values.env === 'string') parts.push('--env', quote(values.env));
  if (typeof values.config === 'string') parts.push('--config', quote(values.config));
  if (typeof values.outputs === 'string') parts.push('--outputs', quote(values.outputs));
  if (typeof values.target === 'string') parts.push('--target', values.target);
  if (values['no-smoke']) parts.push('--no-smoke');
  return parts.join(' ');
}

export async function deployCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, DEPLOY_OPTIONS);
    if (values.help) {
      io.stdout.write(DEPLOY_USAGE);
      return EXIT_OK;
    }
    const from = values.from;
    if (from !== undefined && from !== 'asgardeo' && from !== 'smoke' && from !== 'aws') throw new UsageError(`--from must be aws, asgardeo or smoke, not "${from}"`);
    const cio = targetEnv(values, io);
    const localTarget = !deps.runner && cio.env.TOLLGATE_TARGET === 'local';
    if (localTarget && from !== undefined) throw new UsageError('--from is for the aws target: the local target starts a fresh gateway, so it always runs every step');
    if (localTarget && !cio.env.ASGARDEO_BASE_URL) {
      // No Asgardeo named: the sandbox starts a local one and runs this same pipeline (`npm start`).
      // Loaded lazily: the sandbox pulls in the local Asgardeo, which real deploys never need.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runSandbox } = require('../sandbox/local') as typeof import('../sandbox/local');
      const passOn = [...(values.once ? ['--once'] : []), ...(typeof values.env === 'string' ? ['--env', values.env] : []), ...(typeof values.config === 'string' ? ['--config', values.config] : [])];
      return await runSandbox(passOn, io);
    }
    const loadConfig = () => configFromFlags(values, cio);
    // The local target serves the synthesized stack with the local gateway for as long as the caller wants.
    const local = localTarget ? new LocalGatewayRunner({ config: loadConfig, outdir: path.resolve(io.cwd, '.tollgate', 'local', 'cdktf.out'), log: (l) => io.stderr.write(`gateway: ${l}\n`) }) : undefined;
    const outputsFlag = typeof values.outputs === 'string' ? path.resolve(io.cwd, values.outputs) : undefined;
    try {
      const result = await runDeploy({
        loadConfig,
        runner: deps.runner ?? local ?? new CdktfRunner({ cwd: io.cwd, env: cio.env }),
        side: deps.side ?? reconcilerSide({ env: cio.env }),
        env: cio.env,
        cwd: io.cwd,
        yes: values.yes === true,
        interactive: deps.interactive ?? isInteractive(process.stdin, io.stdout),
        prompt: deps.prompt ?? terminalPrompt(process.stdin, process.stderr),
        smoke: values['no-smoke'] !== true,
        from: from === 'aws' ? undefined : (from as ResumableStep | undefined),
        outputsFile: outputsFlag,
        // A local run starts a fresh gateway, so it resumes from the start.
        resumeCommand: (step) => `${repeatFlags('deploy', values)}${step && !local ? ` --from ${step}` : ''}`,
        write: (t) => io.stdout.write(t),
        home: deps.home,
        fetch: deps.fetch,
        smokeOptions: deps.smokeOptions,
        signal: io.signal,
      });
      await deps.onDeployed?.(result);
    } finally {
      await local?.stop();
    }
    return EXIT_OK;
  } catch (err) {
    return fail('deploy', err, io, DEPLOY_USAGE);
  }
}

/** The reconciler commands' flags, so `plan` and `destroy` accept the same ones whichever path runs. */
export const PLAN_OPTIONS = { prune: { type: 'boolean', default: false }, adopt: { type: 'boolean', default: false }, 'asgardeo-only': { type: 'boolean', default: false } } as const;

/**
 * `tollgate plan` across both sides: `cdktf diff` plus the reconciler's plan, the access matrix and
 * the issuer/audience checks. Outputs come from --outputs, else the file the last deploy saved.
 */
export async function combinedPlanCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    const format = formatFromFlags(values);
    const config = configFromFlags(values, io);
    const side = deps.side ?? reconcilerSide({ env: io.env });
    const outputsFile = outputsFileFromFlags(values, io) ?? existing(defaultOutputsFile(config, io.cwd));
    const outputs = outputsFile ? side.readStackOutputs(outputsFile, config) : undefined;
    const outdir = path.resolve(io.cwd, io.env.CDKTF_OUTDIR ?? 'cdktf.out');
    const report = await runPlan({
      config,
      runner: deps.runner ?? new CdktfRunner({ cwd: io.cwd, env: io.env }),
      side,
      credentials: side.credentialsFromEnv(io.env),
      outputs,
      prune: values.prune === true,
      adopt: values.adopt === true,
      stackDir: path.join(outdir, 'stacks', config.stackName),
      // Terraform's own progress goes to stderr so stdout stays a clean report (PR comment, JSON).
      onOutput: (t) => io.stderr.write(t),
      signal: io.signal,
    });
    io.stdout.write(renderPlanReport(report, format));
    for (const p of report.problems) io.stderr.write(`tollgate plan: problem: ${p}\n`);
    return planExitCode(report, values['detailed-exitcode'] === true);
  } catch (err) {
    return fail('plan', err, io, '');
  }
}

/** `tollgate destroy` across both sides: the owned Asgardeo objects, then `cdktf destroy`. */
export async function combinedDestroyCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    formatFromFlags(values);
    const config = configFromFlags(values, io);
    const side = deps.side ?? reconcilerSide({ env: io.env });
    const outputsFile = outputsFileFromFlags(values, io) ?? existing(defaultOutputsFile(config, io.cwd));
    await runDestroy({
      config,
      runner: deps.runner ?? new CdktfRunner({ cwd: io.cwd, env: io.env }),
      side,
      credentials: side.credentialsFromEnv(io.env),
      outputs: outputsFile ? side.readStackOutputs(outputsFile, config) : undefined,
      yes: values.yes === true,
      interactive: deps.interactive ?? isInteractive(process.stdin, io.stdout),
      prompt: deps.prompt ?? terminalPrompt(process.stdin, process.stderr),
      command: repeatFlags('destroy', values),
      write: (t) => io.stdout.write(t),
      signal: io.signal,
    });
    return EXIT_OK;
  } catch (err) {
    return fail('destroy', err, io, '');
  }
}

function existing(file: string): string | undefined {
  return fs.existsSync(file) ? file : undefined;
}
