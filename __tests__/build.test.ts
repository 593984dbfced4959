import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/*
 * scripts/build.js (`npm run build`, also `prepare`) on a one-file project of its own: it compiles,
 * keeps a dist/ built from the same inputs (npm ci runs `prepare` twice, npm pack once more), and
 * compiles again after any input changes. (`--force` builds regardless: one more compile, not tested.)
 */
const REPO = path.resolve(__dirname, '..');
let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-build-script-'));
  fs.mkdirSync(path.join(work, 'scripts'));
  fs.copyFileSync(path.join(REPO, 'scripts', 'build.js'), path.join(work, 'scripts', 'build.js'));
  fs.mkdirSync(path.join(work, 'node_modules'));
  fs.symlinkSync(path.join(REPO, 'node_modules', 'typescript'), path.join(work, 'node_modules', 'typescript'));
  fs.mkdirSync(path.join(work, 'sandbox', 'demo', 'static'), { recursive: true });
  fs.writeFileSync(path.join(work, 'sandbox', 'demo', 'static', 'index.html'), '<p>demo</p>\n');
  fs.writeFileSync(
    path.join(work, 'tsconfig.build.json'),
    JSON.stringify({
      compilerOptions: {
        outDir: 'dist',
        rootDir: '.',
        module: 'commonjs',
        target: 'ES2022',
        lib: ['ES2015'],
        types: [],
        skipLibCheck: true,
      },
      include: ['index.ts'],
    }),
  );
  fs.writeFileSync(path.join(work, 'index.ts'), "export const greeting: string = 'one';\n");
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function build(...args: string[]): { status: number | null; stdout: string; compiled: string } {
  const r = spawnSync(process.execPath, [path.join(work, 'scripts', 'build.js'), ...args], { cwd: work, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, compiled: fs.readFileSync(path.join(work, 'dist', 'index.js'), 'utf8') };
}

it('keeps a dist/ built from the same inputs and rebuilds after an edit', () => {
  const first = build();
  expect(first.status).toBe(0);
  expect(first.compiled).toContain("exports.greeting = 'one'");
  expect(fs.readFileSync(path.join(work, 'dist', 'sandbox', 'demo', 'static', 'index.html'), 'utf8')).toBe('<p>demo</p>\n');
  const builtAt = fs.statSync(path.join(work, 'dist')).ino;

  const again = build();
  expect(again.stdout).toContain('dist/ is up to date');
  expect(fs.statSync(path.join(work, 'dist')).ino).toBe(builtAt);

  // Outputs and dependencies are not inputs: a file in them changes nothing.
  fs.writeFileSync(path.join(work, 'node_modules', 'unrelated.txt'), 'x');
  expect(build().stdout).toContain('dist/ is up to date');

  fs.writeFileSync(path.join(work, 'index.ts'), "export const greeting: string = 'two';\n");
  const edited = build();
  expect(edited.stdout).not.toContain('up to date');
  expect(edited.compiled).toContain("exports.greeting = 'two'");
});
