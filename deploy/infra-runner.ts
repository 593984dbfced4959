import { UserError } from '../errors';
/**
 * The AWS side of a deploy, behind a small interface: production code always uses the real
 * `cdktf` CLI (see cdktf-runner.ts); tests drive the pipeline with a fake that writes a realistic
 * outputs file. Every method streams what the tool prints through `onOutput`.
 */
export interface InfraRunner {
  /** Versions of the tools the runner needs; throws InfraToolError when one is missing. */
  versions(): Promise<ToolVersions>;
  synth(o: StackOperation): Promise<void>;
  /** `cdktf diff`: whether Terraform would change anything, and its plan text. */
  diff(o: StackOperation): Promise<InfraDiff>;
  /** `cdktf deploy <stack> --outputs-file <f> --auto-approve`; called only after approval. */
  deploy(o: StackOperation & { outputsFile: string; autoApprove: true }): Promise<void>;
  /** `cdktf destroy <stack> --auto-approve`; called only after approval. */
  destroy(o: StackOperation & { autoApprove: true }): Promise<void>;
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
