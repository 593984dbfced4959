import * as fs from 'node:fs';
import * as path from 'node:path';
import { managementScopesFor } from '../../asgardeo';
import { loadConfig, type ResolvedConfig } from '../../config';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { memoryIo } from '../../cli/io';
import { deployCommand } from '../../cli/commands/deploy';
import { GatewayRunner } from '../../sandbox/local/gateway-runner';
import { DeployError, runDeploy, type DeployOptions } from '../pipeline';
import { runDestroy } from '../destroy';
import { planExitCode, renderPlanReport, runPlan } from '../plan-report';
import { reconcilerSide } from '../reconciler-side';
import type { InfraPlan, StackOperation } from '../infra-runner';
import { tmpDir } from './helpers';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

/**
 * The pipeline end to end with the real reconciler against the local Asgardeo, and the smoke test
 * against the local gateway serving the synthesized stack (GatewayRunner, the `--target local`
 * runner without Terraform). Only Terraform is replaced.
 */
const fastTransport = { backoff: { baseMs: 2, capMs: 10 }, pacing: false as const };

let asgardeo: LocalAsgardeo;
let config: ResolvedConfig;
let runner: GatewayRunner & { calls: string[] };
let work: string;

beforeAll(async () => {
  asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
  config = loadConfig({
    file: PHARMACY_CONFIG,
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: asgardeo.baseUrl,
    environment: {},
  });
  work = tmpDir();
  runner = localRunner(config, path.join(work, 'cdktf.out'));
});
/** The production local runner, with a call log for the assertions on order. */
function localRunner(cfg: ResolvedConfig, outdir: string): GatewayRunner & { calls: string[] } {
  const r = Object.assign(new GatewayRunner({ config: () => cfg, outdir, log: () => undefined }), { calls: [] as string[] });
  const apply = r.apply.bind(r);
  r.apply = (plan: InfraPlan, o: StackOperation) => (r.calls.push(`apply ${o.stack}`), apply(plan, o));
  const destroy = r.destroy.bind(r);
  r.destroy = (o: StackOperation) => (r.calls.push(`destroy ${o.stack}`), destroy(o));
  return r;
}

const afterAllStops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of afterAllStops) await stop();
  await runner?.close();
  await asgardeo?.stop();
});

function deployOptions(env: NodeJS.ProcessEnv, overrides: Partial<DeployOptions> = {}): DeployOptions & { output: () => string } {
  let out = '';
  return {
    loadConfig: () => config,
    runner,
    side: reconcilerSide({ env, transport: fastTransport }),
    env,
    cwd: work,
    // As the CLI passes for the local target: nothing outside this machine changes, so no approval is asked.
    yes: true,
    interactive: false,
    prompt: async () => 'no',
    smoke: true,
    resumeCommand: (from) => `tollgate deploy --target local${from ? ` --from ${from}` : ''}`,
    write: (t) => (out += t),
    smokeOptions: { retries: 0 },
    ...overrides,
    output: () => out,
  };
}

/** A client-credentials token of the local Asgardeo's admin client, for console-style edits the test makes itself. */
async function clientToken(la: LocalAsgardeo, scope: string): Promise<string> {
  const res = await fetch(`${la.baseUrl}/t/${la.organization}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${la.admin.clientId}:${la.admin.clientSecret}`).toString('base64')}`,
    },
    body: `grant_type=client_credentials&scope=${scope}`,
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const adminEnv = () => ({ ASGARDEO_CLIENT_ID: asgardeo.admin.clientId, ASGARDEO_CLIENT_SECRET: asgardeo.admin.clientSecret });

describe('deploy against the local Asgardeo and the local gateway', () => {
  test('admin credentials lacking management scopes fail preflight, naming each scope, before any write', async () => {
    asgardeo.addManagementClient({
      clientId: 'weak-admin',
      clientSecret: 'weak-secret',
      scopes: ['internal_api_resource_view', 'internal_application_mgt_view'],
    });
    const o = deployOptions({ ASGARDEO_CLIENT_ID: 'weak-admin', ASGARDEO_CLIENT_SECRET: 'weak-secret' });
    const writesBefore = asgardeo.requests.writes();
    const err = (await runDeploy(o).catch((e: unknown) => e)) as DeployError;
    expect(err).toBeInstanceOf(DeployError);
    expect(err.step).toBe('preflight');
    expect(err.message).toContain('internal_application_mgt_create');
    expect(err.message).toContain('internal_role_mgt_create');
    expect(err.message).not.toContain('weak-secret');
    expect(asgardeo.requests.writes()).toBe(writesBefore);
    expect(runner.calls).toEqual([]);
  });

  test('an admin holding every scope but the client-secret view fails preflight naming that scope and why, before any write', async () => {
    const SECRET_VIEW = 'internal_application_mgt_client_secret_view';
    const needed = managementScopesFor(config);
    expect(needed).toContain(SECRET_VIEW);
    asgardeo.addManagementClient({
      clientId: 'no-secret-view-admin',
      clientSecret: 'no-secret-view-secret',
      scopes: needed.filter((s) => s !== SECRET_VIEW),
    });
    const o = deployOptions({ ASGARDEO_CLIENT_ID: 'no-secret-view-admin', ASGARDEO_CLIENT_SECRET: 'no-secret-view-secret' });
    const writesBefore = asgardeo.requests.writes();
    const err = (await runDeploy(o).catch((e: unknown) => e)) as DeployError;
    expect(err).toBeInstanceOf(DeployError);
    expect(err.step).toBe('preflight');
    expect(err.message).toContain(
      `${SECRET_VIEW} (Application Management API; the smoke test and \`npx tollgate token\` read a client's secret`,
    );
    expect(err.message).not.toContain('internal_role_mgt_create');
    expect(err.message).not.toContain('no-secret-view-secret');
    expect(asgardeo.requests.writes()).toBe(writesBefore);
    expect(runner.calls).toEqual([]);
  });

  test('plan before the first deploy: changes on both sides, exit code 2, the access matrix', async () => {
    const side = reconcilerSide({ env: adminEnv(), transport: fastTransport });
    const report = await runPlan({ config, runner, side, credentials: asgardeo.admin, stackDir: runner.stackDir(config.stackName) });
    expect(planExitCode(report, true)).toBe(2);
    expect(report.problems).toEqual([]);
    expect(report.boundary.find((b) => b.name === 'issuer')).toMatchObject({ status: 'ok' });
    const md = renderPlanReport(report, 'markdown');
    expect(md).toContain('| `GET /user` | get_pharmacy_user | pharmacy-reader (get_pharmacy_user) |');
  });

  test('deploys, reconciles and passes the smoke test; a second deploy converges with no Asgardeo writes', async () => {
    const o = deployOptions(adminEnv());
    const result = await runDeploy(o);
    expect(result.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(result.outputs.issuer).toBe(asgardeo.issuer);
    const checks = result.smoke!.checks.map((c) => `${c.route} | ${c.caller} | ${c.got.split(' [')[0]}`);
    expect(checks).toEqual([
      'GET /user | no token | 401 {"message":"Unauthorized"}',
      'GET /user | token of pharmacy-admin (lacks get_pharmacy_user) | 403 {"message":"Forbidden"}',
      'GET /user | token of pharmacy-reader (get_pharmacy_user; a client token names no user, so the greeting is "User") | ' +
        '200 {"message":"Welcome User!"}',
      'POST /user | no token | 401 {"message":"Unauthorized"}',
      'POST /user | token of pharmacy-reader (lacks create_pharmacy_user) | 403 {"message":"Forbidden"}',
      expect.stringMatching(/^POST \/user \| token of pharmacy-admin \(create_pharmacy_user\) \| 200/),
      'PUT /user | no token | 401 {"message":"Unauthorized"}',
      'PUT /user | token of pharmacy-reader (lacks update_pharmacy_user) | 403 {"message":"Forbidden"}',
      expect.stringMatching(/^PUT \/user \| token of pharmacy-admin \(update_pharmacy_user\) \| 200/),
      // The example's test users, signed in app-native with passwords generated for this local run.
      'GET /user | kim@gmail.com through pharmacy-demo (role grants get_pharmacy_user) | 200 {"message":"Welcome Kim!"}',
      'POST /user | kim@gmail.com through pharmacy-demo (no role grants create_pharmacy_user) | 403 {"message":"Forbidden"}',
      'PUT /user | kim@gmail.com through pharmacy-demo (no role grants update_pharmacy_user) | 403 {"message":"Forbidden"}',
      'GET /user | lee@example.com through pharmacy-demo (no role grants get_pharmacy_user) | 403 {"message":"Forbidden"}',
      'POST /user | lee@example.com through pharmacy-demo (no role grants create_pharmacy_user) | 403 {"message":"Forbidden"}',
      'PUT /user | lee@example.com through pharmacy-demo (no role grants update_pharmacy_user) | 403 {"message":"Forbidden"}',
    ]);
    expect(o.output()).not.toContain(asgardeo.admin.clientSecret);
    // Each generated password is printed once (the run's one-time print), nowhere else.
    const kimPassword = /Test user kim@gmail\.com: password (\S+)/.exec(o.output())![1]!;
    expect(o.output().split(kimPassword).length - 1).toBe(1);

    const writes = asgardeo.requests.writes();
    const again = await runDeploy(deployOptions(adminEnv(), { smoke: false }));
    expect(again.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'skipped']);
    expect(asgardeo.requests.writes()).toBe(writes);
  });

  test('an Asgardeo outage mid-apply stops at the asgardeo step; --from asgardeo converges', async () => {
    // A fresh organization so the apply has writes to do.
    const other = await startLocalAsgardeo({ organization: 'pharmacy' });
    const cfg = loadConfig({
      file: PHARMACY_CONFIG,
      env: 'dev',
      target: 'local',
      asgardeoBaseUrl: other.baseUrl,
      environment: {},
    });
    const r = localRunner(cfg, path.join(tmpDir(), 'cdktf.out'));
    const env = { ASGARDEO_CLIENT_ID: other.admin.clientId, ASGARDEO_CLIENT_SECRET: other.admin.clientSecret };
    try {
      const side = reconcilerSide({ env, transport: { ...fastTransport, maxAttempts: 2 } });
      let failedOnce = false;
      const flaky = {
        ...side,
        apply: async (s: Parameters<typeof side.apply>[0]) => {
          if (!failedOnce) {
            failedOnce = true;
            // Enough 503s to outlast the retries of the first write.
            other.faults.failNext(50, 503);
          }
          return side.apply(s);
        },
      };
      const err = (await runDeploy(deployOptions(env, { loadConfig: () => cfg, runner: r, side: flaky })).catch(
        (e: unknown) => e,
      )) as DeployError;
      expect(err).toBeInstanceOf(DeployError);
      expect(err.step).toBe('asgardeo');
      expect(err.message).toContain('HTTP 503');
      expect(err.state.aws).toMatchObject({ kind: 'deployed', stack: 'pharmacy-user-api-dev' });
      expect(err.resume).toContain('tollgate deploy --target local --from asgardeo');

      other.faults.reset();
      const result = await runDeploy(deployOptions(env, { loadConfig: () => cfg, runner: r, side: flaky, from: 'asgardeo' }));
      expect(result.steps.map((s) => s.status)).toEqual(['done', 'done', 'skipped', 'done', 'done']);
      expect(result.smoke!.checks.every((c) => c.ok)).toBe(true);
      expect(r.calls.filter((c) => c.startsWith('apply'))).toHaveLength(1);
    } finally {
      await r.close();
      await other.stop();
    }
  });

  test('an apply cut off mid-way reports exactly the writes the organization received; one that sent none, "nothing written"', async () => {
    const other = await startLocalAsgardeo({ organization: 'pharmacy' });
    const cfg = loadConfig({ file: PHARMACY_CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: other.baseUrl, environment: {} });
    const r = localRunner(cfg, path.join(tmpDir(), 'cdktf.out'));
    const env = { ASGARDEO_CLIENT_ID: other.admin.clientId, ASGARDEO_CLIENT_SECRET: other.admin.clientSecret };
    /** A deploy whose Asgardeo connection fails each write from number `cut` on (the writes of one phase run at once). */
    const cutFrom = async (cut: number) => {
      let sent = 0;
      const beforeWrite = () => {
        if (++sent >= cut) throw new Error(`connection cut before write ${sent} (test)`);
      };
      const side = reconcilerSide({ env, transport: { ...fastTransport, beforeWrite } });
      const writesBefore = other.requests.writes();
      const o = deployOptions(env, { loadConfig: () => cfg, runner: r, side, smoke: false });
      const err = (await runDeploy(o).catch((e: unknown) => e)) as DeployError;
      expect(err).toBeInstanceOf(DeployError);
      expect(err.step).toBe('asgardeo');
      return { err, received: other.requests.writes() - writesBefore };
    };
    try {
      const none = await cutFrom(1);
      expect(none.received).toBe(0);
      expect(none.err.state.asgardeo).toEqual({ kind: 'not-written' });
      expect(none.err.message).toContain('Asgardeo: nothing written (the apply stopped before its first write');

      const some = await cutFrom(3);
      expect(some.received).toBe(2);
      expect(some.err.state.asgardeo).toMatchObject({ kind: 'partial', writes: 2, unanswered: 0 });
      expect(some.err.message).toMatch(
        /Asgardeo: partially applied: 2 writes accepted before the failure; last progress before the failure: /,
      );
    } finally {
      await r.close();
      await other.stop();
    }
  });

  test('the organization changes between plan and approval: the Asgardeo apply is refused, nothing written; rerun converges', async () => {
    const other = await startLocalAsgardeo({ organization: 'pharmacy' });
    const cfg = loadConfig({
      file: PHARMACY_CONFIG,
      env: 'dev',
      target: 'local',
      asgardeoBaseUrl: other.baseUrl,
      environment: {},
    });
    const r = localRunner(cfg, path.join(tmpDir(), 'cdktf.out'));
    const env = { ASGARDEO_CLIENT_ID: other.admin.clientId, ASGARDEO_CLIENT_SECRET: other.admin.clientSecret };
    // Someone creates, in the console, an application the plan was going to create; then the deploy is approved.
    let writesAfterApproval = 0;
    let consoleApp = '';
    const consoleEdit = async (): Promise<string> => {
      const token = await clientToken(other, 'internal_application_mgt_create');
      const res = await fetch(`${other.baseUrl}/t/pharmacy/api/server/v1/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'pharmacy-reader', inboundProtocolConfiguration: { oidc: { grantTypes: ['client_credentials'] } } }),
      });
      expect(res.status).toBe(201);
      consoleApp = res.headers.get('location') ?? '';
      writesAfterApproval = other.requests.writes();
      return 'yes';
    };
    try {
      const o = deployOptions(env, { loadConfig: () => cfg, runner: r, yes: false, interactive: true, prompt: consoleEdit, smoke: false });
      const err = (await runDeploy(o).catch((e: unknown) => e)) as DeployError;
      expect(err).toBeInstanceOf(DeployError);
      expect(err.step).toBe('asgardeo');
      expect(err.message).toContain('the Asgardeo organization "pharmacy" changed after the plan was shown');
      expect(err.message).toContain('application pharmacy-reader: planned create, now conflict');
      expect(err.state.asgardeo).toEqual({ kind: 'refused', reason: 'the organization changed after the plan was shown' });
      // The request log: nothing was written after the approval (the console's own write came before it).
      expect(other.requests.writes()).toBe(writesAfterApproval);
      // The AWS side applied its own approved plan; the summary says so, and the resume plans Asgardeo again.
      expect(err.state.aws).toMatchObject({ kind: 'deployed' });
      expect(err.resume).toContain('tollgate deploy --target local --from asgardeo');

      // The rerun shows the conflict in its plan and stops before the question, writing nothing.
      const asked: string[] = [];
      const yes = async (q: string) => (asked.push(q), 'yes');
      const again = (await runDeploy({ ...o, from: 'asgardeo', prompt: yes }).catch((e: unknown) => e)) as DeployError;
      expect(again.step).toBe('plan');
      expect(again.message).toContain('the plan for pharmacy-user-api-dev has 1 conflict(s)');
      expect(other.requests.writes()).toBe(writesAfterApproval);
      expect(asked).toEqual([]);
      // With the console's application gone, the resumed deploy shows its plan, asks once and converges.
      const del = await fetch(consoleApp, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await clientToken(other, 'internal_application_mgt_delete')}` },
      });
      expect(del.status).toBe(204);
      const done = await runDeploy({ ...o, from: 'asgardeo', prompt: yes, smoke: true });
      expect(asked).toHaveLength(1);
      expect(done.steps.map((x) => x.status)).toEqual(['done', 'done', 'skipped', 'done', 'done']);
      expect(done.smoke!.checks.every((c) => c.ok)).toBe(true);
    } finally {
      await r.close();
      await other.stop();
    }
  });

  test('destroy deletes the owned Asgardeo objects, then the stack', async () => {
    const side = reconcilerSide({ env: adminEnv(), transport: fastTransport });
    const order: string[] = [];
    const traced = { ...side, destroy: async (s: Parameters<typeof side.destroy>[0]) => (order.push('asgardeo'), side.destroy(s)) };
    const before = runner.calls.length;
    await runDestroy({
      config,
      runner: undefined,
      noAwsSide: 'local target: the gateway that served it stopped with its process',
      side: traced,
      credentials: asgardeo.admin,
      yes: true,
      interactive: false,
      prompt: async () => 'no',
      command: 'tollgate destroy',
      write: () => undefined,
    });
    expect(order).toEqual(['asgardeo']);
    // The local target has no AWS stack to destroy; the Asgardeo side is gone: a plan wants to create everything again.
    expect(runner.calls.slice(before)).toEqual([]);
    const plan = await side.plan({ config, credentials: asgardeo.admin });
    expect(side.renderPlan(plan, 'text')).toMatch(/create/i);
    expect(side.planHasChanges(plan)).toBe(true);
  });

  test('`tollgate deploy --target local` runs the whole pipeline with the local gateway, serving until the command ends', async () => {
    const cwd = tmpDir();
    const fresh = await startLocalAsgardeo({ organization: 'pharmacy' });
    afterAllStops.push(() => fresh.stop());
    const io = memoryIo({
      env: { ASGARDEO_CLIENT_ID: fresh.admin.clientId, ASGARDEO_CLIENT_SECRET: fresh.admin.clientSecret, ASGARDEO_BASE_URL: fresh.baseUrl },
      cwd,
    });
    let during: number | undefined;
    let url = '';
    const code = await deployCommand(['--target', 'local', '--env', 'dev', '--config', PHARMACY_CONFIG], io, {
      onDeployed: async (result) => {
        url = `${result.outputs.stageInvokeUrl}/user`;
        during = (await fetch(url)).status;
      },
    });
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain(
      '✓ GET /user with token of pharmacy-reader (get_pharmacy_user; a client token names no user, so the greeting is "User"): ' +
        '200 {"message":"Welcome User!"}',
    );
    expect(io.out()).toContain('- AWS credentials: local target');
    expect(io.out()).toContain('[3/4] Stack: local gateway (local target) + Asgardeo: reconcile, at once');
    expect(during).toBe(401);
    await expect(fetch(url)).rejects.toThrow();
    expect(fs.existsSync(path.join(cwd, '.tollgate', 'local', 'cdktf.out', 'stacks', 'pharmacy-user-api-dev', 'cdk.tf.json'))).toBe(true);
  });
});
