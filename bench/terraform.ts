/**
 * Terraform benchmark: the dev stack of tollgate.config.ts (the AWS target, as `tollgate plan
 * --env dev` plans it), synthesized once in-process, then through the real `terraform` with the
 * hashicorp/aws mirror: `init` (cold: no .terraform folder; warm: already initialized), the bare
 * `terraform plan -out=FILE` (init excluded; offline provider settings in place, no state, so no
 * AWS call), `terraform show -json`, and the library's plan (`plan -json -out`, changes from its
 * events) with and without `show -json`, as the AWS half of `tollgate plan` can run them (init
 * excluded). Runs one after another; medians of `runs`.
 * `npm run bench` adds these rows (BENCH_ONLY=terraform); `npx tsx bench/terraform.ts` runs only this.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../stacks/synth';
import { setupTerraform } from '../deploy/terraform/locate';
import { removeOfflineOverride, writeOfflineOverride } from '../deploy/terraform/offline';
import { runProcess } from '../deploy/terraform/process';
import { TerraformWorkspace } from '../deploy/terraform/workspace';
import { projectLockFile } from '../deploy/terraform/plan-stack';
import { median } from './stats';
import { ms, renderTable, type Row } from './table';

const REPO = path.resolve(__dirname, '..');

export interface TerraformBenchResult {
  runs: number;
  terraformVersion: string;
  awsProviderVersion?: string;
  mirror?: string;
  resources: number;
  /** `terraform init` with no .terraform folder (providers from the mirror), spawn to exit. */
  initColdMs: number[];
  /** `terraform init` in an initialized folder. */
  initWarmMs: number[];
  /** Bare `terraform plan -input=false -out=FILE`, init excluded. */
  planMs: number[];
  /** `terraform show -json FILE`. */
  showMs: number[];
  /** TerraformWorkspace.plan (plan -json -out, changes from its events): the quick path, init excluded. */
  libraryPlanMs: number[];
  /** TerraformWorkspace.plan + show: with attribute values, init excluded. */
  libraryPlanShowMs: number[];
}

export type TerraformBench = TerraformBenchResult | { skipped: string };

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function benchTerraform(o: { runs: number; env?: NodeJS.ProcessEnv }): Promise<TerraformBench> {
  const env = o.env ?? process.env;
  let setup;
  try {
    setup = await setupTerraform({ env });
  } catch (err) {
    return { skipped: (err as Error).message.split('\n')[0]! };
  }
  if (!setup.mirror) {
    setup.dispose();
    return { skipped: 'no hashicorp/aws mirror configured (TOLLGATE_TF_PROVIDER_MIRROR); a registry download would dominate every figure' };
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-tf-'));
  try {
    const { app, stacks } = buildApp({
      file: path.join(REPO, 'tollgate.config.ts'),
      outdir: path.join(scratch, 'out'),
      env: { TOLLGATE_ENV: 'dev', TOLLGATE_STATE_DIR: path.join(scratch, 'state') },
    });
    app.synth();
    const stackDir = path.join(scratch, 'out', 'stacks', stacks[0]!.config.stackName);
    const ws = new TerraformWorkspace(setup, { stackDir, lockFile: projectLockFile(REPO) });
    const tf = (args: string[]) => async () => {
      const res = await runProcess(setup.binary, args, { cwd: stackDir, env: setup.env });
      if (res.code !== 0) throw new Error(`terraform ${args.join(' ')} failed (exit ${res.code}): ${res.stderr.trim()}`);
    };
    const r: TerraformBenchResult = {
      runs: o.runs,
      terraformVersion: setup.version,
      mirror: setup.mirror.path,
      resources: 0,
      initColdMs: [],
      initWarmMs: [],
      planMs: [],
      showMs: [],
      libraryPlanMs: [],
      libraryPlanShowMs: [],
    };
    for (let i = 0; i < o.runs; i++) {
      fs.rmSync(path.join(stackDir, '.terraform'), { recursive: true, force: true });
      r.initColdMs.push(await timed(async () => void (await ws.init())));
      r.initWarmMs.push(await timed(async () => void (await ws.init())));
    }
    const init = await ws.init();
    if (init.awsVersion) r.awsProviderVersion = init.awsVersion;
    const planFile = path.join(stackDir, 'bench.tfplan');
    writeOfflineOverride(stackDir);
    try {
      for (let i = 0; i < o.runs; i++) {
        r.planMs.push(await timed(tf(['plan', '-input=false', '-no-color', `-out=${planFile}`])));
        r.showMs.push(await timed(tf(['show', '-json', planFile])));
      }
    } finally {
      removeOfflineOverride(stackDir);
    }
    for (let i = 0; i < o.runs; i++) {
      r.libraryPlanMs.push(
        await timed(async () => {
          const saved = await ws.plan({ offline: {} });
          r.resources = saved.events?.changes.length ?? 0;
        }),
      );
      r.libraryPlanShowMs.push(
        await timed(async () => {
          const plan = await ws.show(await ws.plan({ offline: {} }));
          r.resources = plan.resourceChanges.length;
        }),
      );
    }
    return r;
  } finally {
    setup.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function terraformRows(r: TerraformBench): Row[] {
  const b = 'Terraform, dev stack';
  if ('skipped' in r) return [{ benchmark: b, measure: 'skipped', figure: r.skipped }];
  const n = `median of ${r.runs}`;
  const m = (xs: number[]) => ms(median(xs));
  return [
    {
      benchmark: b,
      measure: `terraform ${r.terraformVersion}, hashicorp/aws ${r.awsProviderVersion ?? '?'} from the mirror; resources planned`,
      figure: String(r.resources),
    },
    { benchmark: b, measure: `init, cold (no .terraform), ${n}`, figure: m(r.initColdMs) },
    { benchmark: b, measure: `init, warm (initialized folder), ${n}`, figure: m(r.initWarmMs) },
    { benchmark: b, measure: `bare terraform plan -out (init excluded), ${n}`, figure: m(r.planMs) },
    { benchmark: b, measure: `terraform show -json, ${n}`, figure: m(r.showMs) },
    { benchmark: b, measure: `library plan -json -out, changes from its events (init excluded), ${n}`, figure: m(r.libraryPlanMs) },
    { benchmark: b, measure: `library plan + show -json + parse (init excluded), ${n}`, figure: m(r.libraryPlanShowMs) },
  ];
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_TERRAFORM_RUNS ?? 5);
  benchTerraform({ runs })
    .then((r) => {
      console.log(renderTable(terraformRows(r)));
      console.log(`\n${os.cpus().length} CPUs, 1-min load ${os.loadavg()[0]!.toFixed(1)}`);
    })
    .catch((err: Error) => {
      console.error(`bench failed: ${err.message}`);
      process.exitCode = 1;
    });
}
