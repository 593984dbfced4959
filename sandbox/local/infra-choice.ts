import type { InfraRunner } from '../../deploy';
import { setupTerraform, TerraformError } from '../../deploy/terraform';
import { terraformUnavailableReason } from '../aws/terraform-workdir';
import type { LocalGatewayRunnerOptions } from './local-gateway-runner';
import { SandboxRunner } from './sandbox-runner';
import { LocalTerraformRunner } from './terraform-runner';

/** Set to `0` (or `off`) to serve the synthesized stack without Terraform even where Terraform is installed. */
export const LOCAL_TERRAFORM_VARIABLE = 'TOLLGATE_LOCAL_TERRAFORM';

export type LocalInfraRunner = InfraRunner & { stop(): Promise<void> };

export interface LocalInfra {
  readonly runner: LocalInfraRunner;
  /** `terraform`: real Terraform against the local AWS control plane; `synthesized`: the gateway reads cdk.tf.json. */
  readonly path: 'terraform' | 'synthesized';
  /** One line for the user: which path runs, and why. */
  readonly message: string;
}

/**
 * The local target's AWS side: the real path (terraform + a hashicorp/aws mirror, found the way
 * deploy/terraform finds them for AWS) when it can run, else the fallback that serves the
 * synthesized cdk.tf.json, so `npm start` works on a machine without Terraform.
 */
export async function chooseLocalInfra(
  o: LocalGatewayRunnerOptions & { environment: NodeJS.ProcessEnv; projectDir: string },
): Promise<LocalInfra> {
  const fallback = (why: string): LocalInfra => ({
    runner: new SandboxRunner(o),
    path: 'synthesized',
    message: `AWS side: the local gateway serves the synthesized stack (cdk.tf.json) without Terraform, because ${why}.`,
  });
  const switched = o.environment[LOCAL_TERRAFORM_VARIABLE]?.trim().toLowerCase();
  if (switched === '0' || switched === 'off' || switched === 'false') return fallback(`${LOCAL_TERRAFORM_VARIABLE}=${switched}`);
  const reason = terraformUnavailableReason(o.environment);
  if (reason) return fallback(`${reason}; install Terraform and a provider mirror for the real path`);
  let setup;
  try {
    setup = await setupTerraform({ env: o.environment });
  } catch (err) {
    if (err instanceof TerraformError) return fallback(err.message.replace(/\.$/, ''));
    throw err;
  }
  const mirror = setup.mirror
    ? ` with hashicorp/aws ${setup.mirror.awsVersions[0]} from ${setup.mirror.path} (${setup.mirror.source})`
    : '';
  return {
    runner: new LocalTerraformRunner({ ...o, setup }),
    path: 'terraform',
    message:
      `AWS side: real Terraform ${setup.version}${mirror} deploys the stack to the local AWS control plane; ` +
      'the local gateway serves what was deployed.',
  };
}
