import * as net from 'node:net';
import { memoryIo } from '../../cli/io';
import { main as tollgate } from '../../cli/main';
import { runSandbox, startAsgardeoOnPreferredPort } from '../local';
import { FAST_SMOKE, REPO_ROOT, SandboxConfigs } from './support';

/* `npm start` as a function: flags, what it prints, the commands it prints, failures and shutdown. */
let configs: SandboxConfigs;

beforeAll(() => {
  configs = new SandboxConfigs();
});
afterAll(() => configs?.remove());

const io = () => memoryIo({ env: {}, cwd: REPO_ROOT });
const baseFlags = () => ['--asgardeo-port', '0', '--outdir', configs.outdir];

async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  );
}

test('serving: the printed commands work against the running sandbox, and everything stops afterwards', async () => {
  const out = io();
  let stage = '';
  let asgardeoUrl = '';
  const code = await runSandbox(['--config', configs.write(), ...baseFlags()], out, {
    smokeOptions: FAST_SMOKE,
    serveUntil: async (sandbox) => {
      stage = sandbox.stageInvokeUrl;
      asgardeoUrl = sandbox.asgardeo.baseUrl;
      const printed = out.out();
      // The exports line, as a shell would read it.
      const exportsLine = printed.split('\n').find((l) => l.trim().startsWith('export '))!;
      const env = Object.fromEntries(
        exportsLine
          .trim()
          .slice('export '.length)
          .split(' ')
          .map((kv) => kv.split('=') as [string, string]),
      );
      expect(env).toEqual({
        TOLLGATE_TARGET: 'local',
        ASGARDEO_BASE_URL: sandbox.asgardeo.baseUrl,
        ASGARDEO_CLIENT_ID: sandbox.asgardeo.admin.clientId,
        ASGARDEO_CLIENT_SECRET: sandbox.asgardeo.admin.clientSecret,
      });
      expect(printed).toContain('throwaway');

      // TOKEN_PHARMACY_READER=$(npm run -s tollgate -- token --client pharmacy-reader --config <file>)
      const tokenLine = printed.split('\n').find((l) => l.trim().startsWith('TOKEN_PHARMACY_READER='))!;
      const args = /\$\(npm run -s tollgate -- (.*?)\)/.exec(tokenLine)![1]!.split(' ');
      const tokenIo = memoryIo({ env, cwd: REPO_ROOT });
      expect(await tollgate(args, tokenIo)).toBe(0);
      const token = tokenIo.out().trim();
      expect(token.split('.')).toHaveLength(3);

      // The curl lines name the URL and the answer to expect.
      const curls = printed.split('\n').filter((l) => l.trim().startsWith('curl -i '));
      expect(curls).toContain(`  curl -i ${stage}/user   # GET /user: 401 without a token`);
      expect(curls).toContain(
        `  curl -i -H "Authorization: Bearer $TOKEN_PHARMACY_READER" ${stage}/user   # 2xx: pharmacy-reader holds get_pharmacy_user`,
      );
      expect(curls).toContain(
        `  curl -i -H "Authorization: Bearer $TOKEN_PHARMACY_ADMIN" ${stage}/user   # 403: pharmacy-admin lacks get_pharmacy_user`,
      );
      expect((await fetch(`${stage}/user`)).status).toBe(401);
      expect((await fetch(`${stage}/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    },
  });
  expect(out.err()).toBe('');
  expect(code).toBe(0);
  expect(out.out()).toMatch(/What was checked \(9 of 9 passed;/);
  expect(out.out()).toMatch(/Sandbox ready in \d+\.\d\d s/);
  expect(out.out()).toContain('Stopping the sandbox');
  expect(await refused(`${stage}/user`)).toBe(true);
  expect(await refused(`${asgardeoUrl}/t/pharmacy/oauth2/jwks`)).toBe(true);
}, 60_000);

test('serving with test users: the one export line holds every variable the printed commands need, passwords included', async () => {
  const out = io();
  const config = configs.write((c) => {
    c.applications = [
      {
        kind: 'spa',
        name: 'demo-spa',
        callbackUrls: ['http://localhost:4199/'],
        scopes: ['get_pharmacy_user'],
        roleAudience: 'organization',
        appNativeAuthentication: true,
      },
    ];
    c.users = [
      { userName: 'ana@example.com', givenName: 'Ana', roles: ['pharmacist'], password: { fromEnv: 'TOLLGATE_USER_ANA_PASSWORD' } },
    ];
  });
  const code = await runSandbox(['--config', config, ...baseFlags()], out, {
    smokeOptions: FAST_SMOKE,
    serveUntil: async () => {
      const printed = out.out();
      const password = /Test user ana@example\.com: password (\S+) \(generated for this run/.exec(printed)![1]!;
      expect(printed).toContain('`npx tollgate token --user ana@example.com` reads it from $TOLLGATE_USER_ANA_PASSWORD');
      const exportLines = printed.split('\n').filter((l) => l.trim().startsWith('export '));
      expect(exportLines).toHaveLength(1);
      // NAME=value or NAME='value', as a shell reads them.
      const env = Object.fromEntries(
        [...exportLines[0]!.matchAll(/(\w+)=('(?:[^']|'\\'')*'|\S+)/g)].map(([, k, v]) => [
          k!,
          v!.startsWith("'") ? v!.slice(1, -1).replace(/'\\''/g, "'") : v!,
        ]),
      );
      expect(env.TOLLGATE_USER_ANA_PASSWORD).toBe(password);
      const tokenLine = printed.split('\n').find((l) => l.trim().startsWith('TOKEN_ANA='))!;
      expect(tokenLine).toContain('# ana@example.com (password in $TOLLGATE_USER_ANA_PASSWORD, exported above)');
      const args = /\$\(npm run -s tollgate -- (.*?)\)/.exec(tokenLine)![1]!.split(' ');
      const tokenIo = memoryIo({ env, cwd: REPO_ROOT });
      expect(await tollgate(args, tokenIo)).toBe(0);
      expect(tokenIo.out().trim().split('.')).toHaveLength(3);
    },
  });
  expect(out.err()).toBe('');
  expect(code).toBe(0);
}, 60_000);

test('--once: a failing smoke check exits 1, says what failed and how to start again, and stops everything', async () => {
  const out = io();
  const config = configs.write((c) => (c.aws.lambda.handler = 'failing'));
  const code = await runSandbox(['--once', '--config', config, ...baseFlags()], out, { smokeOptions: FAST_SMOKE });
  expect(code).toBe(1);
  expect(out.err()).toContain('deploy failed at step "smoke"');
  expect(out.err()).toMatch(/GET \/user with token of pharmacy-reader \(get_pharmacy_user\): expected 2xx, got 500/);
  expect(out.err()).toContain(`To resume: fix the problem above, then run \`npx tollgate dev --once --config ${config} --asgardeo-port 0`);
  expect(out.err()).not.toMatch(/\n\s+at /); // no stack trace
  expect(out.out()).not.toContain('Sandbox ready');
  const asgardeoUrl = /Local Asgardeo \(organization "pharmacy"\) at (\S+)/.exec(out.out())![1]!;
  expect(await refused(`${asgardeoUrl}/t/pharmacy/oauth2/jwks`)).toBe(true);
}, 60_000);

test('--once with every check passing exits 0 and does not print the admin secret', async () => {
  const out = io();
  const code = await runSandbox(['--once', '--config', configs.write(), ...baseFlags()], out, { smokeOptions: FAST_SMOKE });
  expect(code).toBe(0);
  const printed = out.out();
  expect(printed).not.toContain('ASGARDEO_CLIENT_SECRET');
  // Each check once (as the smoke step ran), then one summary line, and no address that is gone once it exits.
  expect(printed.split('GET /user with token of pharmacy-reader (get_pharmacy_user): 200')).toHaveLength(2);
  expect(printed).toContain('What was checked (9 of 9 passed; each listed under "Smoke test" above)');
  const summary = printed.slice(printed.indexOf('What was checked'));
  expect(summary).toMatch(/Sandbox checked in \d+\.\d\d s \(\d+\.\d\d s from process start\)\. --once: it stops now/);
  expect(summary).not.toMatch(/https?:\/\//);
  // The deploy's closing line names no address either: the gateway stops with the run.
  expect(printed).toMatch(/\nDeployed pharmacy-user-api-dev in \d+\.\d s\n/);
  expect(printed).not.toContain('Demo page');
  expect(printed).not.toContain('Sandbox ready');
}, 60_000);

test('a wrong flag or environment fails before anything starts, with what to do', async () => {
  const badPort = io();
  expect(await runSandbox(['--asgardeo-port', 'x'], badPort)).toBe(1);
  expect(badPort.err()).toContain('--asgardeo-port must be a port number');
  expect(badPort.err()).toContain('Usage: tollgate dev');

  const unknown = io();
  expect(await runSandbox(['--bogus'], unknown)).toBe(1);
  expect(unknown.err()).toContain("Unknown option '--bogus'");

  const badEnv = io();
  expect(await runSandbox(['--once', '--env', 'staging', '--config', configs.write(), ...baseFlags()], badEnv)).toBe(1);
  expect(badEnv.err()).toContain('staging');
  expect(badEnv.err()).toContain('choose one of: dev, prod');
  expect(badEnv.out()).not.toContain('Local Asgardeo');
});

test('the local Asgardeo moves to a free port when the preferred one is taken', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const taken = (holder.address() as net.AddressInfo).port;
  try {
    const { asgardeo, fallbackFrom } = await startAsgardeoOnPreferredPort('pharmacy', taken);
    try {
      expect(fallbackFrom).toBe(taken);
      expect(asgardeo.baseUrl).not.toBe(`http://127.0.0.1:${taken}`);
      expect((await fetch(`${asgardeo.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await asgardeo.stop();
    }
  } finally {
    await new Promise<void>((r) => holder.close(() => r()));
  }
});
