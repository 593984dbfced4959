/**
 * The deploy pipeline as a library: the CLI's commands and the local sandbox call these. It parses
 * no flags and prints no usage (that is cli/); it reaches AWS through an InfraRunner (the one
 * TerraformRunner, configured by a target) and Asgardeo
 * through an AsgardeoSide, so the sandbox plugs its stand-ins in without deploy knowing them.
 */
export { runDeploy, stackOutputsPath, DeployError, type DeployOptions, type DeployResult } from './pipeline';
export { runPlan, renderPlanReport, planExitCode, type PlanReport, type PlanReportOptions } from './plan-report';
export { runDestroy, type DestroyOptions } from './destroy';
export { checkPlanPrerequisites } from './preflight';
export type { SmokeResult } from './smoke';
export { samplePath } from './smoke';
export { terminalPrompt, isInteractive, type Prompt } from './approval';
export {
  TerraformRunner,
  TerraformStepError,
  awsRunner,
  awsTarget,
  OFFLINE_VARIABLE,
  type TerraformRunnerOptions,
  type TerraformTarget,
} from './terraform-runner';
export {
  InfraToolError,
  stackOperation,
  type InfraRunner,
  type InfraPlan,
  type RunnerDescription,
  type StackOperation,
  type StackOutputValues,
  type StateHeld,
  type HeldAfterFailure,
} from './infra-runner';
export { StepError, type SideStates, type AwsState, type AsgardeoState } from './steps';
export type { AsgardeoSide, SideOptions, ApplySummary } from './asgardeo-side';
export type { ResumableStep } from './steps';
export { reconcilerSide } from './reconciler-side';
