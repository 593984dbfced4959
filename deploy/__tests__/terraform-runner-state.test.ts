import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awsTarget, TerraformRunner } from '../terraform-runner';

/*
 * What the runner reads from the stack's state after a failed apply: `terraform state pull` (here a
 * stand-in binary printing a state document) against the state the applied plan was made from.
 */
describe('TerraformRunner.stateHeld', () => {
  let dir: string;
  const stack = 'api-dev';
  const op = { stack, environment: 'dev', configFile: '/nowhere/tollgate.config.ts' };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-runner-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runnerWithState(state: unknown, exit = 0) {
    const stackDir = path.join(dir, 'cdktf.out', 'stacks', stack);
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(
      path.join(stackDir, 'cdk.tf.json'),
      JSON.stringify({ resource: { aws_iam_role: { role: {} }, aws_lambda_function: { handler: {} }, aws_apigatewayv2_api: { api: {} } } }),
    );
    const statePath = path.join(dir, 'state.json');
    fs.writeFileSync(statePath, state === undefined ? '' : JSON.stringify(state));
    const binary = path.join(dir, 'terraform');
    fs.writeFileSync(binary, `#!/bin/sh\n[ "$1 $2" = "state pull" ] || exit 9\ncat '${statePath}'\necho 'locked' >&2\nexit ${exit}\n`, {
      mode: 0o755,
    });
    const setup = { binary, version: '1.11.4', cliConfigFile: path.join(dir, 'tfrc'), env: {}, dispose: () => undefined };
    return new TerraformRunner({ cwd: dir, target: awsTarget({ cwd: dir, env: {} }), setup });
  }

  const resource = (type: string, name: string, status?: string) => ({
    mode: 'managed',
    type,
    name,
    instances: [{ schema_version: 0, attributes: {}, ...(status ? { status } : {}) }],
  });

  test('the resources the state records, the tainted ones, and how many the stack declares', async () => {
    const runner = runnerWithState({
      version: 4,
      serial: 4,
      lineage: 'l',
      resources: [resource('aws_iam_role', 'role'), resource('aws_lambda_function', 'handler', 'tainted')],
    });
    await expect(runner.stateHeld(op)).resolves.toEqual({
      resources: ['aws_iam_role.role', 'aws_lambda_function.handler'],
      tainted: ['aws_lambda_function.handler'],
      declared: 3,
    });
  });

  test('with a plan whose file carries no prior state (a cloud run), whether the state moved is left unknown', async () => {
    const runner = runnerWithState(undefined);
    const planFile = path.join(dir, 'cloud.tfplan');
    fs.writeFileSync(planFile, JSON.stringify({ remote_plan_format: 1, run_id: 'run-1', hostname: 'app.terraform.io' }));
    const held = await runner.stateHeld(op, { stack, changes: true, text: '', summary: '', planFile });
    expect(held).toEqual({ resources: [], tainted: [], declared: 3 });
  });

  test('a state that cannot be read is an error naming the command and what it said', async () => {
    const runner = runnerWithState(undefined, 1);
    await expect(runner.stateHeld(op)).rejects.toThrow(/`terraform state pull` failed in .*api-dev \(exit 1\): locked/);
  });
});
