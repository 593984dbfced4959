import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { LOCAL_AWS_URL_VARIABLE, startLocalAwsWithGateway, type LocalAwsWithGateway } from '../../sandbox/aws/with-gateway';
import { FAST_SMOKE, SandboxConfigs } from '../../sandbox/__tests__/support';
import { deployCommand } from '../commands/deploy';
import { memoryIo } from '../io';
import { main } from '../main';

/*
 * The long-running local AWS (`npm run aws:local`'s control plane and gateway, started in-process)
 * through the CLI with real Terraform: `deploy --target local` with TOLLGATE_LOCAL_AWS_URL leaves the
 * stack deployed and served after it returns, a second deploy changes nothing, and
 * `destroy --target local` empties the control plane and deletes the Asgardeo objects.
 */
const TIMINGS: string[] = [];

describeWithTerraform('deploy and destroy --target local against a running local AWS (real Terraform)', { needMirror: true }, () => {
  let la: LocalAsgardeo;
  let local: LocalAwsWithGateway;
  let configs: SandboxConfigs;
  let configFile: string;
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    TOLLGATE_TARGET: undefined,
    ASGARDEO_BASE_URL: la.baseUrl,
    ASGARDEO_CLIENT_ID: la.admin.clientId,
    ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
    [LOCAL_AWS_URL_VARIABLE]: local.aws.endpoint,
  });
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await body();
    } finally {
      TIMINGS.push(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  const deploy = async () => {
    const io = memoryIo({ env: env(), cwd: configs.outdir });
    const code = await deployCommand(['--target', 'local', '--config', configFile, '--yes'], io, { smokeOptions: FAST_SMOKE });
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    local = await startLocalAwsWithGateway({ log: () => undefined });
    configs = new SandboxConfigs();
    configFile = configs.write();
  });
  afterAll(async () => {
    await local?.stop();
    await la?.stop();
    configs?.remove();
    console.log(`TOLLGATE_LOCAL_AWS_URL real-Terraform scenario:\n  ${TIMINGS.join('\n  ')}`);
  });

  test('deploy leaves the stack in the running local AWS, served by its gateway; a second deploy changes nothing', async () => {
    const first = await timed('first deploy (init, plan, apply, reconcile, smoke)', deploy);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`deploys the stack to the local AWS control plane at ${local.aws.endpoint} (${LOCAL_AWS_URL_VARIABLE})`);
    expect(first.out).toContain('terraform: Apply complete! Resources: 15 added, 0 changed, 0 destroyed.');
    expect(first.out).toContain('✓ Smoke test done');
    expect(first.out).not.toMatch(/✗/);

    // The deploying command has returned: the deployment is the external process's now.
    expect(local.aws.counts()).toMatchObject({ apis: 1, functions: 1, roles: 1 });
    const stateDir = path.join(configs.outdir, '.tollgate', 'local', 'cdktf.out');
    const stateFile = fs.readdirSync(stateDir).find((f) => f.endsWith('.tfstate'))!;
    expect(JSON.parse(fs.readFileSync(path.join(stateDir, stateFile), 'utf8')).resources.length).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(stateDir, `${stateFile}.local-aws.json`), 'utf8'))).toEqual({
      endpoint: local.aws.endpoint,
      instance: local.aws.instance,
    });
    const stageUrl = local.aws.snapshot().apis[0]!.stages[0]!.invokeUrl;
    expect(stageUrl.startsWith(local.gatewayUrl)).toBe(true);
    const anonymous = await fetch(`${stageUrl}/user`);
    expect(anonymous.status).toBe(401);

    la.requests.clear();
    const again = await timed('second deploy (no changes)', deploy);
    expect(again.code).toBe(0);
    expect(again.out).toContain('terraform: Plan: 0 to add, 0 to change, 0 to destroy.');
    // A plan with no changes is not handed to terraform apply (two provider starts to apply nothing).
    expect(again.out).toContain('nothing to apply: the saved plan has no changes');
    expect(again.out).not.toContain('Apply complete');
    expect(again.out).toContain('✓ Smoke test done');
    expect(la.requests.writes()).toBe(0);
    expect(local.aws.counts()).toMatchObject({ apis: 1, functions: 1 });
  }, 600_000);

  test('destroy --target local deletes the Asgardeo objects, then destroys the stack in the local AWS through Terraform', async () => {
    const io = memoryIo({ env: env(), cwd: configs.outdir });
    const code = await timed('destroy (Asgardeo, then terraform plan -destroy + apply)', () =>
      main(['destroy', '--target', 'local', '--config', configFile, '--yes'], io),
    );
    expect(io.out()).toMatch(
      /\[1\/2\] Asgardeo: delete objects owned by pharmacy-user-api-dev[\s\S]*\[2\/2\] AWS: destroy pharmacy-user-api-dev/,
    );
    expect(io.out()).toContain('terraform: Apply complete! Resources: 0 added, 0 changed, 15 destroyed.');
    expect(code).toBe(0);
    expect(local.aws.isEmpty()).toBe(true);
    expect(local.aws.counts()).toMatchObject({ apis: 0, functions: 0, roles: 0, logGroups: 0 });
    const stateDir = path.join(configs.outdir, '.tollgate', 'local', 'cdktf.out');
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'terraform.pharmacy-user-api-dev.tfstate'), 'utf8')) as {
      resources: unknown[];
    };
    expect(state.resources).toEqual([]);
    const deletes = la.requests.entries().filter((e) => e.method === 'DELETE');
    expect(deletes.length).toBeGreaterThan(0);
    // The owned objects are gone: a plan wants to create them again.
    const plan = memoryIo({ env: env(), cwd: configs.outdir });
    expect(await main(['plan', '--target', 'local', '--asgardeo-only', '--config', configFile, '--detailed-exitcode'], plan)).toBe(2);
    const answer = await fetch(`${local.gatewayUrl}/dev/user`);
    expect(answer.status).toBe(503);
  }, 300_000);
});
