/**
 * tollgate's library surface (`import … from 'tollgate'`): what a project's `tollgate.config.ts` and
 * `main.ts` use, and the building blocks for an app of one's own. The CLI (`npx tollgate`) is the
 * other entry point.
 */
import type * as Asgardeo from './asgardeo';

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
export type { ReconcileOptions, ApplyResult, AsgardeoPlan, PlannedChange, AdminCredentials, StackOutputs } from './asgardeo';

// The reconciler (and jose with it) loads on its first use: a cdktf app importing `synthesizeApp` from
// here only synthesizes, and its every run would pay for loading it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const reconciler = (): typeof Asgardeo => require('./asgardeo') as typeof Asgardeo;
export const planAsgardeo: typeof Asgardeo.planAsgardeo = (...args) => reconciler().planAsgardeo(...args);
export const applyAsgardeo: typeof Asgardeo.applyAsgardeo = (...args) => reconciler().applyAsgardeo(...args);
export const destroyAsgardeo: typeof Asgardeo.destroyAsgardeo = (...args) => reconciler().destroyAsgardeo(...args);
export const renderPlan: typeof Asgardeo.renderPlan = (...args) => reconciler().renderPlan(...args);
export const planHasChanges: typeof Asgardeo.planHasChanges = (...args) => reconciler().planHasChanges(...args);
export const adminCredentialsFromEnv: typeof Asgardeo.adminCredentialsFromEnv = (...args) => reconciler().adminCredentialsFromEnv(...args);
export const readStackOutputs: typeof Asgardeo.readStackOutputs = (...args) => reconciler().readStackOutputs(...args);
export { UserError } from './errors';
