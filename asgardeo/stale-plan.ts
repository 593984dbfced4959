import { ReconcileError } from './errors';
import type { AsgardeoPlan, PlannedChange } from './plan';
import { planData } from './render';

/**
 * A plan that was shown and approved is applied only if reading the organization again gives the
 * same plan: every change, field (as shown, secrets masked), object id, note and warning. Anything
 * else means the organization (or the configuration) moved after the review, and applying the
 * approved plan would write something nobody saw.
 */
export class StalePlanError extends ReconcileError {
  readonly differences: readonly string[];
  constructor(organization: string, differences: readonly string[]) {
    super(
      `the Asgardeo organization "${organization}" changed after the plan was shown, so the approved plan no longer ` +
        `describes what apply would do; nothing was written:\n${differences.map((d) => `  - ${d}`).join('\n')}`,
      'run the command again: it reads the organization, shows the new plan and asks again',
    );
    this.differences = differences;
  }
}

/** What differs between the plan that was shown and the one the organization gives now (empty: the same plan). */
export function planDifferences(shown: AsgardeoPlan, now: AsgardeoPlan): string[] {
  const before = reviewed(shown);
  const after = reviewed(now);
  const out: string[] = [];
  for (const [key, c] of before) {
    const n = after.get(key);
    if (!n) out.push(`${describe(c)} is no longer planned`);
    else if (n.action !== c.action) out.push(`${c.type} ${c.name}: planned ${c.action}, now ${n.action}`);
    else if (JSON.stringify(n) !== JSON.stringify(c)) out.push(`${describe(c)}: ${changedParts(c, n).join(', ')} changed`);
  }
  for (const [key, n] of after) if (!before.has(key)) out.push(`${describe(n)} is now planned (it was not shown)`);
  const shownWarnings = new Set(planData(shown).warnings);
  for (const w of planData(now).warnings) if (!shownWarnings.has(w)) out.push(`new warning: ${w}`);
  return out;
}

/** Throws StalePlanError unless `now` is the plan that was shown. */
export function requireSamePlan(shown: AsgardeoPlan, now: AsgardeoPlan): void {
  const differences = planDifferences(shown, now);
  if (differences.length) throw new StalePlanError(now.organization, differences);
}

type Reviewed = Omit<PlannedChange, 'patch'>;

function reviewed(plan: AsgardeoPlan): Map<string, Reviewed> {
  return new Map(planData(plan).changes.map((c) => [`${c.type}\u0000${JSON.stringify(c.key)}`, c]));
}

function describe(c: Reviewed): string {
  return `${c.type} ${c.name} (${c.action})`;
}

function changedParts(a: Reviewed, b: Reviewed): string[] {
  const parts: string[] = [];
  if (a.id !== b.id) parts.push('its id');
  if (a.note !== b.note) parts.push('its note');
  const fields = new Set([...a.fields, ...b.fields].map((f) => f.field));
  for (const f of fields) {
    const x = JSON.stringify(a.fields.find((g) => g.field === f));
    const y = JSON.stringify(b.fields.find((g) => g.field === f));
    if (x !== y) parts.push(f);
  }
  return parts.length ? parts : ['its details'];
}
