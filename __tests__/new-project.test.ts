/**
 * What a new user does, end to end, with the package as npm would ship it: `npm pack` this
 * repository; in an empty folder `npm init -y`, `npm i <tarball>`, `npx tollgate init …`,
 * `npm install`; then the new project's `npx tollgate dev --once` and `npm test` must pass.
 * It installs from the npm registry (through the shared npm cache) and takes minutes, so it runs
 * when TOLLGATE_PACKAGE_TEST is set: `run`, or `required` (set by .ci/run), where skipping fails.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = path.resolve(__dirname, '..');
const MODE = process.env.TOLLGATE_PACKAGE_TEST;

jest.setTimeout(20 * 60_000);

/**
 * npm with the user's PATH and the shared npm cache: none of the `npm test` run's npm_* or TOLLGATE_* variables.
 * The sandbox serves the synthesized stack (TOLLGATE_LOCAL_TERRAFORM=0): its real-Terraform path has its own
 * tests, and here it would add minutes of Terraform to a test about packaging.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'CHECKPOINT_DISABLE'];
  const env: NodeJS.ProcessEnv = {
    NO_COLOR: '1',
    TOLLGATE_LOCAL_TERRAFORM: '0',
    npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
  };
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

interface Run {
  readonly code: number;
  readonly output: string;
  readonly ms: number;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `$ ${command} ${args.join(' ')}\n${stdout}${stderr}`, ms: performance.now() - start });
    });
  });
}

async function ok(command: string, args: string[], cwd: string): Promise<Run> {
  const r = await run(command, args, cwd);
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.output}`);
  return r;
}

const describeWhenAsked = MODE ? describe : describe.skip;
if (!MODE) console.warn('new-project test skipped: set TOLLGATE_PACKAGE_TEST=run to pack tollgate and install it into a new project');

describeWhenAsked('a new project from the packed tollgate', () => {
  let tmp: string;
  let project: string;
  let tarball: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-new-project-'));
    await ok('npm', ['pack', '--pack-destination', tmp], REPO);
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    tarball = path.join(tmp, `tollgate-${version}.tgz`);
    expect(fs.existsSync(tarball)).toBe(true);
    project = path.join(tmp, 'orders');
    fs.mkdirSync(project);
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (Object.keys(timings).length) console.log(`new project timings (ms): ${JSON.stringify(timings)}`);
  });

  it('ships compiled code and its templates only: no TypeScript sources, tests or fixtures', async () => {
    const listed = await ok('tar', ['-tzf', tarball], tmp);
    const files = listed.output.split('\n').slice(1).filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/bin/tollgate.js', 'package/dist/index.js', 'package/dist/index.d.ts']));
    expect(files).toContain('package/templates/project/tollgate.test.ts');
    const sources = files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('package/templates/'));
    expect(sources).toEqual([]);
    expect(files.filter((f) => /__tests__|fixtures|bench/.test(f))).toEqual([]);
    // No dotfiles either: the build's fingerprint stays out (package.json `files`).
    expect(files.filter((f) => /\/\.[^/]+$/.test(f))).toEqual([]);
  });

  it('npm i <tarball>, tollgate init, npm install: the project passes tollgate dev --once and npm test', async () => {
    await ok('npm', ['init', '-y'], project);
    const installStart = performance.now();
    await ok('npm', ['i', '--no-audit', '--no-fund', tarball], project);
    const init = await ok(
      'npx',
      [
        'tollgate',
        'init',
        '--organization',
        'acme',
        '--api',
        'orders-api',
        '--route',
        'GET /orders read_orders',
        '--route',
        'GET /health public',
      ],
      project,
    );
    expect(init.output).toContain('Created a tollgate project');
    await ok('npm', ['install', '--no-audit', '--no-fund'], project);
    const dev = await ok('npx', ['tollgate', 'dev', '--once'], project);
    timings.installToFirstGreenDev = Math.round(performance.now() - installStart);
    timings.devOnce = Math.round(dev.ms);
    expect(dev.output).toMatch(/What was checked \(3 of 3 passed[;)]/);
    expect(dev.output).toContain('GET /orders');
    expect(dev.output).toContain('{"route":"GET /health","status":"ok"}');

    const test = await ok('npm', ['test'], project);
    timings.npmTest = Math.round(test.ms);
    expect(test.output).toMatch(/# fail 0/);
    expect(test.output).toMatch(/# pass [1-9]/);
  });
});
