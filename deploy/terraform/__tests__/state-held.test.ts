import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../process';
import { declaredResources, parseState, planPriorState, sameState } from '../state-held';
import { describeWithTerraform } from './availability';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-state-held-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const instance = (extra: Record<string, unknown> = {}) => ({ schema_version: 0, attributes: { id: 'x' }, ...extra });

describe('parseState', () => {
  test('managed resources by address, each instance of a counted one; data sources and deposed copies left out; tainted ones named', () => {
    const facts = parseState(
      JSON.stringify({
        version: 4,
        serial: 7,
        lineage: 'l-1',
        resources: [
          { mode: 'managed', type: 'aws_iam_role', name: 'role', instances: [instance()] },
          { mode: 'data', type: 'aws_iam_policy_document', name: 'assume', instances: [instance()] },
          { mode: 'managed', type: 'aws_lambda_function', name: 'handler', instances: [instance({ status: 'tainted' })] },
          { mode: 'managed', type: 'aws_sqs_queue', name: 'q', instances: [instance({ index_key: 0 }), instance({ index_key: 1 })] },
          { module: 'module.api', mode: 'managed', type: 'aws_apigatewayv2_api', name: 'api', instances: [instance({ index_key: 'a' })] },
          { mode: 'managed', type: 'aws_s3_bucket', name: 'b', instances: [instance(), instance({ deposed: '00000001' })] },
        ],
      }),
    );
    expect(facts).toEqual({
      serial: 7,
      lineage: 'l-1',
      resources: [
        'aws_iam_role.role',
        'aws_lambda_function.handler',
        'aws_sqs_queue.q[0]',
        'aws_sqs_queue.q[1]',
        'module.api.aws_apigatewayv2_api.api["a"]',
        'aws_s3_bucket.b',
      ],
      tainted: ['aws_lambda_function.handler'],
    });
  });

  test('no state (`terraform state pull` prints nothing) holds nothing and has no version', () => {
    expect(parseState('\n')).toEqual({ resources: [], tainted: [] });
  });
});

describe('sameState', () => {
  const before = { serial: 3, lineage: 'l-1', resources: ['aws_iam_role.role'], tainted: [] };
  test('the same lineage and serial: nothing was written; a higher serial or another lineage: written', () => {
    expect(sameState(before, { ...before })).toBe(true);
    expect(sameState(before, { ...before, serial: 4 })).toBe(false);
    expect(sameState(before, { ...before, lineage: 'l-2' })).toBe(false);
  });
  test('still no state after a plan made from none is unchanged; no state after one that held resources is not', () => {
    expect(sameState({ resources: [], tainted: [] }, { resources: [], tainted: [] })).toBe(true);
    expect(sameState(before, { resources: [], tainted: [] })).toBe(false);
  });
});

describe('declaredResources', () => {
  test('counts the managed resources of the synthesized stack, not its data sources', () => {
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({
        data: { aws_caller_identity: { me: {} } },
        resource: { aws_iam_role: { role: {}, other: {} }, aws_lambda_function: { handler: {} } },
      }),
    );
    expect(declaredResources(dir)).toBe(3);
  });
});

describe('planPriorState', () => {
  test('a Terraform Cloud bookmark or a file that is no plan carries no prior state', async () => {
    const bookmark = path.join(dir, 'cloud.tfplan');
    fs.writeFileSync(bookmark, JSON.stringify({ remote_plan_format: 1, run_id: 'run-1', hostname: 'app.terraform.io' }));
    await expect(planPriorState(bookmark)).resolves.toBeUndefined();
    await expect(planPriorState(path.join(dir, 'missing.tfplan'))).resolves.toBeUndefined();
  });
});

// Terraform's built-in terraform_data resource: a real state and a real plan file, with no provider to install.
describeWithTerraform('planPriorState on a real plan file', { needMirror: false }, ({ terraform }) => {
  const tf = async (...args: string[]) => {
    const res = await runProcess(terraform, args, { cwd: dir, env: { ...process.env, TF_IN_AUTOMATION: '1' } });
    if (res.code !== 0) throw new Error(`terraform ${args.join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  const stack = (input: string) =>
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { a: { input: 'a' }, b: { input } } } }));

  test('the plan carries the state it was made from: the state after applying it is another; a fresh stack plans from none', async () => {
    stack('one');
    await tf('init', '-input=false', '-no-color');
    await tf('plan', '-input=false', '-no-color', '-out=first.tfplan');
    const fresh = await planPriorState(path.join(dir, 'first.tfplan'));
    expect(fresh?.resources).toEqual([]);
    expect(sameState(fresh!, parseState(await tf('state', 'pull')))).toBe(true);

    await tf('apply', '-input=false', '-no-color', 'first.tfplan');
    const applied = parseState(await tf('state', 'pull'));
    expect(applied.resources).toEqual(['terraform_data.a', 'terraform_data.b']);
    expect(sameState(fresh!, applied)).toBe(false);

    stack('two');
    await tf('plan', '-input=false', '-no-color', '-out=second.tfplan');
    const prior = await planPriorState(path.join(dir, 'second.tfplan'));
    expect(prior).toMatchObject({ serial: applied.serial, lineage: applied.lineage, resources: applied.resources });
    // Nothing applied since that plan was made: the state is the one it carries.
    expect(sameState(prior!, parseState(await tf('state', 'pull')))).toBe(true);
  }, 120_000);
});
