import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { buildSync, type Message } from 'esbuild';
import { ConfigError, type ConfigIssue } from './errors';
import { defineConfig } from './define';

/**
 * Evaluates a configuration file (TypeScript or JavaScript) and returns what it exports. esbuild
 * compiles it with the files it imports by relative path; packages stay `require`s resolved from the
 * file's folder (else from tollgate's own dependencies), except `tollgate` itself, which is the tollgate that loads it (one copy, whatever
 * is installed where the file sits, and no build needed inside tollgate's own repository).
 * Compile errors come back as a ConfigError that points at file:line:column and shows the line.
 */
export function evaluateConfigFile(file: string): unknown {
  if (file.endsWith('.json')) return readJson(file);
  const code = compile(file);
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

function compile(file: string): string {
  try {
    const result = buildSync({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      external: ['tollgate', 'tollgate/*'],
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      absWorkingDir: path.dirname(file),
    });
    return result.outputFiles[0]!.text;
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
