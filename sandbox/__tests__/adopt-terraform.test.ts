import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { localTerraformWorld, type LocalTerraformWorld } from './local-terraform-world';

/*
 * Issue 27, "adopt what exists but is not in state", on the local target through the one Terraform
 * runner a cloud deploy runs: the stack is deployed, Terraform's state is lost; the plan finds every
 * object it would create in the control plane, the deploy refuses before either side writes and names
 * the command that adopts them; `deploy --adopt` imports them (no second copy is created), the next
 * plan has no changes and no import blocks, and destroy leaves the control plane empty.
 */
describeWithTerraform('adopting AWS objects that exist but are not in Terraform state', { needMirror: true }, () => {
  let world: LocalTerraformWorld;
  beforeAll(async () => {
    world = await localTerraformWorld('tollgate-adopt-');
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

    await runner.destroy(op());
    expect(plane().isEmpty()).toBe(true);
  }, 600_000);
});
