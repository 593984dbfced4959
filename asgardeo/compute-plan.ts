import type { AsgardeoPlan, PlannedChange } from './plan';
import { UNKNOWN_IDENTIFIER } from './plan';
import type { DesiredState, ObservedState, PlanContext, ResourceKind } from './resources/kind';
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
  if (desired.identifier === UNKNOWN_IDENTIFIER) {
    warnings.push(
      "the API identifier is not known (no stack outputs and no apiResource.identifier): the API resource and the apps' token audience " +
        'cannot be compared; pass --outputs <file> for a complete plan.',
    );
  }
  const ctx: PlanContext = { desired, observed, adopt: o.adopt, env: o.env ?? process.env, warnings };
  const changes: PlannedChange[] = o.destroy
    ? kinds.flatMap((k) => k.destroy(ctx))
    : [...kinds.flatMap((k) => k.plan(ctx)), ...(o.prune ? kinds.flatMap((k) => k.prune?.(ctx) ?? []) : [])];
  for (const k of kinds) k.amend?.(changes, ctx);
  const order = (c: PlannedChange) => kinds.find((k) => k.type === c.type)?.order ?? Number.MAX_SAFE_INTEGER;
  changes.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return { ...meta, apiIdentifier: desired.identifier, prune: o.prune, adopt: o.adopt, changes, warnings };
}
