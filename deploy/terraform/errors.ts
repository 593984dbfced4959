/**
 * Every way running Terraform can fail that a user can fix, each a UserError: the message says what
 * is wrong (with Terraform's own words as detail), the hint what to do. Failures of a command are
 * told apart by their cause (classify.ts): a held state lock, an interrupt, objects that already
 * exist, a provider's error.
 */
import { EXIT_INTERRUPTED, UserError } from '../../errors';

export type TerraformFailure =
  /** No `terraform` executable. */
  | 'terraform-missing'
  /** `terraform` runs but its version is outside the supported range. */
  | 'terraform-version'
  /** A provider mirror was named (variable, CLI configuration) but is not usable. */
  | 'mirror-unusable'
  /** `terraform init` could not find or install hashicorp/aws. */
  | 'provider-install'
  /** The dependency lock file and the configuration or the downloaded package disagree. */
  | 'lock-file'
  /** `terraform init` failed for another reason (backend, credentials, syntax). */
  | 'init'
  /** validate / plan / show / apply ran and failed. */
  | 'command'
  /** Another run holds the state lock. */
  | 'state-locked'
  /** The command was interrupted (Ctrl-C, SIGTERM) and stopped gracefully. */
  | 'interrupted'
  /** `apply PLANFILE` refused the saved plan: the state changed after the plan was made (another run applied). */
  | 'stale-plan'
  /** Objects the stack creates exist already but are not in Terraform's state. */
  | 'already-exists'
  /** The provider (AWS) refused a call: its message comes first. */
  | 'provider'
  /** The JSON plan is not what this library reads. */
  | 'plan-json'
  /** A Terraform Cloud run's plan JSON could not be read. */
  | 'cloud-plan-json';

export class TerraformError extends UserError {
  readonly failure: TerraformFailure;
  /** What is wrong, in one or two sentences. */
  readonly problem: string;
  /** How to fix it (the hint). */
  readonly fix: string;
  /** What Terraform said (diagnostics or the tail of its output), when it said something. */
  readonly detail?: string;

  constructor(failure: TerraformFailure, problem: string, fix: string, detail?: string) {
    super(`${problem}${detail ? `\n${indent(detail)}` : ''}`, {
      hint: fix,
      ...(failure === 'interrupted' ? { exitStatus: EXIT_INTERRUPTED } : {}),
    });
    this.failure = failure;
    this.problem = problem;
    this.fix = fix;
    if (detail) this.detail = detail;
  }
}

export function indent(text: string, prefix = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}
