import { ReconcileError } from './errors';
import type { PlannedChange } from './plan';
import { DEFAULT_ADMIN_ACCESS, type AdminAccess } from './roles-api';
import { APPLY_PHASES, kindFor, settleAll, type ApplyContext, type ApplyIds, type ResourceKind } from './resources/kind';
import { RESOURCE_KINDS } from './resources';

export type { ApplyIds };

/** What a change's write scopes depend on: its kind, action and changed fields. */
export type WriteScopeInput = Pick<PlannedChange, 'type' | 'name' | 'action' | 'fields'>;

/** Management scopes each planned change needs, so a run asks for nothing more. */
export function scopesForChanges(
  changes: readonly WriteScopeInput[],
  kinds: readonly ResourceKind[] = RESOURCE_KINDS,
  access: AdminAccess = DEFAULT_ADMIN_ACCESS,
): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    if (c.action === 'no-op' || c.action === 'conflict') continue;
    for (const s of kindFor(kinds, c.type)?.writeScopes(c, access) ?? []) out.add(s);
  }
  return [...out].sort();
}

export type ExecuteContext = Omit<ApplyContext, 'state'>;

/**
 * Runs a plan phase by phase (see APPLY_PHASES); within a phase every kind's writes run in parallel.
 * Conflicts and what a kind's `check` refuses stop the run before any write. Every step re-reads
 * after a 409, so a run that races another, or follows a killed one, converges.
 */
export async function executePlan(o: ExecuteContext, kinds: readonly ResourceKind[] = RESOURCE_KINDS): Promise<ApplyIds> {
  const ctx: ApplyContext = { ...o, state: {} };
  const conflicts = ctx.plan.changes.filter((c) => c.action === 'conflict');
  if (conflicts.length) {
    // Each conflict's note says what resolves it (--adopt, --prune, a rename): they differ, so no shared advice here.
    throw new ReconcileError(
      `apply stopped before any change: the plan for ${ctx.plan.stackName} has ${conflicts.length} conflict(s):\n` +
        conflicts.map((c) => `  - ${c.type} ${c.name}: ${c.note}`).join('\n'),
      'resolve each as its line says, then run `npx tollgate plan` to check that none is left',
    );
  }
  for (const k of kinds) k.check?.(ctx);
  for (const phase of APPLY_PHASES) await settleAll(kinds.flatMap((k) => k.apply(phase, ctx)));
  return idsOf(ctx, kinds);
}

/** The ids callers need (API resource id, client ids), from what apply learnt or, without writes, what was observed. */
export function idsOf(ctx: ApplyContext, kinds: readonly ResourceKind[] = RESOURCE_KINDS): ApplyIds {
  const ids: ApplyIds = { apiResourceId: undefined, clients: [] };
  for (const k of kinds) Object.assign(ids, k.outputs?.(ctx));
  return ids;
}
