import type { ResolvedConfig } from '../config';
import { requireApproval, type Prompt } from './approval';
import { writeTally, type AdminCredentials, type AsgardeoSide, type StackOutputs } from './asgardeo-side';
import { heldAfterFailure, stackOperation, type InfraRunner } from './infra-runner';
import { runSteps, type SideStates, type Step } from './steps';

export interface DestroyOptions {
  config: ResolvedConfig;
  /**
   * What destroys the AWS side; undefined when there is none to destroy here (the local target without
   * a long-running local AWS: the deploying process destroyed it), with `noAwsSide` saying why.
   */
  runner: InfraRunner | undefined;
  noAwsSide?: string;
  side: AsgardeoSide;
  credentials: AdminCredentials;
  outputs?: StackOutputs;
  yes: boolean;
  interactive: boolean;
  prompt: Prompt;
  /** e.g. `tollgate destroy --env dev`, for the refusal and resume messages. */
  command: string;
  write: (text: string) => void;
  signal?: AbortSignal;
}

/** A destroy stopped at a step: the one error type of a failed step (steps.ts). */
export { StepError as DestroyError } from './steps';

/**
 * `tollgate destroy`: the Asgardeo objects this stack owns first (so no client keeps a working
 * audience for a dead API), then the AWS stack through the runner, as a table over the one step
 * runner. Asks first unless `--yes`.
 */
export async function runDestroy(o: DestroyOptions): Promise<void> {
  const { config, runner } = o;
  await requireApproval({
    yes: o.yes,
    interactive: o.interactive,
    prompt: o.prompt,
    action:
      `DESTROY the Asgardeo objects owned by ${config.stackName} in organization "${config.asgardeo.organization}"` +
      (runner ? ` and then the AWS stack ${config.stackName}` : ''),
    rerunWithYes: `${o.command} --yes`,
  });
  const state: SideStates = { aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } };
  const resume = () => `fix the problem above, then run \`${o.command}\` (it skips what is already gone)`;
  const steps: Step<'asgardeo' | 'aws'>[] = [
    {
      name: 'asgardeo',
      title: `Asgardeo: delete objects owned by ${config.stackName}`,
      run: async () => {
        state.asgardeo = { kind: 'deleting', stack: config.stackName };
        // What the server answered to each write: what a failed destroy reports as gone.
        const writes = writeTally();
        await o.side
          .destroy({
            config,
            outputs: o.outputs,
            credentials: o.credentials,
            signal: o.signal,
            progress: (line) => o.write(`  ${line}\n`),
            onWrite: writes.onWrite,
          })
          .catch((err: unknown) => {
            state.asgardeo = { kind: 'delete-failed', stack: config.stackName, deleted: writes.accepted, unanswered: writes.unanswered };
            throw err;
          });
        state.asgardeo = { kind: 'deleted' };
      },
      resume,
    },
    {
      name: 'aws',
      title: runner ? `AWS: destroy ${config.stackName}` : 'AWS:',
      ...(runner ? {} : { skip: o.noAwsSide ?? 'nothing to destroy' }),
      run: async () => {
        if (!runner) return;
        state.aws = { kind: 'destroying', stack: config.stackName };
        const op = stackOperation(config, { onOutput: (t) => o.write(t), signal: o.signal });
        try {
          await runner.destroy(op);
        } catch (err) {
          state.aws = { kind: 'destroy-failed', stack: config.stackName, held: await heldAfterFailure(runner, op) };
          throw err;
        }
        state.aws = { kind: 'destroyed', stack: config.stackName };
      },
      resume,
    },
  ];
  await runSteps({ operation: 'destroy', steps, state, write: o.write });
}
