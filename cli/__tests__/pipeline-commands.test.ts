import * as fs from 'node:fs';
import * as path from 'node:path';
import { memoryIo } from '../io';
import { main } from '../main';
import { deployCommand } from '../commands/deploy';
import { combinedDestroyCommand } from '../commands/destroy';
import { combinedPlanCommand } from '../commands/plan';
import type { CommandDeps } from '../deps';
import { InfraToolError } from '../../deploy';
import { FakeRunner, FakeSide, GOOD_ENV, exampleConfig, startStandIn, tmpDir, type StandIn } from '../../deploy/__tests__/helpers';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

const config = exampleConfig('dev');
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn(config);
});
afterAll(() => standIn.stop());

function deps(extra: Partial<CommandDeps> = {}) {
  const calls: string[] = [];
  const runner = new FakeRunner(config, calls);
  const side = new FakeSide(standIn, calls);
  return {
    calls,
    runner,
    side,
    d: { runner, side, interactive: false, fetch: standIn.fetch, home: tmpDir(), smokeOptions: { retries: 0 }, ...extra } as CommandDeps,
  };
}

const io = (cwd = tmpDir()) => memoryIo({ env: { ...GOOD_ENV }, cwd });
const CONFIG = PHARMACY_CONFIG;

describe('tollgate deploy (command)', () => {
  test('is discovered by the CLI and prints its usage', async () => {
    const m = io();
    expect(await main(['deploy', '--help'], m)).toBe(0);
    expect(m.out()).toContain('Usage: tollgate deploy');
    expect(m.out()).toContain('--no-smoke');
  });

  test('--target local without ASGARDEO_BASE_URL runs the sandbox (what npm start runs): local Asgardeo, gateway, checks', async () => {
    const m = memoryIo({ env: {}, cwd: tmpDir() });
    expect(await deployCommand(['--target', 'local', '--once', '--config', CONFIG], m, {})).toBe(0);
    expect(m.out()).toContain('What was checked (15 of 15 passed;');
    expect(m.out()).toContain('200 {"message":"Welcome Kim!"}');
    expect(m.out()).toContain('200 {"message":"Welcome User!"}');
    expect(fs.existsSync(path.join(m.cwd, '.tollgate', 'sandbox'))).toBe(true);
  });

  test('--yes deploys: exit 0, progress on stdout, outputs saved under .tollgate/', async () => {
    const m = io();
    const x = deps();
    expect(await deployCommand(['--env', 'dev', '--config', CONFIG, '--yes'], m, x.d)).toBe(0);
    expect(m.out()).toContain('[4/4] Smoke test');
    expect(m.out()).toContain('Deployed pharmacy-user-api-dev in');
    expect(fs.existsSync(path.join(m.cwd, '.tollgate', 'pharmacy-user-api-dev.outputs.json'))).toBe(true);
  });

  test('without a terminal and without --yes: exit 1, a clear refusal, nothing deployed', async () => {
    const m = io();
    const x = deps();
    expect(await deployCommand(['--env', 'dev', '--config', CONFIG], m, x.d)).toBe(1);
    expect(m.err()).toContain('no terminal to ask for approval and --yes was not given');
    expect(m.err()).not.toMatch(/\n\s+at /); // no stack trace
    expect(x.calls).not.toContain('deploy pharmacy-user-api-dev');
  });

  test('a failure prints the resume command with the flags given (never --yes)', async () => {
    const m = io();
    const x = deps();
    x.side.failApply = new Error('boom');
    expect(await deployCommand(['--env', 'dev', '--config', CONFIG, '--yes', '--no-smoke'], m, x.d)).toBe(1);
    expect(m.err()).toContain(
      `To resume: fix the problem above, then run \`npx tollgate deploy --env dev --config ${CONFIG} --no-smoke --from asgardeo\``,
    );
  });

  test('bad flags are usage errors', async () => {
    const m = io();
    expect(await deployCommand(['--from', 'later'], m, deps().d)).toBe(1);
    expect(m.err()).toContain('--from must be aws, asgardeo or smoke');
    const l = io();
    expect(await deployCommand(['--target', 'local', '--from', 'smoke'], l, {})).toBe(1);
    expect(l.err()).toContain('--from is for the aws target');
    const t = io();
    expect(await deployCommand(['--target', 'gcp'], t, {})).toBe(1);
    expect(t.err()).toContain('--target must be "aws" or "local"');
  });
});

describe('combined plan and destroy commands', () => {
  test('plan --markdown --detailed-exitcode: the report on stdout, exit 2 on changes, Terraform progress kept off stdout', async () => {
    const m = io();
    expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG, '--markdown', '--detailed-exitcode'], m, deps().d)).toBe(2);
    expect(m.out()).toMatch(/^## tollgate plan: `pharmacy-user-api-dev` \(dev\)/);
    expect(m.out()).toContain('### Who can call what');
  });

  test('plan names every missing thing at once, as deploy does: Terraform, AWS credentials, Asgardeo admin credentials', async () => {
    const x = deps();
    x.runner.missingTool = new InfraToolError('`terraform` was not found on PATH.', 'install Terraform >= 1.9.0');
    const m = memoryIo({ env: {}, cwd: tmpDir() });
    expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG], m, x.d)).toBe(1);
    expect(m.err()).toContain('Plan found 3 problems; nothing was changed:');
    expect(m.err()).toContain('✗ terraform: `terraform` was not found on PATH.\n      fix: install Terraform >= 1.9.0');
    expect(m.err()).toMatch(/✗ AWS credentials: no AWS credentials found/);
    expect(m.err()).toMatch(/✗ Asgardeo admin credentials: ASGARDEO_CLIENT_ID .*not set/);
    expect(x.calls.filter((c) => c.startsWith('plan') || c.startsWith('diff'))).toEqual([]);
  });

  test('plan reads the outputs the last deploy saved', async () => {
    const m = io();
    const x = deps();
    await deployCommand(['--env', 'dev', '--config', CONFIG, '--yes', '--no-smoke'], m, x.d);
    const p = memoryIo({ env: { ...GOOD_ENV }, cwd: m.cwd });
    await combinedPlanCommand(['--env', 'dev', '--config', CONFIG], p, x.d);
    expect(x.calls).toContain('plan with outputs');
  });

  test('destroy --yes: Asgardeo first, then the stack', async () => {
    const m = io();
    const x = deps();
    expect(await combinedDestroyCommand(['--env', 'dev', '--config', CONFIG, '--yes'], m, x.d)).toBe(0);
    expect(x.calls).toEqual(['asgardeo destroy', 'destroy pharmacy-user-api-dev']);
  });
});
