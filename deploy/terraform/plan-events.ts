/**
 * The machine-readable UI of `terraform plan -json` (JSON lines: `planned_change`,
 * `change_summary`, `outputs`, `diagnostic`): the changes with their addresses and actions, known as
 * soon as the plan ends, without a `terraform show -json` (which starts the provider again to load
 * its schema: about as long as the plan itself). No attribute values: for those, show the plan file.
 */
import { TerraformError } from './errors';
import type { ResourceAction } from './plan-json';

export type PlannedAction = ResourceAction | 'move' | 'import';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly action: PlannedAction;
  /** Terraform's reason, e.g. `cannot_update`, `delete_because_no_resource_config`. */
  readonly reason?: string;
}

export interface PlanEvents {
  /** Resources that change (Terraform reports no no-ops here). */
  readonly changes: readonly PlannedChange[];
  /** Terraform's own counts (`Plan: 1 to add, ...`), when it printed them. */
  readonly summary?: { readonly add: number; readonly change: number; readonly import: number; readonly remove: number };
  readonly outputs: readonly { readonly name: string; readonly action: PlannedAction }[];
  /** Whether applying would change a resource or an output. */
  readonly hasChanges: boolean;
  /** Error and warning diagnostics, formatted. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

const UI_ACTIONS: Record<string, PlannedAction> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  read: 'read',
  noop: 'no-op',
  remove: 'forget',
  move: 'move',
  import: 'import',
};

function uiAction(name: unknown, where: string): PlannedAction {
  const action = typeof name === 'string' ? UI_ACTIONS[name] : undefined;
  if (!action)
    throw new TerraformError(
      'plan-json',
      `\`terraform plan -json\` reported the action "${String(name)}" for ${where}, which tollgate does not know.`,
      'use a supported Terraform version (see docs/terraform.md) or report this to tollgate',
    );
  return action;
}

export function parsePlanEvents(stdout: string): PlanEvents {
  const changes: PlannedChange[] = [];
  const outputs: { name: string; action: PlannedAction }[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  let summary: PlanEvents['summary'];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (msg.type === 'planned_change') {
      const c = msg.change as { resource?: { addr?: string; resource_type?: string }; action?: string; reason?: string } | undefined;
      const address = c?.resource?.addr ?? '(unknown resource)';
      changes.push({
        address,
        type: c?.resource?.resource_type ?? '',
        action: uiAction(c?.action, address),
        ...(c?.reason ? { reason: c.reason } : {}),
      });
    } else if (msg.type === 'change_summary') {
      const s = msg.changes as { add?: number; change?: number; import?: number; remove?: number } | undefined;
      summary = { add: s?.add ?? 0, change: s?.change ?? 0, import: s?.import ?? 0, remove: s?.remove ?? 0 };
    } else if (msg.type === 'outputs') {
      for (const [name, o] of Object.entries((msg.outputs ?? {}) as Record<string, { action?: string }>))
        outputs.push({ name, action: uiAction(o.action, `output ${name}`) });
    } else if (msg.type === 'diagnostic') {
      const d = msg.diagnostic as { severity?: string; summary?: string; detail?: string } | undefined;
      const text = `${d?.summary ?? ''}${d?.detail ? `\n  ${d.detail.trim().replace(/\n/g, '\n  ')}` : ''}`;
      (d?.severity === 'error' ? errors : warnings).push(text);
    }
  }
  const resourceChanges = changes.some((c) => c.action !== 'no-op' && c.action !== 'read');
  const countChanges = summary ? summary.add + summary.change + summary.remove + summary.import > 0 : false;
  const hasChanges = resourceChanges || countChanges || outputs.some((o) => o.action !== 'no-op');
  return { changes, ...(summary ? { summary } : {}), outputs, hasChanges, errors, warnings };
}
