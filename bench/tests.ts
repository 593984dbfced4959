/**
 * Where the test run's time goes (issue 24). Two parts, both printed as plain lines:
 *
 * - `npx tsx bench/tests.ts transform`: the TypeScript transform jest runs on every .ts file it loads
 *   (cold cache, as on a fresh clone or CI): the project's esbuild transform against
 *   `typescript.transpileModule` with the project's compiler options (what ts-jest did with
 *   isolatedModules). CPU time per file, in this process plus esbuild's service process.
 * - `npx tsx bench/tests.ts files <jest.json>`: a jest run's per-file wall times
 *   (`npx jest --json --outputFile=<jest.json>`), each file sorted into the kind that dominates it
 *   (real Terraform, browser, child processes, in-process), with each kind's share of the sum.
 *
 * Wall times move with the machine's load; the shares and the ratios of one run are what to compare.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** User+system CPU of a process in ms, from /proc (Linux); undefined elsewhere. */
function procCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Child processes of any of this process's threads (esbuild's sync API runs its service from a worker thread). */
function childPids(): number[] {
  try {
    return fs
      .readdirSync(`/proc/${process.pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface TransformFigures {
  files: number;
  esbuildCpuMs: number;
  typescriptCpuMs: number;
}

export function benchTransform(): TransformFigures {
  const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
  const sources = files.map((f) => [path.join(ROOT, f), fs.readFileSync(path.join(ROOT, f), 'utf8')] as const);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transform = require('../scripts/jest-esbuild-transform.js') as { process(src: string, file: string): { code: string } };
  transform.process('export {};', path.join(ROOT, 'warmup.ts')); // starts esbuild's service process
  const service = childPids();
  const serviceBefore = service.reduce((sum, pid) => sum + (procCpuMs(pid) ?? 0), 0);
  let t0 = selfCpuMs();
  for (const [file, src] of sources) transform.process(src, file);
  const esbuildCpuMs = selfCpuMs() - t0 + service.reduce((sum, pid) => sum + (procCpuMs(pid) ?? 0), 0) - serviceBefore;

  const { options } = ts.convertCompilerOptionsFromJson(
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object }).compilerOptions,
    ROOT,
  );
  ts.transpileModule('export {};', { compilerOptions: options, fileName: 'warmup.ts' });
  t0 = selfCpuMs();
  for (const [file, src] of sources) ts.transpileModule(src, { compilerOptions: { ...options, sourceMap: true }, fileName: file });
  const typescriptCpuMs = selfCpuMs() - t0;
  return { files: sources.length, esbuildCpuMs, typescriptCpuMs };
}

export type Kind = 'real Terraform' | 'browser' | 'child processes' | 'in-process';

/** The kind that dominates a test file, read from its source: what it needs decides what it waits on. */
export function kindOf(source: string): Kind {
  if (/describeWithTerraform|terraformUnavailableReason|TerraformWorkdir|setupTerraform\(/.test(source)) return 'real Terraform';
  if (/describeWithChromium|launchChromium/.test(source)) return 'browser';
  if (/node:child_process|runCli\(|entryPointCommand\(/.test(source)) return 'child processes';
  return 'in-process';
}

interface JestJson {
  startTime: number;
  numTotalTests: number;
  testResults: { name: string; startTime: number; endTime: number; assertionResults: unknown[] }[];
}

export interface FileFigure {
  file: string;
  kind: Kind;
  seconds: number;
  tests: number;
}

export function fileFigures(json: JestJson): FileFigure[] {
  return json.testResults
    .map((r) => ({
      file: path.relative(ROOT, r.name),
      kind: kindOf(fs.readFileSync(r.name, 'utf8')),
      seconds: (r.endTime - r.startTime) / 1000,
      tests: r.assertionResults.length,
    }))
    .sort((a, b) => b.seconds - a.seconds);
}

function printFiles(jsonFile: string): void {
  const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as JestJson;
  const figures = fileFigures(json);
  const sum = figures.reduce((s, f) => s + f.seconds, 0);
  const wall = (Math.max(...json.testResults.map((r) => r.endTime)) - json.startTime) / 1000;
  console.log(`${figures.length} files, ${json.numTotalTests} tests; jest wall ${wall.toFixed(0)} s, file times sum ${sum.toFixed(0)} s`);
  const kinds = new Map<Kind, { seconds: number; files: number }>();
  for (const f of figures) {
    const k = kinds.get(f.kind) ?? { seconds: 0, files: 0 };
    k.seconds += f.seconds;
    k.files += 1;
    kinds.set(f.kind, k);
  }
  for (const [kind, k] of [...kinds].sort((a, b) => b[1].seconds - a[1].seconds)) {
    const share = `${((100 * k.seconds) / sum).toFixed(0)}%`;
    console.log(`  ${kind.padEnd(16)} ${String(k.files).padStart(3)} files ${k.seconds.toFixed(0).padStart(5)} s ${share}`);
  }
  console.log('slowest files:');
  for (const f of figures.slice(0, 15)) console.log(`  ${f.seconds.toFixed(1).padStart(6)} s  ${f.kind.padEnd(16)} ${f.file}`);
}

function main(): void {
  const [what, arg] = process.argv.slice(2);
  console.log(`${new Date().toISOString()}; ${os.cpus().length} CPUs; 1-min load ${os.loadavg()[0]!.toFixed(1)}`);
  if (what === 'files' && arg) return printFiles(arg);
  const t = benchTransform();
  console.log(
    `transform of ${t.files} files (CPU): esbuild ${t.esbuildCpuMs.toFixed(0)} ms (${(t.esbuildCpuMs / t.files).toFixed(2)} ms/file), ` +
      `typescript.transpileModule ${t.typescriptCpuMs.toFixed(0)} ms (${(t.typescriptCpuMs / t.files).toFixed(2)} ms/file): ` +
      `${(t.typescriptCpuMs / Math.max(t.esbuildCpuMs, 1)).toFixed(1)}x`,
  );
}

if (require.main === module) main();
