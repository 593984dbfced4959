/**
 * Every way running Terraform can fail that a user can fix, each with what is wrong and what to
 * do, in the same "what to do:" shape as the rest of tollgate's errors.
 */

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
  /** The JSON plan is not what this library reads. */
  | 'plan-json'
  /** A Terraform Cloud run's plan JSON could not be read. */
  | 'cloud-plan-json';

export class TerraformError extends Error {
  readonly failure: TerraformFailure;
  /** What is wrong, in one or two sentences. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /** What Terraform said (diagnostics or the tail of its output), when it said something. */
  readonly detail?: string;

  constructor(failure: TerraformFailure, problem: string, fix: string, detail?: string) {
    super(`${problem}${detail ? `\n${indent(detail)}` : ''}\n  what to do: ${fix}`);
    this.name = 'TerraformError';
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
