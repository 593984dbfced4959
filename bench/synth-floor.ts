/**
 * Synth against its floor (issue 24). One environment of the root example, synthesized the way a
 * user's project runs its cdktf app (`node --import tsx main.ts`, tollgate installed compiled in
 * `node_modules/tollgate`), beside the hand-written minimum (`bench/minimal-app`: the same resources,
 * deep provider imports, no tollgate code) run the same way, in alternating fresh processes.
 * tollgate runs twice per round: with its build cache as a repeated synth finds it (warm), and with
 * an empty one (cold: the first synth after a clone or a change of every input).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAIN_TS, TSCONFIG } from '../cli/init/project';
import { median } from './stats';
import { prepareVariant, runSynth, stackFiles, type SynthRun } from './synth';
import { ms, mb, type Row } from './table';

const REPO = path.resolve(__dirname, '..');
const MINIMAL_APP = path.join(__dirname, 'minimal-app');
/** What a user's project holds besides main.ts and tsconfig.json (both written as `tollgate init` writes them). */
const EXAMPLE_FILES = ['tollgate.config.ts', 'lambda', 'cdktf.json'];
/** Entries of the repository's node_modules a user's project would not have, or gets its own of. */
const NOT_LINKED = new Set(['.bin', '.cache', '.package-lock.json', 'tollgate']);

export type FloorVariant = 'tollgate' | 'tollgateCold' | 'minimal' | 'source';

export interface FloorSummary {
  wallMs: number;
  peakRssMb: number;
  samples: SynthRun[];
}

export interface FloorResult {
  runs: number;
  tollgate: FloorSummary;
  tollgateCold: FloorSummary;
  minimal: FloorSummary;
  /** This repository's own main.ts through tsx: tollgate's TypeScript source compiled at run time (what issue 24 measured). */
  source: FloorSummary;
  /** tollgate wall time / minimal wall time (medians), warm and cold cache. */
  ratio: number;
  ratioCold: number;
  ratioSource: number;
}

/** The largest synth time tollgate may take, as a multiple of the hand-written minimum's (issue 24). */
export const FLOOR_TARGET = 1.3;

/** Compiles tollgate as `npm run build` does, into `outDir` (declarations left out: nothing here reads them). */
export async function compileTollgate(outDir: string): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
  const args = [tsc, '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false'];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, output: out }));
  });
  if (code !== 0) throw new Error(`compiling tollgate for the synth benchmark failed (tsc exited with ${code}):\n${output.slice(-2000)}`);
}

/**
 * A project as a user has it after `npm install tollgate` and `tollgate init`: main.ts and tsconfig.json
 * as init writes them, the root example's configuration and handler, and a node_modules whose
 * `tollgate` is the compiled package (`dist`, a folder compiled by {@link compileTollgate}) and whose
 * other entries link to the repository's installed packages.
 */
export function prepareUserProject(parent: string, dist: string): string {
  const dir = path.join(parent, 'user-project');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.ts'), MAIN_TS);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), TSCONFIG);
  for (const entry of EXAMPLE_FILES) fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'bench-user-project', private: true, dependencies: { tollgate: version } }, null, 2)}\n`,
  );
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  const installed = path.join(REPO, 'node_modules');
  for (const entry of fs.readdirSync(installed)) {
    if (!NOT_LINKED.has(entry)) fs.symlinkSync(fs.realpathSync(path.join(installed, entry)), path.join(modules, entry));
  }
  const tollgate = path.join(modules, 'tollgate');
  fs.mkdirSync(tollgate);
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(tollgate, 'package.json'));
  fs.cpSync(dist, path.join(tollgate, 'dist'), { recursive: true });
  return dir;
}

/** The hand-written minimum, with the same tsconfig.json as the user's project (so tsx treats both alike). */
export function prepareMinimalApp(parent: string): string {
  const dir = path.join(parent, 'minimal-app');
  fs.cpSync(MINIMAL_APP, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), TSCONFIG);
  fs.symlinkSync(fs.realpathSync(path.join(REPO, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * A synthesized cdk.tf.json without what may differ between tollgate's stack and the hand-written one:
 * cdktf's metadata, the state file's path, and the Lambda code (its archive path, hash and description).
 */
export function comparableStack(json: string): unknown {
  const tf = JSON.parse(json) as Record<string, unknown> & {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    terraform?: { backend?: unknown };
  };
  delete tf['//'];
  if (tf.terraform) delete tf.terraform.backend;
  for (const resources of Object.values(tf.resource ?? {})) for (const r of Object.values(resources)) delete r['//'];
  for (const fn of Object.values(tf.resource?.aws_lambda_function ?? {})) {
    delete fn.filename;
    delete fn.source_code_hash;
    delete fn.description;
  }
  return tf;
}

function onlyStack(outdir: string): string {
  const files = stackFiles(outdir);
  if (files.length !== 1) throw new Error(`expected one synthesized stack in ${outdir}, found ${files.length}`);
  return fs.readFileSync(files[0]!, 'utf8');
}

/**
 * `runs` rounds, each one synth of every variant in a fresh process, after one unmeasured warm-up of each
 * (fills tsx's and tollgate's caches) that checks both apps synthesize the same stack.
 */
export async function benchSynthFloor(o: { runs: number }): Promise<FloorResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-floor-'));
  try {
    const dist = path.join(scratch, 'dist');
    await compileTollgate(dist);
    const apps = {
      tollgate: prepareUserProject(scratch, dist),
      minimal: prepareMinimalApp(scratch),
      source: prepareVariant('deep', scratch),
    };
    const coldCache = () => ({ TOLLGATE_CACHE_DIR: fs.mkdtempSync(path.join(scratch, 'cold-cache-')) });
    const written: Partial<Record<'tollgate' | 'minimal' | 'source', unknown>> = {};
    for (const v of ['tollgate', 'minimal', 'source'] as const) {
      await runSynth(apps[v], scratch, { environment: 'dev', inspect: (d) => (written[v] = comparableStack(onlyStack(d))) });
    }
    if (
      JSON.stringify(written.tollgate) !== JSON.stringify(written.minimal) ||
      JSON.stringify(written.source) !== JSON.stringify(written.tollgate)
    ) {
      throw new Error('bench/minimal-app no longer synthesizes the stack tollgate does: the floor would not be one (see its test)');
    }
    const samples: Record<FloorVariant, SynthRun[]> = { tollgate: [], tollgateCold: [], minimal: [], source: [] };
    for (let i = 0; i < o.runs; i++) {
      samples.tollgate.push(await runSynth(apps.tollgate, scratch, { environment: 'dev' }));
      samples.minimal.push(await runSynth(apps.minimal, scratch, { environment: 'dev' }));
      samples.tollgateCold.push(await runSynth(apps.tollgate, scratch, { environment: 'dev', env: coldCache() }));
      samples.source.push(
        await runSynth(apps.source, scratch, { environment: 'dev', env: { TOLLGATE_CACHE_DIR: path.join(scratch, 'source-cache') } }),
      );
    }
    const summary = (v: FloorVariant): FloorSummary => ({
      wallMs: median(samples[v].map((s) => s.wallMs)),
      peakRssMb: median(samples[v].map((s) => s.peakRssMb)),
      samples: samples[v],
    });
    const tollgate = summary('tollgate');
    const tollgateCold = summary('tollgateCold');
    const minimal = summary('minimal');
    const source = summary('source');
    return {
      runs: o.runs,
      tollgate,
      tollgateCold,
      minimal,
      source,
      ratioSource: source.wallMs / minimal.wallMs,
      ratio: tollgate.wallMs / minimal.wallMs,
      ratioCold: tollgateCold.wallMs / minimal.wallMs,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function floorRows(r: FloorResult): Row[] {
  const b = 'Synth, one environment (dev), against its floor';
  const n = `median of ${r.runs}`;
  const figure = (s: FloorSummary) => `${ms(s.wallMs)} / ${mb(s.peakRssMb)}`;
  return [
    { benchmark: b, measure: `hand-written minimum (bench/minimal-app): wall time / peak RSS, ${n}`, figure: figure(r.minimal) },
    { benchmark: b, measure: `tollgate, build cache warm: wall time / peak RSS, ${n}`, figure: figure(r.tollgate) },
    { benchmark: b, measure: `tollgate, build cache empty: wall time / peak RSS, ${n}`, figure: figure(r.tollgateCold) },
    {
      benchmark: b,
      measure: `tollgate from source (this repository's main.ts, tsx compiles tollgate at run time): wall time / peak RSS, ${n}`,
      figure: `${figure(r.source)} (${r.ratioSource.toFixed(2)}x the minimum)`,
    },
    {
      benchmark: b,
      measure: 'tollgate (warm) / minimum: wall time',
      figure: `${r.ratio.toFixed(2)}x`,
      target: `<= ${FLOOR_TARGET}x`,
      pass: r.ratio <= FLOOR_TARGET,
    },
    {
      benchmark: b,
      measure: 'tollgate (empty cache) / minimum: wall time',
      figure: `${r.ratioCold.toFixed(2)}x`,
      target: `<= ${FLOOR_TARGET}x`,
      pass: r.ratioCold <= FLOOR_TARGET,
    },
  ];
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_SYNTH_RUNS ?? 5);
  benchSynthFloor({ runs }).then(
    (r) => {
      for (const row of floorRows(r)) console.log(`${row.measure}: ${row.figure}${row.target ? ` (target ${row.target})` : ''}`);
      console.log(`1-min load ${os.loadavg()[0]!.toFixed(1)}`);
    },
    (err: Error) => {
      console.error(`bench failed: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
