/**
 * The InfraRunner that runs the real `terraform` itself (deploy/terraform/): it synthesizes the
 * stack in-process, plans to a file and reads the changes from Terraform's JSON (never its
 * human-readable text), and deploys by applying exactly the plan file it showed. `cdktf` is not
 * involved (CdktfRunner remains for users who want `cdktf deploy`).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { loadConfig, type ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { backendFromEnv, buildStack } from '../stacks/app';
import { CdktfRunner } from './cdktf-runner';
import { InfraToolError, type InfraDiff, type InfraRunner, type StackOperation, type ToolVersions } from './infra-runner';
import {
  describeSummary,
  LOCK_FILE_NAME,
  projectLockFile,
  renderResourceChanges,
  setupTerraform,
  TerraformError,
  TerraformWorkspace,
  type InitResult,
  type OfflineAws,
  type PlanEvents,
  type SetupOptions,
  type StackPlan,
  type TerraformPlan,
  type TerraformSetup,
} from './terraform';
import { runProcess } from './terraform/process';

export interface TerraformRunnerOptions {
  /** Project folder: holds the committed `.terraform.lock.hcl`; the default outdir is under it. */
  cwd: string;
  /** Environment of the app (backend variables) and of the terraform children. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Variables added to every terraform child only (a local runner's AWS_* or TF_LOG, say). */
  extraEnv?: Readonly<Record<string, string>>;
  /** Where stacks are synthesized. @default `<cwd>/<CDKTF_OUTDIR or cdktf.out>` (where `cdktf synth` writes) */
  outdir?: string;
  /**
   * Plan and apply without an AWS account: dummy credentials and the provider's skip flags, with
   * `endpoints` of a local AWS stand-in (sandbox/aws) when given. @default undefined: the real AWS path
   */
  offline?: OfflineAws;
  /**
   * Called with the stack folder after each synth, before Terraform runs: a local runner writes its
   * provider override there (sandbox/aws writeLocalAwsOverride), so plan and apply reach the stand-in.
   */
  afterSynth?: (stackDir: string, o: StackOperation) => void;
  /** Loads the configuration of an operation. @default loadConfig of its file and environment */
  config?: (o: StackOperation) => ResolvedConfig;
  /** Options of setupTerraform (binary, mirror). */
  setup?: SetupOptions;
  /**
   * Also read the plan with `terraform show -json` (another provider start): only needed for
   * attribute values; addresses and actions come from `plan -json`. Cloud plans are always shown.
   * @default false
   */
  show?: boolean;
  /** `terraform validate` before each plan. @default false (plan reports invalid configuration itself) */
  validate?: boolean;
}

/** A Terraform failure as the CLI prints user errors: what is wrong (with Terraform's words), and the fix. */
export class TerraformStepError extends UserError {
  readonly failure: TerraformError['failure'];
  constructor(err: TerraformError) {
    super(`${err.problem}${err.detail ? `\n${err.detail.replace(/^/gm, '    ')}` : ''}`, { hint: err.fix });
    this.failure = err.failure;
  }
}

export class TerraformRunner implements InfraRunner {
  readonly appliesSavedPlan = true;
  private readonly o: TerraformRunnerOptions;
  private readonly env: NodeJS.ProcessEnv;
  private setupPromise?: Promise<TerraformSetup>;
  /** Saved plans this runner made and showed, by plan file: deploy applies only one of these. */
  private readonly planned = new Map<string, { stack: StackPlan; sha256: string }>();

  constructor(o: TerraformRunnerOptions) {
    this.o = o;
    this.env = o.env ?? process.env;
  }

  /** The folder a stack is synthesized into: `<outdir>/stacks/<stack>`. */
  stackDir(stack: string): string {
    return path.join(this.outdir(), 'stacks', stack);
  }

  async versions(): Promise<ToolVersions> {
    const setup = await this.terraform();
    // The cdktf library synthesizes in-process; the cdktf CLI is not used.
    return {
      terraform: `${setup.version}${setup.mirror ? ` (hashicorp/aws from ${setup.mirror.path})` : ''}`,
      cdktf: 'library, in-process synth (CLI not used)',
    };
  }

  /** Synthesizes only this operation's stack, in-process, into {@link stackDir}. */
  async synth(o: StackOperation): Promise<void> {
    const config = this.config(o);
    const backend = backendFromEnv(config, this.appEnv(o));
    const app = new App({ outdir: this.outdir(), skipValidation: backend.kind === 'cloud' });
    buildStack(app, config, { backend, env: this.appEnv(o) });
    app.synth();
    this.o.afterSynth?.(this.stackDir(o.stack), o);
  }

  /** synth, init (committed lock file, read-only), `plan -out`; the changes from Terraform's JSON. */
  async diff(o: StackOperation): Promise<InfraDiff> {
    const stack = await this.planStack(o, false);
    // The file's digest too: another run planning into the same folder must not swap the plan that was shown.
    this.planned.set(stack.saved.file, { stack, sha256: fileDigest(stack.saved.file) ?? '' });
    return toDiff(stack);
  }

  /**
   * With `plan`: applies exactly that saved plan (`terraform apply PLANFILE`); Terraform refuses it
   * when the state changed since. Without: plans and applies at once (what `cdktf deploy` does).
   * Then writes the outputs file from `terraform output -json`.
   */
  async deploy(o: StackOperation & { outputsFile: string; autoApprove: true; plan?: InfraDiff }): Promise<void> {
    let stack: StackPlan;
    if (o.plan) {
      const known = o.plan.planFile ? this.planned.get(o.plan.planFile) : undefined;
      if (!known || known.stack.workspace.stackDir !== path.resolve(this.stackDir(o.stack))) {
        throw new UserError(`the plan to apply for ${o.stack} was not made by this run (${o.plan.planFile ?? 'no plan file'}).`, {
          hint: 'run `npx tollgate deploy` again: it plans, shows the plan and applies that one',
        });
      }
      if (fileDigest(known.stack.saved.file) !== known.sha256) {
        throw new UserError(
          `the saved plan ${known.stack.saved.file} changed after it was shown ` +
            '(another run planned into the same folder); nothing was applied.',
          {
            hint: 'run `npx tollgate deploy` again, with no other tollgate or cdktf run on this stack folder at the same time',
          },
        );
      }
      stack = known.stack;
    } else {
      stack = await this.planStack(o, false);
    }
    await this.wrap(() => stack.workspace.apply(stack.saved));
    this.planned.delete(stack.saved.file);
    fs.rmSync(stack.saved.file, { force: true });
    await this.writeOutputs(o, stack.workspace.stackDir, o.outputsFile);
  }

  /** synth, a destroy plan, and its apply (called only after approval). */
  async destroy(o: StackOperation & { autoApprove: true }): Promise<void> {
    const stack = await this.planStack(o, true);
    await this.wrap(() => stack.workspace.apply(stack.saved));
    fs.rmSync(stack.saved.file, { force: true });
  }

  /** Removes the CLI configuration written for the terraform children. */
  async dispose(): Promise<void> {
    const setup = await this.setupPromise?.catch(() => undefined);
    setup?.dispose();
    this.setupPromise = undefined;
  }

  /**
   * init (unless the folder is initialized for exactly this backend, provider constraint, lock file
   * and Terraform: see {@link initKey}), plan to a file, and `show -json` when asked or for a cloud run.
   */
  private async planStack(o: StackOperation, destroy: boolean): Promise<StackPlan> {
    const setup = await this.terraformFor(o);
    await this.synth(o);
    const stackDir = this.stackDir(o.stack);
    const lockFile = projectLockFile(this.o.cwd);
    return this.wrap(async () => {
      const workspace = new TerraformWorkspace(setup, {
        stackDir,
        lockFile,
        ...(o.onOutput ? { onOutput: o.onOutput } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const key = initKey(stackDir, lockFile.path, setup);
      const marker = path.join(stackDir, '.terraform', INIT_MARKER);
      let init: InitResult = { lockFileUpdated: false };
      if (key === undefined || readText(marker) !== key || readText(path.join(stackDir, LOCK_FILE_NAME)) !== readText(lockFile.path)) {
        fs.rmSync(marker, { force: true });
        init = await workspace.init();
        if (key !== undefined) fs.writeFileSync(marker, key);
      }
      if (this.o.validate === true) await workspace.validate();
      const saved = await workspace.plan({ ...(this.o.offline ? { offline: this.o.offline } : {}), ...(destroy ? { destroy: true } : {}) });
      if (this.o.show !== true && saved.events) return { workspace, init, saved };
      return { workspace, init, saved, plan: await workspace.show(saved) };
    });
  }

  /** `terraform output -json`, the shape `readStackOutputs` reads (as cdktf's --outputs-file). */
  private async writeOutputs(o: StackOperation, stackDir: string, outputsFile: string): Promise<void> {
    const setup = await this.terraformFor(o);
    const res = await runProcess(setup.binary, ['output', '-json', '-no-color'], { cwd: stackDir, env: setup.env });
    if (res.code !== 0)
      throw new UserError(`\`terraform output -json\` failed in ${stackDir} (exit ${res.code}):\n    ${res.stderr.trim()}`, {
        hint:
          'the apply finished; run `terraform output -json` in that folder to see the outputs, ' +
          'then `npx tollgate deploy --from asgardeo --outputs <file>`',
      });
    fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
    fs.writeFileSync(outputsFile, res.stdout.endsWith('\n') ? res.stdout : `${res.stdout}\n`);
  }

  /** The setup for one operation: Terraform must see the TF_WORKSPACE the app resolved from `{env}`. */
  private async terraformFor(o: StackOperation): Promise<TerraformSetup> {
    const setup = await this.terraform();
    const workspace = setup.env.TF_WORKSPACE;
    if (!workspace?.includes('{env}')) return setup;
    return { ...setup, env: { ...setup.env, TF_WORKSPACE: workspace.replace(/\{env\}/g, o.environment) } };
  }

  private terraform(): Promise<TerraformSetup> {
    this.setupPromise ??= (async () => {
      try {
        const setup = await setupTerraform({ ...this.o.setup, env: this.o.setup?.env ?? this.env });
        if (!this.o.extraEnv) return setup;
        return { ...setup, env: { ...setup.env, ...this.o.extraEnv } };
      } catch (err) {
        if (err instanceof TerraformError) throw new InfraToolError(`${err.problem}${err.detail ? `\n    ${err.detail}` : ''}`, err.fix);
        throw err;
      }
    })();
    return this.setupPromise;
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw err instanceof TerraformError ? new TerraformStepError(err) : err;
    }
  }

  private outdir(): string {
    return path.resolve(this.o.outdir ?? path.join(this.o.cwd, this.env.CDKTF_OUTDIR ?? 'cdktf.out'));
  }

  private appEnv(o: StackOperation): NodeJS.ProcessEnv {
    return { ...this.env, TOLLGATE_ENV: o.environment, TOLLGATE_CONFIG: o.configFile };
  }

  private config(o: StackOperation): ResolvedConfig {
    return this.o.config ? this.o.config(o) : loadConfig({ file: o.configFile, env: o.environment, environment: this.appEnv(o) });
  }
}

/** Written into `.terraform/` after a successful init: what that init depended on. */
const INIT_MARKER = 'tollgate-init.key';

/**
 * What `terraform init` depends on: the synthesized `terraform` block (backend, required providers),
 * the committed lock file, the Terraform binary and version, and the provider installation (CLI
 * configuration's mirror). Equal keys: the folder's init is still valid and a warm init (about a
 * second here) is skipped. Undefined when a part cannot be read: then init always runs.
 */
function initKey(stackDir: string, lockFile: string, setup: TerraformSetup): string | undefined {
  const stack = readText(path.join(stackDir, 'cdk.tf.json'));
  const lock = readText(lockFile);
  if (stack === undefined || lock === undefined) return undefined;
  const doc = JSON.parse(stack) as { terraform?: unknown };
  const parts = [
    JSON.stringify(doc.terraform ?? null),
    lock,
    setup.binary,
    setup.version,
    setup.mirror?.path ?? 'registry',
    readText(setup.cliConfigFile) ?? '',
  ];
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function fileDigest(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The diff the plan report and the deploy prompt show: one line per changing resource, Terraform's counts. */
function toDiff(stack: StackPlan): InfraDiff {
  const planFile = stack.saved.file;
  if (stack.plan) return fromShow(stack.plan, planFile, stack.saved.cloudRun?.runId);
  return fromEvents(stack.saved.events!, planFile);
}

function fromShow(plan: TerraformPlan, planFile: string, runId?: string): InfraDiff {
  const resourceChanges = plan.resourceChanges
    .filter((r) => r.mode === 'managed' && r.action !== 'no-op')
    .map((r) => ({ address: r.address, action: r.action }));
  const lines = renderResourceChanges(plan);
  return {
    changes: plan.hasChanges,
    text: `${runId ? `Terraform Cloud run ${runId}\n` : ''}${lines.join('\n')}\n`,
    summary: describeSummary(plan.summary),
    resourceChanges,
    planFile,
  };
}

const SYMBOL: Record<string, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  read: '<=',
  forget: '.',
  move: '->',
  import: '<-',
};

function fromEvents(events: PlanEvents, planFile: string): InfraDiff {
  const changing = events.changes.filter((c) => c.action !== 'no-op');
  const resourceChanges = changing.map((c) => ({ address: c.address, action: c.action }));
  const s = events.summary;
  const summary = s
    ? `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to destroy.`
    : events.hasChanges
      ? 'changes'
      : 'No changes.';
  const lines = changing.map((c) => `${(SYMBOL[c.action] ?? '?').padEnd(3)} ${c.action.padEnd(7)} ${c.address}`);
  const outputs = events.outputs.filter((x) => x.action !== 'no-op').map((x) => `    output ${x.name}: ${x.action}`);
  return {
    changes: events.hasChanges,
    text: `${[...lines, ...outputs, events.hasChanges ? summary : 'No changes.'].join('\n')}\n`,
    summary,
    resourceChanges,
    planFile,
  };
}

/** `TOLLGATE_INFRA_RUNNER=cdktf` selects the cdktf CLI (plans again on deploy); default: Terraform itself. */
export const RUNNER_VARIABLE = 'TOLLGATE_INFRA_RUNNER';
/** `TOLLGATE_TERRAFORM_OFFLINE=1`: plan with dummy credentials and no AWS call (CI review of a stack without state). */
export const OFFLINE_VARIABLE = 'TOLLGATE_TERRAFORM_OFFLINE';

/** The runner the CLI uses for the aws target. */
export function defaultInfraRunner(o: { cwd: string; env: NodeJS.ProcessEnv }): InfraRunner & { dispose?: () => Promise<void> } {
  const kind = o.env[RUNNER_VARIABLE]?.trim() || 'terraform';
  if (kind === 'cdktf') return new CdktfRunner({ cwd: o.cwd, env: o.env });
  if (kind !== 'terraform')
    throw new UserError(`${RUNNER_VARIABLE}=${kind} is not a runner tollgate knows.`, {
      hint:
        `set ${RUNNER_VARIABLE} to terraform (the default: plans once and applies that plan) ` +
        'or cdktf (runs `cdktf deploy`), or unset it',
    });
  const offline = o.env[OFFLINE_VARIABLE] === '1' || o.env[OFFLINE_VARIABLE] === 'true';
  return new TerraformRunner({ cwd: o.cwd, env: o.env, ...(offline ? { offline: {} } : {}) });
}
