import { UserError } from '../errors';
import type { AwsSdkTarget } from './secrets-manager-store';
/**
 * The AWS side of a deploy, behind a small interface: production code uses the real `terraform`
 * (terraform-runner.ts: saved plans, applied as shown) or, with TOLLGATE_INFRA_RUNNER=cdktf, the
 * `cdktf` CLI (cdktf-runner.ts); tests drive the pipeline with a fake that writes a realistic
 * outputs file. Every method streams what the tool prints through `onOutput`.
 */
export interface InfraRunner {
  /** Versions of the tools the runner needs; throws InfraToolError when one is missing. */
  versions(): Promise<ToolVersions>;
  synth(o: StackOperation): Promise<void>;
  /** Whether Terraform would change anything (`cdktf diff`, or a saved `terraform plan`), and its plan text. */
  diff(o: StackOperation): Promise<InfraDiff>;
  /**
   * Deploys the stack and writes its outputs file; called only after approval. With `plan` (a
   * diff this runner made, shown before the approval) a runner that saves plans applies exactly
   * that plan file.
   */
  deploy(o: StackOperation & { outputsFile: string; autoApprove: true; plan?: InfraDiff }): Promise<void>;
  /** `cdktf destroy <stack> --auto-approve`; called only after approval. */
  destroy(o: StackOperation & { autoApprove: true }): Promise<void>;
  /**
   * True when `diff` saves a plan that `deploy({ plan })` applies as it is: the deploy pipeline then
   * shows that plan before asking for approval. Undefined/false: deploy plans again itself (cdktf deploy).
   */
  readonly appliesSavedPlan?: boolean;
  /**
   * Where the deploy's own AWS SDK calls (credential delivery to Secrets Manager) go: the target's
   * endpoint and credentials (the local AWS control plane), or undefined for AWS itself through the
   * default credential chain. Known once `deploy` has run.
   */
  awsSdkTarget?(): AwsSdkTarget | undefined;
  /** The local target's AWS step, named for what this runner does (preflight line and step title). */
  readonly localDescription?: { readonly title: string; readonly preflight: string };
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
}

export interface ToolVersions {
  terraform: string;
  cdktf: string;
}

export interface InfraDiff {
  changes: boolean;
  /** Plan text as Terraform printed it (no colours). */
  text: string;
  /** `Plan: 1 to add, 0 to change, 0 to destroy.` when Terraform printed one. */
  summary?: string;
  /** Each managed resource that changes, from Terraform's JSON plan (runners that read it). */
  resourceChanges?: readonly { address: string; action: string }[];
  /** The saved plan file `deploy({ plan })` applies (runners that save plans). */
  planFile?: string;
}

/** A tool the runner needs is not installed or not runnable; `hint` says how to install it. */
export class InfraToolError extends UserError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

/** A cdktf/terraform command ran and failed; `output` is the tail of what it printed. */
export class InfraCommandError extends UserError {
  /** The tool's exit code; `null` when it was killed. */
  readonly exitCode: number | null;
  readonly output: string;
  declare readonly hint: string;
  constructor(o: { command: string; exitCode: number | null; output: string; hint: string }) {
    const status = o.exitCode === null ? ' (killed)' : ` with exit code ${o.exitCode}`;
    super(`\`${o.command}\` failed${status}${o.output ? `:\n${indent(o.output)}` : ''}`, { hint: o.hint });
    this.exitCode = o.exitCode;
    this.output = o.output;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
