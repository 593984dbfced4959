/**
 * tollgate's library surface (`import … from 'tollgate'`): what a project's `tollgate.config.ts` and
 * `main.ts` use, and the building blocks for an app of one's own. The CLI (`npx tollgate`) is the
 * other entry point.
 */
export { defineConfig, loadConfig, loadAllEnvironments, listEnvironments, ConfigError } from './config';
export type {
  TollgateConfig,
  EnvironmentOverrides,
  HttpMethod,
  GrantType,
  ApplicationKind,
  UserGrantType,
  LoadConfigOptions,
  ConfigIssue,
  ResolvedConfig,
} from './config';
export {
  buildApp,
  buildStack,
  synthStack,
  backendFromEnv,
  workspaceFor,
  selectEnvironments,
  synthesizeApp,
  TollgateStack,
  STACK_OUTPUT_NAMES,
  AWS_PROVIDER_CONSTRAINT,
} from './stacks/synth';
export type { BuildAppOptions, BuildStackOptions, SynthOptions, SynthesizedStack, StateBackend, StackOutputName } from './stacks/synth';
export { BundledNodeFunction } from './constructs/bundled-node-function';
export type { BundledNodeFunctionProps, NodeRuntime, LambdaArchitecture } from './constructs/bundled-node-function';
export { HttpJwtAuthorizer } from './constructs/http-jwt-authorizer';
export type { HttpJwtAuthorizerProps } from './constructs/http-jwt-authorizer';
export { SecuredHttpApi } from './constructs/secured-http-api';
export type { SecuredHttpApiProps, SecuredHttpRoute, HttpRouteMethod } from './constructs/secured-http-api';
export {
  planAsgardeo,
  applyAsgardeo,
  destroyAsgardeo,
  renderPlan,
  planHasChanges,
  adminCredentialsFromEnv,
  readStackOutputs,
} from './asgardeo';
export type { ReconcileOptions, ApplyResult, AsgardeoPlan, PlannedChange, AdminCredentials, StackOutputs } from './asgardeo';
export { UserError } from './errors';
