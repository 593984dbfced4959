import * as path from 'node:path';
import { parseStackOutputs, StalePlanError, writeStackOutputs } from '../asgardeo';
import type { ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { adoptionRefusal } from './adopt/report';
import { requireApproval, type Prompt } from './approval';
import { writeTally, type AdminCredentials, type ApplySummary, type AsgardeoSide, type StackOutputs } from './asgardeo-side';
import {
  heldAfterFailure,
  refusedAsStale,
  stackOperation,
  type InfraPlan,
  type InfraRunner,
  type RunnerDescription,
  type StackOperation,
  type StackOutputValues,
} from './infra-runner';
import { PreflightError, runPreflight, type PreflightCheck } from './preflight';
import { runSmokeTest, SmokeTestError, type SmokeResult, type SmokeTestOptions } from './smoke';
import { runUserSmokeTest } from './smoke-users';
import { DeployDelivery, deliveringClients } from './secret-delivery';
import type { SecretStore } from './secrets-manager-store';
import { renderDeployPlan } from './deploy-plan';
import { boundaryChecks, planBothSides, type StartedAwsPlan } from './plan-report';
import {
  runSteps,
  StepError,
  type DeployStep,
  type ResumableStep,
  type SideStates,
  type Step,
  type StepReport,
  type StepRow,
} from './steps';
import {
  generateTestUserPasswords,
  passwordValues,
  reportGeneratedPasswords,
  type GeneratedPassword,
  type PasswordValues,
} from './test-user-passwords';

export interface DeployOptions {
  loadConfig: () => ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--yes`: approve both plans without asking (a local target changes nothing outside the machine: its callers pass true). */
  yes: boolean;
  /** Whether a person can answer the prompt (stdin and stdout are terminals). */
  interactive: boolean;
  prompt: Prompt;
  /** `--no-smoke` sets false. */
  smoke: boolean;
  /** `--from asgardeo|smoke`: resume after a failure, reading the saved outputs file. */
  from?: ResumableStep;
  /**
   * `--adopt`: take over what exists but is not this deploy's yet, on both sides: same-named Asgardeo
   * objects tollgate does not own, and AWS objects the Terraform plan would create (imported into its state).
   */
  adopt?: boolean;
  /** Terraform outputs file. @default `.tollgate/<stack>.outputs.json` under cwd */
  outputsFile?: string;
  /** How much of each side's plan to print before the approval: all of it (default), or its summary line. */
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
  /** The clock of step timings and the total (tests inject one). @default performance.now */
  now?: () => number;
  /** Whether the deployed API outlives this command; when not (`tollgate dev --once`), the closing line names no address. @default true */
  outlivesRun?: boolean;
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
  /** Test users' passwords this run generated (local target), made before the plan so the plan and the apply see the same. */
  generated: GeneratedPassword[];
  passwords: PasswordValues;
  /** Client credentials: delivered by the Asgardeo step, read by the smoke test. */
  delivery: DeployDelivery;
  /** Settles when the AWS step ends (or at once when it is skipped): delivery writes into a secret the stack creates. */
  awsSettled: Promise<void>;
  /** The plan was refused because objects it creates exist in AWS already: resuming means adopting or deleting them. */
  refusedForAdoption?: boolean;
  /** The AWS plan the preflight started while its Asgardeo checks were on the network. */
  earlyAwsPlan?: EarlyAwsPlan;
  /** What was shown and approved: the apply step applies exactly these. */
  approved: { aws?: InfraPlan; asgardeo?: unknown };
  asgardeo?: ApplySummary;
  smoke?: SmokeResult;
}

/**
 * `tollgate deploy`: preflight → both sides planned at once and shown (with who can call what), one
 * approval for both → both applies at once, each applying exactly its shown plan (Terraform's saved
 * plan; the Asgardeo plan, refused if the organization moved since) → smoke test, as a table over
 * the one step runner. Every step converges when run again, so the resume command is always safe.
 */
export async function runDeploy(o: DeployOptions): Promise<DeployResult> {
  const from = o.from;
  const skipAws = from === 'asgardeo' || from === 'smoke';
  const now = o.now ?? (() => performance.now());
  const started = now();
  const state: SideStates = { aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } };
  const run = {
    preflight: [] as PreflightCheck[],
    passwords: {} as PasswordValues,
    generated: [],
    approved: {},
    delivery: new DeployDelivery(o),
  } as unknown as DeployRun;
  let awsSettled = () => {};
  run.awsSettled = skipAws ? Promise.resolve() : new Promise<void>((resolve) => (awsSettled = resolve));
  const op = (): StackOperation => stackOperation(run.config, { onOutput: (t: string) => o.write(t), signal: o.signal });
  const resumeHere = (step: ResumableStep, after: string) => `fix the problem above, then run \`${o.resumeCommand(step)}\` ${after}`;
  // A resume reads the outputs the earlier deploy saved.
  const readSavedOutputs = () => {
    try {
      run.outputs = o.side.readStackOutputs(run.outputsFile, run.config);
      state.aws = { kind: 'deployed-earlier', outputsFile: run.outputsFile };
    } catch (err) {
      state.aws = { kind: 'outputs-unusable', outputsFile: run.outputsFile };
      throw err;
    }
  };
  const usingOutputs = () => `--from ${from}: using ${path.relative(o.cwd, run.outputsFile) || run.outputsFile}`;

  const aws: Step<DeployStep> = {
    name: 'aws',
    get title() {
      return run.runner?.title ?? 'AWS: Terraform';
    },
    get skip() {
      return skipAws ? usingOutputs() : undefined;
    },
    run: () => applyStack(o, run, state, op()).finally(() => awsSettled()),
    resume: () =>
      state.aws.kind === 'unchanged'
        ? `run \`${o.resumeCommand()}\` when ready`
        : `fix the problem above, then run \`${o.resumeCommand()}\` (it plans again from what Terraform's state holds, and converges)`,
  };
  const awsDone = () => state.aws.kind === 'deployed' || state.aws.kind === 'deployed-earlier';
  const asgardeo: Step<DeployStep> = {
    name: 'asgardeo',
    title: 'Asgardeo: reconcile',
    ...(from === 'smoke' ? { skip: '--from smoke' } : {}),
    run: () => reconcile(o, run, state),
    resume: () =>
      state.asgardeo.kind === 'refused'
        ? `run \`${o.resumeCommand(awsDone() ? 'asgardeo' : undefined)}\`: it shows the new plan and asks again`
        : resumeHere('asgardeo', '(objects already created are found and reused)'),
  };
  const steps: StepRow<DeployStep>[] = [
    {
      name: 'preflight',
      title: 'Preflight checks',
      run: async () => {
        const printPassed = (checks: PreflightCheck[]) => {
          for (const c of checks.filter((x) => x.status !== 'failed'))
            o.write(`  ${c.status === 'ok' ? '✓' : '-'} ${c.name}: ${c.detail}\n`);
        };
        try {
          const result = await runPreflight({
            ...o,
            skipAws,
            ...(o.discoveryFix ? { discoveryFix: o.discoveryFix } : {}),
            // The AWS plan only reads: it need not wait for the Asgardeo checks, the slow part with a distant organization.
            onLocalChecksPassed: ({ config }) => (run.earlyAwsPlan = startAwsPlanEarly(o, config)),
          });
          printPassed(result.checks);
          Object.assign(run, { config: result.config, credentials: result.credentials, preflight: result.checks, runner: result.runner });
        } catch (err) {
          // What passed is worth seeing too; the failures are in the error message.
          if (err instanceof PreflightError) printPassed(err.checks);
          // Nothing outlives the command: the started plan's Terraform child is stopped and waited for.
          run.earlyAwsPlan?.stop(err);
          await run.earlyAwsPlan?.plan.catch(() => undefined);
          throw err;
        }
        run.outputsFile = o.outputsFile ?? stackOutputsPath(run.config, o.cwd);
      },
      resume: () => `fix the problems above, then run \`${o.resumeCommand(from)}\``,
    },
    {
      name: 'plan',
      title: skipAws ? 'Plan: Asgardeo' : 'Plan: AWS and Asgardeo, at once',
      get skip() {
        return from === 'smoke' ? usingOutputs() : undefined;
      },
      run: async () => {
        if (skipAws) {
          readSavedOutputs();
          checkIssuer(run.config, run.outputs);
        }
        await planAndApprove(o, run, skipAws);
      },
      instead: async () => readSavedOutputs(),
      resume: () =>
        state.aws.kind === 'outputs-unusable'
          ? `run \`${o.resumeCommand()}\` (the whole deploy; it converges)`
          : run.refusedForAdoption
            ? `run \`${o.resumeCommand()} --adopt\` to adopt those objects, or delete them in AWS and run \`${o.resumeCommand()}\``
            : `fix the problem above (if any), then run \`${o.resumeCommand(from)}\` when ready`,
    },
    {
      get title() {
        return `${aws.title} + ${asgardeo.title}, at once`;
      },
      group: [aws, asgardeo],
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

  const reports = await runSteps({ operation: 'deploy', steps, state, write: o.write, now });
  const address = o.outlivesRun === false ? '' : `: ${run.outputs.stageInvokeUrl}`;
  o.write(`\nDeployed ${run.config.stackName} in ${((now() - started) / 1000).toFixed(1)} s${address}\n`);
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

/**
 * The plan step: both sides planned at once, shown with the access matrix and the issuer/audience
 * checks, then one approval for exactly what was shown. What apply would refuse anyway (objects of
 * another owner, a stack that rejects valid callers) stops here, before either side changes.
 */
async function planAndApprove(o: DeployOptions, run: DeployRun, skipAws: boolean): Promise<void> {
  const { config } = run;
  run.generated = generateTestUserPasswords(config);
  run.earlyAwsPlan?.showOutput();
  const plans = await planBothSides({
    config,
    runner: skipAws ? undefined : o.runner,
    ...(run.earlyAwsPlan ? { awsStarted: run.earlyAwsPlan } : {}),
    side: o.side,
    credentials: run.credentials,
    ...(skipAws ? { outputs: run.outputs } : {}),
    passwords: passwordValues(run.generated),
    adopt: o.adopt === true,
    onOutput: (t) => o.write(t),
    signal: o.signal,
  });
  const asgardeoChanges = o.side.planHasChanges(plans.asgardeo);
  const boundary = plans.aws?.stackDir ? boundaryChecks(config, plans.aws.stackDir) : [];
  o.write(
    renderDeployPlan(
      { aws: plans.aws, asgardeo: o.side.renderPlan(plans.asgardeo, 'text'), asgardeoChanges, config, boundary },
      o.planDetail,
    ),
  );
  const refusal = o.side.refusal?.(plans.asgardeo);
  if (refusal) throw refusal;
  // Objects the AWS plan would create exist already: creating them would fail halfway through the apply.
  const existing = adoptionRefusal(plans.aws?.adoption, `${o.resumeCommand()} --adopt`);
  if (existing) {
    run.refusedForAdoption = true;
    throw existing;
  }
  const problems = boundary.filter((b) => b.status === 'fail');
  if (problems.length)
    throw new UserError(
      `the planned stack would reject valid callers, so nothing was changed:\n` +
        problems.map((p) => `  ✗ ${p.name}: ${p.detail}`).join('\n'),
      { hint: 'fix the configuration (or the stack) so the checks above pass, then deploy again' },
    );
  run.approved = { aws: plans.aws, asgardeo: plans.asgardeo };
  const parts = [
    ...(plans.aws?.changes ? [`deploy stack ${config.stackName} to AWS (${config.aws.region})`] : []),
    ...(asgardeoChanges ? [`reconcile Asgardeo organization "${config.asgardeo.organization}"`] : []),
  ];
  if (!parts.length) {
    o.write('  No changes on either side: nothing to approve.\n');
    return;
  }
  await requireApproval({
    yes: o.yes,
    interactive: o.interactive,
    prompt: o.prompt,
    action: `${parts.join(' and ')} as planned above`,
    rerunWithYes: `${o.resumeCommand(skipAws ? 'asgardeo' : undefined)} --yes`,
  });
}

interface EarlyAwsPlan extends StartedAwsPlan {
  /** Prints what the plan wrote so far, and from then on its output as it comes. */
  showOutput(): void;
}

/**
 * Starts the AWS plan during the preflight. It only reads, so starting it before the Asgardeo checks
 * pass changes nothing; it is stopped if they fail. Its output is held until the plan step shows it,
 * so the preflight's lines stay together.
 */
function startAwsPlanEarly(o: DeployOptions, config: ResolvedConfig): EarlyAwsPlan {
  const controller = new AbortController();
  const stopWithCaller = () => controller.abort(o.signal?.reason);
  if (o.signal?.aborted) stopWithCaller();
  else o.signal?.addEventListener('abort', stopWithCaller, { once: true });
  let held: string[] | undefined = [];
  const plan = o.runner
    .plan(
      stackOperation(config, {
        onOutput: (t) => (held ? held.push(t) : o.write(t)),
        signal: controller.signal,
        adopt: o.adopt === true,
      }),
    )
    .finally(() => o.signal?.removeEventListener('abort', stopWithCaller));
  // The plan step awaits it (or the preflight's failure does): an early rejection is not an unhandled one.
  plan.catch(() => undefined);
  return {
    plan,
    stop: (reason) => controller.abort(reason),
    showOutput: () => {
      for (const t of held ?? []) o.write(t);
      held = undefined;
    },
  };
}

/** The AWS half of the apply step: exactly the approved plan; the outputs file; the issuer the stack trusts. */
async function applyStack(o: DeployOptions, run: DeployRun, state: SideStates, op: StackOperation): Promise<void> {
  const { config } = run;
  const plan = run.approved.aws;
  if (!plan) throw new Error('the AWS apply ran without an approved plan');
  state.aws = { kind: 'applying', stack: config.stackName };
  let values: StackOutputValues;
  try {
    values = await o.runner.apply(plan, op);
  } catch (err) {
    const held = await heldAfterFailure(o.runner, op, plan);
    state.aws = { kind: 'apply-failed', stack: config.stackName, held, ...(refusedAsStale(err) ? { stale: true } : {}) };
    throw err;
  }
  writeStackOutputs(run.outputsFile, config.stackName, values);
  run.outputs = parseStackOutputs({ [config.stackName]: values }, config, run.outputsFile);
  state.aws = { kind: 'deployed', stack: config.stackName, outputsFile: run.outputsFile };
  o.write(`  API: ${run.outputs.stageInvokeUrl}\n`);
  checkIssuer(config, run.outputs);
}

/**
 * The Asgardeo half of the apply step: exactly the approved plan (the reconciler reads the
 * organization again and writes nothing if it changed), with this run's generated passwords.
 * It needs nothing from the AWS half: the API identifier comes from the configuration.
 */
async function reconcile(o: DeployOptions, run: DeployRun, state: SideStates): Promise<void> {
  const { config } = run;
  let created: ReadonlySet<string> | undefined;
  try {
    state.asgardeo = { kind: 'started' };
    // What the server answered to each write: "partially applied" only when a write may have happened.
    const writes = writeTally();
    let lastProgress: string | undefined;
    const result = await o.side
      .apply({
        config,
        ...(run.outputs ? { outputs: run.outputs } : {}),
        credentials: run.credentials,
        passwords: passwordValues(run.generated),
        adopt: o.adopt === true,
        approved: run.approved.asgardeo,
        signal: o.signal,
        onWrite: writes.onWrite,
        progress: (line) => {
          lastProgress = line;
          o.write(`  ${line}\n`);
        },
      })
      .catch((err: unknown) => {
        if (err instanceof StalePlanError)
          state.asgardeo = { kind: 'refused', reason: 'the organization changed after the plan was shown' };
        else if (!writes.accepted && !writes.unanswered) state.asgardeo = { kind: 'not-written' };
        else
          state.asgardeo = {
            kind: 'partial',
            writes: writes.accepted,
            unanswered: writes.unanswered,
            ...(lastProgress ? { lastProgress } : {}),
          };
        throw err;
      });
    const done = writes.accepted;
    state.asgardeo = { kind: 'applied', writes: done };
    if (result.outputs?.audience) o.write(`  audience: ${result.outputs.audience}\n`);
    for (const c of result.outputs?.clients ?? []) o.write(`  client ${c.name}: ${c.clientId}\n`);
    run.asgardeo = result;
    created = result.createdUsers && new Set(result.createdUsers);
    // The secrets are the stack's: with both applies running at once, delivery waits for the AWS side.
    if (deliveringClients(config).length > 0) {
      await run.awsSettled;
      if (state.aws.kind !== 'deployed' && state.aws.kind !== 'deployed-earlier')
        throw new UserError('client credentials were not delivered: the AWS step did not deploy the secrets they go into', {
          hint: "fix the AWS step's error, then deploy again (delivery runs once both sides are applied)",
        });
    }
    await run.delivery.deliver(config, run.credentials, (undelivered) => (state.asgardeo = { kind: 'applied', writes: done, undelivered }));
  } finally {
    run.passwords = reportGeneratedPasswords(run.generated, run.asgardeo ? created : undefined, o.write);
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
