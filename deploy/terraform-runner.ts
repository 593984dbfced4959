/**
 * The one Terraform runner: it synthesizes the stack in-process (stacks/synth.ts), plans to a file,
 * reads the changes from Terraform's JSON (never its human-readable text), and applies exactly the
 * plan file it showed, refusing one that changed since. What differs between real AWS, the
 * in-process local AWS and a long-running `npm run aws:local` is a {@link TerraformTarget} value:
 * where state lives, which endpoints and credentials the provider gets, the children's environment,
 * and what happens after an apply. The runner itself never asks which target it runs.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { backendFromEnv, stackDirOf, workspaceFor } from '../stacks/stack-location';
import { synthStack } from '../stacks/synth-on-demand';
import type * as Adopt from './adopt';
import { adoptionLines } from './adopt/report';
import type { StateBackend } from '../stacks/tollgate-stack';
import {
  InfraToolError,
  type InfraPlan,
  type InfraRunner,
  type RunnerDescription,
  type StackOperation,
  type StackOutputValues,
  type StateHeld,
} from './infra-runner';
import {
  describeSummary,
  LOCK_FILE_NAME,
  projectLockFile,
  renderResourceChanges,
  setupTerraform,
  TerraformError,
  TerraformWorkspace,
  type OfflineAws,
  type PlanEvents,
  type SetupOptions,
  type StackPlan,
  type TerraformPlan,
  type TerraformSetup,
} from './terraform';
import type { AwsSdkTarget } from './secrets-manager-store';
import { offlineEnvironment } from './terraform/offline';
import { runProcess } from './terraform/process';
import { declaredResources, parseState, planPriorState, sameState } from './terraform/state-held';

// Adoption (the AWS SDK's clients) loads when a plan creates something.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const adopt = (): typeof Adopt => require('./adopt') as typeof Adopt;

/** Where a Terraform run deploys to: everything that differs between real AWS and a local AWS. */
export interface TerraformTarget {
  /** What the runner's describe() says besides the versions: step title, the credentials check. */
  readonly description: Omit<RunnerDescription, 'tools'> & { readonly tools?: string };
  /** Where stacks are synthesized (`<outdir>/stacks/<stack>`). */
  readonly outdir: string;
  /** The state backend of a stack: a local file or Terraform Cloud. */
  backend(config: ResolvedConfig): StateBackend;
  /** Folder the Lambda bundle is written to. @default inside the outdir */
  bundleDir?(config: ResolvedConfig): string;
  /**
   * The provider's endpoints and credentials: undefined for real AWS with the user's credentials;
   * otherwise dummy credentials, the skip flags and these endpoints (a local AWS, or none: an offline plan).
   */
  provider?(): Promise<OfflineAws>;
  /**
   * Where the deploy's own AWS SDK calls go (credential delivery): the endpoint and credentials the
   * provider gets. Absent: AWS itself through the SDK's default credential chain, as the provider's.
   */
  awsSdk?(): Promise<AwsSdkTarget>;
  /** Environment of the app (backend variables) and of the terraform children. */
  readonly env: NodeJS.ProcessEnv;
  /** The project's committed lock file: required (real AWS), or used when present (a local AWS from a provider mirror). */
  readonly lockFile: 'required' | 'when-present';
  /** Forward the operation's abort signal to Terraform. false: a local AWS that close() must still destroy through it. */
  readonly interruptible: boolean;
  /** Terraform's progress: everything it prints, or its summary lines only. */
  readonly progress: 'full' | 'summary';
  /** Before a stack's first init in this process (a local AWS drops a state whose control plane is gone). */
  beforeInit?(stack: string, stateDir: string, write: (text: string) => void): Promise<void>;
  /** After an apply, with its outputs (the sandbox starts its gateway over what was deployed). */
  afterApply?(stack: string, outputs: StackOutputValues, write: (text: string) => void): Promise<void>;
  /** After a destroy. */
  afterDestroy?(stack: string): Promise<void>;
  /** True when what is deployed ends with this process: close() destroys it through Terraform first. */
  readonly ephemeral?: boolean;
  /** Releases what the target holds (a local AWS control plane, a gateway). */
  close?(): Promise<void>;
}

export interface TerraformRunnerOptions {
  /** Project folder: holds the committed `.terraform.lock.hcl`. */
  cwd: string;
  target: TerraformTarget;
  /** Terraform and the provider installation, when the caller found them already; else found from the target's env. */
  setup?: TerraformSetup;
  /** Options of setupTerraform (binary, mirror). */
  setupOptions?: SetupOptions;
  /** Loads the configuration of an operation. @default loadConfig of its file and environment */
  config?: (o: StackOperation) => ResolvedConfig;
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
    super(`${err.problem}${err.detail ? `\n${err.detail.replace(/^/gm, '    ')}` : ''}`, {
      hint: err.fix,
      exitStatus: err.exitStatus,
    });
    this.failure = err.failure;
  }
}

type PlanView = Omit<InfraPlan, 'stack'>;

export class TerraformRunner implements InfraRunner {
  private readonly target: TerraformTarget;
  private setupPromise?: Promise<TerraformSetup>;
  /** Saved plans this runner made and showed, by plan file: apply applies only one of these, unchanged. */
  private readonly planned = new Map<string, { stack: StackPlan; sha256: string; changes: boolean }>();
  /** Stacks whose first init in this process ran (beforeInit is called once per stack). */
  private readonly prepared = new Set<string>();
  /** The workspaces of the stacks this runner applied (an ephemeral target's close() destroys them). */
  private readonly applied = new Map<string, TerraformWorkspace>();
  private closed?: Promise<void>;

  constructor(private readonly o: TerraformRunnerOptions) {
    this.target = o.target;
  }

  /** The folder a stack is synthesized into: `<outdir>/stacks/<stack>`. */
  stackDir(stack: string): string {
    return stackDirOf(this.outdir(), stack);
  }

  async describe(): Promise<RunnerDescription> {
    const setup = await this.terraform();
    const mirror = setup.mirror ? ` with hashicorp/aws ${setup.mirror.awsVersions[0] ?? ''} from ${setup.mirror.path}` : '';
    return { ...this.target.description, tools: `terraform ${setup.version}${mirror}${this.target.description.tools ?? ''}` };
  }

  /** synth, init (committed lock file, read-only), `plan -out`; the changes from Terraform's JSON. */
  async plan(o: StackOperation): Promise<InfraPlan> {
    const stack = await this.planStack(o, false);
    const view = toView(stack);
    // The file's digest too: another run planning into the same folder must not swap the plan that was shown.
    this.planned.set(stack.saved.file, { stack, sha256: fileDigest(stack.saved.file) ?? '', changes: view.changes });
    return {
      stack: o.stack,
      stackDir: stack.workspace.stackDir,
      ...view,
      ...(stack.adoption ? { adoption: stack.adoption } : {}),
    };
  }

  /**
   * Applies exactly `plan` (`terraform apply PLANFILE`): it must be a plan this runner made, for this
   * stack, unchanged since it was shown; Terraform itself refuses it when the state moved since. A plan
   * that changes nothing (no resource, import or output) is not handed to `terraform apply`, which would
   * start the provider twice (about 5 s) to apply nothing and, outside refresh-only mode, write nothing.
   * Returns the stack's outputs (`terraform output -json`, sensitive ones left out).
   */
  async apply(plan: InfraPlan, o: StackOperation): Promise<StackOutputValues> {
    const known = plan.planFile ? this.planned.get(plan.planFile) : undefined;
    if (!known || plan.stack !== o.stack || known.stack.workspace.stackDir !== path.resolve(this.stackDir(o.stack))) {
      throw new UserError(`the plan to apply for ${o.stack} was not made by this run (${plan.planFile ?? 'no plan file'}).`, {
        hint: 'run `npx tollgate deploy` again: it plans, shows the plan and applies that one',
      });
    }
    if (fileDigest(known.stack.saved.file) !== known.sha256) {
      throw new UserError(
        `the saved plan ${known.stack.saved.file} changed after it was shown ` +
          '(another run planned into the same folder); nothing was applied.',
        { hint: 'run `npx tollgate deploy` again, with no other tollgate or cdktf run on this stack folder at the same time' },
      );
    }
    this.planned.delete(known.stack.saved.file);
    if (known.changes) await this.wrap(() => known.stack.workspace.apply(known.stack.saved));
    else o.onOutput?.('    nothing to apply: the saved plan has no changes\n');
    fs.rmSync(known.stack.saved.file, { force: true });
    this.applied.set(o.stack, known.stack.workspace);
    const outputs = await this.outputs(o, known.stack.workspace.stackDir);
    await this.target.afterApply?.(o.stack, outputs, this.write(o));
    return outputs;
  }

  /** synth, a destroy plan, and its apply (called only after approval). */
  async destroy(o: StackOperation): Promise<void> {
    const stack = await this.planStack(o, true);
    await this.wrap(() => stack.workspace.apply(stack.saved));
    fs.rmSync(stack.saved.file, { force: true });
    this.applied.delete(o.stack);
    await this.target.afterDestroy?.(o.stack);
  }

  /**
   * `terraform state pull` (never interrupted: it reads, and runs after an interrupt too): the managed
   * resources the state records and the tainted ones; with `since`, whether the state moved from the
   * one that plan was made from (the `tfstate` its plan file carries; unknown for a cloud run's bookmark).
   */
  async stateHeld(o: StackOperation, since?: InfraPlan): Promise<StateHeld> {
    const setup = await this.terraformFor(o);
    const stackDir = this.stackDir(o.stack);
    const res = await runProcess(setup.binary, ['state', 'pull'], { cwd: stackDir, env: setup.env, pipe: true });
    if (res.code !== 0) throw new Error(`\`terraform state pull\` failed in ${stackDir} (exit ${res.code}): ${res.stderr.trim()}`);
    const now = parseState(res.stdout);
    const before = since?.planFile ? await planPriorState(since.planFile) : undefined;
    return {
      resources: now.resources,
      tainted: now.tainted,
      declared: declaredResources(stackDir),
      ...(before ? { changed: !sameState(before, now) } : {}),
    };
  }

  async awsSdkTarget(): Promise<AwsSdkTarget | undefined> {
    return this.target.awsSdk?.();
  }

  /** An ephemeral target's deployments are destroyed first; then the target and the CLI configuration are released. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        if (this.target.ephemeral) {
          const provider = await this.target.provider?.();
          for (const [stack, workspace] of [...this.applied]) {
            await workspace.apply(await workspace.plan({ ...(provider ? { offline: provider } : {}), destroy: true }));
            this.applied.delete(stack);
          }
        }
      } finally {
        await this.target.close?.();
        const setup = await this.setupPromise?.catch(() => undefined);
        setup?.dispose();
      }
    })();
    return this.closed;
  }

  /**
   * init (unless the folder is initialized for exactly this backend, provider constraint, lock file
   * and Terraform: see {@link initKey}), plan to a file, and `show -json` when asked or for a cloud run.
   */
  private async planStack(o: StackOperation, destroy: boolean): Promise<StackPlan & { adoption?: Adopt.Adoption }> {
    const setup = await this.terraformFor(o);
    const config = this.config(o);
    const { stackDir } = synthStack(config, {
      outdir: this.outdir(),
      backend: this.target.backend(config),
      env: this.appEnv(o),
      ...(this.target.bundleDir ? { bundleDir: this.target.bundleDir(config) } : {}),
    });
    const write = this.write(o);
    if (!this.prepared.has(o.stack)) {
      await this.target.beforeInit?.(o.stack, this.outdir(), write);
      this.prepared.add(o.stack);
    }
    const project = projectLockFile(this.o.cwd);
    const lockFile = this.target.lockFile === 'required' || fs.existsSync(project.path) ? project : undefined;
    const provider = await this.target.provider?.();
    return this.wrap(async () => {
      const workspace = new TerraformWorkspace(setup, {
        stackDir,
        ...(lockFile ? { lockFile } : {}),
        onOutput: write,
        lockTimeout: this.target.env[LOCK_TIMEOUT_VARIABLE]?.trim() || DEFAULT_LOCK_TIMEOUT,
        ...(o.signal && this.target.interruptible ? { signal: o.signal } : {}),
      });
      // The lock file init follows: the project's committed one, else the one init wrote in the stack folder.
      const stackLock = path.join(stackDir, LOCK_FILE_NAME);
      const lockPath = lockFile?.path ?? stackLock;
      const marker = path.join(stackDir, '.terraform', INIT_MARKER);
      const key = initKey(stackDir, lockPath, setup);
      const copied = !lockFile || readText(stackLock) === readText(lockFile.path);
      if (key === undefined || readText(marker) !== key || !copied) {
        fs.rmSync(marker, { force: true });
        await workspace.init();
        const initialized = initKey(stackDir, lockPath, setup);
        if (initialized !== undefined) fs.writeFileSync(marker, initialized);
      }
      if (this.o.validate === true) await workspace.validate();
      const planOnce = async (): Promise<StackPlan> => {
        const saved = await workspace.plan({ ...(provider ? { offline: provider } : {}), ...(destroy ? { destroy: true } : {}) });
        if (this.o.show !== true && saved.events) return { workspace, init: { lockFileUpdated: false }, saved };
        return { workspace, init: { lockFileUpdated: false }, saved, plan: await workspace.show(saved) };
      };
      const planned = await planOnce();
      const adoption = destroy ? undefined : await this.findAdoptable(o, config, stackDir, planned);
      if (!adoption?.imported) return { ...planned, ...(adoption ? { adoption } : {}) };
      // `--adopt`: the same synthesized stack plus an import block per object, planned again; apply applies that plan.
      adopt().writeImportBlocks(stackDir, adoption.objects);
      return { ...(await planOnce()), adoption };
    });
  }

  /**
   * Of the resources `planned` creates, those whose objects exist in AWS already (deploy/adopt): only
   * created resources are checked, so a plan that creates nothing makes no AWS call. A target whose
   * provider has no AWS API behind it (an offline plan) is not asked.
   */
  private async findAdoptable(
    o: StackOperation,
    config: ResolvedConfig,
    stackDir: string,
    planned: StackPlan,
  ): Promise<Adopt.Adoption | undefined> {
    const creates = planned.plan
      ? planned.plan.resourceChanges.filter((r) => r.mode === 'managed' && r.action === 'create').map((r) => r.address)
      : (planned.saved.events?.changes ?? []).filter((c) => c.action === 'create').map((c) => c.address);
    if (!creates.length || (this.target.provider && !this.target.awsSdk)) return undefined;
    const { awsClients, findAdoptable, readSynthesizedResources } = adopt();
    const aws = awsClients({ region: config.aws.region, target: await this.target.awsSdk?.() });
    try {
      const found = await findAdoptable({ resources: readSynthesizedResources(stackDir), creates, stack: config.stackName, aws });
      if (!found.objects.length && !found.unchecked.length) return undefined;
      return { ...found, imported: o.adopt === true && found.objects.length > 0, calls: aws.calls };
    } finally {
      aws.destroy();
    }
  }

  /** `terraform output -json`, sensitive outputs left out. */
  private async outputs(o: StackOperation, stackDir: string): Promise<StackOutputValues> {
    const setup = await this.terraformFor(o);
    const res = await runProcess(setup.binary, ['output', '-json', '-no-color'], { cwd: stackDir, env: setup.env, pipe: true });
    if (res.code !== 0)
      throw new UserError(`\`terraform output -json\` failed in ${stackDir} (exit ${res.code}):\n    ${res.stderr.trim()}`, {
        hint:
          'the apply finished; run `terraform output -json` in that folder to see the outputs, ' +
          'then `npx tollgate deploy --from asgardeo --outputs <file>`',
      });
    const doc = JSON.parse(res.stdout) as Record<string, { value: unknown; sensitive?: boolean }>;
    return Object.fromEntries(
      Object.entries(doc)
        .filter(([, v]) => !v.sensitive)
        .map(([k, v]) => [k, v.value]),
    );
  }

  /** The setup for one operation: Terraform must see the TF_WORKSPACE the app resolved from `{env}`. */
  private async terraformFor(o: StackOperation): Promise<TerraformSetup> {
    const setup = await this.terraform();
    const workspace = setup.env.TF_WORKSPACE;
    if (!workspace?.includes('{env}')) return setup;
    return { ...setup, env: { ...setup.env, TF_WORKSPACE: workspaceFor(workspace, o.environment) } };
  }

  private terraform(): Promise<TerraformSetup> {
    this.setupPromise ??= (async () => {
      try {
        const setup = this.o.setup ?? (await setupTerraform({ ...this.o.setupOptions, env: this.o.setupOptions?.env ?? this.target.env }));
        // A provider with dummy credentials: no real AWS credential or profile reaches the children.
        return this.target.provider ? { ...setup, env: offlineEnvironment(setup.env) } : setup;
      } catch (err) {
        if (err instanceof TerraformError) throw new InfraToolError(`${err.problem}${err.detail ? `\n    ${err.detail}` : ''}`, err.fix);
        throw err;
      }
    })();
    return this.setupPromise;
  }

  /** Terraform's failures as step errors (what the state holds after one is the caller's to ask: stateHeld). */
  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof TerraformError)) throw err;
      throw new TerraformStepError(err);
    }
  }

  private write(o: StackOperation): (text: string) => void {
    const write = o.onOutput ?? (() => undefined);
    return this.target.progress === 'summary' ? summaryLines(write) : write;
  }

  private outdir(): string {
    return path.resolve(this.target.outdir);
  }

  private appEnv(o: StackOperation): NodeJS.ProcessEnv {
    return { ...this.target.env, TOLLGATE_ENV: o.environment, TOLLGATE_CONFIG: o.configFile };
  }

  private config(o: StackOperation): ResolvedConfig {
    return this.o.config ? this.o.config(o) : loadConfig({ file: o.configFile, env: o.environment, environment: this.appEnv(o) });
  }
}

/** Terraform's summary lines only (plan counts, apply result, errors), indented under the pipeline's step. */
function summaryLines(write: (text: string) => void): (text: string) => void {
  return (text) => {
    const lines = text
      .split('\n')
      .filter((l) => /^\s*(Plan:|Apply complete|Destroy complete|Error|Terraform has been successfully initialized)/.test(l));
    if (lines.length) write(`${lines.map((l) => `    terraform: ${l.trim()}`).join('\n')}\n`);
  };
}

/** Written into `.terraform/` after a successful init: what that init depended on. */
const INIT_MARKER = 'tollgate-init.key';

/**
 * What `terraform init` depends on: the synthesized `terraform` block (backend, required providers),
 * the lock file (the committed one, or the one init wrote when none is committed), the Terraform binary
 * and version, and the provider installation (CLI configuration's mirror). Equal keys: the folder's
 * init is still valid and a warm init (about a second here) is skipped. Undefined when a part cannot be
 * read: then init always runs.
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
function toView(stack: StackPlan & { adoption?: Adopt.Adoption }): PlanView {
  const planFile = stack.saved.file;
  const view = stack.plan ? fromShow(stack.plan, planFile, stack.saved.cloudRun?.runId) : fromEvents(stack.saved.events!, planFile);
  const adoption = stack.adoption ? adoptionLines(stack.adoption) : [];
  return adoption.length ? { ...view, text: `${view.text}${adoption.join('\n')}\n` } : view;
}

function fromShow(plan: TerraformPlan, planFile: string, runId?: string): PlanView {
  const resourceChanges = plan.resourceChanges
    .filter((r) => r.mode === 'managed' && (r.action !== 'no-op' || r.importing !== undefined))
    .map((r) => ({ address: r.address, action: r.action === 'no-op' ? 'import' : r.action }));
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

function fromEvents(events: PlanEvents, planFile: string): PlanView {
  const changing = events.changes.filter((c) => c.action !== 'no-op');
  const resourceChanges = changing.map((c) => ({ address: c.address, action: c.action }));
  const s = events.summary;
  const summary = s
    ? `Plan: ${s.import ? `${s.import} to import, ` : ''}${s.add} to add, ${s.change} to change, ${s.remove} to destroy.`
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

/**
 * How long plan and apply wait for a state lock held by another run (Terraform's duration syntax):
 * a deploy that follows a killed one waits for the Terraform that outlived it to save its state.
 */
export const LOCK_TIMEOUT_VARIABLE = 'TOLLGATE_LOCK_TIMEOUT';
const DEFAULT_LOCK_TIMEOUT = '120s';

/** `TOLLGATE_TERRAFORM_OFFLINE=1`: plan with dummy credentials and no AWS call (CI review of a stack without state). */
export const OFFLINE_VARIABLE = 'TOLLGATE_TERRAFORM_OFFLINE';

/**
 * The real AWS target: state in a local file or Terraform Cloud (backendFromEnv), the user's
 * credentials (or, with TOLLGATE_TERRAFORM_OFFLINE, dummy ones and no AWS call), `cdktf.out` as `cdktf synth` writes it.
 */
export function awsTarget(o: { cwd: string; env: NodeJS.ProcessEnv }): TerraformTarget {
  const offline = o.env[OFFLINE_VARIABLE] === '1' || o.env[OFFLINE_VARIABLE] === 'true';
  return {
    description: {
      title: 'AWS: Terraform',
      awsCredentials: 'check',
    },
    outdir: path.join(o.cwd, o.env.CDKTF_OUTDIR ?? 'cdktf.out'),
    backend: (config) => backendFromEnv(config, o.env),
    ...(offline ? { provider: async () => ({}) } : {}),
    env: o.env,
    lockFile: 'required',
    interruptible: true,
    progress: 'full',
  };
}

/** The former runner switch: `cdktf` is refused with what to do instead. */
export const RUNNER_VARIABLE = 'TOLLGATE_INFRA_RUNNER';

/** The runner the CLI uses for the aws target. */
export function awsRunner(o: { cwd: string; env: NodeJS.ProcessEnv }): TerraformRunner {
  const kind = o.env[RUNNER_VARIABLE]?.trim();
  if (kind && kind !== 'terraform')
    throw new UserError(
      `${RUNNER_VARIABLE}=${kind}: tollgate runs Terraform itself (plans once, applies that plan); there is no other runner.`,
      {
        hint: `unset ${RUNNER_VARIABLE}; to deploy with the cdktf CLI, run \`npx cdktf deploy <stack>\` by hand (cdktf.json runs main.ts)`,
      },
    );
  return new TerraformRunner({ cwd: o.cwd, target: awsTarget(o) });
}
