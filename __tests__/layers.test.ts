import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * The layers of ARCHITECTURE.md are enforced by lint (eslint.config.mjs). Each case plants a file
 * with one import in a layer's folder; one run of the project's `eslint` lints them all (ESLint
 * loads its ES-module configuration, which Jest's module system cannot, so it runs as a process);
 * the planted files are removed afterwards.
 */
const ROOT = path.resolve(__dirname, '..');
const TAG = `__planted_${process.pid}`;
const planted: string[] = [];

function plant(relative: string, text: string): string {
  const file = path.join(ROOT, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  planted.push(file);
  return file;
}

const importOf = (target: string) => `import type * as planted from '${target}';\nexport type Planted = typeof planted;\n`;

const FORBIDDEN: [layer: string, target: string, why: string][] = [
  ['config', '../sandbox/asgardeo', 'never imports the local stand-ins'],
  ['stacks', '../bench/stats', 'never imports the benchmarks'],
  ['constructs', '../sandbox/gateway', 'never imports the local stand-ins'],
  ['lambda', '../sandbox/local', 'never imports the local stand-ins'],
  ['asgardeo', '../deploy', 'never imports the deploy pipeline'],
  ['asgardeo', '../cli/io', 'never imports the command line'],
  ['asgardeo/resources', '../../deploy/pipeline', 'never imports the deploy pipeline'],
  ['deploy', '../cli/args', 'never imports the command line'],
  ['deploy', '../sandbox/gateway', 'never imports the local stand-ins'],
];
const ALLOWED: [layer: string, target: string][] = [
  ['cli', '../deploy'],
  ['cli', '../sandbox/local'],
  ['sandbox/local', '../../deploy'],
  ['deploy', '../asgardeo'],
];

const fileOf = (layer: string, i: number, kind: string) => path.join(ROOT, layer, `${TAG}_${kind}_${i}.ts`);
let results: Map<string, { ruleId: string | null; message: string }[]>;

beforeAll(() => {
  FORBIDDEN.forEach(([layer, target], i) => plant(path.relative(ROOT, fileOf(layer, i, 'forbidden')), importOf(target)));
  ALLOWED.forEach(([layer, target], i) => plant(path.relative(ROOT, fileOf(layer, i, 'allowed')), importOf(target)));
  plant(`deploy/${TAG}/pair-a.ts`, "import { b } from './pair-b';\nexport const a = () => b;\n");
  plant(`deploy/${TAG}/pair-b.ts`, "import { a } from './pair-a';\nexport const b = () => a;\n");
  plant(`deploy/${TAG}/ring-a.ts`, "import { c } from './index';\nexport const a = () => c;\n");
  plant(`deploy/${TAG}/index.ts`, "export { c } from './ring-c';\n");
  plant(`deploy/${TAG}/ring-c.ts`, "import { a } from './ring-a';\nexport const c = () => a;\n");
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...planted], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  } catch (err) {
    // Exit status 1 means "problems found": the report is still on stdout.
    const stdout = (err as { stdout?: string }).stdout;
    if (!stdout) throw err;
    out = stdout;
  }
  const report = JSON.parse(out) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
  results = new Map(report.map((r) => [r.filePath, r.messages]));
}, 120_000);

afterAll(() => {
  for (const p of planted) fs.rmSync(p, { force: true });
  fs.rmSync(path.join(ROOT, 'deploy', TAG), { recursive: true, force: true });
});

describe('layer rules', () => {
  test.each(FORBIDDEN.map((c, i) => [...c, i] as const))('%s importing %s is rejected (%s)', (layer, _target, why, i) => {
    expect(results.get(fileOf(layer, i, 'forbidden'))).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining(why) }),
    ]);
  });

  test.each(ALLOWED.map((c, i) => [...c, i] as const))('%s importing %s is allowed', (layer, _target, i) => {
    expect(results.get(fileOf(layer, i, 'allowed'))).toEqual([]);
  });
});

describe('import cycles', () => {
  test('two modules importing each other are rejected', () => {
    expect(results.get(path.join(ROOT, 'deploy', TAG, 'pair-a.ts'))?.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });

  test('a cycle through an index module is rejected as well', () => {
    expect(results.get(path.join(ROOT, 'deploy', TAG, 'ring-a.ts'))?.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });
});
