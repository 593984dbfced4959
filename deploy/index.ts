/**
 * The deploy pipeline as a library: the CLI's commands and the local sandbox call these. It parses
 * no flags and prints no usage (that is cli/); it reaches AWS through an InfraRunner and Asgardeo
 * through an AsgardeoSide, so the sandbox plugs its stand-ins in without deploy knowing them.
 */
export { runDeploy, stackOutputsPath, type DeployOptions, type DeployResult } from './pipeline';
export { runPlan, renderPlanReport, planExitCode, type PlanReport, type PlanReportOptions } from './plan-report';
export { runDestroy, type DestroyOptions } from './destroy';
export { checkPlanPrerequisites } from './preflight';
export type { SmokeResult } from './smoke';
export { terminalPrompt, isInteractive, type Prompt } from './approval';
export { CdktfRunner } from './cdktf-runner';
export {
  TerraformRunner,
  TerraformStepError,
  defaultInfraRunner,
  RUNNER_VARIABLE,
  OFFLINE_VARIABLE,
  type TerraformRunnerOptions,
} from './terraform-runner';
export {
  InfraToolError,
  InfraCommandError,
  type InfraRunner,
  type InfraDiff,
  type StackOperation,
  type ToolVersions,
} from './infra-runner';
export type { AsgardeoSide, SideOptions, ApplySummary } from './asgardeo-side';
export type { ResumableStep } from './steps';
export { reconcilerSide } from './reconciler-side';
