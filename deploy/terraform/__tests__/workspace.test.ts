/**
 * TerraformWorkspace against the real `terraform`: the whole day-two cycle on a stack of
 * `terraform_data` resources (built into Terraform, so no provider and no AWS is needed), and the
 * init failures a user can cause, each with its cause and fix.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformError } from '../errors';
import { setupTerraform, type TerraformSetup } from '../locate';
import { OFFLINE_OVERRIDE_FILE } from '../offline';
import { TerraformWorkspace } from '../workspace';
import { planStack } from '../plan-stack';
import { describeWithTerraform } from './availability';

jest.setTimeout(120_000);

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A stack folder like cdktf writes: cdk.tf.json with a local backend in the same folder. */
function writeStack(dir: string, resources: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): void {
  const doc = {
    terraform: { backend: { local: { path: path.join(dir, 'terraform.tfstate') } }, ...((extra.terraform as object) ?? {}) },
    ...(Object.keys(resources).length ? { resource: { terraform_data: resources } } : {}),
    output: { first: { value: '${terraform_data.a.output}' } },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'terraform')),
  };
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
}

const AWS_REQUIRED = (version: string) => ({
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } },
  provider: { aws: [{ region: 'us-east-1' }] },
});

/** A loopback port nothing listens on: connecting there fails at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<TerraformError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TerraformError);
    return err as TerraformError;
  }
  throw new Error('expected a TerraformError');
}

describeWithTerraform('TerraformWorkspace with the real terraform (built-in resources, no provider)', { needMirror: false }, () => {
  let setup: TerraformSetup;
  beforeAll(async () => {
    setup = await setupTerraform({ useMirror: false });
  });
  afterAll(() => setup?.dispose());

  it('plans, applies exactly the saved plan, and reads every kind of change from the JSON plan', async () => {
    const dir = tempDir('tollgate-ws-');
    writeStack(dir, { a: { input: 'one', triggers_replace: 't1' }, b: { input: 'x' } });
    const ws = new TerraformWorkspace(setup, { stackDir: dir });
    await ws.init();
    expect(await ws.validate()).toEqual([]);

    const first = await ws.show(await ws.plan());
    expect(first.resourceChanges.map((r) => [r.address, r.action])).toEqual([
      ['terraform_data.a', 'create'],
      ['terraform_data.b', 'create'],
    ]);
    expect(first.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, forget: 0 });
    expect(first.hasChanges).toBe(true);
    expect(first.outputChanges).toEqual([{ name: 'first', action: 'create' }]);

    const saved = await ws.plan();
    await ws.apply(saved);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toHaveLength(2);

    // Rerun with nothing changed: no-ops only.
    const rerun = await ws.show(await ws.plan());
    expect(rerun.hasChanges).toBe(false);
    expect(rerun.resourceChanges.map((r) => r.action)).toEqual(['no-op', 'no-op']);

    // A change: update in place, replace, removal and addition.
    writeStack(dir, { a: { input: 'two', triggers_replace: 't2' }, c: { input: 'x' } });
    const changedSaved = await ws.plan();
    const changed = await ws.show(changedSaved);
    // plan -json's events name the same changes as the JSON plan file.
    expect([...changedSaved.events!.changes].map((c) => [c.address, c.action]).sort()).toEqual(
      changed.resourceChanges
        .filter((r) => r.action !== 'no-op')
        .map((r) => [r.address, r.action])
        .sort(),
    );
    expect(changedSaved.events!.summary).toEqual({ add: 2, change: 0, import: 0, remove: 2 });
    expect(changedSaved.events!.outputs).toEqual([{ name: 'first', action: 'update' }]);
    const byAddress = Object.fromEntries(changed.resourceChanges.map((r) => [r.address, r]));
    expect(byAddress['terraform_data.a']).toMatchObject({
      action: 'replace',
      createBeforeDestroy: false,
      reason: 'replace_because_cannot_update',
      replacePaths: [['triggers_replace']],
    });
    expect(byAddress['terraform_data.b']).toMatchObject({ action: 'delete', reason: 'delete_because_no_resource_config' });
    expect(byAddress['terraform_data.c']).toMatchObject({ action: 'create' });
    expect(changed.summary).toEqual({ create: 1, update: 0, replace: 1, delete: 1, forget: 0 });

    writeStack(dir, { a: { input: 'three', triggers_replace: 't1' }, b: { input: 'x' } });
    const inPlace = await ws.show(await ws.plan({ out: 'in-place.tfplan' }));
    expect(inPlace.resourceChanges.map((r) => [r.address, r.action])).toEqual([
      ['terraform_data.a', 'update'],
      ['terraform_data.b', 'no-op'],
    ]);

    // Destroy.
    const destroy = await ws.show(await ws.plan({ destroy: true }));
    expect(destroy.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 2, forget: 0 });
  });

  it('refuses a saved plan that is stale: what was approved is what runs, or nothing', async () => {
    const dir = tempDir('tollgate-ws-stale-');
    writeStack(dir, { a: { input: 'one' } });
    const ws = new TerraformWorkspace(setup, { stackDir: dir });
    await ws.init();
    const older = await ws.plan({ out: 'older.tfplan' });
    const newer = await ws.plan({ out: 'newer.tfplan' });
    await ws.apply(newer);
    const err = await failure(ws.apply(older));
    expect(err.failure).toBe('stale-plan');
    expect(err.message).toMatch(/stale/i);
    expect(err.fix).toMatch(/plan again/);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toHaveLength(1);
  });

  it('validate names each error with its place', async () => {
    const dir = tempDir('tollgate-ws-invalid-');
    writeStack(dir, { a: { input: 'one', no_such_argument: true } });
    const ws = new TerraformWorkspace(setup, { stackDir: dir });
    await ws.init();
    const err = await failure(ws.validate());
    expect(err.message).toMatch(/terraform validate found 1 error/);
    expect(err.detail).toMatch(/no_such_argument/);
    expect(err.detail).toMatch(/cdk\.tf\.json:\d+/);
    // plan finds the same error itself; its message comes from plan -json's diagnostics, not its text.
    const planErr = await failure(ws.plan());
    expect(planErr.failure).toBe('command');
    expect(planErr.detail).toMatch(/^Error: Extraneous JSON object property/);
    expect(planErr.detail).toMatch(/no_such_argument/);
    expect(planErr.detail).not.toMatch(/"@level"/);
  });

  it('a real (not offline) plan removes offline settings a crashed run left behind', async () => {
    const dir = tempDir('tollgate-ws-leftover-');
    writeStack(dir, { a: { input: 'one' } });
    const ws = new TerraformWorkspace(setup, { stackDir: dir });
    await ws.init();
    fs.writeFileSync(path.join(dir, OFFLINE_OVERRIDE_FILE), '{"provider":{"aws":{"access_key":"x"}}}');
    const saved = await ws.plan();
    expect(saved.offline).toBe(false);
    expect(fs.existsSync(path.join(dir, OFFLINE_OVERRIDE_FILE))).toBe(false);
  });

  it('refuses an offline plan for a Terraform Cloud stack before running anything', async () => {
    const dir = tempDir('tollgate-ws-cloud-');
    writeStack(dir, { a: { input: 'one' } });
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    doc.terraform = { cloud: { organization: 'acme', workspaces: { name: 'pharmacy-dev' } } };
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc));
    const ws = new TerraformWorkspace(setup, { stackDir: dir });
    expect(ws.backend()).toBe('cloud');
    const err = await failure(ws.plan({ offline: {} }));
    expect(err.problem).toMatch(/Terraform Cloud/);
    expect(err.fix).toMatch(/TF_CLOUD_ORGANIZATION/);
    expect(fs.existsSync(path.join(dir, OFFLINE_OVERRIDE_FILE))).toBe(false);
  });

  it('planStack: init, validate, plan and the typed plan in one call; the saved plan applies', async () => {
    const dir = tempDir('tollgate-ws-planstack-');
    writeStack(dir, { a: { input: 'one' } });
    // validate: true stops on an invalid configuration before any plan file exists.
    writeStack(dir, { a: { input: 'one', bogus: 1 } });
    await expect(planStack({ setup, stackDir: dir, validate: true })).rejects.toThrow(/terraform validate found 1 error/);
    expect(fs.existsSync(path.join(dir, 'tollgate.tfplan'))).toBe(false);
    writeStack(dir, { a: { input: 'one' } });
    const output: string[] = [];
    const result = await planStack({ setup, stackDir: dir, validate: true, onOutput: (t) => output.push(t) });
    expect(result.plan?.summary.create).toBe(1);
    expect(result.saved.file).toBe(path.join(dir, 'tollgate.tfplan'));
    const printed = output.join('');
    expect(printed).toMatch(/^Terraform \d+\.\d+\.\d+\n/);
    expect(printed).toMatch(/Initializing the backend/);
    expect(printed).not.toMatch(/"@level"/);
    expect(printed).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
    await result.workspace.apply(result.saved);
    expect((await planStack({ setup, stackDir: dir }))?.plan?.hasChanges).toBe(false);
    // Without show: the addresses and actions from plan -json only.
    writeStack(dir, { a: { input: 'two' } });
    const quick = await planStack({ setup, stackDir: dir, show: false });
    expect(quick.plan).toBeUndefined();
    expect(quick.saved.events?.changes).toEqual([{ address: 'terraform_data.a', type: 'terraform_data', action: 'update' }]);
    expect(quick.saved.events?.hasChanges).toBe(true);
  });

  it('refuses a folder that is not a synthesized stack', () => {
    expect(() => new TerraformWorkspace(setup, { stackDir: tempDir('tollgate-ws-empty-') })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/no cdk\.tf\.json/), hint: expect.stringMatching(/^synthesize/) }),
    );
  });

  it('without a mirror and without the registry: names the registry as the cause and the mirror variable as a fix', async () => {
    const dir = tempDir('tollgate-ws-noreg-');
    writeStack(dir, { a: { input: 'one' } }, AWS_REQUIRED('>= 5.100, < 7'));
    const proxy = `http://127.0.0.1:${await closedPort()}`;
    const offlineSetup = await setupTerraform({
      useMirror: false,
      env: { ...process.env, HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: '' },
    });
    try {
      const err = await failure(new TerraformWorkspace(offlineSetup, { stackDir: dir }).init());
      expect(err.failure).toBe('provider-install');
      expect(err.problem).toMatch(/registry\.terraform\.io/);
      expect(err.fix).toMatch(/TOLLGATE_TF_PROVIDER_MIRROR/);
      expect(err.detail).toMatch(/Failed to query available provider packages/);
    } finally {
      offlineSetup.dispose();
    }
  });

  it('a read-only lock file that does not exist stops before terraform runs', async () => {
    const dir = tempDir('tollgate-ws-nolock-');
    writeStack(dir, { a: { input: 'one' } });
    const err = await failure(
      new TerraformWorkspace(setup, { stackDir: dir, lockFile: { path: path.join(dir, 'missing.lock.hcl'), mode: 'readonly' } }).init(),
    );
    expect(err.failure).toBe('lock-file');
    expect(err.fix).toMatch(/update mode/);
    expect(fs.existsSync(path.join(dir, '.terraform'))).toBe(false);
  });
});

describeWithTerraform('TerraformWorkspace init against the provider mirror', { needMirror: true }, () => {
  let setup: TerraformSetup;
  beforeAll(async () => {
    setup = await setupTerraform();
  });
  afterAll(() => setup?.dispose());

  it('a constraint the mirror cannot satisfy: names the mirror, its versions and the fixes', async () => {
    const dir = tempDir('tollgate-ws-pin-');
    writeStack(dir, { a: { input: 'one' } }, AWS_REQUIRED('6.25.0'));
    const err = await failure(new TerraformWorkspace(setup, { stackDir: dir }).init());
    expect(err.failure).toBe('provider-install');
    expect(err.problem).toContain(setup.mirror!.path);
    expect(err.problem).toContain(setup.mirror!.awsVersions[0]!);
    expect(err.fix).toMatch(/TOLLGATE_AWS_PROVIDER_VERSION/);
    expect(err.detail).toMatch(/no available releases match the given constraints 6\.25\.0/);
  });

  it('update mode writes the lock file back; read-only mode then accepts it and rejects a tampered one', async () => {
    const dir = tempDir('tollgate-ws-lock-');
    writeStack(dir, { a: { input: 'one' } }, AWS_REQUIRED('>= 5.100, < 7'));
    const lockPath = path.join(tempDir('tollgate-ws-lockfile-'), '.terraform.lock.hcl');
    const created = await new TerraformWorkspace(setup, { stackDir: dir, lockFile: { path: lockPath, mode: 'update' } }).init();
    expect(created.lockFileUpdated).toBe(true);
    expect(created.awsVersion).toBe(setup.mirror!.awsVersions[0]);
    expect(fs.readFileSync(lockPath, 'utf8')).toContain(`version     = "${setup.mirror!.awsVersions[0]}"`);

    const again = await new TerraformWorkspace(setup, { stackDir: dir, lockFile: { path: lockPath, mode: 'readonly' } }).init();
    expect(again.lockFileUpdated).toBe(false);

    fs.writeFileSync(
      lockPath,
      fs.readFileSync(lockPath, 'utf8').replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'),
    );
    fs.rmSync(path.join(dir, '.terraform'), { recursive: true, force: true });
    const err = await failure(new TerraformWorkspace(setup, { stackDir: dir, lockFile: { path: lockPath, mode: 'readonly' } }).init());
    expect(err.failure).toBe('lock-file');
    expect(err.problem).toContain(lockPath);
    expect(err.fix).toMatch(/terraform providers lock -platform=/);
    expect(err.detail).toMatch(/checksums/);
  });
});
