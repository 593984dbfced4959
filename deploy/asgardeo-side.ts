import type { ResolvedConfig } from '../config';
import type { AdminCredentials, ReconcileOptions, StackOutputs } from '../asgardeo';

export type { AdminCredentials, StackOutputs };
export { managementScopesFor } from '../asgardeo';

/**
 * What the pipeline needs from the Asgardeo reconciler (asgardeo/), as one interface: the CLI binds
 * the real reconciler (reconciler-side.ts); tests may bind the same reconciler to a local Asgardeo
 * or a fake that fails on purpose. Shapes follow the reconciler's contract (asgardeo/index.ts).
 */
export interface AsgardeoSide<Plan = unknown> {
  /** ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET; throws with how to create them. */
  credentialsFromEnv(env: NodeJS.ProcessEnv): AdminCredentials;
  /**
   * Gets a management token for every scope a run of `config` may need (the Roles API's, of the one
   * the admin application is authorized for); throws naming each one not granted. Says what it checked.
   */
  checkAdminAccess(o: { config: ResolvedConfig; credentials: AdminCredentials; signal?: AbortSignal }): Promise<AdminAccessReport>;
  readStackOutputs(file: string, config: ResolvedConfig): StackOutputs;
  plan(o: SideOptions): Promise<Plan>;
  /**
   * Applies the configuration. With `approved` (a plan this side made and the user saw), the
   * organization is read again first and nothing is written unless it gives that same plan.
   */
  apply(o: SideOptions & { approved?: Plan }): Promise<ApplySummary>;
  /** Why applying `plan` would be refused before any write (objects of another owner), so a deploy stops before either side changes. */
  refusal?(plan: Plan): Error | undefined;
  destroy(o: SideOptions): Promise<ApplySummary>;
  renderPlan(plan: Plan, format: 'text' | 'json' | 'markdown'): string;
  /** The plan as JSON-ready data (secrets masked): what `renderPlan(plan, 'json')` prints. */
  planData(plan: Plan): unknown;
  planHasChanges(plan: Plan): boolean;
  requestClientToken(o: {
    config: ResolvedConfig;
    credentials: AdminCredentials;
    client: string;
    scopes?: string[];
  }): Promise<{ accessToken: string; scope: string; expiresIn: number }>;
  /** Signs a configured user in (app-native flow); without it the smoke test tries no users. */
  requestUserToken?(o: {
    config: ResolvedConfig;
    credentials: AdminCredentials;
    userName: string;
    password: string;
    application: string;
  }): Promise<{ accessToken: string; scope: string }>;
}

/** What the admin-access check found: the scopes it holds, and the Roles API roles go through (when there are roles). */
export interface AdminAccessReport {
  scopes: readonly string[];
  rolesApi?: string;
}

/** What the pipeline passes to the reconciler: its options, less the transport tuning tests use. */
export type SideOptions = Pick<ReconcileOptions, 'config' | 'outputs' | 'credentials' | 'prune' | 'adopt' | 'progress' | 'signal'> & {
  /** Test users' passwords this run generated, by the variable `password.fromEnv` names (read before the environment). */
  passwords?: Readonly<Record<string, string>>;
  /** Told of every write request sent, with how the server answered it: what a failed run's report counts. */
  onWrite?: (outcome: WriteOutcome) => void;
};

/** A write as its answer tells: accepted (2xx), refused (an error status: nothing written), or unanswered (it may have happened). */
export type WriteOutcome = 'accepted' | 'refused' | 'unanswered';

/** The writes of one apply or destroy, by the server's answer: what a failed run reports as written. */
export interface WriteTally {
  readonly accepted: number;
  readonly unanswered: number;
  /** Pass as SideOptions.onWrite. */
  readonly onWrite: (outcome: WriteOutcome) => void;
}

export function writeTally(): WriteTally {
  const tally = { accepted: 0, unanswered: 0 };
  return {
    get accepted() {
      return tally.accepted;
    },
    get unanswered() {
      return tally.unanswered;
    },
    onWrite: (outcome) => {
      if (outcome === 'accepted') tally.accepted++;
      else if (outcome === 'unanswered') tally.unanswered++;
    },
  };
}

/** The part of the reconciler's ApplyResult the pipeline reports. */
export interface ApplySummary {
  outputs?: { audience?: string; clients?: readonly { name: string; clientId: string }[] };
  /** User names this run created (their initial password was set now); others existed before. */
  createdUsers?: readonly string[];
}
