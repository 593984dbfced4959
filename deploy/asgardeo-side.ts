import type { ResolvedConfig } from '../config';
import type { AdminCredentials, ReconcileOptions, StackOutputs } from '../asgardeo';

export type { AdminCredentials, StackOutputs };

/**
 * What the pipeline needs from the Asgardeo reconciler (asgardeo/), as one interface: the CLI binds
 * the real reconciler (reconciler-side.ts); tests may bind the same reconciler to a local Asgardeo
 * or a fake that fails on purpose. Shapes follow the reconciler's contract (asgardeo/index.ts).
 */
export interface AsgardeoSide<Plan = unknown> {
  /** ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET; throws with how to create them. */
  credentialsFromEnv(env: NodeJS.ProcessEnv): AdminCredentials;
  /** Gets a management token for every scope `scopes` lists; throws naming each one not granted. */
  checkAdminAccess(o: { config: ResolvedConfig; credentials: AdminCredentials; scopes: readonly string[]; signal?: AbortSignal }): Promise<void>;
  readStackOutputs(file: string, config: ResolvedConfig): StackOutputs;
  plan(o: SideOptions): Promise<Plan>;
  apply(o: SideOptions): Promise<ApplySummary>;
  destroy(o: SideOptions): Promise<ApplySummary>;
  renderPlan(plan: Plan, format: 'text' | 'json' | 'markdown'): string;
  planHasChanges(plan: Plan): boolean;
  requestClientToken(o: { config: ResolvedConfig; credentials: AdminCredentials; client: string; scopes?: string[] }): Promise<{ accessToken: string; scope: string; expiresIn: number }>;
}

/** What the pipeline passes to the reconciler: its options, less the transport tuning tests use. */
export type SideOptions = Pick<ReconcileOptions, 'config' | 'outputs' | 'credentials' | 'prune' | 'adopt' | 'progress' | 'signal'>;

/** The part of the reconciler's ApplyResult the pipeline reports. */
export interface ApplySummary {
  outputs?: { audience?: string; clients?: readonly { name: string; clientId: string }[] };
}

/**
 * Management API scopes a deploy, plan and destroy of `config` need (asgardeo-contract.md, "Management
 * tokens"): API resources and applications always, roles and users only when the config has them.
 */
export function managementScopesFor(config: ResolvedConfig): string[] {
  const crud = (prefix: string) => ['view', 'create', 'update', 'delete'].map((a) => `${prefix}_${a}`);
  const scopes = [...crud('internal_api_resource'), ...crud('internal_application_mgt'), 'internal_application_business_api_update'];
  if (config.roles.length > 0) scopes.push(...crud('internal_role_mgt'));
  if (config.users.length > 0) scopes.push('internal_user_mgt_list', ...crud('internal_user_mgt'));
  return scopes;
}
