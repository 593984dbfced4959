/** The steps of `tollgate deploy`, in order; `--from <step>` resumes at one of the last three. */
export const DEPLOY_STEPS = ['preflight', 'aws', 'asgardeo', 'smoke'] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];
export type ResumableStep = Exclude<DeployStep, 'preflight'>;

export const STEP_TITLES: Record<DeployStep, string> = {
  preflight: 'Preflight checks',
  aws: 'AWS: cdktf deploy',
  asgardeo: 'Asgardeo: reconcile',
  smoke: 'Smoke test',
};

export interface StepReport {
  step: DeployStep;
  status: 'done' | 'failed' | 'skipped';
  ms: number;
  /** Why a step was skipped (`--no-smoke`, `--from asgardeo`). */
  note?: string;
}

/** Runs steps with a numbered header and the time each took. */
export class StepClock {
  readonly reports: StepReport[] = [];
  private readonly titles: Record<DeployStep, string> = { ...STEP_TITLES };
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The local target's AWS step is the local gateway: say so. */
  retitle(step: DeployStep, title: string): void {
    this.titles[step] = title;
  }

  skip(step: DeployStep, note: string): void {
    this.reports.push({ step, status: 'skipped', ms: 0, note });
    this.write(`${this.header(step)} skipped (${note})\n`);
  }

  private header(step: DeployStep): string {
    return `[${DEPLOY_STEPS.indexOf(step) + 1}/${DEPLOY_STEPS.length}] ${this.titles[step]}`;
  }

  async run<T>(step: DeployStep, fn: () => Promise<T>): Promise<T> {
    this.write(`${this.header(step)}\n`);
    const start = this.now();
    try {
      const value = await fn();
      const ms = this.now() - start;
      this.reports.push({ step, status: 'done', ms });
      this.write(`  ✓ ${this.titles[step]} done in ${formatMs(ms)}\n`);
      return value;
    } catch (err) {
      const ms = this.now() - start;
      this.reports.push({ step, status: 'failed', ms });
      this.write(`  ✗ ${this.titles[step]} failed after ${formatMs(ms)}\n`);
      throw err;
    }
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
