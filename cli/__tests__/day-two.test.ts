import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyAsgardeo } from '../../asgardeo';
import { loadConfig } from '../../config';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { exportLine } from '../../sandbox/asgardeo/cli';
import { main } from '../main';
import { memoryIo } from '../io';
import { PHARMACY_CONFIG, PHARMACY_HANDLER } from '../../__tests__/pharmacy-fixture';

/**
 * Day two through the CLI against the local Asgardeo: every step asserts the requests and writes the
 * request log saw. STEP_COUNTS collects them for the issue-11 note (printed at the end).
 */
const IDENTIFIER = 'urn:tollgate:pharmacy:pharmacy-user-api:dev';
const STEP_COUNTS: string[] = [];

jest.setTimeout(120_000);

/** The example's shape in plain data (no users: their passwords are another issue's business). */
function baseConfig(): Record<string, unknown> {
  return {
    asgardeo: { organization: 'pharmacy' },
    aws: { region: 'us-east-1', apiName: 'pharmacy-user-api', lambda: { entry: PHARMACY_HANDLER } },
    scopes: [
      { name: 'get_pharmacy_user', displayName: 'Read pharmacy users' },
      { name: 'create_pharmacy_user' },
      { name: 'update_pharmacy_user' },
    ],
    routes: [
      { method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] },
      { method: 'POST', path: '/user', scopes: ['create_pharmacy_user'] },
      { method: 'PUT', path: '/user', scopes: ['update_pharmacy_user'] },
    ],
    apiResource: { name: 'Pharmacy User API' },
    clients: [
      { name: 'pharmacy-reader', scopes: ['get_pharmacy_user'] },
      { name: 'pharmacy-admin', scopes: ['create_pharmacy_user', 'update_pharmacy_user'] },
    ],
    roles: [{ name: 'pharmacist', audience: 'organization', scopes: ['get_pharmacy_user'] }],
    environments: { dev: {} },
  };
}

describe('day two through the CLI (local Asgardeo)', () => {
  let la: LocalAsgardeo;
  let dir: string;
  let files = 0;
  const env = (): NodeJS.ProcessEnv => ({
    ASGARDEO_CLIENT_ID: la.admin.clientId,
    ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
    ASGARDEO_BASE_URL: la.baseUrl,
  });
  /** Each configuration gets a fresh file name (require caches by path). */
  const configFile = (config: Record<string, unknown>): string => {
    const file = path.join(dir, `tollgate-${++files}.config.js`);
    fs.writeFileSync(file, `module.exports = ${JSON.stringify(config, null, 2)};\n`);
    return file;
  };
  /** A clean checkout: a directory with nothing but the configuration (no outputs, no .tollgate/). */
  const checkout = (): string => fs.mkdtempSync(path.join(dir, 'checkout-'));
  const run = async (cwd: string, ...argv: string[]) => {
    const io = memoryIo({ env: env(), cwd });
    const code = await main([...argv, '--target', 'local'], io);
    return { code, out: io.out(), err: io.err() };
  };
  /** Runs one step and records its request and write counts from the local Asgardeo's log. */
  const step = async <T>(name: string, body: () => Promise<T>): Promise<{ result: T; requests: number; writes: number }> => {
    la.requests.clear();
    const result = await body();
    const counts = { requests: la.requests.count(), writes: la.requests.writes() };
    STEP_COUNTS.push(`${name}: ${counts.requests} requests, ${counts.writes} writes`);
    return { result, ...counts };
  };
  /** A console edit (the admin's SYSTEM token), made before a step so the step's counts stay its own. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- console-style calls read arbitrary bodies
  const consoleCall = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const basic = Buffer.from(`${la.admin.clientId}:${la.admin.clientSecret}`).toString('base64');
    const tok = await fetch(`${la.baseUrl}/t/pharmacy/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials&scope=SYSTEM',
    });
    const token = ((await tok.json()) as { access_token: string }).access_token;
    const scim = p.startsWith('/scim2');
    const res = await fetch(`${la.baseUrl}/t/pharmacy${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': scim ? 'application/scim+json' : 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const writesOf = (method: string) =>
    la.requests
      .entries()
      .filter((e) => e.write && e.method === method)
      .map((e) => e.path);

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-day2-'));
  });
  afterAll(async () => {
    await la.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`day-two request/write counts:\n  ${STEP_COUNTS.join('\n  ')}`);
  });

  const dayTwoTestName =
    'runs the day-two walk: first apply, clean-checkout plan, scope change, client removal, ' +
    'identifier move, scope clash, destroy, re-apply';
  it(dayTwoTestName, async () => {
    const base = configFile(baseConfig());
    const work = checkout();

    const first = await step('first apply', () => run(work, 'apply', '--config', base));
    expect(first.result.code).toBe(0);
    expect(first.writes).toBeGreaterThan(0);

    const again = await step('apply again (nothing changed)', () => run(work, 'apply', '--config', base));
    expect(again.result.code).toBe(0);
    expect(again.writes).toBe(0);
    expect(again.result.err).toContain('Applied: 0 write(s)');

    // A pull request's plan: a clean checkout without any outputs file.
    const clean = await step('plan from a clean checkout, no outputs', () =>
      run(checkout(), 'plan', '--config', base, '--detailed-exitcode'),
    );
    expect(clean.result.code).toBe(0);
    expect(clean.result.out).toContain(`API identifier ${IDENTIFIER}`);
    expect(clean.result.out).toContain('No changes');
    expect(clean.writes).toBe(0);

    // Scope change: a new scope and the reader's set grows.
    const scoped = baseConfig();
    (scoped.scopes as object[]).push({ name: 'list_pharmacy_users' });
    (scoped.routes as object[]).push({ method: 'GET', path: '/users', scopes: ['list_pharmacy_users'] });
    (scoped.clients as { scopes: string[] }[])[0]!.scopes.push('list_pharmacy_users');
    const scopedFile = configFile(scoped);
    const scopePlan = await step('plan a scope change', () => run(work, 'plan', '--config', scopedFile, '--detailed-exitcode'));
    expect(scopePlan.result.code).toBe(2);
    expect(scopePlan.result.out).toContain(`~ api-resource ${IDENTIFIER} (update)`);
    expect(scopePlan.result.out).toContain('~ application pharmacy-reader (update)');
    expect(scopePlan.writes).toBe(0);
    const scopeApply = await step('apply a scope change', () => run(work, 'apply', '--config', scopedFile));
    expect(scopeApply.result.code).toBe(0);
    expect(writesOf('POST').filter((p) => p.endsWith('/api-resources'))).toEqual([]);
    expect(writesOf('PATCH').some((p) => /api-resources\/[^/]+$/.test(p))).toBe(true);

    // Client removed from the configuration: named in the plan with the --prune hint; --prune deletes it.
    const noAdmin: Record<string, unknown> = {
      ...scoped,
      clients: (scoped.clients as { name: string }[]).filter((c) => c.name !== 'pharmacy-admin'),
    };
    const noAdminFile = configFile(noAdmin);
    const removedPlan = await step('plan after removing a client', () => run(work, 'plan', '--config', noAdminFile));
    expect(removedPlan.result.code).toBe(0);
    expect(removedPlan.result.out).toMatch(/warning: application pharmacy-admin is owned by this stack and no longer configured.*--prune/);
    const pruned = await step('apply --prune --yes after removing a client', () =>
      run(work, 'apply', '--config', noAdminFile, '--prune', '--yes'),
    );
    expect(pruned.result.code).toBe(0);
    expect(writesOf('DELETE')).toEqual([expect.stringMatching(/\/api\/server\/v1\/applications\//)]);
    expect(pruned.writes).toBe(1);

    // Identifier change: a replacement only with --prune; without it, a conflict and zero writes.
    const moved = 'urn:tollgate:pharmacy:pharmacy-user-api-v2:dev';
    const movedFile = configFile({ ...noAdmin, apiResource: { name: 'Pharmacy User API', identifier: moved } });
    const movedApply = await step('apply an identifier change without --prune', () => run(work, 'apply', '--config', movedFile));
    expect(movedApply.result.code).toBe(1);
    expect(movedApply.result.err).toContain('apply stopped before any change');
    expect(movedApply.writes).toBe(0);
    const movedPlan = await step('plan an identifier change', () => run(work, 'plan', '--config', movedFile, '--detailed-exitcode'));
    expect(movedPlan.result.code).toBe(2);
    expect(movedPlan.result.out).toContain(`! api-resource ${IDENTIFIER} (CONFLICT)`);
    expect(movedPlan.result.out).toMatch(/another identifier than urn:tollgate:pharmacy:pharmacy-user-api-v2:dev.*--prune/);
    const movedPrune = await step('apply --prune --yes an identifier change', () =>
      run(work, 'apply', '--config', movedFile, '--prune', '--yes'),
    );
    expect(movedPrune.result.code).toBe(0);
    expect(writesOf('DELETE').filter((p) => p.includes('/api-resources/'))).toHaveLength(1);
    expect(writesOf('POST').filter((p) => p.endsWith('/api-resources'))).toHaveLength(1);
    // Back to the default identifier for the rest of the walk.
    expect((await run(work, 'apply', '--config', noAdminFile, '--prune', '--yes')).code).toBe(0);

    // Scope clash: another API resource (not ours) already holds a configured scope name.
    await consoleCall('POST', '/api/server/v1/api-resources', {
      name: 'Other API',
      identifier: 'https://other.example.com',
      scopes: [{ name: 'audit_pharmacy', displayName: 'audit' }],
    });
    const clash = { ...noAdmin, scopes: [...(noAdmin.scopes as object[]), { name: 'audit_pharmacy' }] };
    const clashFile = configFile(clash);
    const clashPlan = await step('plan a scope clash', () => run(work, 'plan', '--config', clashFile, '--detailed-exitcode'));
    expect(clashPlan.result.code).toBe(2);
    expect(clashPlan.result.out).toMatch(
      /CONFLICT[\s\S]*audit_pharmacy by API resource "Other API" \(identifier https:\/\/other.example.com\)/,
    );
    const clashApply = await step('apply a scope clash', () => run(work, 'apply', '--config', clashFile));
    expect(clashApply.result.code).toBe(1);
    expect(clashApply.writes).toBe(0);

    // Console edits: a role gains another API's scope, an app's description changes. destroy from a
    // clean checkout (no outputs) with a token that may only delete: no PATCH before a DELETE.
    const roles = await consoleCall('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`);
    const roleId = roles.body.Resources[0].id as string;
    await consoleCall('PATCH', `/scim2/v2/Roles/${roleId}`, {
      Operations: [{ op: 'add', path: 'permissions', value: [{ value: 'audit_pharmacy' }] }],
    });
    const apps = await consoleCall('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-reader')}`);
    await consoleCall('PATCH', `/api/server/v1/applications/${apps.body.applications[0].id}`, {
      description: 'edited in the console [tollgate:pharmacy-user-api-dev]',
    });
    const destroyed = await step('destroy from a clean checkout after console edits', () =>
      run(checkout(), 'destroy', '--config', noAdminFile, '--yes'),
    );
    expect(destroyed.result.code).toBe(0);
    expect(la.requests.entries().filter((e) => e.write && e.method !== 'DELETE')).toEqual([]);
    expect(destroyed.writes).toBe(3);
    const left = await consoleCall('GET', `/scim2/v2/Roles?filter=${encodeURIComponent('displayName eq pharmacist')}`);
    expect(left.body.totalResults ?? left.body.Resources?.length ?? 0).toBe(0);
    const leftApps = await consoleCall('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-reader')}`);
    expect(leftApps.body.applications ?? []).toEqual([]);

    const reapply = await step('apply again on the destroyed organization (no --adopt)', () => run(work, 'apply', '--config', noAdminFile));
    expect(reapply.result.code).toBe(0);
    expect(reapply.result.out).not.toContain('CONFLICT');
  });

  it('deploy, then redeploy (the local gateway gets a new port, so a new invoke URL): zero Asgardeo writes', async () => {
    const config = {
      ...baseConfig(),
      aws: { region: 'us-east-1', apiName: 'deploy-walk-api', lambda: { entry: PHARMACY_HANDLER } },
    };
    const renamed = JSON.parse(
      JSON.stringify(config)
        .replace(/pharmacy_user/g, 'walk_user')
        .replace(/pharmacy-(reader|admin)/g, 'walk-$1')
        .replace(/"pharmacist"/g, '"walker"'),
    );
    const file = configFile(renamed);
    const work = checkout();
    const first = await step('deploy --target local', () => run(work, 'deploy', '--config', file, '--yes'));
    expect(first.result.err + first.result.out).not.toMatch(/failed/i);
    expect(first.result.code).toBe(0);
    const saved = path.join(work, '.tollgate', 'deploy-walk-api-dev.outputs.json');
    const url1 = JSON.stringify(JSON.parse(fs.readFileSync(saved, 'utf8')));
    const second = await step('redeploy --target local (new gateway port)', () => run(work, 'deploy', '--config', file, '--yes'));
    expect(second.result.code).toBe(0);
    expect(JSON.stringify(JSON.parse(fs.readFileSync(saved, 'utf8')))).not.toBe(url1);
    expect(second.writes).toBe(0);
    // plan and apply read the file deploy wrote (one resolver), and agree.
    const plan = await step("plan after the redeploy (reads the deploy's outputs)", () =>
      run(work, 'plan', '--config', file, '--detailed-exitcode'),
    );
    expect(plan.result.code).toBe(0);
  });

  it(
    "redeploy of the example's test users to a local Asgardeo that outlives the command: " +
      'no new password is printed or tried, the line says how to sign in as that user, and with it the user signs in',
    async () => {
      // Its own organization: the example's names would clash with the walk's objects above.
      const own = await startLocalAsgardeo({ organization: 'pharmacy' });
      try {
        const ownEnv = {
          ASGARDEO_CLIENT_ID: own.admin.clientId,
          ASGARDEO_CLIENT_SECRET: own.admin.clientSecret,
          ASGARDEO_BASE_URL: own.baseUrl,
        };
        const work = checkout();
        const deploy = async (extra: NodeJS.ProcessEnv = {}) => {
          own.requests.clear();
          const io = memoryIo({ env: { ...ownEnv, ...extra }, cwd: work });
          const code = await main(['deploy', '--target', 'local', '--config', PHARMACY_CONFIG, '--yes'], io);
          return { code, out: io.out(), err: io.err(), writes: own.requests.writes() };
        };
        const first = await deploy();
        expect(first.code).toBe(0);
        const kimPassword = /Test user kim@gmail\.com: password (\S+) \(generated for this run, set when this run created the user/.exec(
          first.out,
        )?.[1];
        expect(kimPassword).toMatch(/^Aa1!/);
        expect(first.out).toContain(
          '✓ GET /user as kim@gmail.com through pharmacy-demo (role grants get_pharmacy_user): 200 {"message":"Welcome Kim!"}',
        );

        const second = await deploy();
        expect(second.code).toBe(0);
        expect(second.writes).toBe(0);
        expect(second.out).not.toContain(kimPassword!);
        expect(second.out).not.toMatch(/Test user \S+: password/);
        expect(second.out).toContain(
          'Test user kim@gmail.com: already in Asgardeo, with the password the run that created the user printed; ' +
            'export TOLLGATE_USER_KIM_PASSWORD=<that password> to sign in as kim@gmail.com here',
        );
        expect(second.out).not.toMatch(/✗/);
        expect(second.out).toContain('not tried: user kim@gmail.com: $TOLLGATE_USER_KIM_PASSWORD is not set');

        const third = await deploy({ TOLLGATE_USER_KIM_PASSWORD: kimPassword });
        expect(third.code).toBe(0);
        expect(third.writes).toBe(0);
        expect(third.out).toContain(
          '✓ GET /user as kim@gmail.com through pharmacy-demo (role grants get_pharmacy_user): 200 {"message":"Welcome Kim!"}',
        );
      } finally {
        await own.stop();
      }
    },
  );

  it('the export line asgardeo:local prints is complete: with only it, plan works (no other variable, no flag)', async () => {
    const line = exportLine(la.baseUrl, la.admin, false);
    expect(line).toMatch(/^export TOLLGATE_TARGET=local ASGARDEO_BASE_URL=\S+ ASGARDEO_CLIENT_ID=\S+ ASGARDEO_CLIENT_SECRET=\S+$/);
    const vars = Object.fromEntries(
      line
        .replace(/^export /, '')
        .split(' ')
        .map((kv) => kv.split('=', 2) as [string, string]),
    );
    const io = memoryIo({ env: vars, cwd: checkout() });
    expect(await main(['plan', '--config', configFile(baseConfig())], io)).toBe(0);
    expect(io.out()).toContain(`API identifier ${IDENTIFIER}`);
  });

  it('two environments in one organization: distinct names converge; clashing names are refused before any write', async () => {
    const distinct = baseConfig();
    const staging = {
      scopes: [{ name: 'get_pharmacy_user_stg' }, { name: 'create_pharmacy_user_stg' }, { name: 'update_pharmacy_user_stg' }],
      routes: [
        { method: 'GET', path: '/user', scopes: ['get_pharmacy_user_stg'] },
        { method: 'POST', path: '/user', scopes: ['create_pharmacy_user_stg'] },
        { method: 'PUT', path: '/user', scopes: ['update_pharmacy_user_stg'] },
      ],
      clients: [
        { name: 'pharmacy-reader-stg', scopes: ['get_pharmacy_user_stg'] },
        { name: 'pharmacy-admin-stg', scopes: ['create_pharmacy_user_stg', 'update_pharmacy_user_stg'] },
      ],
      roles: [{ name: 'pharmacist-stg', audience: 'organization', scopes: ['get_pharmacy_user_stg'] }],
    };
    const file = configFile({ ...distinct, environments: { dev: {}, staging } });
    const work = checkout();
    expect((await run(work, 'apply', '--config', file, '--env', 'dev')).code).toBe(0);
    const stg = await step('apply a second environment with distinct names', () =>
      run(work, 'apply', '--config', file, '--env', 'staging'),
    );
    expect(stg.result.code).toBe(0);
    for (const e of ['dev', 'staging']) {
      const p = await step(`plan ${e} after both applied`, () => run(work, 'plan', '--config', file, '--env', e, '--detailed-exitcode'));
      expect(p.result.code).toBe(0);
      expect(p.writes).toBe(0);
    }
    const clashing = configFile({ ...distinct, environments: { dev: {}, qa: {} } });
    const qa = await step('apply a second environment with clashing names', () => run(work, 'apply', '--config', clashing, '--env', 'qa'));
    expect(qa.result.code).toBe(1);
    expect(qa.result.err).toContain('apply stopped before any change');
    expect(qa.writes).toBe(0);
  });

  it('a 90-second 429 window: the run waits (saying so), within the retry budget, and succeeds', async () => {
    // Names of its own, so the run under the 429 window has writes to make.
    const own = JSON.parse(
      JSON.stringify({ ...baseConfig(), aws: { ...(baseConfig().aws as object), apiName: 'paced-api' } })
        .replace(/pharmacy_user/g, 'paced_user')
        .replace(/pharmacy-(reader|admin)/g, 'paced-$1')
        .replace(/"pharmacist"/g, '"pacer"'),
    );
    const config = loadConfig({ file: configFile(own), asgardeoBaseUrl: la.baseUrl, target: 'local', environment: {} });
    let clock = 0;
    const waits: string[] = [];
    la.faults.failNext(3, 429, { retryAfterSeconds: 30 });
    const r = await step('apply through a 90 s 429 window (injected clock)', () =>
      applyAsgardeo({
        config,
        credentials: la.admin,
        env: {},
        progress: (l) => waits.push(l),
        transport: {
          now: () => clock,
          sleep: async (ms) => {
            clock += ms;
          },
          pacing: false,
        },
      }),
    );
    expect(clock).toBe(90_000);
    expect(waits.filter((l) => l.includes('got 429 (rate limited); waiting 30.0 s'))).toHaveLength(3);
    expect(la.requests.entries().filter((e) => e.status === 429)).toHaveLength(3);
    // The count is what the server accepted, not the refused attempts.
    expect(r.result.stats.writes).toBeGreaterThan(0);
    expect(r.result.stats.writes).toBe(la.requests.entries().filter((e) => e.write && e.status < 300).length);

    // A window longer than the budget fails, naming the budget.
    la.faults.failNext(5, 429, { retryAfterSeconds: 30 });
    clock = 0;
    const err = await applyAsgardeo({
      config,
      credentials: la.admin,
      env: {},
      transport: { now: () => clock, sleep: async (ms) => void (clock += ms), pacing: false, retryBudgetMs: 60_000 },
    }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/retry budget 60 s/);
    la.faults.reset();
  });
});
