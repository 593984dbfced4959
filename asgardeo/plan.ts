/**
 * The plan-to-apply contract: what a plan says, what apply executes, what every renderer reads.
 * A change names its object by a structured key; the typed patch (set by the object's resource
 * kind) is what apply writes; each field carries its own sensitivity.
 */

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op' | 'conflict';
/** A resource kind's name (`asgardeo/resources/<kind>.ts`); the registry lists them. */
export type ObjectType = string;

/**
 * How a field's values may be shown. `secret`: never (always masked). `secret-source`: the values
 * name where a secret comes from (an environment variable, an invitation), never the secret itself.
 */
export type FieldSensitivity = 'secret' | 'secret-source';

export interface FieldDiff {
  field: string;
  /** Absent on create. */
  before?: unknown;
  /** Absent on delete. */
  after?: unknown;
  /** Set by the resource kind that owns the field; absent for plain values. */
  sensitivity?: FieldSensitivity;
}

/** Which object a change is about, independent of how it is displayed. */
export interface ResourceKey {
  type: ObjectType;
  /** Name (application, role, user) or identifier (API resource). */
  name: string;
  /** Application roles: the client whose application is the role's audience. */
  application?: string;
}

export interface PlannedChange<Patch = unknown> {
  type: ObjectType;
  key: ResourceKey;
  /** Display name: identifier, application name, role name (with audience), user name. */
  name: string;
  action: ChangeAction;
  /** Asgardeo id when the object exists. */
  id?: string;
  fields: FieldDiff[];
  /** What apply writes for an update, typed by the kind; absent for other actions. */
  patch?: Patch;
  /** Why (conflicts: who owns it and how to adopt; notes on what is left alone). */
  note?: string;
}

export interface AsgardeoPlan {
  stackName: string;
  environment: string;
  organization: string;
  baseUrl: string;
  apiIdentifier: string;
  prune: boolean;
  adopt: boolean;
  changes: PlannedChange[];
  warnings: string[];
  /** Requests and sequential round trips the observation took (see `roundTrips`). */
  stats?: { requests: number; roundTrips: number };
}

/** The value a secret field shows in every rendering. */
export const SENSITIVE = '(sensitive)';

export function planHasChanges(plan: AsgardeoPlan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op');
}

export function summarize(plan: AsgardeoPlan): Record<ChangeAction, number> {
  const s: Record<ChangeAction, number> = { create: 0, update: 0, delete: 0, 'no-op': 0, conflict: 0 };
  for (const c of plan.changes) s[c.action]++;
  return s;
}

/** The owner-conflict note every kind uses for an object it may not change. */
export function conflictNote(kind: string, key: string, owner: string | undefined, stack: string): string {
  const who = owner ? `is managed by another tollgate stack ("${owner}")` : 'was not created by tollgate';
  const article = /^[aeiou]/i.test(kind) ? 'an' : 'a';
  return (
    `${article} ${kind} ${key} already exists and ${who}; tollgate will not change it. To manage it from ${stack}, ` +
    'run with --adopt (the plan then shows what would change), or rename it in the configuration.'
  );
}
