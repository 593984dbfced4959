import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { buildSync, version as esbuildVersion, type BuildOptions, type Message } from 'esbuild';
import { cachedBuild, fingerprint, sourceFiles, watchedFor, type Watched } from './build-cache';
import { ConfigError, type ConfigIssue } from './errors';
import { defineConfig } from './define';

/**
 * Evaluates a configuration file (TypeScript or JavaScript) and returns what it exports. esbuild
 * compiles it with the files it imports by relative path; packages stay `require`s resolved from the
 * file's folder (else from tollgate's own dependencies), except `tollgate` itself, which is the tollgate that loads it (one copy, whatever
 * is installed where the file sits, and no build needed inside tollgate's own repository).
 * Compile errors come back as a ConfigError that points at file:line:column and shows the line.
 */
export function evaluateConfigFile(file: string, o: { cacheDir?: string } = {}): unknown {
  if (file.endsWith('.json')) return readJson(file);
  const code = compile(file, o.cacheDir);
  const module = { exports: {} as Record<string, unknown> };
  const requireFromFile = createRequire(file);
  const requireForConfig = (id: string): unknown => {
    if (id === 'tollgate') return tollgateForConfig();
    try {
      return requireFromFile(id);
    } catch (err) {
      // A package the file's folder lacks may be one tollgate brings (a configuration kept outside its project).
      if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(id) as unknown;
    }
  };
  // `new Function`, not vm: the exported objects belong to the caller's realm (plain objects, arrays).
  const run = new Function('exports', 'require', 'module', '__filename', '__dirname', `${code}\n//# sourceURL=${file}`) as (
    ...args: unknown[]
  ) => void;
  try {
    run(module.exports, requireForConfig, module, file, path.dirname(file));
  } catch (err) {
    throw new ConfigError(file, [
      {
        path: '',
        message: `the file failed while running: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
        fix: 'fix the code the message names; the file must `export default defineConfig({...})`',
      },
    ]);
  }
  const exported: unknown = module.exports;
  if (typeof exported !== 'object' || exported === null) return exported;
  return 'default' in exported ? ((exported as { default?: unknown }).default ?? exported) : exported;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `the file is not JSON: ${(err as Error).message}`, fix: 'fix the JSON syntax' }]);
  }
}

const COMPILE_OPTIONS = {
  bundle: true,
  packages: 'external',
  external: ['tollgate', 'tollgate/*'],
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/**
 * Compiled configurations of this process by file: a configuration is compiled once per process while
 * its files stay the same (the CLI reads it at preflight, plan and apply), and evaluated on every load.
 */
const compiledInProcess = new Map<string, { readonly watched: Watched; readonly fingerprint: string; readonly code: string }>();

/**
 * The file compiled to CommonJS with the files it imports by relative path. Unchanged files are not
 * compiled again: within a process (kept in memory) nor across processes (kept in `<cacheDir>/config`).
 */
function compile(file: string, cacheDir: string | undefined): string {
  const known = compiledInProcess.get(file);
  if (known && fingerprint(known.watched) === known.fingerprint) return known.code;
  let code: string;
  let watched: { watched: Watched; fingerprint: string } | undefined;
  if (cacheDir) {
    const entry = cachedBuild({
      dir: path.join(cacheDir, 'config'),
      key: { esbuild: esbuildVersion, options: COMPILE_OPTIONS, file },
      build: (folder) => {
        const built = esbuildCompile(file);
        fs.writeFileSync(path.join(folder, 'config.js'), built.code);
        return { inputs: built.inputs };
      },
    });
    code = fs.readFileSync(path.join(entry.folder, 'config.js'), 'utf8');
    watched = entry.watched;
  } else {
    const built = esbuildCompile(file);
    code = built.code;
    const w = watchedFor(built.inputs);
    watched = { watched: w, fingerprint: fingerprint(w) };
  }
  if (watched) compiledInProcess.set(file, { ...watched, code });
  return code;
}

function esbuildCompile(file: string): { code: string; inputs: string[] } {
  const cwd = path.dirname(file);
  try {
    const result = buildSync({ ...COMPILE_OPTIONS, entryPoints: [file], write: false, metafile: true, absWorkingDir: cwd });
    return { code: result.outputFiles[0]!.text, inputs: sourceFiles(result.metafile.inputs, cwd) };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) throw err;
    throw new ConfigError(
      file,
      errors.map((e) => compileIssue(file, e)),
    );
  }
}

/** `file:line:column`, the compiler's message, and the line with a marker under the spot. */
export function compileIssue(configFile: string, message: Message): ConfigIssue {
  const loc = message.location;
  const fix = 'fix the TypeScript error; the file must `export default defineConfig({...})`';
  if (!loc) return { path: '', message: message.text, fix };
  const file = path.resolve(path.dirname(configFile), loc.file);
  const gutter = String(loc.line).length;
  const marker = ' '.repeat(loc.column) + '^'.repeat(Math.max(1, Math.min(loc.length, loc.lineText.length - loc.column)));
  return {
    path: `${file}:${loc.line}:${loc.column + 1}`,
    message: [message.text, `      ${loc.line} | ${loc.lineText}`, `      ${' '.repeat(gutter)} | ${marker}`].join('\n'),
    fix,
  };
}

/** What `import … from 'tollgate'` gives a configuration: defineConfig at once, the rest of the library on first use. */
function tollgateForConfig(): unknown {
  const eager: Record<string | symbol, unknown> = { __esModule: true, defineConfig };
  let library: Record<string | symbol, unknown> | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = () => (library ??= require(path.join(__dirname, '..', 'index')) as Record<string | symbol, unknown>);
  return new Proxy(eager, {
    get: (target, key) => (key in target ? target[key] : load()[key]),
    has: (target, key) => key in target || key in load(),
  });
}
