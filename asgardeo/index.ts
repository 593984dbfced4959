/** The Asgardeo reconciler: plan and apply Asgardeo from the configuration and the AWS stack's outputs. */
export {
  readStackOutputs,
  parseStackOutputs,
  writeStackOutputs,
  checkOutputsMatch,
  writeAsgardeoOutputs,
  asgardeoOutputsPath,
} from './outputs';
export type { StackOutputs, AsgardeoOutputs } from './outputs';
export { adminCredentialsFromEnv } from './credentials';
export type { AdminCredentials } from './credentials';
export { planAsgardeo, applyAsgardeo, destroyAsgardeo, managementScopesFor, settleAccess } from './reconcile';
export { ROLES_API_SCOPES } from './roles-api';
export type { AdminAccess, RolesApiVersion } from './roles-api';
export type { ReconcileOptions, ApplyResult } from './reconcile';
export { renderPlan, planData } from './render';
export { planHasChanges } from './plan';
export type { AsgardeoPlan, PlannedChange, FieldDiff, ResourceKey } from './plan';
export { requestClientToken } from './client-token';
export { requestUserToken, configuredUser, passwordFromEnv, signInApplicationFor, SignInError } from './user-sign-in';
export type { UserToken } from './user-sign-in';
export { AsgardeoError, OutputsError, CredentialsError, ReconcileError } from './errors';
export { transportFromEnv } from './session';
export type { TransportOptions } from './session';
export { roundTrips } from './http';
export type { RequestRecord } from './http';
