import * as path from 'node:path';
import { parseStackOutputs, writeStackOutputs } from '../asgardeo';
import type { ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { requireApproval, type Prompt } from './approval';
import type { AdminCredentials, ApplySummary, AsgardeoSide, StackOutputs } from './asgardeo-side';
import type { InfraRunner, RunnerDescription, StackOperation } from './infra-runner';
import { PreflightError, runPreflight, type PreflightCheck } from './preflight';
import { runSmokeTest, SmokeTestError, type SmokeResult, type SmokeTestOptions } from './smoke';
import { runUserSmokeTest } from './smoke-users';
import { DeployDelivery } from './secret-delivery';
import type { SecretStore } from './secrets-manager-store';
import { runSteps, StepError, type DeployStep, type ResumableStep, type SideStates, type Step, type StepReport } from './steps';
import { generateTestUserPasswords, passwordValues, reportGeneratedPasswords, type PasswordValues } from './test-user-passwords';

export interface DeployOptions {
  loadConfig: () => ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--yes`: approve the AWS change without asking (a local target changes nothing outside the machine: its callers pass true). */
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
  /** How much of the AWS plan to print before the approval: all of it (default), or its summary line. */
  planDetail?: 'full' | 'summary';
  /** The preflight's fix when issuer discovery fails (the sandbox names its local Asgardeo). */
  discoveryFix?: string;
  /** The command to print for resuming, e.g. `tollgate deploy --env dev` (+ `--from <step>`). */
  resumeCommand: (from?: ResumableStep) => string;
  /** Progress text (step headers, tool output, reconciler lines). Never receives a secret. */
  write: (text: string) => void;
  home?: string;
  fetch?: typeof fetch;
  smokeOptions?: Partial<Pick<SmokeTestOptions, 'retries' | 'retryDelayMs' | 'timeoutMs' | 'expectedBodies'>>;
  signal?: AbortSignal;
  /** Where delivered client credentials are written. @default Secrets Manager at the runner's awsSdkTarget */
  secretStore?: SecretStore;
}

export interface DeployResult {
  config: ResolvedConfig;
  steps: StepReport[];
  preflight: PreflightCheck[];
  outputs: StackOutputs;
  outputsFile: string;
  asgardeo?: ApplySummary;
  smoke?: SmokeResult;
  /** The generated test-user passwords the users now have (a local run's), by variable: for the commands it prints. */
  passwords: PasswordValues;
}

/** A deploy stopped at a step: the one error type of a failed step (steps.ts). */
export { StepError as DeployError };

/** Where `tollgate deploy` saves the stack's outputs unless told otherwise: `.tollgate/<stack>.outputs.json`. */
export function stackOutputsPath(config: ResolvedConfig, cwd: string): string {
  return path.resolve(cwd, '.tollgate', `${config.stackName}.outputs.json`);
}

/** What the steps fill in for the ones after them. */
interface DeployRun {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  preflight: PreflightCheck[];
  runner?: RunnerDescription;
  outputsFile: string;
  outputs: StackOutputs;
  passwords: PasswordValues;
  /** Client credentials: delivered by the Asgardeo step, read by the smoke test. */
  delivery: DeployDelivery;
  asgardeo?: ApplySummary;
  smoke?: SmokeResult;
}

/**
 * `tollgate deploy`: preflight → AWS (the runner's plan, shown and approved, then applied as it is)
 * → Asgardeo (reconciler apply fed by the stack's outputs) → smoke test, as a table over the one
 * step runner. Every step converges when run again, so the resume command is always safe.
 */
export async function runDeploy(o: DeployOptions): Promise<DeployResult> {
  const from = o.from;
  const skipAws = from === 'asgardeo' || from === 'smoke';
  const state: SideStates = { aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } };
  const run = { preflight: [] as PreflightCheck[], passwords: {} as PasswordValues, delivery: new DeployDelivery(o) } as DeployRun;
  const op = (): StackOperation => ({
    stack: run.config.stackName,
    environment: run.config.environment,
    configFile: run.config.file,
    onOutput: (t: string) => o.write(t),
    signal: o.signal,
  });
  const resumeHere = (step: ResumableStep, after: string) => `fix the problem above, then run \`${o.resumeCommand(step)}\` ${after}`;

  const steps: Step<DeployStep>[] = [
    {
      name: 'preflight',
      title: 'Preflight checks',
      run: async () => {
        const printPassed = (checks: PreflightCheck[]) => {
          for (const c of checks.filter((x) => x.status !== 'failed'))
            o.write(`  ${c.status === 'ok' ? '✓' : '-'} ${c.name}: ${c.detail}\n`);
        };
        try {
          const result = await runPreflight({ ...o, skipAws, ...(o.discoveryFix ? { discoveryFix: o.discoveryFix } : {}) });
          printPassed(result.checks);
          Object.assign(run, { config: result.config, credentials: result.credentials, preflight: result.checks, runner: result.runner });
        } catch (err) {
          // What passed is worth seeing too; the failures are in the error message.
          if (err instanceof PreflightError) printPassed(err.checks);
          throw err;
        }
        run.outputsFile = o.outputsFile ?? stackOutputsPath(run.config, o.cwd);
      },
      resume: () => `fix the problems above, then run \`${o.resumeCommand(from)}\``,
    },
    {
      name: 'aws',
      get title() {
        return run.runner?.title ?? 'AWS: Terraform';
      },
      get skip() {
        return skipAws ? `--from ${from}: using ${path.relative(o.cwd, run.outputsFile) || run.outputsFile}` : undefined;
      },
      run: () => deployStack(o, run, state, op()),
      // A resume reads the outputs the earlier deploy saved.
      instead: async () => {
        try {
          run.outputs = o.side.readStackOutputs(run.outputsFile, run.config);
          state.aws = { kind: 'deployed-earlier', outputsFile: run.outputsFile };
        } catch (err) {
          state.aws = { kind: 'outputs-unusable', outputsFile: run.outputsFile };
          throw err;
        }
      },
      resume: () =>
        state.aws.kind === 'outputs-unusable'
          ? `run \`${o.resumeCommand()}\` (the whole deploy; it converges)`
          : state.aws.kind === 'unchanged'
            ? `run \`${o.resumeCommand()}\` when ready`
            : `fix the problem above, then run \`${o.resumeCommand()}\` (${run.runner?.interruptedApply ?? 'it converges'})`,
    },
    {
      name: 'asgardeo',
      title: 'Asgardeo: reconcile',
      ...(from === 'smoke' ? { skip: '--from smoke' } : {}),
      run: () => reconcile(o, run, state),
      resume: () => resumeHere('asgardeo', '(the AWS side is already deployed; objects already created are found and reused)'),
    },
    {
      name: 'smoke',
      title: 'Smoke test',
      ...(o.smoke ? {} : { skip: '--no-smoke' }),
      run: async () => {
        run.smoke = await smokeTest(o, run);
      },
      resume: () => resumeHere('smoke', `(or the whole \`${o.resumeCommand()}\` after a configuration change)`),
    },
  ];

  const reports = await runSteps({ operation: 'deploy', steps, state, write: o.write });
  const total = reports.reduce((a, r) => a + r.ms, 0);
  o.write(`\nDeployed ${run.config.stackName} in ${(total / 1000).toFixed(1)} s: ${run.outputs.stageInvokeUrl}\n`);
  return {
    config: run.config,
    steps: reports,
    preflight: run.preflight,
    outputs: run.outputs,
    outputsFile: run.outputsFile,
    asgardeo: run.asgardeo,
    smoke: run.smoke,
    passwords: run.passwords,
  };
}

/** The AWS step: the runner's plan, shown; the approval for exactly that plan; its apply; the outputs file. */
async function deployStack(o: DeployOptions, run: DeployRun, state: SideStates, op: StackOperation): Promise<void> {
  const { config } = run;
  const plan = await o.runner.plan(op);
  o.write(`  ${plan.planFile ? 'Terraform plan' : 'Plan'} (${plan.summary})${plan.planFile ? `, saved to ${plan.planFile}` : ''}:\n`);
  if (o.planDetail !== 'summary') o.write(`${plan.text.trimEnd().replace(/^/gm, '    ')}\n`);
  await requireApproval({
    yes: o.yes,
    interactive: o.interactive,
    prompt: o.prompt,
    action:
      `deploy stack ${config.stackName} to AWS (${config.aws.region}) and then reconcile Asgardeo organization ` +
      `"${config.asgardeo.organization}"`,
    rerunWithYes: `${o.resumeCommand()} --yes`,
  });
  state.aws = { kind: 'applying', stack: config.stackName, interrupted: run.runner?.interruptedApply ?? 'unknown' };
  const values = await o.runner.apply(plan, op);
  writeStackOutputs(run.outputsFile, config.stackName, values);
  run.outputs = parseStackOutputs({ [config.stackName]: values }, config, run.outputsFile);
  state.aws = { kind: 'deployed', stack: config.stackName, outputsFile: run.outputsFile };
  o.write(`  API: ${run.outputs.stageInvokeUrl}\n`);
}

/** The Asgardeo step: the reconciler's apply, fed by the stack's outputs and this run's generated passwords. */
async function reconcile(o: DeployOptions, run: DeployRun, state: SideStates): Promise<void> {
  const { config, outputs } = run;
  // The local target: test users whose password variable is unset get one for this run (printed after the step).
  const generated = generateTestUserPasswords(config);
  let created: ReadonlySet<string> | undefined;
  try {
    checkIssuer(config, outputs);
    state.asgardeo = { kind: 'started' };
    let done = 0;
    const result = await o.side.apply({
      config,
      outputs,
      credentials: run.credentials,
      passwords: passwordValues(generated),
      signal: o.signal,
      progress: (line) => {
        done++;
        state.asgardeo = { kind: 'partial', lastProgress: line };
        o.write(`  ${line}\n`);
      },
    });
    state.asgardeo = { kind: 'applied', changes: done };
    if (result.outputs?.audience) o.write(`  audience: ${result.outputs.audience}\n`);
    for (const c of result.outputs?.clients ?? []) o.write(`  client ${c.name}: ${c.clientId}\n`);
    run.asgardeo = result;
    created = result.createdUsers && new Set(result.createdUsers);
    await run.delivery.deliver(
      config,
      run.credentials,
      (undelivered) => (state.asgardeo = { kind: 'applied', changes: done, undelivered }),
    );
  } finally {
    run.passwords = reportGeneratedPasswords(generated, run.asgardeo ? created : undefined, o.write);
  }
}

/** The smoke test: each client's and each test user's calls against the deployed API. */
async function smokeTest(o: DeployOptions, run: DeployRun): Promise<SmokeResult> {
  const { config, outputs, credentials } = run;
  const r = await runSmokeTest({
    config,
    baseUrl: outputs.stageInvokeUrl,
    getToken: async (client) => {
      const delivered = await run.delivery.clientToken(config, client);
      if (delivered) return delivered;
      const t = await o.side.requestClientToken({ config, credentials, client });
      return { accessToken: t.accessToken, scope: t.scope };
    },
    fetch: o.fetch,
    signal: o.signal,
    progress: (line) => o.write(`  ${line}\n`),
    ...o.smokeOptions,
  });
  const requestUserToken = o.side.requestUserToken?.bind(o.side);
  if (requestUserToken) {
    const people = await runUserSmokeTest({
      config,
      baseUrl: outputs.stageInvokeUrl,
      env: o.env,
      passwords: run.passwords,
      getUserToken: (u) => requestUserToken({ config, credentials, ...u }),
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
}

/** The deployed authorizer must trust exactly the issuer Asgardeo puts in `iss`. */
function checkIssuer(config: ResolvedConfig, outputs: StackOutputs): void {
  if (outputs.issuer !== config.asgardeo.issuer) {
    throw new UserError(
      `the deployed stack's JWT authorizer trusts the issuer ${JSON.stringify(outputs.issuer)}, but tokens of ` +
        `organization "${config.asgardeo.organization}" carry ${JSON.stringify(config.asgardeo.issuer)}: every call ` +
        `would be rejected with 401.`,
      { hint: 'run the whole deploy again so the stack picks up the configured issuer (the outputs file may be from an older deploy)' },
    );
  }
}
