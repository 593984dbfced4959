/**
 * Lambda benchmark: size of the handler bundle (esbuild output) and of the archive Terraform
 * uploads, and the cold load time: a fresh `node` process requiring the bundle, timed inside
 * the process (module load only) and from spawn to exit (process start included).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { synthesizeExample } from './example-stack';
import { median } from './stats';

export interface LambdaResult {
  bundleBytes: number;
  zipBytes: number;
  runs: number;
  /** Median time to `require` the bundle and find `handler` in a fresh process. */
  coldRequireMs: number;
  /** Median wall time of that process, spawn to exit (node start-up included). */
  coldProcessMs: number;
}

function findFiles(dir: string, name: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => path.join(e.parentPath, e.name));
}

const LOAD_SCRIPT = `
const t = process.hrtime.bigint();
const mod = require(process.argv[1]);
if (typeof mod.handler !== 'function') { console.error('the bundle exports no handler function'); process.exit(3); }
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));
`;

async function coldLoad(bundle: string): Promise<{ requireMs: number; processMs: number }> {
  const started = performance.now();
  const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD_SCRIPT, bundle], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    let o = '';
    let e = '';
    child.stdout.on('data', (d: Buffer) => (o += d.toString()));
    child.stderr.on('data', (d: Buffer) => (e += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, out: o, err: e }));
  });
  const processMs = performance.now() - started;
  if (code !== 0) throw new Error(`loading ${bundle} failed (exit ${code}): ${err.trim()}`);
  return { requireMs: Number(out), processMs };
}

export async function benchLambda(o: { runs: number }): Promise<LambdaResult> {
  // The issuer is not used here; any base URL resolves the configuration.
  const example = synthesizeExample('http://127.0.0.1:9');
  try {
    const bundle = path.join(example.bundleDir, 'index.js');
    const zips = findFiles(path.join(example.stackDir, 'assets'), 'archive.zip');
    if (!fs.existsSync(bundle) || zips.length !== 1)
      throw new Error(`expected one bundle and one archive.zip in ${example.outdir}, found ${zips.length} archives`);
    const samples: { requireMs: number; processMs: number }[] = [];
    for (let i = 0; i < o.runs; i++) samples.push(await coldLoad(bundle));
    return {
      bundleBytes: fs.statSync(bundle).size,
      zipBytes: fs.statSync(zips[0]!).size,
      runs: o.runs,
      coldRequireMs: median(samples.map((s) => s.requireMs)),
      coldProcessMs: median(samples.map((s) => s.processMs)),
    };
  } finally {
    example.cleanup();
  }
}
