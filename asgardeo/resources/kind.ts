import type { ResolvedConfig } from '../../config';
import type { AsgardeoApi } from '../api';
import type { AdminAccess } from '../roles-api';
import type { AsgardeoPlan, FieldSensitivity, PlannedChange, ResourceKey } from '../plan';
import type { Session } from '../session';

/**
 * The contract of one Asgardeo resource kind (asgardeo/resources/<kind>.ts). The engine (desired,
 * observe, plan, apply) loops over the registry (./index.ts) and knows no kind by name; a kind that
 * needs another's data (a role needs its application's id) imports that kind's module.
 */
export interface ResourceKind<Desired = unknown, Observed = unknown, Listed = unknown> {
  /** The kind's name; also the type of its changes in plans (see `planTypes` for more). */
  readonly type: string;
  /** Where its changes sort in a plan (lower first). */
  readonly order: number;
  /** Other types its changes carry in plans, each with where it sorts (the application kind's user-facing apps). */
  readonly planTypes?: Readonly<Record<string, number>>;
  /** Where a run keeps this kind's desired and observed parts; other kinds read them through these, typed. */
  readonly parts: { readonly desired: KindPart<Desired>; readonly observed: KindPart<Observed> };
  /** Fields whose values are secret or name a secret's source; every renderer honours them. */
  readonly sensitiveFields?: Readonly<Record<string, FieldSensitivity>>;

  /**
   * Every management scope a run of `config` may ask for (what the deploy preflight checks); `access`
   * says which of Asgardeo's API versions the admin application is authorized for.
   */
  managementScopes(config: ResolvedConfig, access: AdminAccess): string[];
  /** The scopes reading it needs (none when the configuration declares none of it). */
  viewScopes(desired: Desired): string[];
  /** The scopes one planned change needs (a create that meets a 409 converges by updating: both). */
  writeScopes(change: Pick<PlannedChange, 'action' | 'fields'>, access: AdminAccess): string[];

  /** This kind's part of the desired state, from the configuration. */
  desired(config: ResolvedConfig, ctx: { stackName: string; identifier: string }): Desired;
  /** Observation, round 1: the list/filter calls (all kinds in parallel). */
  list(api: AsgardeoApi, ctx: ObserveContext): Promise<Listed>;
  /** Observation, round 2: the details of what round 1 found (all kinds in parallel). */
  detail(api: AsgardeoApi, ctx: ObserveContext, listed: Listed): Promise<Observed>;

  /** Desired against observed: one change per configured object. */
  plan(ctx: PlanContext): PlannedChange[];
  /**
   * Without --prune, what an owned object the configuration no longer names is: a warning naming it
   * with the --prune hint (default), or a conflict that stops apply (the old object blocks the new one).
   */
  readonly withoutPrune?: 'warning' | 'conflict';
  /** Owned objects the configuration no longer names (deletions; applied only with --prune). */
  prune?(ctx: PlanContext): PlannedChange[];
  /** destroy: what this stack owns, as deletions (or notes on what is left alone). */
  destroy(ctx: PlanContext): PlannedChange[];
  /** After every kind planned: adjust own changes to others' (a replaced API resource drops role grants). */
  amend?(changes: PlannedChange[], ctx: PlanContext): void;

  /** Refuses a plan before any write when something only this kind can know is missing. */
  check?(ctx: ApplyContext): void;
  /** Starts this kind's writes of one phase; the engine runs every kind's phase in parallel. */
  apply(phase: ApplyPhase, ctx: ApplyContext): Promise<unknown>[];
  /** Ids callers need after a run (API resource id, client ids), from the apply state. */
  outputs?(ctx: ApplyContext): Partial<ApplyIds>;
}

/**
 * Apply runs in phases; within one, independent objects go in parallel:
 * replace (an owned API resource under an old identifier, before the new one holds its scopes) →
 * create (API resource, applications with OIDC settings, users) → link (API authorizations,
 * organization roles, client ids of new apps) → app-roles (their permissions must be authorized to
 * the app first) → trim (scopes removed from the API resource) → delete → delete-last (API
 * resources, after the apps they are authorized to).
 */
export const APPLY_PHASES = ['replace', 'create', 'link', 'app-roles', 'trim', 'delete', 'delete-last'] as const;
export type ApplyPhase = (typeof APPLY_PHASES)[number];

export interface DesiredState {
  stackName: string;
  /** The API identifier: the API resource's identifier and every client's token audience. */
  identifier: string;
}

export interface ObserveContext {
  desired: DesiredState;
  /** Prune/destroy: also find owned objects the configuration no longer names. */
  findOwned: boolean;
  /** Which API versions this run speaks (the Roles API). */
  access: AdminAccess;
}

/** What Asgardeo holds now: each kind's part is kept in its `parts.observed`, keyed by this object. */
export interface ObservedState {
  /** Whether owned objects the configuration no longer names were looked for. */
  readonly findOwned: boolean;
}

export interface PlanContext {
  desired: DesiredState;
  observed: ObservedState;
  adopt: boolean;
  /** Where user passwords (`fromEnv`) are looked up. */
  env: NodeJS.ProcessEnv;
  /** Things to know that are not changes (e.g. a field Asgardeo cannot change in place). */
  warnings: string[];
}

export interface ApplyContext {
  session: Session;
  desired: DesiredState;
  observed: ObservedState;
  plan: AsgardeoPlan;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
  /** This apply run: the key under which kinds keep the ids they learn (created objects) in a `KindPart`. */
  state: object;
}

export interface ApplyIds {
  apiResourceId: string | undefined;
  clients: { name: string; clientId: string }[];
}

/** The planned change of `key` in the plan being applied. */
export function changeFor(ctx: { plan: AsgardeoPlan }, key: ResourceKey): PlannedChange | undefined {
  return ctx.plan.changes.find((c) => c.key.type === key.type && c.key.name === key.name && c.key.application === key.application);
}

/**
 * One kind's typed share of a run: its desired part (keyed by the run's DesiredState), its observed
 * part (by the ObservedState) or what its apply learns (by `ApplyContext.state`). The kind that owns a
 * part exports a reader over it; another kind that needs the data imports that reader.
 */
export class KindPart<T> {
  readonly #byRun = new WeakMap<object, { value: T }>();
  constructor(private readonly what: string) {}

  set(run: object, value: T): void {
    this.#byRun.set(run, { value });
  }

  of(run: object): T {
    const box = this.#byRun.get(run);
    // The engine sets every kind's part before any kind reads one: a miss is a bug, not a user error.
    if (!box) throw new Error(`${this.what} read before it was set`);
    return box.value;
  }

  /** The value, made by `init` on first use (apply's ids start from what was observed). */
  ensure(run: object, init: () => T): T {
    const box = this.#byRun.get(run) ?? { value: init() };
    this.#byRun.set(run, box);
    return box.value;
  }
}

/** A kind's desired and observed parts, named after the kind in the bug message a miss gives. */
export function kindParts<Desired, Observed>(type: string): ResourceKind<Desired, Observed>['parts'] {
  return { desired: new KindPart<Desired>(`the desired ${type}`), observed: new KindPart<Observed>(`the observed ${type}`) };
}

/** The kind whose changes carry `type` in plans. */
export function kindFor<K extends ResourceKind>(kinds: readonly K[], type: string): K | undefined {
  return kinds.find((k) => k.type === type || (k.planTypes !== undefined && type in k.planTypes));
}

/** Where a change of `type` sorts in a plan (unknown types last). */
export function planOrder(kinds: readonly ResourceKind[], type: string): number {
  const kind = kindFor(kinds, type);
  return kind?.planTypes?.[type] ?? kind?.order ?? Number.MAX_SAFE_INTEGER;
}

/** The CRUD verb of a change's management scope. */
export function verbOf(change: Pick<PlannedChange, 'action'>): 'create' | 'update' | 'delete' {
  return change.action === 'create' ? 'create' : change.action === 'delete' ? 'delete' : 'update';
}

/** Like Promise.all, but waits for every job before failing, so no write is still in flight after a failed run. */
export async function settleAll(jobs: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
