import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config';
import { requireApproval, type Prompt } from './approval';
import type { AdminCredentials, ApplySummary, AsgardeoSide, StackOutputs } from './asgardeo-side';
import type { InfraDiff, InfraRunner } from './infra-runner';
import { PreflightError, runPreflight, type PreflightCheck } from './preflight';
import { runSmokeTest, SmokeTestError, type SmokeResult, type SmokeTestOptions } from './smoke';
import { runUserSmokeTest } from './smoke-users';
import { provideSandboxPasswords, reportSandboxPasswords } from './test-user-passwords';
import { StepClock, type DeployStep, type ResumableStep, type StepReport } from './steps';
import { errorText, UserError } from '../errors';

export interface DeployOptions {
  loadConfig: () => ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--yes`: approve the AWS change without asking. */
  yes: boolean;
  /** Whether a person can answer the prompt (stdin and stdout are terminals). */
  interactive: boolean;
  prompt: Prompt;
  /** `--no-smoke` sets false. */
  smoke: boolean;
  /** `--from asgardeo|smoke`: resume after a failure, reading the saved outputs file. */
  from?: ResumableStep;
  /** Terraform outputs file. @default `.tollgate/<stack>.outputs.json` under cwd */
  outputsFile?: string;
  /** The command to print for resuming, e.g. `tollgate deploy --env dev` (+ `--from <step>`). */
  resumeCommand: (from?: ResumableStep) => string;
  /** Progress text (step headers, tool output, reconciler lines). Never receives a secret. */
  write: (text: string) => void;
  home?: string;
  fetch?: typeof fetch;
  smokeOptions?: Partial<Pick<SmokeTestOptions, 'retries' | 'retryDelayMs' | 'timeoutMs' | 'expectedBodies'>>;
  signal?: AbortSignal;
}

export interface DeployResult {
  config: ResolvedConfig;
  steps: StepReport[];
  preflight: PreflightCheck[];
  outputs: StackOutputs;
  outputsFile: string;
  asgardeo?: ApplySummary;
  smoke?: SmokeResult;
}

/** What each side holds after a failed run, so the user knows what is live. */
export interface SideState {
  aws: string;
  asgardeo: string;
}

/** A deploy stopped at `step`: the message says what failed, what is applied on each side, and how to resume. */
export class DeployError extends UserError {
  readonly step: DeployStep;
  readonly state: SideState;
  readonly resume: string;
  readonly steps: StepReport[];
  readonly cause: unknown;
  constructor(o: { step: DeployStep; cause: unknown; state: SideState; resume: string; steps: StepReport[] }) {
    const reason = errorText(o.cause);
    const state = `What is applied now:\n  AWS:      ${o.state.aws}\n  Asgardeo: ${o.state.asgardeo}`;
    super(`deploy failed at step "${o.step}":\n${indent(reason)}\n\n${state}\n\nTo resume: ${o.resume}`, { describesState: true });
    this.step = o.step;
    this.state = o.state;
    this.resume = o.resume;
    this.steps = o.steps;
    this.cause = o.cause;
  }
}

/** Where `tollgate deploy` saves the stack's outputs unless told otherwise: `.tollgate/<stack>.outputs.json`. */
export function stackOutputsPath(config: ResolvedConfig, cwd: string): string {
  return path.resolve(cwd, '.tollgate', `${config.stackName}.outputs.json`);
}

/**
 * `tollgate deploy`: preflight → AWS (cdktf deploy, after approval) → Asgardeo (reconciler apply fed
 * by the stack's outputs) → smoke test. Every step converges when run again, so the resume
 * command is always safe.
 */
export async function runDeploy(o: DeployOptions): Promise<DeployResult> {
  const clock = new StepClock(o.write);
  const from = o.from;
  const skipAwsStep = from === 'asgardeo' || from === 'smoke';
  const state: SideState = { aws: 'not changed by this run', asgardeo: 'not changed by this run' };
  let current: DeployStep = 'preflight';
  const fail = (cause: unknown, resume: string): never => {
    throw new DeployError({ step: current, cause, state, resume, steps: clock.reports });
  };

  // 1. Preflight: nothing changes before every check passed.
  let config: ResolvedConfig;
  let credentials: AdminCredentials;
  let preflight: PreflightCheck[];
  try {
    ({
      config,
      credentials,
      checks: preflight,
    } = await clock.run('preflight', async () => {
      const printPassed = (checks: PreflightCheck[]) => {
        for (const c of checks.filter((x) => x.status !== 'failed')) {
          o.write(`  ${c.status === 'ok' ? '✓' : '-'} ${c.name}: ${c.detail}\n`);
        }
      };
      try {
        const result = await runPreflight({
          loadConfig: o.loadConfig,
          runner: o.runner,
          side: o.side,
          env: o.env,
          home: o.home,
          skipAws: skipAwsStep,
          fetch: o.fetch,
          signal: o.signal,
        });
        printPassed(result.checks);
        return result;
      } catch (err) {
        // What passed is worth seeing too; the failures are in the error message.
        if (err instanceof PreflightError) printPassed(err.checks);
        throw err;
      }
    }));
  } catch (err) {
    return fail(err, `fix the problems above, then run \`${o.resumeCommand(from)}\``);
  }
  // The local target: test users whose password variable is unset get one for this run (printed after the Asgardeo step).
  const generatedPasswords = provideSandboxPasswords(config, o.env);
  if (config.target === 'local') clock.retitle('aws', o.runner.localDescription?.title ?? 'Stack: local gateway (local target)');
  const outputsFile = o.outputsFile ?? stackOutputsPath(config, o.cwd);
  const op = {
    stack: config.stackName,
    environment: config.environment,
    configFile: config.file,
    onOutput: (t: string) => o.write(t),
    signal: o.signal,
  };

  // 2. AWS.
  let outputs: StackOutputs;
  if (skipAwsStep) {
    clock.skip('aws', `--from ${from}: using ${path.relative(o.cwd, outputsFile) || outputsFile}`);
    current = 'aws';
    try {
      outputs = o.side.readStackOutputs(outputsFile, config);
      state.aws = `deployed earlier (outputs read from ${outputsFile})`;
    } catch (err) {
      state.aws = `unknown: no usable outputs at ${outputsFile}`;
      return fail(err, `run \`${o.resumeCommand()}\` (the whole deploy; it converges)`);
    }
  } else {
    current = 'aws';
    try {
      outputs = await clock.run('aws', async () => {
        // A runner that saves plans shows the plan first; the approval is for exactly that plan file.
        let plan: InfraDiff | undefined;
        if (config.target !== 'local' && o.runner.appliesSavedPlan) {
          plan = await o.runner.diff(op);
          const verdict = plan.summary ?? (plan.changes ? 'changes' : 'no changes');
          o.write(`  Terraform plan (${verdict}), saved to ${plan.planFile ?? '(no file)'}:\n`);
          o.write(`${plan.text.trimEnd().replace(/^/gm, '    ')}\n`);
        }
        if (config.target !== 'local') {
          await requireApproval({
            yes: o.yes,
            interactive: o.interactive,
            prompt: o.prompt,
            action:
              `deploy stack ` +
              `${config.stackName} to AWS (${config.aws.region}) and then reconcile Asgardeo organization ` +
              `"${config.asgardeo.organization}"`,
            rerunWithYes: `${o.resumeCommand()} --yes`,
          });
        }
        state.aws =
          config.target === 'local'
            ? `the local gateway for ${config.stackName} did not start (nothing outside this machine changed)`
            : `${plan ? 'terraform apply of the saved plan' : 'cdktf deploy'} of ${config.stackName} started and did not ` +
              `finish: Terraform's state holds whatever it created; \`npx tollgate plan --env ${config.environment}\` shows the rest`;
        fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
        await o.runner.deploy({ ...op, outputsFile, autoApprove: true, ...(plan ? { plan } : {}) });
        const read = o.side.readStackOutputs(outputsFile, config);
        state.aws = `deployed ${config.stackName} (outputs in ${outputsFile})`;
        o.write(`  API: ${read.stageInvokeUrl}\n`);
        return read;
      });
    } catch (err) {
      if (state.aws.startsWith('not changed')) return fail(err, `run \`${o.resumeCommand()}\` when ready`);
      return fail(
        err,
        `fix the problem above, then run ` +
          `\`${o.resumeCommand()}\`${config.target === 'local' ? '' : ' (Terraform continues from its state)'}`,
      );
    }
  }

  // 3. Asgardeo.
  current = 'asgardeo';
  let asgardeo: ApplySummary | undefined;
  if (from === 'smoke') {
    clock.skip('asgardeo', '--from smoke');
    state.asgardeo = 'applied earlier';
  } else {
    const done: string[] = [];
    try {
      asgardeo = await clock.run('asgardeo', async () => {
        checkIssuer(config, outputs);
        state.asgardeo = 'reconcile started; nothing written yet';
        const result = await o.side.apply({
          config,
          outputs,
          credentials,
          signal: o.signal,
          progress: (line) => {
            done.push(line);
            state.asgardeo = `partially applied; last progress before the failure: ${line}`;
            o.write(`  ${line}\n`);
          },
        });
        state.asgardeo = `applied (${done.length} change${done.length === 1 ? '' : 's'} in this run)`;
        if (result.outputs?.audience) o.write(`  audience: ${result.outputs.audience}\n`);
        for (const c of result.outputs?.clients ?? []) o.write(`  client ${c.name}: ${c.clientId}\n`);
        return result;
      });
      reportSandboxPasswords(generatedPasswords, asgardeo.createdUsers && new Set(asgardeo.createdUsers), o.env, o.write);
    } catch (err) {
      reportSandboxPasswords(generatedPasswords, undefined, o.env, o.write);
      return fail(
        err,
        `fix the problem above, then run \`${o.resumeCommand('asgardeo')}\` (the AWS side is already ` +
          `deployed; objects already created are found and reused)`,
      );
    }
  }

  // 4. Smoke test.
  current = 'smoke';
  let smoke: SmokeResult | undefined;
  if (!o.smoke) {
    clock.skip('smoke', '--no-smoke');
  } else {
    try {
      smoke = await clock.run('smoke', async () => {
        const r = await runSmokeTest({
          config,
          baseUrl: outputs.stageInvokeUrl,
          getToken: async (client) => {
            const t = await o.side.requestClientToken({ config, credentials, client });
            return { accessToken: t.accessToken, scope: t.scope };
          },
          fetch: o.fetch,
          signal: o.signal,
          progress: (line) => o.write(`  ${line}\n`),
          ...o.smokeOptions,
        });
        const side = o.side;
        if (side.requestUserToken) {
          const people = await runUserSmokeTest({
            config,
            baseUrl: outputs.stageInvokeUrl,
            env: o.env,
            getUserToken: (u) => side.requestUserToken!({ config, credentials, ...u }),
            fetch: o.fetch,
            signal: o.signal,
            progress: (line) => o.write(`  ${line}\n`),
          });
          r.checks.push(...people.checks);
          r.skipped.push(...people.skipped);
          r.timings = people.timings;
          if (people.checks.some((c) => !c.ok)) throw new SmokeTestError(r);
        }
        for (const s of r.skipped) o.write(`  - not tried: ${s}\n`);
        return r;
      });
    } catch (err) {
      return fail(
        err,
        `fix the problem above, then run \`${o.resumeCommand('smoke')}\` (or the whole ` +
          `\`${o.resumeCommand()}\` after a configuration change)`,
      );
    }
  }

  const total = clock.reports.reduce((a, r) => a + r.ms, 0);
  o.write(`\nDeployed ${config.stackName} in ${(total / 1000).toFixed(1)} s: ${outputs.stageInvokeUrl}\n`);
  return { config, steps: clock.reports, preflight, outputs, outputsFile, asgardeo, smoke };
}

/** The deployed authorizer must trust exactly the issuer Asgardeo puts in `iss`. */
function checkIssuer(config: ResolvedConfig, outputs: StackOutputs): void {
  if (outputs.issuer !== config.asgardeo.issuer) {
    throw new Error(
      `the deployed stack's JWT authorizer trusts the issuer ${JSON.stringify(outputs.issuer)}, but tokens of ` +
        `organization "${config.asgardeo.organization}" carry ${JSON.stringify(config.asgardeo.issuer)}: every call ` +
        `would be rejected with 401.\n  what to do: run the whole deploy again so the stack picks up the configured ` +
        `issuer (the outputs file may be from an older deploy)`,
    );
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
