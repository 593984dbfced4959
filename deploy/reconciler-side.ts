import {
  adminCredentialsFromEnv,
  applyAsgardeo,
  conflictRefusal,
  destroyAsgardeo,
  planAsgardeo,
  planData,
  planHasChanges,
  readStackOutputs,
  renderPlan,
  requestClientToken,
  requestUserToken,
  managementScopesFor,
  ROLES_API_SCOPES,
  settleAccess,
  transportFromEnv,
  type AsgardeoPlan,
  type RequestRecord,
  type TransportOptions,
} from '../asgardeo';
import { USER } from '../asgardeo/resources/user';
import { Session } from '../asgardeo/session';
import type { AsgardeoSide, SideOptions, WriteOutcome } from './asgardeo-side';

/**
 * The pipeline's Asgardeo side, bound to the real reconciler. `transport` tunes timeouts and
 * backoff (the CLI reads TOLLGATE_ASGARDEO_* variables; tests pass fast retries).
 */
export function reconcilerSide(o: { env: NodeJS.ProcessEnv; transport?: TransportOptions }): AsgardeoSide<AsgardeoPlan> {
  const transport = o.transport ?? transportFromEnv(o.env);
  const options = ({ passwords, onWrite, ...s }: SideOptions & { approved?: AsgardeoPlan }) => ({
    ...s,
    // Every attempt is recorded: each write attempt is reported with its answer.
    transport: onWrite
      ? {
          ...transport,
          onRecord: (r: RequestRecord) => {
            transport.onRecord?.(r);
            if (r.write) onWrite(writeOutcome(r.status));
          },
        }
      : transport,
    env: passwords ? { ...o.env, ...passwords } : o.env,
  });
  return {
    credentialsFromEnv: (env) => adminCredentialsFromEnv(env),
    // The reconciler's own token logic: which Roles API, then one token asking for every scope, failing on each one not granted.
    checkAdminAccess: async ({ config, credentials, signal }) => {
      const session = new Session(config, credentials, transport, signal);
      const access = await settleAccess(session, config);
      const scopes = managementScopesFor(config, access);
      await session.authorize(scopes);
      return { scopes, ...(config.roles.length ? { rolesApi: ROLES_API_SCOPES[access.rolesApi].api } : {}) };
    },
    readStackOutputs: (file, config) => readStackOutputs(file, config),
    plan: (s) => planAsgardeo(options(s)),
    apply: async (s) => {
      const result = await applyAsgardeo(options(s));
      const createdUsers = result.plan.changes.filter((c) => c.type === USER && c.action === 'create').map((c) => c.name);
      return { ...result, createdUsers };
    },
    refusal: (plan) => conflictRefusal(plan),
    destroy: (s) => destroyAsgardeo(options(s)),
    renderPlan: (plan, format) => renderPlan(plan, format),
    planData: (plan) => planData(plan),
    planHasChanges: (plan) => planHasChanges(plan),
    requestClientToken: (t) => requestClientToken({ ...t, transport }),
    requestUserToken: (t) => requestUserToken({ ...t, transport }),
  };
}

/** A write attempt's answer: 2xx accepted, no answer (status 0) unknown, any other status refused. */
function writeOutcome(status: number): WriteOutcome {
  if (status === 0) return 'unanswered';
  return status >= 200 && status < 300 ? 'accepted' : 'refused';
}
