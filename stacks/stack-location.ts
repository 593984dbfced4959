/**
 * Where a stack and what it made are found: its synthesized folder, its state, and the tag on every AWS
 * object it creates. The deploy runner, adoption and the sandbox read these on every run, so they stay
 * apart from synthesis: cdktf and the provider classes load only when a stack is built.
 */
import * as path from 'node:path';
import type { ResolvedConfig } from '../config';
import { UserError } from '../errors';

/** The tag the stack's provider sets on everything it creates, with the stack's name: adoption and destroy's check read it. */
export const STACK_TAG = 'tollgate:stack';

/** Where a stack keeps its Terraform state. */
export type StateBackend =
  | { readonly kind: 'local'; /** Absolute path of the state file. */ readonly path: string }
  | {
      readonly kind: 'cloud';
      readonly organization: string;
      readonly workspace: string;
      readonly project?: string;
      readonly hostname?: string;
    };

/** The folder a stack is synthesized into: `<outdir>/stacks/<stack>`. */
export function stackDirOf(outdir: string, stack: string): string {
  return path.join(outdir, 'stacks', stack);
}

/** `{env}` in a Terraform Cloud workspace name becomes the environment name (`pharmacy-{env}` → `pharmacy-dev`). */
export function workspaceFor(template: string, environment: string): string {
  return template.replace(/\{env\}/g, environment);
}

/**
 * State: Terraform Cloud when `TF_CLOUD_ORGANIZATION` and `TF_WORKSPACE` are set (also
 * `TF_CLOUD_PROJECT`, `TF_CLOUD_HOSTNAME`; `{env}` in `TF_WORKSPACE` becomes the environment name),
 * else a local file `terraform.<stack>.tfstate` in `TOLLGATE_STATE_DIR` or the working directory.
 */
export function backendFromEnv(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): StateBackend {
  const organization = env.TF_CLOUD_ORGANIZATION?.trim();
  const workspace = env.TF_WORKSPACE?.trim();
  if (organization && workspace) {
    return {
      kind: 'cloud',
      organization,
      workspace: workspaceFor(workspace, config.environment),
      project: env.TF_CLOUD_PROJECT?.trim() || undefined,
      hostname: env.TF_CLOUD_HOSTNAME?.trim() || undefined,
    };
  }
  if (organization || workspace) {
    throw new UserError(
      `Terraform Cloud needs both TF_CLOUD_ORGANIZATION and TF_WORKSPACE; ` +
        `only ${organization ? 'TF_CLOUD_ORGANIZATION' : 'TF_WORKSPACE'} is set.`,
      { hint: 'set the other one for Terraform Cloud state, or unset it for local state' },
    );
  }
  const dir = env.TOLLGATE_STATE_DIR ? path.resolve(env.TOLLGATE_STATE_DIR) : process.cwd();
  return { kind: 'local', path: path.join(dir, `terraform.${config.stackName}.tfstate`) };
}
