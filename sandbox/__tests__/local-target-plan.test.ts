import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStepError } from '../../deploy';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { changeFunctionMemory } from '../../deploy/__tests__/helpers';
import { localTerraformWorld, type LocalTerraformWorld } from './local-terraform-world';

/*
 * The local target runs the one Terraform runner a cloud deploy runs: the pipeline shows the saved
 * plan, and the apply is of exactly that file; a plan made stale by a state change, or swapped after
 * it was shown, is refused before anything is applied.
 */
describeWithTerraform('the local target through the one Terraform runner', { needMirror: true }, () => {
  let world: LocalTerraformWorld;
  beforeAll(async () => {
    world = await localTerraformWorld('tollgate-local-plan-');
  }, 60_000);
  afterAll(() => world?.close(), 120_000);

  test('deploy shows the saved plan and applies exactly that file, even when the stack changes while it is shown', async () => {
    const { config, runner, target } = world;
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
    expect(shown).toMatch(/Terraform plan \(Plan: 15 to add, 0 to change, 0 to destroy\.\), saved to .*tollgate\.tfplan/);
    expect(target.controlPlane!.snapshot().functions.map((f) => f.memorySize)).toEqual([256]);
    // The applied plan file is gone (it cannot be applied twice); the gateway serves what was deployed.
    expect(fs.existsSync(path.join(runner.stackDir(config.stackName), 'tollgate.tfplan'))).toBe(false);
    expect(result.outputs.stageInvokeUrl).toBe(target.gateway!.stageInvokeUrl);
    expect((await fetch(`${result.outputs.stageInvokeUrl}/user`)).status).toBe(401);
    expect(JSON.parse(fs.readFileSync(result.outputsFile, 'utf8'))).toHaveProperty([config.stackName, 'api_id']);
  }, 300_000);

  test('a plan made stale by a state change is refused by Terraform; a plan swapped after it was shown is refused too', async () => {
    const { config, runner, target, workdir, outdir, op } = world;
    // The init the deploy ran still holds (same backend, provider constraint, lock file, Terraform): the plan skips it.
    const initMarker = path.join(runner.stackDir(config.stackName), '.terraform', 'tollgate-init.key');
    const initialized = fs.statSync(initMarker).mtimeMs;
    const stale = await runner.plan(op());
    expect(fs.statSync(initMarker).mtimeMs).toBe(initialized);
    const before = target.controlPlane!.snapshot();
    const address = (await workdir.run(['state', 'list'])).stdout.split('\n').find((a) => a.startsWith('aws_cloudwatch_log_group.'))!;
    expect((await workdir.run(['state', 'rm', address])).code).toBe(0);
    const err = await runner.apply(stale, op()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerraformStepError);
    expect((err as Error).message).toMatch(/stale/i);
    expect(target.controlPlane!.snapshot()).toEqual(before);

    const swapped = await runner.plan(op());
    fs.appendFileSync(swapped.planFile!, 'x');
    await expect(runner.apply(swapped, op())).rejects.toThrow('changed after it was shown');
    await expect(runner.apply({ ...swapped, planFile: path.join(outdir, 'foreign.tfplan') }, op())).rejects.toThrow(
      'was not made by this run',
    );
    expect(target.controlPlane!.snapshot()).toEqual(before);
  }, 300_000);
});
