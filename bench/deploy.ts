/**
 * Deploy benchmark (issue 24): `tollgate deploy` on the local real path (the one Terraform runner
 * against the in-process local AWS, the real reconciler against the local Asgardeo), beside each
 * side measured alone in the same round: the AWS side = the runner's plan + apply of the same stack,
 * the Asgardeo side = the reconciler's plan + apply of the same configuration. Every measurement
 * starts from nothing (a fresh local AWS, state folder and organization), so each one creates
 * everything. The deploy runs without its smoke test (which needs both sides, so belongs to
 * neither); its preflight is counted. Scenarios: the local Asgardeo as it is, and with latency
 * added to every request so the Asgardeo side takes seconds too. Target: deploy ≤ 1.15× the
 * slower side alone. `npm run bench` adds these rows (BENCH_ONLY=deploy); `npx tsx bench/deploy.ts`
 * runs only this (BENCH_DEPLOY_RUNS, BENCH_DEPLOY_LATENCIES=0,1000). Needs Terraform and the provider
 * mirror (`eval "$(scripts/terraform-mirror.sh)"`); without them it says why and measures nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type ResolvedConfig } from '../config';
import { reconcilerSide, runDeploy, stackOperation, type StackOperation } from '../deploy';
import { generateTestUserPasswords, passwordValues } from '../deploy/test-user-passwords';
import { startLocalAsgardeo, type LocalAsgardeo } from '../sandbox/asgardeo';
import { chooseLocalInfra, type LocalInfra } from '../sandbox/local';
import { median } from './stats';
import { ms, renderTable, type Row } from './table';

const REPO = path.resolve(__dirname, '..');
const CONFIG = path.join(REPO, 'tollgate.config.ts');
export const DEPLOY_TARGET_RATIO = 1.15;

export interface DeployScenario {
  /** Added to every request of the local Asgardeo. */
  latencyMs: number;
  awsAloneMs: number[];
  asgardeoAloneMs: number[];
  deployMs: number[];
  /** deploy / max(AWS alone, Asgardeo alone), per round. */
  ratios: number[];
}

export type DeployBench = { runs: number; scenarios: DeployScenario[] } | { skipped: string };

/** A fresh local AWS (Terraform path), state folder and organization. */
async function freshWorld(
  latencyMs: number,
): Promise<{ la: LocalAsgardeo; config: ResolvedConfig; infra: LocalInfra; close(): Promise<void> }> {
  const la = await startLocalAsgardeo({ organization: 'pharmacy' });
  la.faults.setLatency(latencyMs);
  const config = loadConfig({ file: CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: la.baseUrl, environment: {} });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-deploy-'));
  const infra = await chooseLocalInfra({
    config: () => config,
    outdir: path.join(scratch, 'cdktf.out'),
    environment: process.env,
    projectDir: REPO,
    log: () => undefined,
  });
  return {
    la,
    config,
    infra,
    async close() {
      try {
        // An ephemeral local AWS destroys what was deployed through Terraform (not timed).
        await infra.runner.close();
      } finally {
        await la.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

const opOf = (config: ResolvedConfig): StackOperation => stackOperation(config, { onOutput: () => undefined });

async function awsAlone(latencyMs: number): Promise<number> {
  const w = await freshWorld(latencyMs);
  try {
    if (w.infra.path !== 'terraform') throw new Skip(w.infra.message);
    // Terraform's version (the preflight line) is read once, as the deploy's preflight does; not timed here.
    await w.infra.runner.describe();
    return await timed(async () => {
      const op = opOf(w.config);
      await w.infra.runner.apply(await w.infra.runner.plan(op), op);
    });
  } finally {
    await w.close();
  }
}

async function asgardeoAlone(latencyMs: number): Promise<number> {
  const w = await freshWorld(latencyMs);
  try {
    const side = reconcilerSide({ env: {} });
    const passwords = passwordValues(generateTestUserPasswords(w.config));
    return await timed(async () => {
      const approved = await side.plan({ config: w.config, credentials: w.la.admin, passwords });
      await side.apply({ config: w.config, credentials: w.la.admin, passwords, approved });
    });
  } finally {
    await w.close();
  }
}

async function deployBoth(latencyMs: number): Promise<number> {
  const w = await freshWorld(latencyMs);
  try {
    if (w.infra.path !== 'terraform') throw new Skip(w.infra.message);
    const env = { ASGARDEO_CLIENT_ID: w.la.admin.clientId, ASGARDEO_CLIENT_SECRET: w.la.admin.clientSecret };
    return await timed(() =>
      runDeploy({
        loadConfig: () => w.config,
        runner: w.infra.runner,
        side: reconcilerSide({ env }),
        env,
        cwd: path.dirname(w.infra.target?.outdir ?? REPO),
        yes: true,
        interactive: false,
        prompt: async () => 'no',
        smoke: false,
        resumeCommand: () => 'npx tsx bench/deploy.ts',
        write: progress,
      }),
    );
  } finally {
    await w.close();
  }
}

class Skip extends Error {}

/** BENCH_DEPLOY_VERBOSE=1: the deploy's own output on stderr, each line stamped with the seconds since the bench started. */
const benchStart = performance.now();
const progress = (text: string): void => {
  if (process.env.BENCH_DEPLOY_VERBOSE !== '1') return;
  const at = ((performance.now() - benchStart) / 1000).toFixed(1).padStart(6);
  process.stderr.write(text.replace(/^(?=.)/gm, `${at} `));
};

export async function benchDeploy(o: { runs: number; latencies: readonly number[] }): Promise<DeployBench> {
  const scenarios: DeployScenario[] = [];
  try {
    for (const latencyMs of o.latencies) {
      const s: DeployScenario = { latencyMs, awsAloneMs: [], asgardeoAloneMs: [], deployMs: [], ratios: [] };
      for (let i = 0; i < o.runs; i++) {
        const aws = await awsAlone(latencyMs);
        const asgardeo = await asgardeoAlone(latencyMs);
        const deploy = await deployBoth(latencyMs);
        s.awsAloneMs.push(aws);
        s.asgardeoAloneMs.push(asgardeo);
        s.deployMs.push(deploy);
        s.ratios.push(deploy / Math.max(aws, asgardeo));
      }
      scenarios.push(s);
    }
  } catch (err) {
    if (err instanceof Skip) return { skipped: err.message };
    throw err;
  }
  return { runs: o.runs, scenarios };
}

export function deployRows(r: DeployBench): Row[] {
  const b = 'tollgate deploy, local real path (Terraform + local AWS, local Asgardeo)';
  if ('skipped' in r) return [{ benchmark: b, measure: 'skipped', figure: r.skipped }];
  return r.scenarios.flatMap((s) => {
    const n = `median of ${s.awsAloneMs.length}`;
    const bench = `${b}, +${s.latencyMs} ms per Asgardeo request`;
    const ratio = median(s.ratios);
    return [
      { benchmark: bench, measure: `AWS side alone: plan + apply, ${n}`, figure: ms(median(s.awsAloneMs)) },
      { benchmark: bench, measure: `Asgardeo side alone: plan + apply of that plan, ${n}`, figure: ms(median(s.asgardeoAloneMs)) },
      { benchmark: bench, measure: `deploy --no-smoke --yes (preflight, both plans, both applies), ${n}`, figure: ms(median(s.deployMs)) },
      {
        benchmark: bench,
        measure: 'deploy / slower side alone (median of the rounds’ ratios; worst)',
        figure: `${ratio.toFixed(2)}x (${Math.max(...s.ratios).toFixed(2)}x)`,
        target: `≤ ${DEPLOY_TARGET_RATIO}x`,
        pass: ratio <= DEPLOY_TARGET_RATIO,
      },
    ];
  });
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_DEPLOY_RUNS ?? 1);
  const latencies = (process.env.BENCH_DEPLOY_LATENCIES ?? '0,1000').split(',').map(Number);
  benchDeploy({ runs, latencies })
    .then((r) => {
      console.log(renderTable(deployRows(r)));
      console.log(`\n${os.cpus().length} CPUs, 1-min load ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString()}`);
      if (!('skipped' in r)) console.log(JSON.stringify(r));
    })
    .catch((err: Error) => {
      console.error(`bench failed: ${err.stack ?? err.message}`);
      process.exitCode = 1;
    });
}
