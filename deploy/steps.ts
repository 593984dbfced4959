/**
 * The one step runner of deploy and destroy: each is a table of steps run in order, with a numbered
 * header and the time each took; a failure becomes one StepError that says what failed, what each
 * side holds now (typed state, rendered here only), and how to resume.
 */
import { errorText, EXIT_INTERRUPTED, UserError } from '../errors';
import type { HeldAfterFailure, StateHeld } from './infra-runner';

/** The steps of `tollgate deploy`, in order (aws and asgardeo apply at once); `--from <step>` resumes at aws, asgardeo or smoke. */
export const DEPLOY_STEPS = ['preflight', 'plan', 'aws', 'asgardeo', 'smoke'] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];
export type ResumableStep = Exclude<DeployStep, 'preflight' | 'plan'>;

/** What the AWS side holds, as far as this run knows. */
export type AwsState =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'applying'; readonly stack: string }
  /** `stale`: the plan was refused because another run changed the state after it (this run applied nothing). */
  | { readonly kind: 'apply-failed'; readonly stack: string; readonly held: HeldAfterFailure; readonly stale?: boolean }
  | { readonly kind: 'deployed'; readonly stack: string; readonly outputsFile: string }
  | { readonly kind: 'deployed-earlier'; readonly outputsFile: string }
  | { readonly kind: 'outputs-unusable'; readonly outputsFile: string }
  | { readonly kind: 'destroying'; readonly stack: string }
  | { readonly kind: 'destroy-failed'; readonly stack: string; readonly held: HeldAfterFailure }
  | { readonly kind: 'destroyed'; readonly stack: string }
  | { readonly kind: 'not-here'; readonly reason: string };

/** What the Asgardeo side holds, as far as this run knows (writes as the server answered them). */
export type AsgardeoState =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'started' }
  /** The apply stopped before its first write: the organization holds what it held before. */
  | { readonly kind: 'not-written' }
  /** Writes the server accepted, and writes sent whose answer never came (they may have happened). */
  | { readonly kind: 'partial'; readonly writes: number; readonly unanswered: number; readonly lastProgress?: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'applied'; readonly writes: number; readonly undelivered?: readonly string[] }
  | { readonly kind: 'applied-earlier' }
  | { readonly kind: 'deleting'; readonly stack: string }
  /** A destroy that failed: the deletions the server accepted, and those whose answer never came. */
  | { readonly kind: 'delete-failed'; readonly stack: string; readonly deleted: number; readonly unanswered: number }
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
      return `the apply of ${s.stack} is running`;
    case 'apply-failed':
      return s.stale
        ? `nothing applied by this run: Terraform refused its plan as stale, since another run changed the state after it was made` +
            ('unreadable' in s.held ? '' : `; ${heldCount(s.held)} now; rerun deploy to plan from there`)
        : renderHeld(s.held, 'deploy');
    case 'deployed':
      return `deployed ${s.stack} (outputs in ${s.outputsFile})`;
    case 'deployed-earlier':
      return `deployed earlier (outputs read from ${s.outputsFile})`;
    case 'outputs-unusable':
      return `unknown: no usable outputs at ${s.outputsFile}`;
    case 'destroying':
      return `part of the AWS stack ${s.stack} may remain`;
    case 'destroy-failed':
      return renderHeld(s.held, 'destroy');
    case 'destroyed':
      return `the AWS stack ${s.stack} is destroyed`;
    case 'not-here':
      return `nothing to change here (${s.reason})`;
  }
}

/** The state's facts after a failed apply or destroy: how much of the stack it records, which parts are tainted, whether it moved. */
function heldCount(h: StateHeld): string {
  const count = h.resources.length === 0 ? 'none' : String(h.resources.length);
  return `Terraform's state holds ${count} of the stack's ${h.declared} resource${h.declared === 1 ? '' : 's'}`;
}

function renderHeld(h: HeldAfterFailure, rerun: 'deploy' | 'destroy'): string {
  if ('unreadable' in h) return `unknown (${h.unreadable}); \`npx tollgate plan\` shows what is deployed`;
  const holds = heldCount(h);
  if (h.changed === false) return `nothing changed: ${holds}, as before the ${rerun === 'deploy' ? 'apply' : 'destroy'}`;
  if (rerun === 'destroy') {
    if (!h.resources.length) return `${holds}; rerun destroy to finish`;
    const shown = h.resources.slice(0, 10).join(', ') + (h.resources.length > 10 ? `, and ${h.resources.length - 10} more` : '');
    return `${holds} (${shown}); rerun destroy to remove them`;
  }
  return `${holds}${h.tainted.length ? ` (tainted: ${h.tainted.join(', ')})` : ''}; rerun deploy to converge`;
}

export function renderAsgardeoState(s: AsgardeoState): string {
  switch (s.kind) {
    case 'unchanged':
      return 'not changed by this run';
    case 'started':
      return 'reconcile started; nothing written yet';
    case 'not-written':
      return 'nothing written (the apply stopped before its first write: the organization holds what it held before)';
    case 'partial': {
      const last = s.lastProgress ? `; last progress before the failure: ${s.lastProgress}` : '';
      const lost = `${s.unanswered} write${s.unanswered === 1 ? '' : 's'} sent and never answered (they may have happened)`;
      if (!s.writes) return `perhaps partially applied: ${lost}${last}`;
      return `partially applied: ${plural(s.writes, 'write')} accepted before the failure${s.unanswered ? `, ${lost}` : ''}${last}`;
    }
    case 'refused':
      return `nothing written: ${s.reason}`;
    case 'applied':
      return (
        `applied (${s.writes ? `${plural(s.writes, 'write')} in this run` : 'nothing needed writing'})` +
        (s.undelivered?.length ? `; client credentials not yet delivered to ${s.undelivered.join(', ')}` : '')
      );
    case 'applied-earlier':
      return 'applied earlier';
    case 'deleting':
      return `some owned Asgardeo objects of ${s.stack} may remain`;
    case 'delete-failed': {
      if (!s.deleted && !s.unanswered) return `nothing deleted: the owned Asgardeo objects of ${s.stack} remain`;
      const lost = s.unanswered ? `, ${plural(s.unanswered, 'write')} sent and never answered (they may have happened)` : '';
      const accepted = `${plural(s.deleted, 'write')} accepted before the failure`;
      return `partly deleted: ${accepted}${lost}; the rest of ${s.stack}'s owned objects remain`;
    }
    case 'deleted':
      return 'the owned Asgardeo objects are deleted';
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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

/** Steps that run at once under one header (the two sides' applies): each ends on its own; the row ends when all have. */
export interface StepGroup<S extends string> {
  readonly title: string;
  readonly group: readonly Step<S>[];
}

export type StepRow<S extends string> = Step<S> | StepGroup<S>;

/** Why two steps of one group failed: each side's error, in table order. */
export class GroupFailure extends Error {
  constructor(readonly failures: readonly { title: string; cause: unknown }[]) {
    super(failures.map((f) => `${f.title}: ${errorText(f.cause)}`).join('\n\n'));
    this.name = 'GroupFailure';
  }
}

/**
 * Runs a step table in order: `[n/total] title`, the step, `✓ title done in …` (or a skip line).
 * A group's steps run at once, and a failure in one lets the others finish (each stops cleanly or
 * completes, so the state report is true when the error is raised). The first failure stops the
 * table with a StepError holding the states at that moment, named after the first failed step.
 */
export async function runSteps<S extends string>(o: {
  operation: 'deploy' | 'destroy';
  steps: readonly StepRow<S>[];
  state: SideStates;
  write: (text: string) => void;
  now?: () => number;
}): Promise<StepReport<S>[]> {
  const now = o.now ?? (() => performance.now());
  const reports: StepReport<S>[] = [];
  for (const [i, row] of o.steps.entries()) {
    const header = `[${i + 1}/${o.steps.length}] ${row.title}`;
    const members = 'group' in row ? row.group : [row];
    if (!('group' in row) && row.skip !== undefined) o.write(`${header} skipped (${row.skip})\n`);
    else o.write(`${header}\n`);
    const outcomes = await Promise.all(members.map((step) => runOne(step, now, o.write, 'group' in row)));
    reports.push(...outcomes.map((x) => x.report));
    const failed = outcomes.flatMap((x, j) => (x.failure ? [{ step: members[j]!, cause: x.failure.cause }] : []));
    const first = failed[0];
    if (first) {
      const cause = failed.length > 1 ? new GroupFailure(failed.map((f) => ({ title: f.step.title, cause: f.cause }))) : first.cause;
      throw new StepError({
        operation: o.operation,
        step: first.step.name,
        cause,
        state: o.state,
        resume: first.step.resume(cause),
        steps: reports,
      });
    }
  }
  return reports;
}

async function runOne<S extends string>(
  step: Step<S>,
  now: () => number,
  write: (text: string) => void,
  inGroup: boolean,
): Promise<{ report: StepReport<S>; failure?: { cause: unknown } }> {
  const skip = step.skip;
  // A group's header names the group; each member's skip is said on its own line.
  if (inGroup && skip !== undefined) write(`  - ${step.title} skipped (${skip})\n`);
  const start = now();
  try {
    await (skip === undefined ? step.run() : step.instead?.());
  } catch (cause) {
    const ms = now() - start;
    write(`  ✗ ${step.title} failed after ${formatMs(ms)}\n`);
    return { report: { step: step.name, status: 'failed', ms }, failure: { cause } };
  }
  if (skip !== undefined) return { report: { step: step.name, status: 'skipped', ms: 0, note: skip } };
  const ms = now() - start;
  write(`  ✓ ${step.title} done in ${formatMs(ms)}\n`);
  return { report: { step: step.name, status: 'done', ms } };
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
