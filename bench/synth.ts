/**
 * Synth benchmark: the example app (`main.ts`) synthesized in its own `node` process, transpile-only
 * through tsx, once as committed (deep `@cdktf/provider-aws/lib/<resource>` imports) and once with
 * every provider import rewritten to the package root. Both variants are generated into temp
 * folders (never into the tsconfig/eslint tree) and run alternately, so the ratio compares like
 * with like on the same machine state.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats';

const REPO = path.resolve(__dirname, '..');
/** What `main.ts` needs at synth time; tests are left out. */
const APP_SOURCES = [
  'main.ts',
  // main.ts imports 'tollgate', which tsconfig.json's paths send to index.ts (the source, transpiled by tsx).
  'index.ts',
  'asgardeo',
  'tollgate.config.ts',
  'cdktf.json',
  'package.json',
  'tsconfig.json',
  'config',
  'errors',
  'stacks',
  'constructs',
  'lambda',
];
const PROVIDER = '@cdktf/provider-aws';

export type SynthVariant = 'deep' | 'root';

export interface SynthRun {
  wallMs: number;
  peakRssMb: number;
}

export interface SynthResult {
  runs: number;
  deep: { wallMs: number; peakRssMb: number; samples: SynthRun[] };
  root: { wallMs: number; peakRssMb: number; samples: SynthRun[] };
  /** root wall time / deep wall time (medians). */
  speedup: number;
  memoryRatio: number;
}

/** `lib/<file>` → the namespace the package root exports it as, read from the root's index.js. */
export function providerNamespaces(indexJs: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of indexJs.matchAll(/exports\.(\w+)\s*=\s*require\("\.\/([\w-]+)"\)/g)) map.set(m[2]!, m[1]!);
  return map;
}

/**
 * Rewrites `import { A, B } from '@cdktf/provider-aws/lib/x'` into a root import of the
 * namespace `x` is exported as. Type-only imports are left alone (erased at transpile time).
 */
export function toRootImports(source: string, namespaces: ReadonlyMap<string, string>): { source: string; rewritten: number } {
  let rewritten = 0;
  const out = source.replace(
    /^import\s+\{([^}]+)\}\s+from\s+'@cdktf\/provider-aws\/lib\/([\w-]+)';$/gm,
    (_all, names: string, file: string) => {
      const ns = namespaces.get(file);
      if (!ns) throw new Error(`${PROVIDER} has no root export for lib/${file}: cannot build the root-import variant`);
      rewritten += 1;
      const alias = `__root_${ns}`;
      return `import { ${ns} as ${alias} } from '${PROVIDER}';\nconst {${names}} = ${alias};`;
    },
  );
  return { source: out, rewritten };
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => path.basename(src) !== '__tests__' });
}

/** A runnable copy of the app in a temp folder; `root` rewrites the provider imports. */
export function prepareVariant(variant: SynthVariant, parent: string): string {
  const dir = path.join(parent, variant);
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of APP_SOURCES) copyTree(path.join(REPO, entry), path.join(dir, entry));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (variant === 'root') {
    const namespaces = providerNamespaces(fs.readFileSync(require.resolve(PROVIDER, { paths: [REPO] }), 'utf8'));
    let total = 0;
    for (const file of listTs(dir)) {
      const { source, rewritten } = toRootImports(fs.readFileSync(file, 'utf8'), namespaces);
      if (rewritten) fs.writeFileSync(file, source);
      total += rewritten;
    }
    if (total === 0) throw new Error(`no deep ${PROVIDER} import found to rewrite: the root-import variant would equal the deep one`);
  }
  return dir;
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    const full = path.join(e.parentPath, e.name);
    return e.isFile() && e.name.endsWith('.ts') && !full.includes(`${path.sep}node_modules${path.sep}`) ? [full] : [];
  });
}

/** One synth in a fresh process: wall time from spawn to exit, peak RSS reported by the process itself. */
export async function runSynth(
  appDir: string,
  scratch: string,
  o: { environment?: string; inspect?: (outdir: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<SynthRun> {
  const outdir = fs.mkdtempSync(path.join(scratch, 'out-'));
  const rssFile = path.join(scratch, `maxrss-${path.basename(outdir)}`);
  const probe = path.join(scratch, 'rss-probe.js');
  if (!fs.existsSync(probe)) {
    fs.writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
    );
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CHECKPOINT_DISABLE: '1',
    CDKTF_OUTDIR: outdir,
    TOLLGATE_STATE_DIR: scratch,
    BENCH_RSS_FILE: rssFile,
    ...o.env,
  };
  if (o.environment) env.TOLLGATE_ENV = o.environment;
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, '--import', 'tsx', 'main.ts'], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const wallMs = performance.now() - started;
  try {
    if (code !== 0) throw new Error(`synth in ${appDir} exited with ${code}: ${stderr.trim().slice(-2000)}`);
    if (stackFiles(outdir).length === 0) throw new Error(`synth in ${appDir} wrote no cdk.tf.json`);
    o.inspect?.(outdir);
    return { wallMs, peakRssMb: Number(fs.readFileSync(rssFile, 'utf8')) / 1024 };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(rssFile, { force: true });
  }
}

export function stackFiles(outdir: string): string[] {
  const stacks = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacks)) return [];
  return fs
    .readdirSync(stacks)
    .map((s) => path.join(stacks, s, 'cdk.tf.json'))
    .filter((f) => fs.existsSync(f));
}

/** Every stack's cdk.tf.json, keyed by stack: the two variants must synthesize the same Terraform. */
function synthesized(outdir: string): Record<string, string> {
  return Object.fromEntries(stackFiles(outdir).map((f) => [path.basename(path.dirname(f)), fs.readFileSync(f, 'utf8')]));
}

export interface SynthScenario {
  label: string;
  /** TOLLGATE_ENV for the app; undefined = every environment of the configuration. */
  environment?: string;
}

/**
 * `runs` measured synths of each variant per scenario, alternating, after one unmeasured warm-up
 * of each (fills tsx's transpile cache) that also checks both variants wrote identical Terraform.
 */
export async function benchSynth(o: { runs: number; scenarios: readonly SynthScenario[] }): Promise<(SynthResult & SynthScenario)[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-synth-'));
  try {
    const dirs = { deep: prepareVariant('deep', scratch), root: prepareVariant('root', scratch) };
    // The copies' node_modules links to the repository's: keep tollgate's build cache in the scratch folder instead.
    const cache = { TOLLGATE_CACHE_DIR: path.join(scratch, 'cache') };
    const out: (SynthResult & SynthScenario)[] = [];
    for (const scenario of o.scenarios) {
      const written: Partial<Record<SynthVariant, Record<string, string>>> = {};
      for (const v of ['deep', 'root'] as const)
        await runSynth(dirs[v], scratch, { environment: scenario.environment, env: cache, inspect: (d) => (written[v] = synthesized(d)) });
      if (JSON.stringify(written.deep) !== JSON.stringify(written.root)) {
        throw new Error(
          'the root-import variant synthesized different Terraform than the committed app: the comparison would be meaningless',
        );
      }
      const samples: Record<SynthVariant, SynthRun[]> = { deep: [], root: [] };
      for (let i = 0; i < o.runs; i++) {
        for (const v of ['deep', 'root'] as const)
          samples[v].push(await runSynth(dirs[v], scratch, { environment: scenario.environment, env: cache }));
      }
      const summary = (v: SynthVariant) => ({
        wallMs: median(samples[v].map((s) => s.wallMs)),
        peakRssMb: median(samples[v].map((s) => s.peakRssMb)),
        samples: samples[v],
      });
      const deep = summary('deep');
      const root = summary('root');
      out.push({ ...scenario, runs: o.runs, deep, root, speedup: root.wallMs / deep.wallMs, memoryRatio: root.peakRssMb / deep.peakRssMb });
    }
    return out;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
