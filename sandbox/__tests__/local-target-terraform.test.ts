import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { changeFunctionMemory } from '../../deploy/__tests__/helpers';
import { TestAwsClient } from '../aws/__tests__/client';
import { localTerraformWorld, type LocalTerraformWorld } from './local-terraform-world';

/*
 * The local target through the one Terraform runner a cloud deploy runs, one stack through its life, in
 * order (each step starts from what the one before left):
 * 1. Issue 27, "adopt what exists but is not in state": the AWS side is deployed and its state lost; the
 *    plan finds every object it would create, the deploy refuses before either side writes and names
 *    the command that adopts them; `deploy --adopt` imports them, and the next plan has no changes.
 * 2. A change made in AWS (a console edit): the deploy shows its saved plan and applies exactly that
 *    file, even when the stack changes while the plan is shown.
 * 3. Destroy leaves the control plane empty.
 * A plan made stale, swapped or foreign is refused by the same runner: deploy/__tests__/terraform-runner.test.ts.
 */
describeWithTerraform('the local target through the one Terraform runner: adopt, the saved plan, destroy', { needMirror: true }, () => {
  let world: LocalTerraformWorld;
  beforeAll(async () => {
    world = await localTerraformWorld('tollgate-local-target-');
  }, 60_000);
  afterAll(() => world?.close(), 180_000);

  const stateList = async () => (await world.workdir.run(['state', 'list'])).stdout.split('\n').filter(Boolean);
  const plane = () => world.target.controlPlane!;

  test('a lost state: the plan finds what exists, deploy refuses with nothing written, --adopt imports it and converges', async () => {
    const { asgardeo, config, outdir, runner, op, deploy } = world;
    // The AWS side alone, then its state is lost (a killed run, a deleted file).
    await runner.apply(await runner.plan(op()), op());
    const deployed = plane().snapshot();
    expect(plane().counts()).toMatchObject({ functions: 1, roles: 1, apis: 1 });
    fs.rmSync(path.join(outdir, `terraform.${config.stackName}.tfstate`));

    let out = '';
    const refused = await deploy({}, (t) => (out += t)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    const message = (refused as UserError).message;
    expect(message).toContain("the AWS plan creates 15 resources whose objects already exist in AWS but are not in Terraform's state");
    expect(message).toContain('aws_lambda_function.handler_function_EDBDF687: Lambda function pharmacy-user-api-dev-handler');
    expect(message).toMatch(/aws_iam_role\.handler_role_\w+: IAM role pharmacy-user-api-dev-handler-\w+ \(name prefix/);
    expect(message).toMatch(/aws_apigatewayv2_route\.http-api_route-GET-2Fuser_\w+: route GET \/user of HTTP API /);
    expect(message).toContain('adopt them: `npx tollgate deploy --env dev --adopt`');
    // Shown in the plan too, before the refusal.
    expect(out).toContain('15 resources this plan creates already exist in AWS');
    // Nothing written on either side: the Asgardeo plan had objects to create and wrote none.
    expect(out).toMatch(/Asgardeo: plan \(Plan: \d+ to create/);
    expect(asgardeo.requests.writes()).toBe(0);
    expect(plane().snapshot()).toEqual(deployed);
    expect(await stateList()).toEqual([]);

    out = '';
    await deploy({ adopt: true }, (t) => (out += t));
    // Nothing created; the function is updated in place: its code archive is not something an import can read back.
    expect(out).toMatch(/Terraform plan \(Plan: 15 to import, 0 to add, 1 to change, 0 to destroy\.\)/);
    expect(out).toMatch(/~ +update +aws_lambda_function\.handler_function_EDBDF687/);
    expect(out).toContain('<-  aws_lambda_function.handler_function_EDBDF687: Lambda function pharmacy-user-api-dev-handler');
    // Imported, not created again: one of each, the same API.
    expect(plane().counts()).toMatchObject({ functions: 1, roles: 1, apis: 1 });
    expect(
      plane()
        .snapshot()
        .apis.map((a) => a.apiId),
    ).toEqual(deployed.apis.map((a) => a.apiId));
    expect((await stateList()).length).toBe(15);
    expect(asgardeo.requests.writes()).toBeGreaterThan(0);

    // Day two: the rerun converges, with no import blocks and no AWS call to look for objects.
    const before = plane().requests.entries().length;
    const rerun = await runner.plan(op());
    expect(rerun.changes).toBe(false);
    expect(rerun.adoption).toBeUndefined();
    const stack = JSON.parse(fs.readFileSync(path.join(runner.stackDir(config.stackName), 'cdk.tf.json'), 'utf8')) as object;
    expect(stack).not.toHaveProperty('import');
    const lookups = plane()
      .requests.entries()
      .slice(before)
      .filter((e) => /^(GetApis|ListRoles|GetAuthorizers|GetIntegrations|GetRoutes|DescribeLogGroups|GetPolicy)$/.test(e.operation));
    // The provider's refresh reads some of these too, by ID; the adoption lookups (a list of every API, every role) are absent.
    expect(lookups.filter((e) => e.operation === 'GetApis' || e.operation === 'ListRoles')).toEqual([]);
  }, 600_000);

  test('an edit in AWS: deploy shows its saved plan and applies exactly that file, even if the stack changes meanwhile', async () => {
    const { config, runner, target } = world;
    // A console edit: the function's memory raised by hand. The plan puts it back to the configuration's 256.
    const edit = await new TestAwsClient(plane().endpoint).rest(
      'lambda',
      'PUT',
      `/2015-03-31/functions/${config.stackName}-handler/configuration`,
      { MemorySize: 512 },
    );
    expect(edit.status).toBe(200);
    expect(
      plane()
        .snapshot()
        .functions.map((f) => f.memorySize),
    ).toEqual([512]);
    const stackFile = path.join(runner.stackDir(config.stackName), 'cdk.tf.json');
    let out = '';
    let shown = '';
    const result = await world.deploy(
      {
        yes: false,
        interactive: true,
        prompt: async () => {
          shown = out;
          changeFunctionMemory(stackFile, 1024);
          return 'yes';
        },
      },
      (t) => (out += t),
    );
    expect(shown).toContain('[2/4] Plan: AWS and Asgardeo, at once');
    expect(shown).not.toContain('[3/4]');
    expect(out).toContain('[3/4] Stack: Terraform apply to the local AWS control plane (local target) + Asgardeo: reconcile, at once');
    expect(shown).toMatch(/Terraform plan \(Plan: 0 to add, 1 to change, 0 to destroy\.\), saved to .*tollgate\.tfplan/);
    expect(target.controlPlane!.snapshot().functions.map((f) => f.memorySize)).toEqual([256]);
    // The applied plan file is gone (it cannot be applied twice); the gateway serves what was deployed.
    expect(fs.existsSync(path.join(runner.stackDir(config.stackName), 'tollgate.tfplan'))).toBe(false);
    expect(result.outputs.stageInvokeUrl).toBe(target.gateway!.stageInvokeUrl);
    expect((await fetch(`${result.outputs.stageInvokeUrl}/user`)).status).toBe(401);
    expect(JSON.parse(fs.readFileSync(result.outputsFile, 'utf8'))).toHaveProperty([config.stackName, 'api_id']);
  }, 300_000);

  test('destroy leaves the control plane empty', async () => {
    await world.runner.destroy(world.op());
    expect(plane().isEmpty()).toBe(true);
  }, 300_000);
});
