import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { startLocalAwsWithGateway, LOCAL_AWS_URL_VARIABLE, type LocalAwsWithGateway } from '../../sandbox/aws/with-gateway';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { FAST_SMOKE, SandboxConfigs } from '../../sandbox/__tests__/support';
import { settleLocalState } from '../../sandbox/local/external-aws';
import { TestAwsClient } from '../../sandbox/aws/__tests__/client';
import { deployCommand } from '../commands/deploy';
import { memoryIo } from '../io';
import { main } from '../main';

/*
 * `deploy --target local` and `destroy --target local` through the CLI against a running local AWS (as
 * `npm run aws:local` serves it: control plane and gateway, started in-process), with real Terraform;
 * an interrupted deploy never loses Terraform state. One stack through all of it, in order: tollgate
 * killed (SIGKILL) the moment the control plane created the function, and the next deploy converging;
 * the stack left deployed and served after the command returned; Ctrl-C during plan and during apply;
 * two deploys at once, then one with nothing to change; a lost state (issue 27: the plan finds every
 * object it would create, the deploy refuses before either side writes, `--adopt` imports them); then
 * an edit made in AWS, the one change of the next deploy's saved plan, which puts it back; the refusal
 * to deploy to a restarted control plane, lifted by following its own advice (a destroy, which deletes
 * the Asgardeo objects and then the stack). The control plane's hook (awaited after an operation
 * succeeded, before its answer) marks the moments, never a timer. A plan made stale, swapped or foreign,
 * and a stack folder changed while the plan is shown, are refused or ignored by the same runner:
 * deploy/__tests__/terraform-runner.test.ts.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STACK = 'pharmacy-user-api-dev';

/** Processes (terraform, its providers) whose working folder is under `dir`: none may be left. */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describeWithTerraform('an interrupted deploy never loses Terraform state (real Terraform, running local AWS)', { needMirror: true }, () => {
  let la: LocalAsgardeo;
  let local: LocalAwsWithGateway;
  let configs: SandboxConfigs;
  let configFile: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    TOLLGATE_TARGET: undefined,
    ASGARDEO_BASE_URL: la.baseUrl,
    ASGARDEO_CLIENT_ID: la.admin.clientId,
    ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
    [LOCAL_AWS_URL_VARIABLE]: local.aws.endpoint,
    ...extra,
  });
  const stateDir = () => path.join(configs.outdir, '.tollgate', 'local', 'cdktf.out');
  /** Written by each init tollgate runs in the stack folder (and only then). */
  const initMarker = () => path.join(stateDir(), 'stacks', STACK, '.terraform', 'tollgate-init.key');
  /** The configuration with one more scope for a client: the lost-state test deploys it, the console-edit test keeps it. */
  let wider = '';
  const stateFile = () => path.join(stateDir(), `terraform.${STACK}.tfstate`);
  const stateResources = () => (JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as { resources: { type: string }[] }).resources;
  const deploy = async (o: { file?: string; signal?: AbortSignal; extra?: NodeJS.ProcessEnv; adopt?: boolean } = {}) => {
    const io = memoryIo({ env: env(o.extra), cwd: configs.outdir, ...(o.signal ? { signal: o.signal } : {}) });
    const args = ['--target', 'local', '--config', o.file ?? configFile, '--yes', ...(o.adopt ? ['--adopt'] : [])];
    const code = await deployCommand(args, io, { smokeOptions: FAST_SMOKE });
    return { code, out: io.out(), err: io.err() };
  };
  /**
   * Runs `action` once the control plane has done `operation`, before it answers (the answer waits
   * for the action); resolves when the moment came.
   */
  const when = (operation: string, action: () => Promise<void> | void) =>
    new Promise<void>((resolve) => {
      local.aws.onServed(async (_service, op) => {
        if (op !== operation) return;
        local.aws.onServed(undefined);
        resolve();
        await action();
      });
    });

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    local = await startLocalAwsWithGateway({ log: () => undefined });
    configs = new SandboxConfigs();
    configFile = configs.write();
  });
  afterEach(() => local.aws.onServed(undefined));
  afterAll(async () => {
    await local?.stop();
    await la?.stop();
    configs?.remove();
  });

  test('tollgate killed (SIGKILL) when the function was created: Terraform saves it; the next deploy converges quickly', async () => {
    // A killed process removes none of its temporary folders: its temporary folder is one the test removes (configs.remove).
    const tmp = path.join(configs.outdir, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'tollgate.js'), 'deploy', '--target', 'local', '--config', configFile, '--yes'],
      {
        cwd: configs.outdir,
        env: { ...env(), TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let printed = '';
    child.stdout.on('data', (c: Buffer) => (printed += c.toString()));
    child.stderr.on('data', (c: Buffer) => (printed += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const killed = when('CreateFunction', async () => {
      child.kill('SIGKILL');
      await exited;
    });
    await Promise.race([killed, exited.then(() => Promise.reject(new Error(`tollgate ended before CreateFunction:\n${printed}`)))]);
    expect(await exited).toBe('SIGKILL');
    expect(local.aws.counts()).toMatchObject({ functions: 1 });

    // The next deploy waits for the state lock of the Terraform that outlived tollgate, then finds it all recorded.
    const t0 = performance.now();
    const next = await deploy();
    const seconds = (performance.now() - t0) / 1000;
    expect(next.err).toBe('');
    expect(next.code).toBe(0);
    expect(next.out).toContain(`deploys the stack to the local AWS control plane at ${local.aws.endpoint} (${LOCAL_AWS_URL_VARIABLE})`);
    expect(next.out).toContain('terraform: Plan: 0 to add, 0 to change, 0 to destroy.');
    expect(next.out).toContain('✓ Smoke test done');
    expect(next.out).not.toMatch(/✗/);
    expect(seconds).toBeLessThan(150);
    expect(stateResources().some((r) => r.type === 'aws_lambda_function')).toBe(true);
    expect(processesUnder(configs.outdir)).toEqual([]);
    // This project commits no lock file: the init, with the lock file it wrote, is recorded, so later runs skip it.
    expect(fs.existsSync(initMarker())).toBe(true);
  }, 600_000);

  test('the deploying command has returned: the stack stays in the running local AWS, served by its gateway', async () => {
    expect(local.aws.counts()).toMatchObject({ apis: 1, functions: 1, roles: 1 });
    expect(stateResources().length).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(stateDir(), `terraform.${STACK}.tfstate.local-aws.json`), 'utf8'))).toEqual({
      endpoint: local.aws.endpoint,
      instance: local.aws.instance,
    });
    const stageUrl = local.aws.snapshot().apis[0]!.stages[0]!.invokeUrl;
    expect(stageUrl.startsWith(local.gatewayUrl)).toBe(true);
    expect((await fetch(`${stageUrl}/user`)).status).toBe(401);
  });

  test('Ctrl-C during plan: exit 130, "interrupted", nothing changed', async () => {
    const controller = new AbortController();
    const revision = local.aws.revision();
    const initialized = fs.statSync(initMarker()).mtimeMs;
    // The plan refreshes the function: interrupt while it reads.
    void when('GetFunction', () => controller.abort(new Error('interrupted (Ctrl-C)')));
    const run = await deploy({ signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.err).toMatch(/interrupted/);
    expect(run.err).not.toMatch(/credentials/);
    expect(local.aws.revision()).toBe(revision);
    expect(processesUnder(configs.outdir)).toEqual([]);
    expect(fs.statSync(initMarker()).mtimeMs).toBe(initialized);
  }, 300_000);

  test('Ctrl-C during apply: exit 130, "interrupted", the state keeps what was written; the rerun converges', async () => {
    const bigger = configs.write((c) => ((c.aws as { lambda: { memoryMb?: number } }).lambda.memoryMb = 512));
    const controller = new AbortController();
    void when('UpdateFunctionConfiguration', () => controller.abort(new Error('interrupted (Ctrl-C)')));
    const run = await deploy({ file: bigger, signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.err).toMatch(/^tollgate deploy: interrupted/);
    expect(run.err).toContain('What is applied now:');
    // Each side's line states facts. Terraform, asked to stop during the function's update, finishes that
    // call; with nothing left to do its apply completes, and the interrupt stops the step after it.
    const step = /deploy failed at step "(\w+)"/.exec(run.err)?.[1];
    if (step === 'aws')
      expect(run.err).toMatch(/\n {2}AWS: +Terraform's state holds 15 of the stack's 15 resources; rerun deploy to converge\n/);
    else expect(run.err).toMatch(/\n {2}AWS: +deployed pharmacy-user-api-dev \(outputs in /);
    expect(run.err).toMatch(
      /\n {2}Asgardeo: (applied \(nothing needed writing\)|nothing written \(the apply stopped before its first write)/,
    );
    expect(run.err).not.toContain('partially');
    expect(run.err).not.toMatch(/credentials/);
    const rerun = await deploy({ file: bigger });
    expect(rerun.code).toBe(0);
    expect(rerun.out).toContain('✓ Smoke test done');
    expect(local.aws.snapshot().functions[0]!.memorySize).toBe(512);
  }, 600_000);

  test('two deploys at once: the second fails on the state lock with the right advice; a third converges with 0 changes', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const paused = when('UpdateFunctionConfiguration', () => released);
    const smaller = configs.write((c) => ((c.aws as { lambda: { memoryMb?: number } }).lambda.memoryMb = 256));
    const first = deploy({ file: smaller });
    await paused;
    // The first deploy's apply is held inside UpdateFunctionConfiguration, with the state locked.
    const second = await deploy({ extra: { TOLLGATE_LOCK_TIMEOUT: '0s' } });
    release();
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/could not lock the state .*terraform\.pharmacy-user-api-dev\.tfstate: a Terraform apply/);
    expect(second.err).toMatch(/lock ID [0-9a-f-]{36}/);
    expect(second.err).toContain('what to do: wait for that run to finish and rerun');
    expect(second.err).toContain('terraform force-unlock');
    expect(second.err).not.toMatch(/credentials/);
    const done = await first;
    expect(done.code).toBe(0);

    // Day two: nothing to change on either side. A plan with no changes is not handed to terraform
    // apply (two provider starts to apply nothing), and the Asgardeo side writes nothing.
    la.requests.clear();
    const third = await deploy({ file: smaller });
    expect(third.code).toBe(0);
    expect(third.out).toContain('terraform: Plan: 0 to add, 0 to change, 0 to destroy.');
    expect(third.out).toContain('nothing to apply: the saved plan has no changes');
    expect(third.out).not.toContain('Apply complete');
    expect(third.out).toContain('✓ Smoke test done');
    expect(la.requests.writes()).toBe(0);
    expect(local.aws.counts()).toMatchObject({ apis: 1, functions: 1 });
  }, 600_000);

  test('a lost state: the plan finds what exists, deploy refuses with nothing written on either side, --adopt imports it', async () => {
    // The state is lost (a deleted file, a wiped runner) while the stack stays deployed; meanwhile the
    // configuration gives a client one more scope, so the Asgardeo plan has a write that must not happen.
    const deployed = local.aws.snapshot();
    fs.rmSync(stateFile());
    wider = configs.write((c) => {
      c.clients[0].scopes = ['get_pharmacy_user', 'update_pharmacy_user'];
    });
    la.requests.clear();
    const refused = await deploy({ file: wider });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("the AWS plan creates 15 resources whose objects already exist in AWS but are not in Terraform's state");
    expect(refused.err).toContain('aws_lambda_function.handler_function_EDBDF687: Lambda function pharmacy-user-api-dev-handler');
    expect(refused.err).toMatch(/aws_iam_role\.handler_role_\w+: IAM role pharmacy-user-api-dev-handler-\w+ \(name prefix/);
    expect(refused.err).toMatch(/aws_apigatewayv2_route\.http-api_route-GET-2Fuser_\w+: route GET \/user of HTTP API /);
    expect(refused.err).toMatch(/adopt them: `npx tollgate deploy [^`]*--adopt`/);
    // Both plans were made and shown before the refusal; the Asgardeo plan had a change and made no write.
    expect(refused.out).toContain('AWS: Terraform plan (Plan: 15 to add, 0 to change, 0 to destroy.)');
    expect(refused.out).toContain('Asgardeo: plan (Plan: 0 to create, 1 to update, 0 to delete)');
    expect(la.requests.writes()).toBe(0);
    expect(local.aws.snapshot()).toEqual(deployed);
    expect(fs.existsSync(stateFile()) ? stateResources() : []).toEqual([]);

    const adopted = await deploy({ file: wider, adopt: true });
    expect(adopted.code).toBe(0);
    // Nothing created; the function is updated in place: its code archive is not something an import can read back.
    // (The local target's CLI shows plan summaries; the per-object adoption lines: deploy/adopt/__tests__/report.test.ts.)
    expect(adopted.out).toMatch(/Terraform plan \(Plan: 15 to import, 0 to add, 1 to change, 0 to destroy\.\)/);
    expect(adopted.out).toContain('✓ Smoke test done');
    // Imported, not created again: one of each, the same API.
    expect(local.aws.counts()).toMatchObject({ functions: 1, roles: 1, apis: 1 });
    expect(local.aws.snapshot().apis.map((a) => a.apiId)).toEqual(deployed.apis.map((a) => a.apiId));
    expect(stateResources()).toHaveLength(15);
    expect(la.requests.writes()).toBeGreaterThan(0);
  }, 600_000);

  test('after the adoption, an edit in AWS (the console raised the memory): the saved plan puts back only that', async () => {
    const edit = await new TestAwsClient(local.aws.endpoint).rest('lambda', 'PUT', `/2015-03-31/functions/${STACK}-handler/configuration`, {
      MemorySize: 512,
    });
    expect(edit.status).toBe(200);
    expect(local.aws.snapshot().functions.map((f) => f.memorySize)).toEqual([512]);
    const served = local.aws.requests.entries().length;
    la.requests.clear();
    const run = await deploy({ file: wider });
    expect(run.code).toBe(0);
    // Day two after --adopt: the adopted stack converged, so the edit is the plan's one change, and Asgardeo has none.
    expect(run.out).toMatch(/Terraform plan \(Plan: 0 to add, 1 to change, 0 to destroy\.\), saved to .*tollgate\.tfplan/);
    expect(run.out).toMatch(/Asgardeo: plan \((No changes|no changes)/);
    expect(la.requests.writes()).toBe(0);
    // No import blocks any more, and no AWS call to look for objects: the provider's refresh reads them by ID;
    // the adoption lookups (a list of every API, every role) are absent.
    const stack = JSON.parse(fs.readFileSync(path.join(stateDir(), 'stacks', STACK, 'cdk.tf.json'), 'utf8')) as object;
    expect(stack).not.toHaveProperty('import');
    const lookups = local.aws.requests
      .entries()
      .slice(served)
      .filter((e) => e.operation === 'GetApis' || e.operation === 'ListRoles');
    expect(lookups).toEqual([]);
    expect(run.out).toContain('✓ Smoke test done');
    expect(local.aws.snapshot().functions.map((f) => f.memorySize)).toEqual([256]);
    // Exactly the planned change reached AWS: the function's configuration, nothing else written.
    const writes = local.aws.requests
      .entries()
      .slice(served)
      .map((e) => e.operation)
      .filter((operation) => /^(Create|Update|Delete|Put|Tag|Untag|Add|Remove|Attach|Detach)/.test(operation));
    expect([...new Set(writes)]).toEqual(['UpdateFunctionConfiguration']);
    // The applied plan file is gone (it cannot be applied twice); the outputs file names the API.
    expect(fs.existsSync(path.join(stateDir(), 'stacks', STACK, 'tollgate.tfplan'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(configs.outdir, '.tollgate', `${STACK}.outputs.json`), 'utf8'))).toHaveProperty([
      STACK,
      'api_id',
    ]);
  }, 300_000);

  test('a restarted control plane: the refusal names the live one; following its advice (destroy there) lifts it', async () => {
    const restarted = await startLocalAwsWithGateway({ log: () => undefined });
    try {
      const refused = await deploy({ extra: { [LOCAL_AWS_URL_VARIABLE]: restarted.aws.endpoint } });
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`belongs to the local AWS control plane still running at ${local.aws.endpoint}`);
      const advice = /(TOLLGATE_LOCAL_AWS_URL=\S+) npx tollgate destroy --target local --yes/.exec(refused.err);
      expect(advice?.[1]).toBe(`${LOCAL_AWS_URL_VARIABLE}=${local.aws.endpoint}`);

      // The advice, followed: destroy against the control plane that holds the deployment.
      la.requests.clear();
      const io = memoryIo({ env: env(), cwd: configs.outdir });
      expect(await main(['destroy', '--target', 'local', '--config', configFile, '--yes'], io)).toBe(0);
      expect(io.out()).toMatch(
        /\[1\/2\] Asgardeo: delete objects owned by pharmacy-user-api-dev[\s\S]*\[2\/2\] AWS: destroy pharmacy-user-api-dev/,
      );
      expect(io.out()).toContain('terraform: Apply complete! Resources: 0 added, 0 changed, 15 destroyed.');
      expect(local.aws.isEmpty()).toBe(true);
      expect(local.aws.counts()).toMatchObject({ apis: 0, functions: 0, roles: 0, logGroups: 0 });
      expect(stateResources()).toEqual([]);
      expect(la.requests.entries().filter((e) => e.method === 'DELETE').length).toBeGreaterThan(0);
      // The owned Asgardeo objects are gone: a plan wants to create them again; the gateway serves nothing.
      const plan = memoryIo({ env: env(), cwd: configs.outdir });
      expect(await main(['plan', '--target', 'local', '--asgardeo-only', '--config', configFile, '--detailed-exitcode'], plan)).toBe(2);
      expect((await fetch(`${local.gatewayUrl}/dev/user`)).status).toBe(503);
      expect(fs.existsSync(path.join(stateDir(), `terraform.${STACK}.tfstate.local-aws.json`))).toBe(false);
      expect(processesUnder(configs.outdir)).toEqual([]);

      // The refusal is lifted: what a deploy to the restarted control plane checks before its init passes now.
      const live = { endpoint: restarted.aws.endpoint, instance: restarted.aws.instance };
      await expect(settleLocalState({ stateDir: stateDir(), stack: STACK, live })).resolves.toBeUndefined();
    } finally {
      await restarted.stop();
    }
  }, 600_000);
});
