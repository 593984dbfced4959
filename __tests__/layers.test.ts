import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/*
 * The layers of ARCHITECTURE.md are enforced by lint (eslint.config.mjs). Each case plants a file
 * with one import in a layer's folder; one run of the project's `eslint` lints them all (ESLint
 * loads its ES-module configuration, which Jest's module system cannot, so it runs as a process);
 * the planted files are removed afterwards. Import cycles are the second half of `npm run lint`, a
 * script checked here on small projects of its own.
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

describe('import cycles (scripts/check-import-cycles.js, the second half of npm run lint)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { importCycles } = require('../scripts/check-import-cycles') as { importCycles: (dir: string) => string[][] };
  const CHECKER = path.join(ROOT, 'scripts', 'check-import-cycles.js');
  let project: string;
  /** A project folder like a user's: a tsconfig.json and the given modules. */
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
      fs.writeFileSync(path.join(project, name), text);
    }
  };
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cycles-'));
    write({ 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs' }, include: ['**/*.ts'] }) });
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test('is part of npm run lint', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.lint).toMatch(
      /^eslint \. .*&& node scripts\/check-import-cycles\.js$/,
    );
  });

  test('two modules importing each other are found, also when one import is type-only', () => {
    write({
      'pair/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'pair/b.ts': "import type { a } from './a';\nexport const b = (x: typeof a) => x;\n",
    });
    expect(importCycles(project)).toEqual([['pair/a.ts', 'pair/b.ts', 'pair/a.ts']]);
  });

  test('a cycle through an index module and an `export … from` is found as well', () => {
    write({
      'ring/a.ts': "import { c } from './index';\nexport const a = () => c;\n",
      'ring/index.ts': "export { c } from './c';\n",
      'ring/c.ts': "import { a } from './a';\nexport const c = () => a;\n",
    });
    expect(importCycles(project)).toEqual([['ring/a.ts', 'ring/index.ts', 'ring/c.ts', 'ring/a.ts']]);
  });

  test('a chain, a shared module and a lazy require are not cycles', () => {
    write({
      'ok/a.ts': "import { b } from './b';\nimport { shared } from './shared';\nexport const a = () => b() + shared;\n",
      'ok/b.ts': "import { shared } from './shared';\nexport const b = () => shared;\n",
      'ok/shared.ts': 'export const shared = 1;\n',
      // The loop lazy -> uses-lazy -> lazy is closed only by a require inside a function: a deferred load.
      'ok/lazy.ts': "export const lazy = () => require('./uses-lazy');\n",
      'ok/uses-lazy.ts': "import { lazy } from './lazy';\nexport const again = lazy;\n",
    });
    expect(importCycles(project)).toEqual([]);
  });

  test('the command exits 1 naming each cycle and how to break it; 0 without cycles; 2 outside a project', () => {
    write({ 'a.ts': "import './b';\nexport const a = 1;\n", 'b.ts': "import './a';\nexport const b = 1;\n" });
    const found = spawnSync(process.execPath, [CHECKER], { cwd: project, encoding: 'utf8' });
    expect(found.status).toBe(1);
    expect(found.stderr).toContain('import cycle: a.ts -> b.ts -> a.ts');
    expect(found.stderr).toMatch(/Break each one: move what the modules share into a module that imports neither/);
    fs.rmSync(path.join(project, 'b.ts'));
    expect(spawnSync(process.execPath, [CHECKER], { cwd: project, encoding: 'utf8' }).status).toBe(0);
    const outside = spawnSync(process.execPath, [CHECKER], { cwd: path.join(project, '..'), encoding: 'utf8' });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/no tsconfig\.json in .*: run it in the project's folder/);
  });
});
