/** Terraform in the loop: find it and a provider mirror, then init/validate/plan/show/apply a synthesized stack. */
export { TerraformError, type TerraformFailure } from './errors';
export {
  setupTerraform,
  findTerraformOnPath,
  checkTerraformVersion,
  locateProviderMirror,
  childEnvironment,
  installHint,
  SUPPORTED_TERRAFORM,
  MIRROR_VARIABLE,
} from './locate';
export type { TerraformSetup, SetupOptions, ProviderMirror, MirrorSource } from './locate';
export { TerraformWorkspace, PLAN_FILE_NAME, jsonDiagnostics } from './workspace';
export type { WorkspaceOptions, InitResult, PlanOptions, SavedPlan, Diagnostic } from './workspace';
export { parsePlanJson, readPlan, describeSummary, configuredExpression, actionOf } from './plan-json';
export type { TerraformPlan, ResourceChange, ResourceAction, OutputChange, ChangeSummary, PlanJson } from './plan-json';
export { LOCK_FILE_NAME, lockedVersions, type LockFileOption } from './lock-file';
export { OFFLINE_OVERRIDE_FILE, type OfflineAws } from './offline';
export { readCloudPlanBookmark, type CloudPlanBookmark } from './cloud-plan';
export { VersionConstraint, parseVersion, compareVersions, formatVersion, type Version } from './version';
export { renderCliConfig, readCliConfigProviderDirs, AWS_PROVIDER_ADDRESS } from './cli-config';
export { awsVersionsInMirror, terraformPlatform } from './mirror';
export { planStack, projectLockFile, type PlanStackOptions, type StackPlan } from './plan-stack';
export { renderResourceChanges } from './render';
export { parsePlanEvents, type PlanEvents, type PlannedChange, type PlannedAction } from './plan-events';
