import type { ResolvedConfig } from '../config';
import { executePlan, idsOf, scopesForChanges, type ApplyIds } from './apply';
import type { AdminCredentials } from './credentials';
import { desiredState, type DesiredState } from './desired';
import { roundTrips } from './http';
import { observe, type ObservedState } from './observe';
import type { AsgardeoOutputs, StackOutputs } from './outputs';
import { computePlan } from './compute-plan';
import type { AsgardeoPlan } from './plan';
import { RESOURCE_KINDS } from './resources';
import { DEFAULT_ADMIN_ACCESS, type AdminAccess } from './roles-api';
import { Session, type TransportOptions } from './session';

export interface ReconcileOptions {
  config: ResolvedConfig;
  outputs?: StackOutputs;
  credentials: AdminCredentials;
  /** Delete objects this stack owns that the configuration no longer names. */
  prune?: boolean;
  /** Take over same-named objects tollgate does not own (adds the ownership marker). */
  adopt?: boolean;
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Transport tuning (timeouts, backoff, pacing, fault hooks); defaults suit the real service. */
  transport?: TransportOptions;
  /** Where user passwords (`fromEnv`) are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ApplyResult {
  plan: AsgardeoPlan;
  outputs: AsgardeoOutputs;
  /** Requests this run sent, writes among them, and sequential round trips (see `roundTrips`). */
  /**
   * `writes`: what the server accepted (a create whose answer was lost counts when a re-read found it);
   * `lostAnswers`: write attempts never answered.
   */
  stats: { requests: number; writes: number; lostAnswers: number; roundTrips: number };
}

/**
 * Every management scope a plan, apply or destroy of `config` may ask for: what the deploy preflight
 * checks the admin application holds before anything changes. Each run still asks only for what it needs.
 */
export function managementScopesFor(config: ResolvedConfig, access: AdminAccess = DEFAULT_ADMIN_ACCESS): string[] {
  return RESOURCE_KINDS.flatMap((k) => k.managementScopes(config, access));
}

/**
 * Settles which API versions a session for `config` speaks: the Roles API is probed only when the
 * configuration has roles and `asgardeo.rolesApi` is `auto` (without roles nothing reads it).
 */
export async function settleAccess(session: Session, config: ResolvedConfig): Promise<AdminAccess> {
  if (config.roles.length > 0) await session.chooseRolesApi(config.asgardeo.rolesApi);
  else if (config.asgardeo.rolesApi !== 'auto') session.access = { rolesApi: config.asgardeo.rolesApi };
  return session.access;
}

function viewScopes(desired: DesiredState): string[] {
  return RESOURCE_KINDS.flatMap((k) => k.viewScopes(k.parts.desired.of(desired)));
}

async function observeAndPlan(
  o: ReconcileOptions,
  mode: 'apply' | 'destroy',
): Promise<{ session: Session; desired: DesiredState; observed: ObservedState; plan: AsgardeoPlan }> {
  const desired = desiredState(o.config, o.outputs);
  const progress = o.progress ?? (() => undefined);
  progress(`reading Asgardeo organization "${o.config.asgardeo.organization}" at ${o.config.asgardeo.baseUrl}`);
  const session = new Session(o.config, o.credentials, { onRetry: progress, ...o.transport }, o.signal);
  // The view scopes are the same under both Roles APIs: the probe and the read token go together.
  await Promise.all([settleAccess(session, o.config), session.authorize(viewScopes(desired))]);
  // Always look for owned objects: the plan names those no longer configured (and an API resource
  // under an old identifier) even without --prune.
  const observed = await observe(session.api, desired, { findOwned: true, access: session.access });
  const plan = computePlan(
    desired,
    observed,
    {
      stackName: o.config.stackName,
      environment: o.config.environment,
      organization: o.config.asgardeo.organization,
      baseUrl: o.config.asgardeo.baseUrl,
    },
    { prune: !!o.prune, adopt: !!o.adopt, destroy: mode === 'destroy', env: o.env },
  );
  plan.stats = { requests: session.http.records.length, roundTrips: roundTrips(session.http.records) };
  return { session, desired, observed, plan };
}

/** Reads Asgardeo and says what apply would change. Sends no write. */
export async function planAsgardeo(o: ReconcileOptions): Promise<AsgardeoPlan> {
  return (await observeAndPlan(o, 'apply')).plan;
}

export async function applyAsgardeo(o: ReconcileOptions): Promise<ApplyResult> {
  return run(o, 'apply');
}

/** Deletes what this stack owns (API resource, applications, its organization roles); never users. */
export async function destroyAsgardeo(o: ReconcileOptions): Promise<ApplyResult> {
  return run(o, 'destroy');
}

async function run(o: ReconcileOptions, mode: 'apply' | 'destroy'): Promise<ApplyResult> {
  const { session, desired, observed, plan } = await observeAndPlan(o, mode);
  const progress = o.progress ?? (() => undefined);
  const writeScopes = scopesForChanges(plan.changes, RESOURCE_KINDS, session.access);
  const env = o.env ?? process.env;
  let ids: ApplyIds;
  if (plan.changes.some((c) => c.action === 'conflict') || writeScopes.length) {
    if (writeScopes.length) await session.authorize(writeScopes);
    ids = await executePlan({ session, desired, observed, plan, env, progress });
  } else {
    // Nothing to write: the ids are what was observed.
    ids = idsOf({ session, desired, observed, plan, env, progress, state: {} });
  }
  const records = session.http.records;
  const lost = session.http.lostAnswers();
  progress(
    `done: ${records.length} requests, ${session.http.writes()} writes${lost ? ` (${lost} answer(s) lost in transit, recovered)` : ''}`,
  );
  return {
    plan,
    outputs: {
      stackName: o.config.stackName,
      environment: o.config.environment,
      issuer: o.config.asgardeo.issuer,
      tokenEndpoint: o.config.asgardeo.tokenEndpoint,
      jwksUri: o.config.asgardeo.jwksUri,
      audience: desired.identifier,
      apiResourceId: mode === 'destroy' ? '' : (ids.apiResourceId ?? ''),
      clients: mode === 'destroy' ? [] : ids.clients,
    },
    stats: { requests: records.length, writes: session.http.writes(), lostAnswers: lost, roundTrips: roundTrips(records) },
  };
}
