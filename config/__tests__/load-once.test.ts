import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validConfig } from './support';

type Loader = typeof import('..');

/**
 * The configuration loader as a fresh process has it (its own module instances), with esbuild's builds
 * counted: every compile of a configuration file is one build.
 */
function freshProcess(): { config: Loader; compiles: () => number } {
  let config!: Loader;
  let buildSync!: jest.Mock;
  jest.isolateModules(() => {
    const actual = jest.requireActual<typeof import('esbuild')>('esbuild');
    buildSync = jest.fn(actual.buildSync);
    jest.doMock('esbuild', () => ({ ...actual, buildSync }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    config = require('..') as Loader;
  });
  return { config, compiles: () => buildSync.mock.calls.length };
}

let dir: string;
let file: string;
/** Written as an editor writes (the cache keeps out what changed while it compiled). */
function write(target: string, text: string): void {
  fs.writeFileSync(target, text);
  const before = new Date(Date.now() - 10_000);
  fs.utimesSync(target, before, before);
}
function writeConfig(stage: string): void {
  const c = validConfig();
  write(path.join(dir, 'aws.ts'), `export const aws = ${JSON.stringify({ ...c.aws, stage })};\n`);
  const { aws: _aws, ...rest } = c;
  write(file, `import { aws } from './aws';\nexport default { ...${JSON.stringify(rest)}, aws };\n`);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-load-once-'));
  file = path.join(dir, 'tollgate.config.ts');
  writeConfig('one');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a configuration is compiled once', () => {
  it('per process: every later load (one environment, all, their names) reuses the compiled file', () => {
    const { config, compiles } = freshProcess();
    expect(config.loadConfig({ file, env: 'dev', environment: {} }).aws.stage).toBe('one');
    config.loadConfig({ file, env: 'prod', environment: {} });
    config.loadAllEnvironments({ file, environment: {} });
    expect(config.listEnvironments({ file, environment: {} })).toEqual(['dev', 'prod']);
    expect(compiles()).toBe(1);
  });

  it('again when the file or a file it imports changes, and the change is loaded', () => {
    const { config, compiles } = freshProcess();
    config.loadConfig({ file, env: 'dev', environment: {} });
    writeConfig('two');
    expect(config.loadConfig({ file, env: 'dev', environment: {} }).aws.stage).toBe('two');
    expect(compiles()).toBe(2);
    write(file, fs.readFileSync(file, 'utf8').replace("'pharmacy'", "'pharmacy2'").replace('"pharmacy"', '"pharmacy2"'));
    expect(config.loadConfig({ file, env: 'dev', environment: {} }).asgardeo.organization).toBe('pharmacy2');
    expect(compiles()).toBe(3);
  });

  it('across processes with a build cache: a later process compiles nothing until the file changes', () => {
    const environment = { TOLLGATE_CACHE_DIR: path.join(dir, 'cache') };
    const first = freshProcess();
    first.config.loadConfig({ file, env: 'dev', environment });
    expect(first.compiles()).toBe(1);
    const second = freshProcess();
    expect(second.config.loadConfig({ file, env: 'dev', environment }).aws.stage).toBe('one');
    expect(second.compiles()).toBe(0);
    writeConfig('three');
    expect(second.config.loadConfig({ file, env: 'dev', environment }).aws.stage).toBe('three');
    expect(second.compiles()).toBe(1);
  });

  it('but evaluated at every load, so what it reads when it runs (the environment, say) is current', () => {
    write(file, fs.readFileSync(file, 'utf8').replace('export default {', 'export default { ...(globalThis as any).__tollgateTestExtra, '));
    const { config, compiles } = freshProcess();
    const g = globalThis as { __tollgateTestExtra?: object };
    try {
      g.__tollgateTestExtra = { defaultEnvironment: 'dev' };
      expect(config.loadConfig({ file, environment: {} }).environment).toBe('dev');
      g.__tollgateTestExtra = { defaultEnvironment: 'prod' };
      expect(config.loadConfig({ file, environment: {} }).environment).toBe('prod');
      expect(compiles()).toBe(1);
    } finally {
      delete g.__tollgateTestExtra;
    }
  });
});
