/**
 * The AWS half of `tollgate plan` and `tollgate deploy` in one call: init, (validate,) plan to a
 * file, and the plan as typed changes. Deploy then applies `saved` after approval (TerraformWorkspace.apply).
 */
import * as path from 'node:path';
import type { TerraformSetup } from './locate';
import { LOCK_FILE_NAME, type LockFileOption } from './lock-file';
import type { TerraformPlan } from './plan-json';
import { TerraformWorkspace, type InitResult, type PlanOptions, type SavedPlan } from './workspace';

export interface PlanStackOptions extends PlanOptions {
  readonly setup: TerraformSetup;
  /** The synthesized stack folder, e.g. `cdktf.out/stacks/pharmacy-user-api-dev`. */
  readonly stackDir: string;
  /** @default the project's committed lock file, read-only ({@link projectLockFile}) when `projectDir` is given */
  readonly lockFile?: LockFileOption;
  /** Project folder holding the committed `.terraform.lock.hcl`. */
  readonly projectDir?: string;
  /**
   * Run `terraform validate` before planning (another provider start, ~1-2 s here; `plan` reports invalid configuration itself).
   * @default false
   */
  readonly validate?: boolean;
  /**
   * Read the plan file with `terraform show -json` (attribute values, before/after). false: only the
   * addresses and actions from `plan -json` (`saved.events`), which saves a provider start.
   * Terraform Cloud plans are always shown (their log is not machine-readable). @default true
   */
  readonly show?: boolean;
  readonly onOutput?: (text: string) => void;
  readonly signal?: AbortSignal;
}

export interface StackPlan {
  readonly workspace: TerraformWorkspace;
  readonly init: InitResult;
  /** The plan file to apply after approval. */
  readonly saved: SavedPlan;
  /** Undefined when `show: false` and the events sufficed. */
  readonly plan?: TerraformPlan;
}

/** The committed lock file of a project: `<projectDir>/.terraform.lock.hcl`. */
export function projectLockFile(projectDir: string, mode: LockFileOption['mode'] = 'readonly'): LockFileOption {
  return { path: path.join(projectDir, LOCK_FILE_NAME), mode };
}

export async function planStack(o: PlanStackOptions): Promise<StackPlan> {
  const lockFile = o.lockFile ?? (o.projectDir ? projectLockFile(o.projectDir) : undefined);
  const workspace = new TerraformWorkspace(o.setup, {
    stackDir: o.stackDir,
    ...(lockFile ? { lockFile } : {}),
    ...(o.onOutput ? { onOutput: o.onOutput } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const init = await workspace.init();
  if (o.validate === true) await workspace.validate();
  const saved = await workspace.plan(o);
  if (o.show === false && saved.events) return { workspace, init, saved };
  const plan = await workspace.show(saved);
  return { workspace, init, saved, plan };
}
