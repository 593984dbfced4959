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
  test('runs preflight, both plans, both applies and the smoke test, with timings; each apply gets exactly its shown plan', async () => {
    const s = setup();
    const result = await runDeploy(s.options);
    // 14 management scopes for the API, clients (with the secret view) and roles, plus 5 for the example's users.
    expect(s.calls.filter((c) => !c.startsWith('token'))).toEqual([
      'describe',
      'checkAdminAccess 19',
      `plan ${config.stackName}`,
      'plan without outputs',
      `apply ${config.stackName}`,
      'apply',
      `applied ${config.stackName}`,
    ]);
    expect(result.steps.map((r) => [r.step, r.status])).toEqual([
      ['preflight', 'done'],
      ['plan', 'done'],
      ['aws', 'done'],
      ['asgardeo', 'done'],
      ['smoke', 'done'],
    ]);
    expect(s.runner.appliedPlans).toEqual([s.runner.madePlans[0]]);
    expect(s.side.approvedPlans).toEqual([s.side.madePlans[0]]);
    expect(result.outputsFile).toBe(path.join(s.cwd, '.tollgate', `${config.stackName}.outputs.json`));
    const out = s.out();
    expect(out).toMatch(/\[1\/4\] Preflight checks\n[\s\S]*✓ Preflight checks done in \d+/);
    expect(out).toMatch(/\[2\/4\] Plan: AWS and Asgardeo, at once\n {2}Who can call what:\n[\s\S]*GET \/user +get_pharmacy_user/);
    expect(out).toMatch(/\[3\/4\] AWS: Terraform \+ Asgardeo: reconcile, at once[\s\S]*aws_apigatewayv2_api\.api: Creating/);
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

  test('the AWS plan starts while the Asgardeo checks are on the network; its output shows under the plan step', async () => {
    const s = setup();
    let releaseAccess = () => {};
    const accessGate = new Promise<void>((resolve) => (releaseAccess = resolve));
    const checkAccess = s.side.checkAdminAccess.bind(s.side);
    s.side.checkAdminAccess = async (a) => {
      const answer = await checkAccess(a);
      await accessGate;
      s.calls.push('access answered');
      return answer;
    };
    const plan = s.runner.plan.bind(s.runner);
    s.runner.plan = async (op) => {
      op.onOutput?.('terraform plan output\n');
      const made = await plan(op);
      releaseAccess();
      return made;
    };
    await runDeploy(s.options);
    const calls = s.calls.filter((c) => !c.startsWith('token'));
    expect(calls.indexOf(`plan ${config.stackName}`)).toBeLessThan(calls.indexOf('access answered'));
    // Held during the preflight: the plan's output follows the preflight's lines, under its own step.
    expect(s.out()).toMatch(/✓ Preflight checks done[\s\S]*\[2\/4\] Plan: AWS and Asgardeo, at once\nterraform plan output\n/);
    expect(s.runner.appliedPlans).toEqual([s.runner.madePlans[0]]);
  });

  test('a failed Asgardeo check stops the AWS plan started beside it and waits for it; nothing is applied', async () => {
    const s = setup();
    s.side.failAccess = new UserError('the admin application lacks internal_api_resource_create', { hint: 'authorize the scope' });
    let planStopped = false;
    s.runner.plan = (op) => {
      s.calls.push(`plan ${op.stack}`);
      return new Promise((_, reject) =>
        op.signal?.addEventListener('abort', () => {
          planStopped = true;
          reject(new Error('terraform interrupted'));
        }),
      );
    };
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('preflight');
    expect(err.message).toContain('internal_api_resource_create');
    expect(err.message).not.toContain('terraform interrupted');
    expect(s.calls).toContain(`plan ${config.stackName}`);
    expect(planStopped).toBe(true);
    expect(s.calls.filter((c) => c.startsWith('apply'))).toEqual([]);
    expect(err.state).toEqual({ aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } });
  });

  test('a plan refused as stale (another run applied in between): the AWS line says this run applied nothing', async () => {
    const s = setup();
    s.runner.failDeploy = Object.assign(new UserError('`terraform apply` refused the saved plan', { hint: 'plan again' }), {
      failure: 'stale-plan',
    });
    s.runner.held = { resources: Array.from({ length: 15 }, (_, i) => `r.${i}`), tainted: [], declared: 15, changed: true };
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.state.aws).toMatchObject({ kind: 'apply-failed', stale: true });
    expect(err.message).toContain(
      'AWS:      nothing applied by this run: Terraform refused its plan as stale, since another run changed the state after it ' +
        "was made; Terraform's state holds 15 of the stack's 15 resources now; rerun deploy to plan from there",
    );
    expect(err.message).not.toContain('rerun deploy to converge');
  });

  test('an AWS failure lets the Asgardeo apply finish: the report says what each side holds; the whole deploy resumes', async () => {
    const s = setup();
    s.runner.failDeploy = new UserError('`terraform apply` failed: Error: creating API Gateway v2 API: AccessDeniedException', {
      hint: 'fix it',
    });
    const held = {
      resources: ['aws_iam_role.role', 'aws_lambda_function.handler', 'aws_cloudwatch_log_group.logs'],
      tainted: ['aws_lambda_function.handler'],
      declared: 15,
      changed: true,
    };
    s.runner.held = held;
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toContain('AccessDeniedException');
    // Read from the state after the failure, against the plan that was applied.
    expect(err.state.aws).toEqual({ kind: 'apply-failed', stack: config.stackName, held });
    expect(s.runner.heldAsked).toEqual([s.runner.appliedPlans[0]]);
    expect(err.message).toContain(
      "AWS:      Terraform's state holds 3 of the stack's 15 resources (tainted: aws_lambda_function.handler); rerun deploy to converge",
    );
    expect(err.state.asgardeo).toEqual({ kind: 'applied', writes: 1 });
    expect(err.message).toContain('Asgardeo: applied (1 write in this run)');
    expect(err.resume).toContain('`tollgate deploy --env dev`');
    expect(err.resume).not.toContain('--from');
    expect(s.calls).toContain('apply');
    expect(err.steps.map((r) => `${r.step}:${r.status}`)).toEqual(['preflight:done', 'plan:done', 'aws:failed', 'asgardeo:done']);

    s.runner.failDeploy = undefined;
    const again = await runDeploy(s.options);
    expect(again.steps.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  test('an Asgardeo failure lets the AWS apply finish; the progress is reported; `--from asgardeo` resumes and converges', async () => {
    const s = setup();
    s.side.failApply = Object.assign(new Error('POST /api/server/v1/applications failed: HTTP 503'), { name: 'AsgardeoError' });
    s.side.failAfter = [
      { progress: 'creating API resource Pharmacy User API' },
      { write: 'accepted' },
      { progress: 'creating application pharmacy-reader' },
      { write: 'refused' },
    ];
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('asgardeo');
    expect(err.state.aws).toMatchObject({ kind: 'deployed', stack: 'pharmacy-user-api-dev' });
    expect(err.message).toMatch(/AWS: +deployed pharmacy-user-api-dev \(outputs in .*pharmacy-user-api-dev\.outputs\.json\)\n/);
    expect(err.state.asgardeo).toEqual({ kind: 'partial', writes: 1, unanswered: 0, lastProgress: 'creating application pharmacy-reader' });
    expect(err.message).toContain(
      'Asgardeo: partially applied: 1 write accepted before the failure; ' +
        'last progress before the failure: creating application pharmacy-reader',
    );
    expect(err.resume).toContain('`tollgate deploy --env dev --from asgardeo`');
    expect(err.message).toContain('To resume: fix the problem above, then run `tollgate deploy --env dev --from asgardeo`');

    s.side.failApply = undefined;
    const deploysBefore = s.calls.filter((c) => c.startsWith('apply ')).length;
    const result = await runDeploy({ ...s.options, from: 'asgardeo' });
    expect(s.calls.filter((c) => c.startsWith('apply ')).length).toBe(deploysBefore);
    expect(result.steps.map((r) => `${r.step}:${r.status}`)).toEqual([
      'preflight:done',
      'plan:done',
      'aws:skipped',
      'asgardeo:done',
      'smoke:done',
    ]);
    expect(s.side.applyCount).toBe(2);
    // The resumed run planned the Asgardeo side only (with the saved outputs) and applied that plan.
    expect(s.calls.filter((c) => c.startsWith('plan ')).slice(-1)).toEqual(['plan with outputs']);
    expect(s.side.approvedPlans.at(-1)).toBe(s.side.madePlans.at(-1));
    expect(s.side.lastOutputs?.stageInvokeUrl).toBe('https://abc123.execute-api.us-east-1.amazonaws.com/dev');
  });

  test('both sides failing: one error names both causes, says what each side holds, and resumes with the whole deploy', async () => {
    const s = setup();
    s.runner.failDeploy = new UserError('`terraform apply` failed: AccessDeniedException');
    s.side.failApply = new UserError('POST /api/server/v1/applications failed: HTTP 503');
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toContain('AWS: Terraform: `terraform apply` failed: AccessDeniedException');
    expect(err.message).toContain('Asgardeo: reconcile: POST /api/server/v1/applications failed: HTTP 503');
    expect(err.state.aws.kind).toBe('apply-failed');
    expect(err.state.asgardeo.kind).toBe('not-written');
    expect(err.resume).not.toContain('--from');
    expect(err.steps.map((r) => `${r.step}:${r.status}`)).toEqual(['preflight:done', 'plan:done', 'aws:failed', 'asgardeo:failed']);
  });

  test('an apply that failed before changing anything says "nothing changed", from the state', async () => {
    const s = setup({ smoke: false });
    s.runner.failDeploy = new UserError('`terraform apply`: interrupted', { exitStatus: 130 });
    s.runner.held = { resources: ['aws_iam_role.role'], tainted: [], declared: 15, changed: false };
    const err = await deployError(runDeploy(s.options));
    expect(err.exitStatus).toBe(130);
    expect(err.message).toContain(
      "AWS:      nothing changed: Terraform's state holds 1 of the stack's 15 resources, as before the apply\n",
    );
  });

  test('a state that cannot be read after a failed apply is reported as unknown, with why', async () => {
    const s = setup({ smoke: false });
    s.runner.failDeploy = new UserError('`terraform apply` failed');
    s.runner.held = new Error('`terraform state pull` failed (exit 1): no backend');
    const err = await deployError(runDeploy(s.options));
    expect(err.state.aws).toEqual({
      kind: 'apply-failed',
      stack: config.stackName,
      held: { unreadable: "Terraform's state could not be read: `terraform state pull` failed (exit 1): no backend" },
    });
    expect(err.message).toContain(
      "AWS:      unknown (Terraform's state could not be read: `terraform state pull` failed (exit 1): no backend); " +
        '`npx tollgate plan` shows what is deployed',
    );
  });

  test('an Asgardeo apply that failed before its first write: "nothing written", whatever it printed and was refused', async () => {
    const s = setup({ smoke: false });
    s.side.failApply = new UserError('POST /api/server/v1/api-resources failed: HTTP 403');
    s.side.failAfter = [
      { progress: 'reading Asgardeo organization "pharmacy"' },
      { progress: 'creating API resource X' },
      { write: 'refused' },
    ];
    const err = await deployError(runDeploy(s.options));
    expect(err.state.asgardeo).toEqual({ kind: 'not-written' });
    expect(err.message).toContain(
      'Asgardeo: nothing written (the apply stopped before its first write: the organization holds what it held before)',
    );
    expect(err.message).not.toContain('partially');
  });

  test('a write whose answer never came may have happened: "perhaps partially applied"', async () => {
    const s = setup({ smoke: false });
    s.side.failApply = new UserError('POST /api/server/v1/applications timed out after 3 attempts');
    s.side.failAfter = [{ progress: 'creating application pharmacy-reader' }, { write: 'unanswered' }];
    const err = await deployError(runDeploy(s.options));
    expect(err.state.asgardeo).toEqual({ kind: 'partial', writes: 0, unanswered: 1, lastProgress: 'creating application pharmacy-reader' });
    expect(err.message).toContain('Asgardeo: perhaps partially applied: 1 write sent and never answered (they may have happened)');
  });

  test('the applies overlap: each step is timed on the injected clock, and the total is the wall time, not the sum', async () => {
    let t = 0;
    const s = setup({ smoke: false, now: () => t });
    const runnerApply = s.runner.apply.bind(s.runner);
    s.runner.apply = async (plan, op) => {
      const values = await runnerApply(plan, op);
      t = 10_000;
      return values;
    };
    const sideApply = s.side.apply.bind(s.side);
    s.side.apply = async (o) => {
      const summary = await sideApply(o);
      t = 4_000;
      return summary;
    };
    const result = await runDeploy(s.options);
    expect(result.steps.map((r) => `${r.step}:${r.ms}`)).toEqual(['preflight:0', 'plan:0', 'aws:10000', 'asgardeo:4000', 'smoke:0']);
    expect(s.out()).toContain('✓ Asgardeo: reconcile done in 4.0 s');
    expect(s.out()).toContain('Deployed pharmacy-user-api-dev in 10.0 s');
  });

  test('--from asgardeo without a saved outputs file says so and points at the whole deploy', async () => {
    const s = setup({ from: 'asgardeo' });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('plan');
    expect(err.state.aws).toEqual({
      kind: 'outputs-unusable',
      outputsFile: path.join(s.cwd, '.tollgate', `${config.stackName}.outputs.json`),
    });
    expect(s.calls).not.toContain('apply');
    expect(err.message).toMatch(/outputs file .* does not exist/);
    expect(err.resume).toContain('`tollgate deploy --env dev`');
  });

  test('a deployed stack trusting another issuer fails the AWS step; `--from asgardeo` on its outputs writes nothing', async () => {
    const s = setup();
    s.runner.outputOverrides = { issuer: 'https://api.asgardeo.io/t/other/oauth2/token' };
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('aws');
    expect(err.message).toContain('every call would be rejected with 401');
    expect(s.calls.some((c) => c.startsWith('token'))).toBe(false);

    const applies = s.side.applyCount;
    const resumed = await deployError(runDeploy({ ...s.options, from: 'asgardeo' }));
    expect(resumed.step).toBe('plan');
    expect(resumed.message).toContain('every call would be rejected with 401');
    expect(s.side.applyCount).toBe(applies);
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
    expect(again.steps.map((r) => r.status)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'done']);
  });
});

describe('one approval for both plans', () => {
  test('--yes approves without asking', async () => {
    const s = setup({ yes: true, interactive: true });
    await runDeploy(s.options);
    expect(s.prompts).toEqual([]);
    expect(s.calls).toContain(`apply ${config.stackName}`);
  });

  test('on a terminal it shows both plans, asks once, and "yes" applies both', async () => {
    let shownBeforeQuestion = '';
    let callsBeforeQuestion: string[] = [];
    const s = setup({ yes: false, interactive: true });
    s.options.prompt = async (q) => {
      s.prompts.push(q);
      shownBeforeQuestion = s.out();
      callsBeforeQuestion = [...s.calls];
      return 'yes';
    };
    await runDeploy(s.options);
    expect(s.prompts).toEqual([
      'Do you want to deploy stack pharmacy-user-api-dev to AWS (us-east-1) and reconcile Asgardeo organization "pharmacy" ' +
        'as planned above? Only "yes" is accepted: ',
    ]);
    expect(shownBeforeQuestion).toContain('AWS: plan (Plan: 9 to add, 0 to change, 0 to destroy.):\n    Plan: 9 to add');
    expect(shownBeforeQuestion).toContain('Asgardeo: plan (changes):\n    + create api resource "Pharmacy User API"');
    expect(callsBeforeQuestion).toContain('plan without outputs');
    expect(callsBeforeQuestion.some((c) => c.startsWith('apply'))).toBe(false);
    expect(s.calls).toContain(`apply ${config.stackName}`);
    expect(s.calls).toContain('apply');
  });

  test('the question names only the side that changes; with no change on either side nothing is asked', async () => {
    const s = setup({ yes: false, interactive: true });
    s.runner.planResult = { changes: false, text: 'No changes.', summary: 'No changes.' };
    await runDeploy(s.options);
    expect(s.prompts).toEqual(['Do you want to reconcile Asgardeo organization "pharmacy" as planned above? Only "yes" is accepted: ']);
    s.side.planChanges = false;
    const quiet = await runDeploy(s.options);
    expect(s.prompts).toHaveLength(1);
    expect(s.out()).toContain('No changes on either side: nothing to approve.');
    expect(quiet.steps.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  test('objects of another owner in the Asgardeo plan stop the deploy before the question and before either side changes', async () => {
    const s = setup({ yes: false, interactive: true });
    s.side.refusalOf = new UserError(
      'apply stopped before any change: 1 object(s) exist in Asgardeo but are not managed by pharmacy-user-api-dev',
    );
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('plan');
    expect(err.message).toContain('not managed by pharmacy-user-api-dev');
    expect(s.prompts).toEqual([]);
    expect(s.calls.some((c) => c.startsWith('apply'))).toBe(false);
  });

  test('AWS objects the plan would create that exist stop the deploy at the plan, naming the command that adopts them', async () => {
    const s = setup({ yes: false, interactive: true });
    const adoption = {
      objects: [{ address: 'aws_lambda_function.fn', object: 'Lambda function f', why: 'same function name', importId: 'f' }],
      unchecked: [],
      imported: false,
      calls: 1,
    };
    s.runner.planResult = { ...s.runner.planResult, adoption };
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('plan');
    expect(err.message).toContain('  aws_lambda_function.fn: Lambda function f (same function name)');
    expect(err.message).toContain('adopt it: `tollgate deploy --env dev --adopt`');
    expect(err.message).toContain(
      'To resume: run `tollgate deploy --env dev --adopt` to adopt those objects, ' +
        'or delete them in AWS and run `tollgate deploy --env dev`',
    );
    expect(err.state).toEqual({ aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } });
    expect(s.prompts).toEqual([]);
    expect(s.calls.some((c) => c.startsWith('apply'))).toBe(false);

    // --adopt reaches both sides' plans and the Asgardeo apply; a plan that imports them is applied.
    const seen: unknown[] = [];
    const runnerPlan = s.runner.plan.bind(s.runner);
    s.runner.plan = (o) => (seen.push(['aws plan', o.adopt]), runnerPlan(o));
    const sidePlan = s.side.plan.bind(s.side);
    s.side.plan = (o) => (seen.push(['asgardeo plan', o.adopt]), sidePlan(o));
    const sideApply = s.side.apply.bind(s.side);
    s.side.apply = (o) => (seen.push(['asgardeo apply', o.adopt]), sideApply(o));
    s.runner.planResult = { ...s.runner.planResult, adoption: { ...adoption, imported: true } };
    await runDeploy({ ...s.options, adopt: true });
    expect(seen).toEqual([
      ['aws plan', true],
      ['asgardeo plan', true],
      ['asgardeo apply', true],
    ]);
    expect(s.calls).toContain(`applied ${config.stackName}`);
  });

  test('on a terminal, any answer but "yes" changes nothing', async () => {
    const s = setup({ yes: false, interactive: true, prompt: async () => 'y' });
    const err = await deployError(runDeploy(s.options));
    expect(err.step).toBe('plan');
    expect(err.message).toContain('Not approved (answer "y"): nothing was changed.');
    expect(err.state).toEqual({ aws: { kind: 'unchanged' }, asgardeo: { kind: 'unchanged' } });
    expect(s.calls).not.toContain(`apply ${config.stackName}`);
    expect(s.calls).not.toContain('apply');
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
    expect(s.out()).toContain('[3/4] Stack: local stand-in + Asgardeo: reconcile, at once');
    expect(fs.existsSync(result.outputsFile)).toBe(true);
  });
});
