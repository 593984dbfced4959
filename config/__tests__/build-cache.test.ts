import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedBuild, cacheRoot, type CachedBuild } from '../build-cache';

let work: string;
let cache: string;
let src: string;
/** How many times the build ran. */
let builds: number;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-build-cache-'));
  cache = path.join(work, 'cache');
  src = path.join(work, 'src');
  fs.mkdirSync(src);
  write(path.join(src, 'entry.ts'), "import { x } from './dep';\nexport const y = x;\n");
  write(path.join(src, 'dep.ts'), 'export const x = 1;\n');
  builds = 0;
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** A stand-in build: concatenates its inputs into out.txt, as a bundler would. */
function build(
  key: unknown = { tool: 'test', minify: true },
  inputs = [path.join(src, 'entry.ts'), path.join(src, 'dep.ts')],
): CachedBuild {
  return cachedBuild({
    dir: cache,
    key,
    build: (folder) => {
      builds += 1;
      fs.writeFileSync(path.join(folder, 'out.txt'), inputs.map((f) => fs.readFileSync(f, 'utf8')).join(''));
      return { inputs };
    },
  });
}

const out = (b: CachedBuild) => fs.readFileSync(path.join(b.folder, 'out.txt'), 'utf8');
const entries = () => fs.readdirSync(cache).filter((n) => !n.endsWith('.json') && !n.startsWith('.tmp-'));
const temps = () => fs.readdirSync(cache).filter((n) => n.startsWith('.tmp-'));

/**
 * Writes a source file as an editor does before a synth: a build keeps out of the cache what was
 * modified since it started, and a file written in the same millisecond would count as that.
 */
function write(file: string, text: string): void {
  fs.writeFileSync(file, text);
  const before = new Date(Date.now() - 10_000);
  fs.utimesSync(file, before, before);
}

describe('cachedBuild', () => {
  it('builds once, then finds the entry while the key and every input stay the same', () => {
    const first = build();
    const second = build();
    expect([first.hit, second.hit]).toEqual([false, true]);
    expect(builds).toBe(1);
    expect(second.folder).toBe(first.folder);
    expect(out(second)).toContain('export const x = 1;');
  });

  it('builds again when the entry changes', () => {
    const first = build();
    write(path.join(src, 'entry.ts'), "import { x } from './dep';\nexport const y = x + 1;\n");
    const second = build();
    expect(second.hit).toBe(false);
    expect(second.folder).not.toBe(first.folder);
    expect(out(second)).toContain('x + 1');
    expect(out(first)).not.toContain('x + 1');
  });

  it('builds again when a file the entry imports changes, and finds the old entry when it changes back', () => {
    const first = build();
    write(path.join(src, 'dep.ts'), 'export const x = 2;\n');
    const second = build();
    expect(second.hit).toBe(false);
    expect(out(second)).toContain('x = 2');
    write(path.join(src, 'dep.ts'), 'export const x = 1;\n');
    const third = build();
    expect(third.hit).toBe(true);
    expect(builds).toBe(2);
    expect(third.folder).toBe(first.folder);
  });

  it('keeps entries of other keys (options, tool version) apart', () => {
    const minified = build({ tool: 'test', minify: true });
    const plain = build({ tool: 'test', minify: false });
    const newer = build({ tool: 'test', minify: true, version: '2' });
    expect([minified.hit, plain.hit, newer.hit]).toEqual([false, false, false]);
    expect(new Set([minified.folder, plain.folder, newer.folder]).size).toBe(3);
    expect(build({ tool: 'test', minify: false }).hit).toBe(true);
  });

  it('builds again when a file that could change what an import resolves to appears beside an input', () => {
    build();
    write(path.join(src, 'dep.js'), 'exports.x = 3;\n');
    expect(build().hit).toBe(false);
  });

  it('ignores new files that no import can resolve to (state files, logs)', () => {
    build();
    fs.writeFileSync(path.join(src, 'terraform.dev.tfstate'), '{}');
    fs.mkdirSync(path.join(src, 'cdktf.out'));
    expect(build().hit).toBe(true);
  });

  it('builds again when a tsconfig.json or package.json above an input changes', () => {
    write(path.join(work, 'tsconfig.json'), '{"compilerOptions":{}}');
    build();
    expect(build().hit).toBe(true);
    write(path.join(work, 'tsconfig.json'), '{"compilerOptions":{"jsx":"react"}}');
    expect(build().hit).toBe(false);
    write(path.join(src, 'package.json'), '{"type":"module"}');
    expect(build().hit).toBe(false);
  });

  it('builds again when an input is gone', () => {
    build();
    fs.rmSync(path.join(src, 'dep.ts'));
    write(path.join(src, 'entry.ts'), 'export const y = 1;\n');
    expect(build(undefined, [path.join(src, 'entry.ts')]).hit).toBe(false);
  });

  it('stores nothing when the build fails, and passes its error on', () => {
    expect(() =>
      cachedBuild({
        dir: cache,
        key: 'failing',
        build: (folder) => {
          fs.writeFileSync(path.join(folder, 'half.txt'), 'half');
          throw new Error('syntax error at entry.ts:2');
        },
      }),
    ).toThrow('syntax error at entry.ts:2');
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  it('uses but does not store an output whose input changed while it was built', () => {
    const result = cachedBuild({
      dir: cache,
      key: 'edited-meanwhile',
      build: (folder) => {
        fs.writeFileSync(path.join(folder, 'out.txt'), fs.readFileSync(path.join(src, 'dep.ts')));
        const later = new Date(Date.now() + 1000);
        fs.writeFileSync(path.join(src, 'dep.ts'), 'export const x = 9;\n');
        fs.utimesSync(path.join(src, 'dep.ts'), later, later);
        return { inputs: [path.join(src, 'dep.ts')] };
      },
    });
    expect(out(result)).toBe('export const x = 1;\n');
    expect(fs.readdirSync(cache).some((n) => n.endsWith('.json'))).toBe(false);
  });

  it('when another synth stores the same entry first, keeps theirs and leaves no temp folder', () => {
    // The inner call plays a concurrent process finishing between this build and its rename.
    let inner: CachedBuild | undefined;
    const outer = cachedBuild({
      dir: cache,
      key: 'raced',
      build: (folder) => {
        inner = cachedBuild({
          dir: cache,
          key: 'raced',
          build: (f) => {
            fs.writeFileSync(path.join(f, 'out.txt'), 'inner');
            return { inputs: [path.join(src, 'dep.ts')] };
          },
        });
        fs.writeFileSync(path.join(folder, 'out.txt'), 'outer');
        return { inputs: [path.join(src, 'dep.ts')] };
      },
    });
    expect(outer.folder).toBe(inner!.folder);
    expect(out(outer)).toBe('inner');
    expect(temps()).toEqual([]);
  });

  it('keeps the 32 most recently used entries', () => {
    for (let i = 0; i < 34; i++) {
      write(path.join(src, 'dep.ts'), `export const x = ${i};\n`);
      const b = build();
      const when = new Date(Date.now() - (40 - i) * 60_000);
      fs.utimesSync(b.folder, when, when);
    }
    expect(entries()).toHaveLength(32);
    write(path.join(src, 'dep.ts'), 'export const x = 0;\n');
    expect(build().hit).toBe(false);
    write(path.join(src, 'dep.ts'), 'export const x = 33;\n');
    expect(build().hit).toBe(true);
  });
});

describe('cachedBuild across processes', () => {
  it('several synths building the same entry at once all get a complete entry, and one is stored', async () => {
    const script = path.join(work, 'writer.ts');
    fs.writeFileSync(
      script,
      [
        `import * as fs from 'node:fs';`,
        `import * as path from 'node:path';`,
        `import { cachedBuild } from ${JSON.stringify(path.resolve(__dirname, '..', 'build-cache'))};`,
        `const inputs = [${JSON.stringify(path.join(src, 'entry.ts'))}];`,
        `const r = cachedBuild({ dir: ${JSON.stringify(cache)}, key: 'shared', build: (folder) => {`,
        // Written in pieces with a pause, so the writers overlap.
        `  for (let i = 0; i < 20; i++) {`,
        `    fs.appendFileSync(path.join(folder, 'out.txt'), 'line ' + i + '\\n');`,
        `    const t = Date.now();`,
        `    while (Date.now() - t < 5) {}`,
        `  }`,
        `  return { inputs };`,
        `} });`,
        `process.stdout.write(JSON.stringify({ folder: r.folder, out: fs.readFileSync(path.join(r.folder, 'out.txt'), 'utf8') }));`,
      ].join('\n'),
    );
    const run = () =>
      new Promise<{ folder: string; out: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`writer exited ${code}: ${stderr}`))));
      });
    const results = await Promise.all([run(), run(), run(), run()]);
    const complete = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('');
    for (const r of results) expect(r.out).toBe(complete);
    expect(new Set(results.map((r) => r.folder)).size).toBe(1);
    expect(entries()).toEqual([path.basename(results[0]!.folder)]);
    expect(temps()).toEqual([]);
    const manifests = fs.readdirSync(cache).filter((n) => n.endsWith('.json'));
    expect(manifests).toHaveLength(1);
    expect(() => JSON.parse(fs.readFileSync(path.join(cache, manifests[0]!), 'utf8'))).not.toThrow();
  }, 60_000);
});

describe('cacheRoot', () => {
  it('is TOLLGATE_CACHE_DIR when set, else node_modules/.cache/tollgate of the nearest project, else none', () => {
    expect(cacheRoot(src, { TOLLGATE_CACHE_DIR: 'rel/cache' })).toBe(path.resolve('rel/cache'));
    expect(cacheRoot(src, {})).toBeUndefined();
    fs.mkdirSync(path.join(work, 'node_modules'));
    expect(cacheRoot(src, {})).toBe(path.join(work, 'node_modules', '.cache', 'tollgate'));
  });
});
