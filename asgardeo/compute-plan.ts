import type { AsgardeoPlan, PlannedChange } from './plan';
import { planOrder, type DesiredState, type ObservedState, type PlanContext, type ResourceKind } from './resources/kind';
import { RESOURCE_KINDS } from './resources';

export interface ComputePlanOptions {
  prune: boolean;
  adopt: boolean;
  destroy?: boolean;
  env?: NodeJS.ProcessEnv;
}

type PlanMeta = Omit<AsgardeoPlan, 'changes' | 'warnings' | 'prune' | 'adopt' | 'apiIdentifier'>;

/** Desired against observed, kind by kind: what apply (or destroy) would do, sorted for reading. */
export function computePlan(
  desired: DesiredState,
  observed: ObservedState,
  meta: PlanMeta,
  o: ComputePlanOptions,
  kinds: readonly ResourceKind[] = RESOURCE_KINDS,
): AsgardeoPlan {
  const warnings: string[] = [];
  const ctx: PlanContext = { desired, observed, adopt: o.adopt, env: o.env ?? process.env, warnings };
  const changes: PlannedChange[] = o.destroy
    ? kinds.flatMap((k) => k.destroy(ctx))
    : [
        ...kinds.flatMap((k) => k.plan(ctx)),
        ...kinds.flatMap((k) => (k.prune?.(ctx) ?? []).flatMap((c) => unpruned(k, c, o.prune, warnings))),
      ];
  for (const k of kinds) k.amend?.(changes, ctx);
  changes.sort((a, b) => planOrder(kinds, a.type) - planOrder(kinds, b.type) || a.name.localeCompare(b.name));
  return { ...meta, apiIdentifier: desired.identifier, prune: o.prune, adopt: o.adopt, changes, warnings };
}

/**
 * An owned object the configuration no longer names: deleted with --prune; without it, named in the
 * plan with the hint (a warning), or a conflict when the kind says keeping it blocks the plan (an
 * API resource under an old identifier holds the scope names the new one needs).
 */
function unpruned(kind: ResourceKind, c: PlannedChange, prune: boolean, warnings: string[]): PlannedChange[] {
  if (prune) return [c];
  if (kind.withoutPrune === 'conflict') {
    const note =
      `${c.note ?? ''}; apply without --prune would leave it holding the scope names (which are unique in the ` +
      'organization): review with `npx tollgate plan --prune`, then `npx tollgate apply --prune --yes` replaces it';
    return [{ ...c, action: 'conflict', note }];
  }
  warnings.push(
    `${c.type} ${c.name} is owned by this stack and no longer configured; \`npx tollgate apply --prune --yes\` deletes it ` +
      '(review with `npx tollgate plan --prune`)',
  );
  return [];
}
