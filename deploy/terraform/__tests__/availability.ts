/**
 * Whether the real-Terraform tests can run here: `terraform` on PATH and a hashicorp/aws mirror
 * found the way the library finds one. When either is missing the tests skip and say why, unless
 * TOLLGATE_TERRAFORM_TESTS=required (set by .ci/run when `terraform` is on PATH): then the
 * skip is a failure, so CI cannot pass without running them.
 */
import { describeRequiring } from '../../../test-support/requirements';
import { findTerraformOnPath, locateProviderMirror, type ProviderMirror } from '../locate';

export const REQUIRE_VARIABLE = 'TOLLGATE_TERRAFORM_TESTS';

export interface Availability {
  terraform?: string;
  mirror?: ProviderMirror;
  /** Why the tests cannot run; undefined when they can. */
  missing?: string;
}

export function terraformAvailability(o: { needMirror: boolean }, env: NodeJS.ProcessEnv = process.env): Availability {
  const terraform = findTerraformOnPath(env);
  if (!terraform) return { missing: '`terraform` is not on PATH (install Terraform >= 1.9 to run them)' };
  let mirror: ProviderMirror | undefined;
  try {
    mirror = locateProviderMirror({ env });
  } catch (err) {
    return { terraform, missing: (err as Error).message };
  }
  if (o.needMirror && !mirror) {
    return {
      terraform,
      missing:
        'no hashicorp/aws provider mirror is configured: set TOLLGATE_TF_PROVIDER_MIRROR (e.g. `eval ' +
        '"$(scripts/terraform-mirror.sh)"`) or a filesystem_mirror in your Terraform CLI configuration',
    };
  }
  return { terraform, ...(mirror ? { mirror } : {}) };
}

/**
 * `describe` when Terraform (and the mirror) are here; otherwise a skipped block whose title says why
 * (test-support/requirements.ts), or, with TOLLGATE_TERRAFORM_TESTS=required, one failing test.
 */
export function describeWithTerraform(
  name: string,
  o: { needMirror: boolean },
  body: (a: Required<Pick<Availability, 'terraform'>> & Availability) => void,
): void {
  const a = terraformAvailability(o);
  const missing = a.missing ?? (a.terraform ? undefined : '`terraform` is not on PATH');
  // When skipped, the body is only collected, never run: `terraform` is then never read.
  describeRequiring(name, { missing, requireVariable: REQUIRE_VARIABLE }, () => body({ ...a, terraform: a.terraform ?? '' }));
}
