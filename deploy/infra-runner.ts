import type { ResolvedConfig } from '../config';
import { errorText, UserError } from '../errors';
import type { Adoption } from './adopt';
import type { AwsSdkTarget } from './secrets-manager-store';
/**
 * The AWS side of a deploy, behind one small interface. Two classes implement it: TerraformRunner
 * (terraform-runner.ts: the real `terraform`, configured by a target: real AWS, the in-process local
 * AWS, a long-running `npm run aws:local`) and the sandbox's gateway-only fallback for machines
 * without Terraform. Tests drive the pipeline with fakes of it.
 */
export interface InfraRunner {
  /** What this runner deploys to, for the preflight line and the step title; throws InfraToolError when a tool is missing. */
  describe(): Promise<RunnerDescription>;
  /** Synthesizes the stack and plans it: the plan `apply` applies as it is (a saved plan file, for Terraform). */
  plan(o: StackOperation): Promise<InfraPlan>;
  /** Applies exactly `plan` (made by this runner, unchanged since); returns the stack's outputs. Only after approval. */
  apply(plan: InfraPlan, o: StackOperation): Promise<StackOutputValues>;
  /** Plans the stack's destruction and applies it. Only after approval. */
  destroy(o: StackOperation): Promise<void>;
  /**
   * What the stack's state holds now, read from the state itself; with `since` (a plan this runner
   * made), also whether the state changed since that plan was made. Called after an apply or destroy
   * that did not finish (also after an interrupt: it is never interrupted itself), for the report of
   * what each side holds. A runner that keeps no state has none.
   */
  stateHeld?(o: StackOperation, since?: InfraPlan): Promise<StateHeld>;
  /** Releases what the runner holds (configuration files, a local AWS, the gateway); safe to call twice. */
  close(): Promise<void>;
  /**
   * Where the deploy's own AWS SDK calls (credential delivery to Secrets Manager) go: the endpoint and
   * credentials of what the runner deploys to, or undefined for AWS itself through the SDK's default
   * credential chain (as Terraform's provider). A runner with no AWS API behind it throws a UserError
   * rather than let the calls fall through to real AWS.
   */
  awsSdkTarget(): Promise<AwsSdkTarget | undefined>;
}

export interface RunnerDescription {
  /** The AWS step's title, e.g. `AWS: Terraform`. */
  readonly title: string;
  /** The preflight's tools line: what runs, with versions. */
  readonly tools: string;
  /** Whether the preflight checks AWS credentials, or why it need not (a local AWS, Terraform Cloud's remote runs). */
  readonly awsCredentials: 'check' | { readonly skipped: string };
}

/** What a stack's state holds, as read from it: the facts a failed apply's or destroy's report states. */
export interface StateHeld {
  /** Managed resources the state records, by address. */
  readonly resources: readonly string[];
  /** Of those, the ones Terraform marked tainted (created halfway; the next apply replaces them). */
  readonly tainted: readonly string[];
  /** How many resources the stack declares. */
  readonly declared: number;
  /** Whether the state changed since the plan it was asked about was made (false: the apply wrote nothing); absent when unknown. */
  readonly changed?: boolean;
}

export interface StackOperation {
  /** Stack name, e.g. `pharmacy-user-api-dev`. */
  stack: string;
  /** Environment name, so the app synthesizes only that stack. */
  environment: string;
  /** Absolute path of the configuration file. */
  configFile: string;
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  /** `--adopt`: a plan imports the objects it would create that exist in AWS already (Terraform `import` blocks). */
  adopt?: boolean;
}

/** The operation on `config`'s stack (its environment's), with what else the caller passes. */
export function stackOperation(
  config: ResolvedConfig,
  rest: Omit<StackOperation, 'stack' | 'environment' | 'configFile'> = {},
): StackOperation {
  return { stack: config.stackName, environment: config.environment, configFile: config.file, ...rest };
}

export interface InfraPlan {
  /** The stack it plans. */
  stack: string;
  changes: boolean;
  /** Plan text (no colours). */
  text: string;
  /** `Plan: 1 to add, 0 to change, 0 to destroy.` */
  summary: string;
  /** Each managed resource that changes. */
  resourceChanges?: readonly { address: string; action: string }[];
  /** The saved plan file `apply` applies (runners that save plans). */
  planFile?: string;
  /** The synthesized stack folder the plan was made from (`cdk.tf.json`): the deploy's issuer/audience checks read it. */
  stackDir?: string;
  /**
   * Resources the plan creates whose objects exist in AWS already, not in Terraform's state: shown by
   * the plan; a deploy refuses them without `--adopt`, and with it the plan imports them.
   */
  adoption?: Adoption;
}

/** The stack's outputs as Terraform reports them, by output name (`api_id`, …); sensitive ones left out. */
export type StackOutputValues = Readonly<Record<string, unknown>>;

/** A tool the runner needs is not installed or not runnable; `hint` says how to install it. */
export class InfraToolError extends UserError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

/** What Terraform's state holds after an apply or destroy that did not finish: read from it, or why it could not be. */
export type HeldAfterFailure = StateHeld | { readonly unreadable: string };

/**
 * Whether an apply failed because the runner refused the approved plan as stale: another run changed
 * the state after the plan was made, and this run applied nothing of it.
 */
export function refusedAsStale(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { failure?: unknown }).failure === 'stale-plan';
}

/** What `runner` reads from the stack's state after a failed apply or destroy (`since`: the plan applied); why it could not, else. */
export async function heldAfterFailure(runner: InfraRunner, op: StackOperation, since?: InfraPlan): Promise<HeldAfterFailure> {
  if (!runner.stateHeld) return { unreadable: 'this runner keeps no state to read' };
  return runner.stateHeld(op, since).catch((err: unknown) => ({ unreadable: `Terraform's state could not be read: ${errorText(err)}` }));
}
