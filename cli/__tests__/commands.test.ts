import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { main } from '../main';
import { configFromFlags, stackOutputsFile } from '../context';
import { memoryIo } from '../io';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

/** The example's default API identifier: from the configuration alone, never the invoke URL. */
const IDENTIFIER = 'urn:tollgate:pharmacy:pharmacy-user-api:dev';
const INVOKE_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev';
const KIM_PASSWORD = 'Kim-Passw0rd!cli';

jest.setTimeout(30000);

describe('tollgate plan / apply / destroy / token (in-process, local Asgardeo)', () => {
  let la: LocalAsgardeo;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = async (...argv: string[]) => {
    const io = memoryIo({ env, cwd: dir });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-'));
    const outputs = {
      'pharmacy-user-api-dev': {
        api_id: 'abc123',
        api_endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com',
        stage_invoke_url: INVOKE_URL,
        api_identifier: IDENTIFIER,
        issuer: la.issuer,
        region: 'us-east-1',
        function_name: 'fn',
        stack_name: 'pharmacy-user-api-dev',
        environment: 'dev',
      },
    };
    fs.writeFileSync(path.join(dir, 'outputs.json'), JSON.stringify(outputs));
    env = {
      ASGARDEO_CLIENT_ID: la.admin.clientId,
      ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
      ASGARDEO_BASE_URL: la.baseUrl,
      TOLLGATE_TARGET: 'local',
      TOLLGATE_CONFIG: PHARMACY_CONFIG,
      TOLLGATE_USER_KIM_PASSWORD: KIM_PASSWORD,
      TOLLGATE_USER_LEE_PASSWORD: 'Lee-Passw0rd!cli',
    };
  });
  afterAll(async () => {
    await la.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plan --detailed-exitcode: 2 with changes, and the text plan on stdout', async () => {
    const r = await run('plan', '--outputs', 'outputs.json', '--detailed-exitcode');
    expect(r.code).toBe(2);
    expect(r.out).toContain(`+ api-resource ${IDENTIFIER} (create)`);
    // API resource, 2 clients, the demo spa, 2 roles, 2 users (the example's Kim and the role-less Lee).
    expect(r.out).toContain('Plan: 8 to create, 0 to update, 0 to delete.');
    expect(r.out).not.toContain(KIM_PASSWORD);
    expect(la.requests.writes()).toBe(0);
  });

  it('plan without outputs knows the identifier from the configuration; --markdown and --json', async () => {
    const md = await run('plan', '--markdown');
    expect(md.code).toBe(0);
    expect(md.out).toContain(`API identifier ${IDENTIFIER}`);
    expect(JSON.parse((await run('plan', '--json')).out).summary.create).toBe(8);
    expect(md.out).toContain('| + create | application | `pharmacy-reader` |');
    const json = await run('plan', '--json', '--outputs', 'outputs.json');
    expect(JSON.parse(json.out).summary.create).toBe(8);
    expect((await run('plan', '--json', '--markdown')).err).toContain('cannot be used together');
  });

  it('apply writes the outputs file (no secret), then plan shows no changes (exit 0)', async () => {
    const r = await run('apply', '--outputs', 'outputs.json');
    expect(r.code).toBe(0);
    expect(r.err).toContain('creating application pharmacy-reader');
    const file = path.join(dir, '.tollgate', 'pharmacy-user-api-dev.asgardeo.json');
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).toMatchObject({ issuer: la.issuer, audience: IDENTIFIER, tokenEndpoint: `${la.baseUrl}/t/pharmacy/oauth2/token` });
    expect(written.clients.map((c: { name: string }) => c.name)).toEqual(['pharmacy-admin', 'pharmacy-reader']);
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/secret/i);
    const again = await run('plan', '--outputs', 'outputs.json', '--detailed-exitcode');
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes');
  });

  it('token prints an access token for a configured client; an unknown client lists the known ones', async () => {
    const r = await run('token', '--client', 'pharmacy-reader');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('.')).toHaveLength(3);
    expect(r.err).toContain('scope: get_pharmacy_user');
    const bad = await run('token', '--client', 'nobody');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('unknown client "nobody"');
    expect(bad.err).toContain('configured clients: pharmacy-reader, pharmacy-admin');
    const noCreds = memoryIo({ env: { ...env, ASGARDEO_CLIENT_ID: '' }, cwd: dir });
    expect(await main(['token', '--client', 'nobody'], noCreds)).toBe(1);
    expect(noCreds.err()).toContain('unknown client "nobody"');
    expect((await run('token')).err).toContain(
      '--client <name> or --user <userName> is required (configured clients: pharmacy-reader, pharmacy-admin; ' +
        'users: kim@gmail.com, lee@example.com)',
    );
    const notHeld = await run('token', '--client', 'pharmacy-reader', '--scope', 'create_pharmacy_user');
    expect(notHeld.code).toBe(1);
    expect(notHeld.out).toBe('');
    expect(notHeld.err).toContain('client "pharmacy-reader" is not authorized for create_pharmacy_user');
    const notOfApi = await run('token', '--client', 'pharmacy-reader', '--scope', 'delete_everything');
    expect(notOfApi.code).toBe(1);
    expect(notOfApi.err).toContain('delete_everything is not a scope of the API Pharmacy User API');
  });

  it('--target local on every command; base-URL mistakes are refused with the fix; an empty ASGARDEO_BASE_URL is unset', async () => {
    const { TOLLGATE_TARGET: _t, ...awsEnv } = env;
    const http = memoryIo({ env: awsEnv, cwd: dir });
    expect(await main(['plan', '--asgardeo-only'], http)).toBe(1);
    expect(http.err()).toContain('--target local');
    for (const argv of [
      ['plan', '--asgardeo-only'],
      ['token', '--client', 'pharmacy-reader'],
    ]) {
      const io = memoryIo({ env: awsEnv, cwd: dir });
      expect(await main([...argv, '--target', 'local'], io)).toBe(0);
    }
    const doubled = memoryIo({ env: { ...env, ASGARDEO_BASE_URL: `${la.baseUrl}/t/pharmacy` }, cwd: dir });
    expect(await main(['plan'], doubled)).toBe(1);
    expect(doubled.err()).toContain(`ends in /t/pharmacy`);
    expect(doubled.err()).toContain(`ASGARDEO_BASE_URL=${la.baseUrl}`);
    const empty = memoryIo({ env: { ...env, ASGARDEO_BASE_URL: '', TOLLGATE_TARGET: 'aws' }, cwd: dir });
    expect(await main(['plan', '--asgardeo-only', '--outputs', 'nothing.json'], empty)).toBe(1);
    expect(empty.err()).toContain('nothing.json does not exist');
    const wrongOrg = memoryIo({ env: { ...env, ASGARDEO_BASE_URL: `${la.baseUrl}/elsewhere` }, cwd: dir });
    expect(await main(['plan'], wrongOrg)).toBe(1);
    expect(wrongOrg.err()).toContain('no Asgardeo token endpoint');
    expect(wrongOrg.err()).not.toContain('deleted while this run');
  });

  const tokenUserTestName =
    "token --user signs a configured user in (app-native, password from the user's variable) and prints the token; errors say what to fix";
  it(tokenUserTestName, async () => {
    const r = await run('token', '--user', 'kim@gmail.com');
    expect(r.code).toBe(0);
    const [, payload] = r.out.trim().split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims).toMatchObject({ given_name: 'Kim', aut: 'APPLICATION_USER' });
    expect(claims.scope.split(' ')).toContain('get_pharmacy_user');
    expect(r.err).toContain('kim@gmail.com signed in through pharmacy-demo; scope:');
    expect(r.out + r.err).not.toContain(KIM_PASSWORD);

    const wrong = memoryIo({ env: { ...env, TOLLGATE_USER_KIM_PASSWORD: 'Not-the-passw0rd!' }, cwd: dir });
    expect(await main(['token', '--user', 'kim@gmail.com'], wrong)).toBe(1);
    expect(wrong.err()).toContain('Invalid username or password (msg_invalid_un_pw)');
    expect(wrong.err()).not.toContain('Not-the-passw0rd!');

    // No variable and no terminal (tests have no TTY): what to export.
    const unset = memoryIo({ env: { ...env, TOLLGATE_USER_KIM_PASSWORD: '' }, cwd: dir });
    expect(await main(['token', '--user', 'kim@gmail.com'], unset)).toBe(1);
    expect(unset.err()).toContain('$TOLLGATE_USER_KIM_PASSWORD is not set');
    expect(unset.err()).toContain('export TOLLGATE_USER_KIM_PASSWORD');

    const unknown = await run('token', '--user', 'kim@example.org');
    expect(unknown.err).toContain('unknown user "kim@example.org"');
    expect(unknown.err).toContain('use one of: kim@gmail.com, lee@example.com');
    expect((await run('token', '--user', 'kim@gmail.com', '--client', 'pharmacy-reader')).err).toContain(
      '--user and --client cannot be used together',
    );
  });

  it('clear errors: missing credentials, other-stack outputs, malformed outputs, unknown flag', async () => {
    const noCreds = memoryIo({ env: { ...env, ASGARDEO_CLIENT_SECRET: '' }, cwd: dir });
    expect(await main(['plan'], noCreds)).toBe(1);
    expect(noCreds.err()).toContain('ASGARDEO_CLIENT_SECRET is not set');
    fs.writeFileSync(path.join(dir, 'prod.json'), JSON.stringify({ 'pharmacy-user-api-prod': { api_id: 'x' } }));
    const other = await run('plan', '--outputs', 'prod.json');
    expect(other.code).toBe(1);
    expect(other.err).toContain('no outputs for stack "pharmacy-user-api-dev"');
    fs.writeFileSync(path.join(dir, 'bad.json'), 'not json');
    expect((await run('apply', '--outputs', 'bad.json')).err).toMatch(/not valid JSON[\s\S]*--outputs-file/);
    const outputs = JSON.parse(fs.readFileSync(path.join(dir, 'outputs.json'), 'utf8'));
    const otherOrg = { 'pharmacy-user-api-dev': { ...outputs['pharmacy-user-api-dev'], issuer: `${la.baseUrl}/t/elsewhere/oauth2/token` } };
    fs.writeFileSync(path.join(dir, 'other-org.json'), JSON.stringify(otherOrg));
    la.requests.clear();
    for (const cmd of ['plan', 'apply']) {
      const mismatch = await run(cmd, '--outputs', 'other-org.json');
      expect(mismatch.code).toBe(1);
      expect(mismatch.err).toContain('another deployment: issuer');
    }
    expect(la.requests.writes()).toBe(0);
    const flag = await run('plan', '--frobnicate');
    expect(flag.code).toBe(1);
    expect(flag.err).toContain("Unknown option '--frobnicate'");
    expect(flag.err).toContain('Usage: tollgate plan');
  });

  it('a stale outputs file from a local deployment is ignored with a line saying so; --outputs none uses no file', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-stale-'));
    try {
      const outputs = JSON.parse(fs.readFileSync(path.join(dir, 'outputs.json'), 'utf8'));
      const saved = path.join(work, '.tollgate', 'pharmacy-user-api-dev.outputs.json');
      fs.mkdirSync(path.dirname(saved), { recursive: true });
      const write = (issuer: string) =>
        fs.writeFileSync(saved, JSON.stringify({ 'pharmacy-user-api-dev': { ...outputs['pharmacy-user-api-dev'], issuer } }));
      const inWork = async (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
        const io = memoryIo({ env: { ...env, ...extra }, cwd: work });
        const code = await main(argv, io);
        return { code, out: io.out(), err: io.err() };
      };
      // A local Asgardeo that is gone (another port): plan and apply against this one run, saying the file was ignored.
      write('http://127.0.0.1:9/t/pharmacy/oauth2/token');
      for (const cmd of ['plan', 'apply']) {
        const r = await inWork([cmd]);
        expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
        expect(r.err).toContain(
          'ignoring .tollgate/pharmacy-user-api-dev.outputs.json: a local deployment wrote it ' +
            '(issuer http://127.0.0.1:9/t/pharmacy/oauth2/token), and this command is aimed at ' +
            `another local Asgardeo (issuer ${la.issuer})`,
        );
      }
      // Named explicitly it is not ignored: the mismatch is refused, and the hint's way out works.
      const named = await inWork(['plan', '--outputs', saved]);
      expect(named.code).toBe(1);
      expect(named.err).toContain('another deployment: issuer');
      expect(named.err).toContain('`--outputs none`');
      for (const [argv, extra] of [
        [['plan', '--outputs', 'none'], {}],
        [['plan'], { TOLLGATE_OUTPUTS: 'none' }],
      ] as const) {
        const none = await inWork([...argv], extra);
        expect(none.code).toBe(0);
        expect(none.err).not.toContain('ignoring');
      }
      const empty = await inWork(['plan', '--outputs', '']);
      expect(empty.code).toBe(1);
      expect(empty.err).toContain('--outputs needs a file name, or "none" for no outputs file');
      // The file of this very local deployment is used, not ignored.
      write(la.issuer);
      const current = await inWork(['plan']);
      expect(current.code).toBe(0);
      expect(current.err).not.toContain('ignoring');
      // ... but not by a command aimed at the aws target (at Asgardeo's cloud: no local base URL).
      const awsIo = memoryIo({ env: { ...env, ASGARDEO_BASE_URL: '', TOLLGATE_TARGET: 'aws' }, cwd: work });
      expect(stackOutputsFile({}, awsIo, { config: configFromFlags({}, awsIo) })).toBeUndefined();
      expect(awsIo.err()).toContain(
        `ignoring .tollgate/pharmacy-user-api-dev.outputs.json: a local deployment wrote it (issuer ${la.issuer})`,
      );
      expect(awsIo.err()).toContain('and this command is aimed at target aws (issuer https://api.asgardeo.io/t/pharmacy/oauth2/token)');
      // A file a real deployment wrote is never ignored silently: a mismatch is still refused.
      write('https://api.asgardeo.io/t/elsewhere/oauth2/token');
      expect((await inWork(['plan'])).err).toContain('another deployment: issuer');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('apply --prune needs --yes; destroy needs --yes and then deletes what the stack owns', async () => {
    expect((await run('apply', '--outputs', 'outputs.json', '--prune')).code).toBe(1);
    const refused = await run('destroy', '--outputs', 'outputs.json');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--yes');
    const r = await run('destroy', '--outputs', 'outputs.json', '--yes');
    expect(r.code).toBe(0);
    expect(r.out).toContain('- application pharmacy-reader (delete)');
    expect((await run('plan', '--outputs', 'outputs.json', '--detailed-exitcode')).code).toBe(2);
  });
});

describe('interrupted runs', () => {
  it('report an interruption (exit 130) instead of a stack trace', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted (Ctrl-C)'));
    const io = memoryIo({
      env: {
        ASGARDEO_CLIENT_ID: 'a',
        ASGARDEO_CLIENT_SECRET: 'b',
        ASGARDEO_BASE_URL: 'http://127.0.0.1:9',
        TOLLGATE_TARGET: 'local',
        TOLLGATE_CONFIG: PHARMACY_CONFIG,
      },
      signal: controller.signal,
    });
    expect(await main(['plan'], io)).toBe(130);
    expect(io.err()).toContain('interrupted');
    expect(io.err()).not.toContain('    at ');
  });
});
