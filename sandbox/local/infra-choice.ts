import * as path from 'node:path';
import type { ResolvedConfig } from '../../config';
import { TerraformRunner, type InfraRunner, type StackOperation } from '../../deploy';
import { findTerraformOnPath, locateProviderMirror, setupTerraform, TerraformError, type TerraformSetup } from '../../deploy/terraform';
import { UserError } from '../../errors';
import { terraformUnavailableReason } from '../aws/terraform-workdir';
import { LOCAL_AWS_URL_VARIABLE } from '../aws/with-gateway';
import { probeLocalAws, type ExternalLocalAws } from './external-aws';
import { GatewayRunner } from './gateway-runner';
import { localAwsTarget, type LocalAwsTarget } from './local-aws-target';

/** Set to `0` (or `off`) to serve the synthesized stack without Terraform even where Terraform is installed. */
export const LOCAL_TERRAFORM_VARIABLE = 'TOLLGATE_LOCAL_TERRAFORM';

/** Where `tollgate deploy/destroy --target local` synthesize the stack and keep its Terraform state. */
export function localTargetOutdir(projectDir: string): string {
  return path.resolve(projectDir, '.tollgate', 'local', 'cdktf.out');
}

export interface LocalInfra {
  /** The one Terraform runner with the local AWS target, or the gateway-only fallback. */
  readonly runner: InfraRunner;
  /** `terraform`: real Terraform against the local AWS control plane; `synthesized`: the gateway reads cdk.tf.json. */
  readonly path: 'terraform' | 'synthesized';
  /** One line for the user: which path runs, and why. */
  readonly message: string;
  /** The local AWS target, on the Terraform path (tests read its control plane and gateway). */
  readonly target?: LocalAwsTarget;
}

/** What the local target's runners need: the operation's configuration, the synth folder, the gateway's log. */
export interface LocalInfraOptions {
  config: (o: StackOperation) => ResolvedConfig;
  outdir: string;
  log?: (line: string) => void;
  environment: NodeJS.ProcessEnv;
  projectDir: string;
}

/** The real path's Terraform, or why it cannot run here (switched off, no terraform, no mirror, a setup error). */
async function localTerraform(environment: NodeJS.ProcessEnv): Promise<{ setup: TerraformSetup; label: string } | { unavailable: string }> {
  const switched = environment[LOCAL_TERRAFORM_VARIABLE]?.trim().toLowerCase();
  if (switched === '0' || switched === 'off' || switched === 'false') return { unavailable: `${LOCAL_TERRAFORM_VARIABLE}=${switched}` };
  const reason = terraformUnavailableReason(environment);
  if (reason) return { unavailable: reason };
  try {
    const setup = await setupTerraform({ env: environment });
    const mirror = setup.mirror
      ? ` with hashicorp/aws ${setup.mirror.awsVersions[0]} from ${setup.mirror.path} (${setup.mirror.source})`
      : '';
    return { setup, label: `real Terraform ${setup.version}${mirror}` };
  } catch (err) {
    if (err instanceof TerraformError) return { unavailable: err.message.replace(/\.$/, '') };
    throw err;
  }
}

/** The one Terraform runner, pointed at a local AWS control plane (started here, or the running `external` one). */
function localTerraformRunner(o: LocalInfraOptions, setup: TerraformSetup, external?: ExternalLocalAws) {
  const target = localAwsTarget({ outdir: o.outdir, env: o.environment, log: o.log, ...(external ? { external } : {}) });
  return { target, runner: new TerraformRunner({ cwd: o.projectDir, target, setup, config: o.config }) };
}

/**
 * The local target's AWS side: the real path (terraform + a hashicorp/aws mirror, found the way
 * deploy/terraform finds them for AWS) when it can run, else the fallback that serves the
 * synthesized cdk.tf.json, so `npm start` works on a machine without Terraform.
 */
export async function chooseLocalInfra(
  o: LocalInfraOptions & {
    /** TOLLGATE_LOCAL_AWS_URL: deploy to that running `npm run aws:local`; it requires the real path, never falls back. */
    localAwsUrl?: string;
  },
): Promise<LocalInfra> {
  if (o.localAwsUrl) return externalLocalInfra({ ...o, localAwsUrl: o.localAwsUrl });
  const terraform = await localTerraform(o.environment);
  if ('unavailable' in terraform) {
    const switchedOff = terraform.unavailable.startsWith(`${LOCAL_TERRAFORM_VARIABLE}=`);
    return {
      runner: new GatewayRunner({ ...o, reason: terraform.unavailable }),
      path: 'synthesized',
      message:
        'AWS side: the local gateway serves the synthesized stack (cdk.tf.json) without Terraform, because ' +
        `${terraform.unavailable}${switchedOff ? '' : `; ${realPathNeeds(o.environment)}`}.`,
    };
  }
  return {
    ...localTerraformRunner(o, terraform.setup),
    path: 'terraform',
    message: `AWS side: ${terraform.label} deploys the stack to the local AWS control plane; the local gateway serves what was deployed.`,
  };
}

/** What the real path still needs here, exactly: Terraform, the provider mirror, or both (the reason says what failed). */
export function realPathNeeds(environment: NodeJS.ProcessEnv): string {
  const terraform = !!findTerraformOnPath(environment);
  let mirror: boolean;
  try {
    mirror = !!locateProviderMirror({ env: environment });
  } catch {
    mirror = false; // named but unusable: the reason already says why
  }
  if (!terraform && !mirror) return 'the real path needs Terraform and a hashicorp/aws provider mirror, neither is here';
  if (!terraform) return 'the real path needs Terraform (the provider mirror is here)';
  if (!mirror) return 'Terraform is installed: the real path needs only the provider mirror';
  return 'Terraform and the provider mirror are here: fix that for the real path';
}

/**
 * The real path against a running `npm run aws:local`: checked before anything changes (the control
 * plane answering, terraform and a mirror present), so a wrong setup fails with its fix instead of
 * silently deploying somewhere that ends with this command.
 */
export async function externalLocalInfra(o: LocalInfraOptions & { localAwsUrl: string }): Promise<LocalInfra> {
  const external = await probeLocalAws(o.localAwsUrl);
  const terraform = await localTerraform(o.environment);
  if ('unavailable' in terraform)
    throw new UserError(`${LOCAL_AWS_URL_VARIABLE} is set, and deploying to that local AWS needs Terraform: ${terraform.unavailable}`, {
      hint:
        `install terraform and a hashicorp/aws provider mirror (see sandbox/local/README.md), unset ${LOCAL_TERRAFORM_VARIABLE} if it ` +
        `turns Terraform off, or unset ${LOCAL_AWS_URL_VARIABLE} for the gateway without Terraform`,
    });
  return {
    ...localTerraformRunner(o, terraform.setup, external),
    path: 'terraform',
    message:
      `AWS side: ${terraform.label} deploys the stack to the local AWS control plane at ${external.endpoint} ` +
      `(${LOCAL_AWS_URL_VARIABLE}); its gateway serves what was deployed, which stays after this command.`,
  };
}
