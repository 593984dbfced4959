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
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  skip(step: DeployStep, note: string): void {
    this.reports.push({ step, status: 'skipped', ms: 0, note });
    this.write(`${header(step)} skipped (${note})\n`);
  }

  async run<T>(step: DeployStep, fn: () => Promise<T>): Promise<T> {
    this.write(`${header(step)}\n`);
    const start = this.now();
    try {
      const value = await fn();
      const ms = this.now() - start;
      this.reports.push({ step, status: 'done', ms });
      this.write(`  ✓ ${STEP_TITLES[step]} done in ${formatMs(ms)}\n`);
      return value;
    } catch (err) {
      const ms = this.now() - start;
      this.reports.push({ step, status: 'failed', ms });
      this.write(`  ✗ ${STEP_TITLES[step]} failed after ${formatMs(ms)}\n`);
      throw err;
    }
  }
}

function header(step: DeployStep): string {
  return `[${DEPLOY_STEPS.indexOf(step) + 1}/${DEPLOY_STEPS.length}] ${STEP_TITLES[step]}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
