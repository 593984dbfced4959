import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { DeployError, runDeploy, type DeployOptions } from '../pipeline';
import { FakeRunner, FakeSide, GOOD_ENV, exampleConfig, startStandIn, tmpDir, type StandIn } from './helpers';

const config = exampleConfig('dev');
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn(config);
});
afterAll(() => standIn.stop());

function setup(overrides: Partial<DeployOptions> = {}) {
  const calls: string[] = [];
  const runner = new FakeRunner(config, calls);
  const side = new FakeSide(standIn, calls);
  const cwd = tmpDir();
  let out = '';
  const prompts: string[] = [];
  const options: DeployOptions = {
    loadConfig: () => config,
    runner,
    side,
    env: GOOD_ENV,
    cwd,
    yes: true,
    interactive: false,
    prompt: async (q) => {
      prompts.push(q);
      return 'yes';
    },
    smoke: true,
    resumeCommand: (from) => `tollgate deploy --env dev${from ? ` --from ${from}` : ''}`,
    write: (t) => (out += t),
    home: cwd,
    fetch: standIn.fetch,
    smokeOptions: { retries: 0 },
    ...overrides,
  };
  return { options, runner, side, calls, cwd, prompts, out: () => out };
}

async function deployError(p: Promise<unknown>): Promise<DeployError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployError);
  return err as DeployError;
}

describe('runDeploy', () => {
  test('runs preflight, AWS, Asgardeo and the smoke test in order, with timings, feeding the outputs to the reconciler', async () => {
    const s = setup();
    const result = await runDeploy(s.options);
    // 14 management scopes for the API, clients (with the secret view) and roles, plus 5 for the example's users.
    expect(s.calls.filter((c) => !c.startsWith('token'))).toEqual([
      'describe',
      'checkAdminAccess 19',
      `plan ${config.stackName}`,
      `apply ${config.stackName}`,
      'apply',
    ]);
    expect(result.steps.map((r) => [r.step, r.status])).toEqual([
      ['preflight', 'done'],
      ['aws', 'done'],
      ['asgardeo', 'done'],
      ['smoke', 'done'],
    ]);
    expect(result.outputsFile).toBe(path.join(s.cwd, '.tollgate', `${config.stackName}.outputs.json`));
    expect(s.side.lastOutputs?.stageInvokeUrl).toBe('https://abc123.execute-api.us-east-1.amazonaws.com/dev');
    const out = s.out();
    expect(out).toMatch(/\[1\/4\] Preflight checks\n[\s\S]*✓ Preflight checks done in \d+/);
    expect(out).toMatch(/\[2\/4\] AWS: Terraform[\s\S]*aws_apigatewayv2_api\.api: Creating/);
    expect(out).toMatch(/\[4\/4\] Smoke test[\s\S]*✓ GET \/user with token of pharmacy-reader/);
    // Every protected route: 401 without a token, 403 with another client's token, 2xx with its own.
    expect(result.smoke?.checks).toHaveLength(9);
    expect(result.smoke?.checks.every((c) => c.ok)).toBe(true);
    expect(out).not.toContain('admin-secret');
    expect(out).not.toContain('example-secret');
  });

  test('--no-smoke skips the smoke test and asks for no client token', async () => {
    const s = setup({ smoke: false });
    const result = await runDeploy(s.options);
    expect(result.steps.at(-1)).toEqual({ step: 'smoke', status: 'skipped', ms: 0, note: '--no-smoke' });
    expect(s.calls.some((c) => c.startsWith('token'))).toBe(false);
  });

  test('a preflight failure changes nothing', async () => {
    const s = setup({ env: { ...GOOD_ENV, ASGARDEO_CLIENT_ID: undefined } });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('preflight');
    expect(err.message).toContain('ASGARDEO_CLIENT_ID is not set');
    expect(s.out()).toContain('✓ terraform: terraform 1.11.4');
    expect(err.state).toEqual({ aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } });
    expect(s.calls).not.toContain(`apply ${config.stackName}`);
    expect(s.calls).not.toContain('apply');
  });

  test('an AWS failure: says Terraform state holds what was created, leaves Asgardeo alone, resumes with the whole deploy', async () => {
    const s = setup();
    s.runner.failDeploy = new UserError('`terraform apply` failed: Error: creating API Gateway v2 API: AccessDeniedException', {
      hint: 'fix it',
    });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toContain('AccessDeniedException');
    expect(err.state.aws).toMatchObject({ kind: 'applying', stack: config.stackName });
    expect(err.message).toContain(
      "AWS:      the apply of pharmacy-user-api-dev started and did not finish: Terraform's state holds whatever it created",
    );
    expect(err.state.asgardeo).toEqual({ kind: 'unchanged' });
    expect(err.resume).toContain('`tollgate deploy --env dev`');
    expect(s.calls).not.toContain('apply');
    expect(err.steps.map((r) => r.status)).toEqual(['done', 'failed']);
  });

  test('an Asgardeo failure: AWS is deployed, the reconciler progress is reported, `--from asgardeo` resumes and converges', async () => {
    const s = setup();
    s.side.failApply = Object.assign(new Error('POST /api/server/v1/applications failed: HTTP 503'), { name: 'AsgardeoError' });
    s.side.failAfterProgress = ['+ api resource Pharmacy User API', '+ application pharmacy-reader'];
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('asgardeo');
    expect(err.state.aws).toMatchObject({ kind: 'deployed', stack: 'pharmacy-user-api-dev' });
    expect(err.message).toMatch(/AWS: +deployed pharmacy-user-api-dev \(outputs in .*pharmacy-user-api-dev\.outputs\.json\)\n/);
    expect(err.state.asgardeo).toEqual({ kind: 'partial', lastProgress: '+ application pharmacy-reader' });
    expect(err.message).toContain('Asgardeo: partially applied; last progress before the failure: + application pharmacy-reader');
    expect(err.resume).toContain('`tollgate deploy --env dev --from asgardeo`');
    expect(err.message).toContain('To resume: fix the problem above, then run `tollgate deploy --env dev --from asgardeo`');

    s.side.failApply = undefined;
    const deploysBefore = s.calls.filter((c) => c.startsWith('apply ')).length;
    const result = await runDeploy({ ...s.options, from: 'asgardeo' });
    expect(s.calls.filter((c) => c.startsWith('apply ')).length).toBe(deploysBefore);
    expect(result.steps.map((r) => r.status)).toEqual(['done', 'skipped', 'done', 'done']);
    expect(s.side.applyCount).toBe(2);
  });

  test('--from asgardeo without a saved outputs file says so and points at the whole deploy', async () => {
    const s = setup({ from: 'asgardeo' });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toMatch(/outputs file .* does not exist/);
    expect(err.resume).toContain('`tollgate deploy --env dev`');
  });

  test('outputs of a stack trusting another issuer stop the Asgardeo step before any write', async () => {
    const s = setup();
    s.runner.outputOverrides = { issuer: 'https://api.asgardeo.io/t/other/oauth2/token' };
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('asgardeo');
    expect(err.message).toContain('every call would be rejected with 401');
    expect(err.state.asgardeo).toEqual({ kind: 'unchanged' });
    expect(s.calls).not.toContain('apply');
  });

  test('a smoke failure names route, expectation and answer, and resumes with `--from smoke`', async () => {
    const s = setup();
    standIn.breakRoute('POST /user', { status: 200, body: '{"open":true}' });
    try {
      const err = await deployError(runDeploy(s.options));
      expect(err.step).toBe('smoke');
      expect(err.message).toContain('✗ POST /user with no token: expected 401, got 200 {"open":true}');
      expect(err.state.aws.kind).toBe('deployed');
      expect(err.state.asgardeo.kind).toBe('applied');
      expect(err.resume).toContain('`tollgate deploy --env dev --from smoke`');
    } finally {
      standIn.breakRoute('POST /user', undefined);
    }
    const again = await runDeploy({ ...s.options, from: 'smoke' });
    expect(again.steps.map((r) => r.status)).toEqual(['done', 'skipped', 'skipped', 'done']);
  });
});

describe('approval before the AWS change', () => {
  test('--yes approves without asking', async () => {
    const s = setup({ yes: true, interactive: true });
    await runDeploy(s.options);
    expect(s.prompts).toEqual([]);
    expect(s.calls).toContain(`apply ${config.stackName}`);
  });

  test('on a terminal it asks, and "yes" deploys', async () => {
    const s = setup({ yes: false, interactive: true });
    await runDeploy(s.options);
    expect(s.prompts).toHaveLength(1);
    expect(s.prompts[0]).toContain('deploy stack pharmacy-user-api-dev to AWS (us-east-1)');
    expect(s.calls).toContain(`apply ${config.stackName}`);
  });

  test('on a terminal, any answer but "yes" changes nothing', async () => {
    const s = setup({ yes: false, interactive: true, prompt: async () => 'y' });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toContain('Not approved (answer "y"): nothing was changed.');
    expect(err.state).toEqual({ aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } });
    expect(s.calls).not.toContain(`apply ${config.stackName}`);
  });

  test('without a terminal and without --yes it refuses and never prompts', async () => {
    const s = setup({ yes: false, interactive: false });
    const err = await deployError(runDeploy(s.options));
    expect(err.message).toContain('no terminal to ask for approval and --yes was not given');
    expect(err.message).toContain('tollgate deploy --env dev --yes');
    expect(s.prompts).toEqual([]);
    expect(s.calls).not.toContain(`apply ${config.stackName}`);
  });

  test('a runner whose target needs no AWS credentials skips that check; its step is titled by the runner', async () => {
    const s = setup({ smoke: false });
    s.runner.description = { ...s.runner.description, title: 'Stack: local stand-in', awsCredentials: { skipped: 'a stand-in' } };
    const result = await runDeploy({ ...s.options, home: '/nonexistent' });
    expect(result.preflight.find((c) => c.name === 'AWS credentials')).toMatchObject({ status: 'skipped', detail: 'a stand-in' });
    expect(s.out()).toContain('[2/4] Stack: local stand-in');
    expect(fs.existsSync(result.outputsFile)).toBe(true);
  });
});
