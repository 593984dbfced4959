import type { ResolvedConfig } from '../config';
import { requireApproval, type Prompt } from './approval';
import type { AdminCredentials, AsgardeoSide, StackOutputs } from './asgardeo-side';
import type { InfraRunner } from './infra-runner';
import { formatMs } from './steps';
import { errorText, UserError } from '../errors';

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

export class DestroyError extends UserError {
  readonly step: 'asgardeo' | 'aws';
  constructor(step: 'asgardeo' | 'aws', cause: unknown, state: string, command: string) {
    const reason = errorText(cause);
    super(
      `destroy failed at step "${step}":\n  ${reason.split('\n').join('\n  ')}\n\nWhat is left: ${state}\nTo resume: ` +
        `fix the problem above, then run \`${command}\` (it skips what is already gone)`,
      {
        describesState: true,
      },
    );
    this.step = step;
  }
}

/**
 * `tollgate destroy`: the Asgardeo objects this stack owns first (so no client keeps a working
 * audience for a dead API), then the AWS stack through the runner. Asks first unless `--yes`.
 */
export async function runDestroy(o: DestroyOptions): Promise<void> {
  const { config } = o;
  await requireApproval({
    yes: o.yes,
    interactive: o.interactive,
    prompt: o.prompt,
    action:
      `DESTROY the Asgardeo objects owned by ${config.stackName} in organization "${config.asgardeo.organization}"` +
      (o.runner ? ` and then the AWS stack ${config.stackName}` : ''),
    rerunWithYes: `${o.command} --yes`,
  });

  let start = performance.now();
  o.write(`[1/2] Asgardeo: delete objects owned by ${config.stackName}\n`);
  try {
    await o.side.destroy({
      config,
      outputs: o.outputs,
      credentials: o.credentials,
      signal: o.signal,
      progress: (line) => o.write(`  ${line}\n`),
    });
  } catch (err) {
    throw new DestroyError(
      'asgardeo',
      err,
      `some owned Asgardeo objects may remain; the AWS stack ${config.stackName} ` + `is untouched`,
      o.command,
    );
  }
  o.write(`  ✓ done in ${formatMs(performance.now() - start)}\n`);

  start = performance.now();
  if (!o.runner) {
    o.write(`[2/2] AWS: skipped (${o.noAwsSide ?? 'nothing to destroy'})\n`);
    return;
  }
  o.write(`[2/2] AWS: destroy ${config.stackName}\n`);
  try {
    await o.runner.destroy({
      stack: config.stackName,
      environment: config.environment,
      configFile: config.file,
      autoApprove: true,
      onOutput: (t) => o.write(t),
      signal: o.signal,
    });
  } catch (err) {
    throw new DestroyError('aws', err, `the Asgardeo objects are deleted; part of the AWS stack ${config.stackName} may remain`, o.command);
  }
  o.write(`  ✓ done in ${formatMs(performance.now() - start)}\n`);
}
