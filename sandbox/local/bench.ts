import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/*
 * `npm run bench:sandbox [-- --runs N]`: the sandbox's start-to-ready time, as a newcomer sees it.
 * Each run is a fresh `npm start -- --once` process on the example configuration (free ports, its
 * own output folder, so the first run pays no extra cost the others avoid except the OS file cache).
 * Reported per run and as the median:
 *   ready       startSandbox() to the end of the smoke test (local Asgardeo, synth + esbuild bundle,
 *               gateway start, reconcile, smoke test)
 *   process     the node process's start to the same moment (adds tsx loading the TypeScript)
 *   wall        spawning `npm start` to its exit (adds npm itself and the shutdown)
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface Sample {
  readyMs: number;
  processMs: number;
  wallMs: number;
}

/** `terraform`: real Terraform against the local AWS control plane; `synthesized`: the fallback without Terraform. */
type AwsPath = 'terraform' | 'synthesized';

function runOnce(outdir: string, awsPath: AwsPath): Promise<Sample> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(TOLLGATE_|ASGARDEO_|CDKTF_)/.test(key)) delete env[key];
  if (awsPath === 'terraform') env.TOLLGATE_TF_PROVIDER_MIRROR = process.env.TOLLGATE_TF_PROVIDER_MIRROR;
  else env.TOLLGATE_LOCAL_TERRAFORM = '0';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--', '--once', '--asgardeo-port', '0', '--outdir', outdir], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const m = /Sandbox (?:ready|checked) in (\d+\.\d+) s \((\d+\.\d+) s from process start\)/.exec(stdout);
      if (code !== 0 || !m) return reject(new Error(`npm start -- --once exited ${code}:\n${stdout}\n${stderr}`));
      const ran = /AWS side: real Terraform/.test(stdout) ? 'terraform' : 'synthesized';
      if (ran !== awsPath)
        return reject(
          new Error(
            `asked for the ${awsPath} path, npm start ran the ${ran} one:\n${stdout.split('\n').find((l) => l.startsWith('AWS side:'))}`,
          ),
        );
      resolve({ readyMs: Number(m[1]) * 1000, processMs: Number(m[2]) * 1000, wallMs });
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  const a = process.argv.indexOf('--aws');
  const choice = a >= 0 ? process.argv[a + 1] : 'both';
  if (choice !== 'terraform' && choice !== 'synthesized' && choice !== 'both')
    throw new Error('--aws must be terraform, synthesized or both');
  for (const awsPath of choice === 'both' ? (['synthesized', 'terraform'] as const) : [choice as AwsPath]) await bench(runs, awsPath);
}

async function bench(runs: number, awsPath: AwsPath): Promise<void> {
  const samples: Sample[] = [];
  for (let n = 1; n <= runs; n++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-sandbox-'));
    try {
      const s = await runOnce(outdir, awsPath);
      samples.push(s);
      process.stdout.write(
        `${awsPath} run ${n}: ready ${(s.readyMs / 1000).toFixed(2)} s, process ` +
          `${(s.processMs / 1000).toFixed(2)} s, wall ${(s.wallMs / 1000).toFixed(2)} s\n`,
      );
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  const fmt = (pick: (s: Sample) => number) => {
    const v = samples.map(pick);
    return (
      `median ${(median(v) / 1000).toFixed(2)} s (min ${(Math.min(...v) / 1000).toFixed(2)}, max ` +
      `${(Math.max(...v) / 1000).toFixed(2)})`
    );
  };
  process.stdout.write(
    `\nSandbox start-to-ready, AWS side ` +
      `${awsPath === 'terraform' ? 'through real Terraform + local AWS control plane' : 'fallback (synthesized stack, no Terraform)'}, ` +
      `over ${runs} fresh \`npm start -- --once\` runs on ${os.cpus().length} CPU(s), Node ${process.version}:\n` +
      `  ready   (startSandbox → smoke test passed): ${fmt((s) => s.readyMs)}\n` +
      `  process (node start → smoke test passed):   ${fmt((s) => s.processMs)}\n` +
      `  wall    (spawn npm start → exit):           ${fmt((s) => s.wallMs)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
