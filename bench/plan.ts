/**
 * `tollgate plan --env dev` (the CLI command in-process: in-process synth, `terraform init` with the
 * committed lock file, `plan -json -out` offline, the Asgardeo plan against the local Asgardeo, the
 * access matrix and the report) side by side with what it replaces: the same stack's bare
 * `terraform plan -out` (init excluded, as a user runs it in an initialized folder) plus the
 * Asgardeo plan alone. Interleaved, one of each per round, medians of `runs`; target: the command
 * takes at most 1.3x the sum. The old `cdktf diff` path is not measured: it cannot plan offline
 * (the provider validates credentials unless the stack itself sets the skip flags).
 * `npm run bench` adds these rows (BENCH_ONLY=plan); `npx tsx bench/plan.ts` runs only this.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { combinedPlanCommand } from '../cli/commands/plan';
import { memoryIo } from '../cli/io';
import { loadConfig } from '../config';
import { reconcilerSide } from '../deploy';
import { LOCK_FILE_NAME, setupTerraform } from '../deploy/terraform';
import { removeOfflineOverride, writeOfflineOverride } from '../deploy/terraform/offline';
import { runProcess } from '../deploy/terraform/process';
import { startLocalAsgardeo } from '../sandbox/asgardeo';
import { median } from './stats';
import { ms, renderTable, type Row } from './table';

const REPO = path.resolve(__dirname, '..');
const CONFIG = path.join(REPO, 'tollgate.config.ts');
const PUBLIC_ASGARDEO = 'https://api.asgardeo.io';
/** The target: the combined plan within 1.3x of bare terraform plan + Asgardeo plan. */
export const PLAN_TARGET_RATIO = 1.3;

export interface PlanBenchResult {
  runs: number;
  /** `tollgate plan --env dev --json` in-process, wall time. */
  tollgatePlanMs: number[];
  /** Bare `terraform plan -input=false -out=FILE` in the initialized stack folder. */
  terraformPlanMs: number[];
  /** The reconciler's plan alone against the local Asgardeo. */
  asgardeoPlanMs: number[];
  /** Resource changes the report listed (sanity: the plan really ran). */
  resourceChanges: number;
}

export type PlanBench = PlanBenchResult | { skipped: string };

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function benchPlanCommand(o: { runs: number; env?: NodeJS.ProcessEnv }): Promise<PlanBench> {
  const env = o.env ?? process.env;
  let setup;
  try {
    setup = await setupTerraform({ env });
  } catch (err) {
    return { skipped: (err as Error).message.split('\n')[0]! };
  }
  if (!setup.mirror) {
    setup.dispose();
    return { skipped: 'no hashicorp/aws mirror configured (TOLLGATE_TF_PROVIDER_MIRROR)' };
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-plan-'));
  const asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
  try {
    fs.copyFileSync(path.join(REPO, LOCK_FILE_NAME), path.join(scratch, LOCK_FILE_NAME));
    // The aws target needs an https issuer: calls to api.asgardeo.io go to the local Asgardeo.
    const viaLocal: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input).replace(PUBLIC_ASGARDEO, asgardeo.baseUrl);
      const res = await fetch(url, init);
      if (!url.includes('/.well-known/')) return res;
      return new Response((await res.text()).replaceAll(asgardeo.baseUrl, PUBLIC_ASGARDEO), { status: res.status, headers: res.headers });
    };
    const adminEnv = { ASGARDEO_CLIENT_ID: asgardeo.admin.clientId, ASGARDEO_CLIENT_SECRET: asgardeo.admin.clientSecret };
    const side = reconcilerSide({ env: adminEnv, transport: { backoff: { baseMs: 2, capMs: 10 }, pacing: false, fetch: viaLocal } });
    const cliEnv: NodeJS.ProcessEnv = {
      ...env,
      ...adminEnv,
      HOME: scratch,
      TOLLGATE_STATE_DIR: path.join(scratch, 'state'),
      TOLLGATE_TERRAFORM_OFFLINE: '1',
    };
    const config = loadConfig({ file: CONFIG, env: 'dev', environment: {} });
    const stackDir = path.join(scratch, 'cdktf.out', 'stacks', config.stackName);
    const r: PlanBenchResult = { runs: o.runs, tollgatePlanMs: [], terraformPlanMs: [], asgardeoPlanMs: [], resourceChanges: 0 };
    const tollgatePlan = async () => {
      const io = memoryIo({ env: cliEnv, cwd: scratch });
      const code = await combinedPlanCommand(['--env', 'dev', '--config', CONFIG, '--json'], io, { side });
      if (code !== 0) throw new Error(`tollgate plan exited ${code}: ${io.err()}`);
      r.resourceChanges = (JSON.parse(io.out()) as { aws: { resourceChanges?: unknown[] } }).aws.resourceChanges?.length ?? 0;
    };
    // Round 0 (not counted): the first init fills .terraform from the mirror, as a user's first run does.
    await tollgatePlan();
    for (let i = 0; i < o.runs; i++) {
      r.tollgatePlanMs.push(await timed(tollgatePlan));
      writeOfflineOverride(stackDir);
      try {
        r.terraformPlanMs.push(
          await timed(async () => {
            const res = await runProcess(
              setup.binary,
              ['plan', '-input=false', '-no-color', `-out=${path.join(stackDir, 'bare.tfplan')}`],
              { cwd: stackDir, env: setup.env },
            );
            if (res.code !== 0) throw new Error(`terraform plan failed (exit ${res.code}): ${res.stderr.trim()}`);
          }),
        );
      } finally {
        removeOfflineOverride(stackDir);
      }
      r.asgardeoPlanMs.push(await timed(async () => void (await side.plan({ config, credentials: asgardeo.admin }))));
    }
    return r;
  } finally {
    await asgardeo.stop();
    setup.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function planRows(r: PlanBench): Row[] {
  const b = 'tollgate plan, dev stack';
  if ('skipped' in r) return [{ benchmark: b, measure: 'skipped', figure: r.skipped }];
  const n = `median of ${r.runs}`;
  const tollgate = median(r.tollgatePlanMs);
  const sum = median(r.terraformPlanMs) + median(r.asgardeoPlanMs);
  const ratio = tollgate / sum;
  return [
    {
      benchmark: b,
      measure:
        `tollgate plan --env dev (synth, init only when its inputs changed, plan -json -out, Asgardeo plan, report; ` +
        `${r.resourceChanges} resource changes), ${n}`,
      figure: ms(tollgate),
    },
    { benchmark: b, measure: `bare terraform plan -out, same stack (init excluded), ${n}`, figure: ms(median(r.terraformPlanMs)) },
    { benchmark: b, measure: `Asgardeo plan alone (local Asgardeo), ${n}`, figure: ms(median(r.asgardeoPlanMs)) },
    {
      benchmark: b,
      measure: 'tollgate plan / (bare terraform plan + Asgardeo plan)',
      figure: `${ratio.toFixed(2)}x (sum ${ms(sum)})`,
      target: `≤ ${PLAN_TARGET_RATIO}x`,
      pass: ratio <= PLAN_TARGET_RATIO,
    },
    { benchmark: b, measure: 'old path: cdktf diff', figure: 'not measured: cannot plan offline (the provider checks credentials)' },
  ];
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_PLAN_RUNS ?? 5);
  benchPlanCommand({ runs })
    .then((r) => {
      console.log(renderTable(planRows(r)));
      console.log(`\n${os.cpus().length} CPUs, 1-min load ${os.loadavg()[0]!.toFixed(1)}`);
    })
    .catch((err: Error) => {
      console.error(`bench failed: ${err.message}`);
      process.exitCode = 1;
    });
}
