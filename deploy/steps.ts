/**
 * The one step runner of deploy and destroy: each is a table of steps run in order, with a numbered
 * header and the time each took; a failure becomes one StepError that says what failed, what each
 * side holds now (typed state, rendered here only), and how to resume.
 */
import { errorText, EXIT_INTERRUPTED, UserError } from '../errors';

/** The steps of `tollgate deploy`, in order; `--from <step>` resumes at one of the last three. */
export const DEPLOY_STEPS = ['preflight', 'aws', 'asgardeo', 'smoke'] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];
export type ResumableStep = Exclude<DeployStep, 'preflight'>;

/** What the AWS side holds, as far as this run knows. */
export type AwsState =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'applying'; readonly stack: string; readonly interrupted: string }
  | { readonly kind: 'deployed'; readonly stack: string; readonly outputsFile: string }
  | { readonly kind: 'deployed-earlier'; readonly outputsFile: string }
  | { readonly kind: 'outputs-unusable'; readonly outputsFile: string }
  | { readonly kind: 'destroying'; readonly stack: string }
  | { readonly kind: 'destroyed'; readonly stack: string }
  | { readonly kind: 'not-here'; readonly reason: string };

/** What the Asgardeo side holds, as far as this run knows. */
export type AsgardeoState =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'started' }
  | { readonly kind: 'partial'; readonly lastProgress: string }
  | { readonly kind: 'applied'; readonly changes: number }
  | { readonly kind: 'applied-earlier' }
  | { readonly kind: 'deleting'; readonly stack: string }
  | { readonly kind: 'deleted' };

export interface SideStates {
  aws: AwsState;
  asgardeo: AsgardeoState;
}

export function renderAwsState(s: AwsState): string {
  switch (s.kind) {
    case 'unchanged':
      return 'not changed by this run';
    case 'applying':
      return `the apply of ${s.stack} started and did not finish: ${s.interrupted}`;
    case 'deployed':
      return `deployed ${s.stack} (outputs in ${s.outputsFile})`;
    case 'deployed-earlier':
      return `deployed earlier (outputs read from ${s.outputsFile})`;
    case 'outputs-unusable':
      return `unknown: no usable outputs at ${s.outputsFile}`;
    case 'destroying':
      return `part of the AWS stack ${s.stack} may remain`;
    case 'destroyed':
      return `the AWS stack ${s.stack} is destroyed`;
    case 'not-here':
      return `nothing to change here (${s.reason})`;
  }
}

export function renderAsgardeoState(s: AsgardeoState): string {
  switch (s.kind) {
    case 'unchanged':
      return 'not changed by this run';
    case 'started':
      return 'reconcile started; nothing written yet';
    case 'partial':
      return `partially applied; last progress before the failure: ${s.lastProgress}`;
    case 'applied':
      return `applied (${s.changes} change${s.changes === 1 ? '' : 's'} in this run)`;
    case 'applied-earlier':
      return 'applied earlier';
    case 'deleting':
      return `some owned Asgardeo objects of ${s.stack} may remain`;
    case 'deleted':
      return 'the owned Asgardeo objects are deleted';
  }
}

export interface StepReport<S extends string = DeployStep> {
  step: S;
  status: 'done' | 'failed' | 'skipped';
  ms: number;
  /** Why a step was skipped (`--no-smoke`, `--from asgardeo`). */
  note?: string;
}

/** One row of a step table. */
export interface Step<S extends string> {
  readonly name: S;
  readonly title: string;
  /** Why the step does not run this time (`--no-smoke`), or undefined. */
  readonly skip?: string;
  run(): Promise<void>;
  /** What a skipped step does instead (a resumed deploy reads the saved outputs); its failure fails the step. */
  instead?(): Promise<void>;
  /** What to do after this step failed (the resume line of the error). */
  resume(cause: unknown): string;
}

/** A deploy or destroy stopped at `step`: what failed, what each side holds now, and how to resume. */
export class StepError<S extends string = string> extends UserError {
  readonly operation: 'deploy' | 'destroy';
  readonly step: S;
  readonly state: SideStates;
  readonly resume: string;
  readonly steps: StepReport<S>[];
  readonly cause: unknown;
  constructor(o: { operation: 'deploy' | 'destroy'; step: S; cause: unknown; state: SideStates; resume: string; steps: StepReport<S>[] }) {
    const reason = errorText(o.cause);
    const state =
      `What is applied now:\n  AWS:      ${renderAwsState(o.state.aws)}\n` + `  Asgardeo: ${renderAsgardeoState(o.state.asgardeo)}`;
    super(`${o.operation} failed at step "${o.step}":\n${indent(reason)}\n\n${state}\n\nTo resume: ${o.resume}`, {
      describesState: true,
      // An interrupted step keeps the interrupt's status (130), whoever prints it.
      exitStatus: o.cause instanceof UserError && o.cause.exitStatus === EXIT_INTERRUPTED ? EXIT_INTERRUPTED : 1,
    });
    this.operation = o.operation;
    this.step = o.step;
    this.state = { ...o.state };
    this.resume = o.resume;
    this.steps = o.steps;
    this.cause = o.cause;
  }
}

/**
 * Runs a step table in order: `[n/total] title`, the step, `✓ title done in …` (or a skip line);
 * the first failure stops the table with a StepError holding the states at that moment.
 */
export async function runSteps<S extends string>(o: {
  operation: 'deploy' | 'destroy';
  steps: readonly Step<S>[];
  state: SideStates;
  write: (text: string) => void;
  now?: () => number;
}): Promise<StepReport<S>[]> {
  const now = o.now ?? (() => performance.now());
  const reports: StepReport<S>[] = [];
  for (const [i, step] of o.steps.entries()) {
    const header = `[${i + 1}/${o.steps.length}] ${step.title}`;
    const skip = step.skip;
    if (skip !== undefined) o.write(`${header} skipped (${skip})\n`);
    else o.write(`${header}\n`);
    const start = now();
    try {
      await (skip === undefined ? step.run() : step.instead?.());
    } catch (cause) {
      reports.push({ step: step.name, status: 'failed', ms: now() - start });
      o.write(`  ✗ ${step.title} failed after ${formatMs(now() - start)}\n`);
      throw new StepError({ operation: o.operation, step: step.name, cause, state: o.state, resume: step.resume(cause), steps: reports });
    }
    if (skip !== undefined) {
      reports.push({ step: step.name, status: 'skipped', ms: 0, note: skip });
      continue;
    }
    const ms = now() - start;
    reports.push({ step: step.name, status: 'done', ms });
    o.write(`  ✓ ${step.title} done in ${formatMs(ms)}\n`);
  }
  return reports;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
