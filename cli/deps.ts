import type { AsgardeoSide, DeployResult, InfraRunner, Prompt } from '../deploy';

/**
 * What the pipeline commands (deploy, plan, destroy) use from outside: production defaults to the
 * real Terraform runner, the real reconciler, the terminal prompt and global fetch; tests and the local
 * sandbox pass their own.
 */
export interface CommandDeps {
  runner?: InfraRunner;
  side?: AsgardeoSide;
  prompt?: Prompt;
  interactive?: boolean;
  fetch?: typeof fetch;
  /** Home folder for ~/.aws. */
  home?: string;
  smokeOptions?: { retries?: number; retryDelayMs?: number; timeoutMs?: number };
  /** Called after a successful deploy, while a local target's gateway still serves (the sandbox waits here). */
  onDeployed?: (result: DeployResult) => void | Promise<void>;
}
