import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { QUICK_START, buildQuickStartSetup } from '../../export/__tests__/quick-start-setup';
import { main } from '../main';
import { memoryIo } from '../io';

const CONFIG_MODULE = path.resolve(__dirname, '..', '..', 'config');

jest.setTimeout(60000);

/**
 * Issue 16's test: the quick-start's setup built by hand in the local Asgardeo (opaque tokens, no
 * audience), exported, placed in a configuration, planned with --adopt, applied, planned again.
 */
describe('tollgate export → plan --adopt → apply → plan (local Asgardeo)', () => {
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
    await buildQuickStartSetup(la);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-export-cli-'));
    env = { ASGARDEO_CLIENT_ID: la.admin.clientId, ASGARDEO_CLIENT_SECRET: la.admin.clientSecret, ASGARDEO_BASE_URL: la.baseUrl, TOLLGATE_TARGET: 'local' };
  });
  afterAll(async () => {
    await la.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('export prints the fragment, with only view scopes and GETs, and no secret', async () => {
    const before = la.requests.entries().length;
    const r = await run('export', '--api', QUICK_START.apiName, '--organization', 'pharmacy');
    expect(r.code).toBe(0);
    const source = [
      `import { defineConfig } from ${JSON.stringify(CONFIG_MODULE)};`,
      'export default defineConfig({',
      r.out,
      "  aws: { region: 'us-east-1', apiName: 'pharmacy-user-api', lambda: { entry: 'lambda/handler.ts' } },",
      "  routes: [{ method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] }],",
      '  environments: { dev: {} },',
      '});',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'tollgate.config.ts'), source);
    const p = await run('plan', '--adopt');
    console.log(p.code, p.out, p.err);
    const p2 = await run('plan');
    console.log(p2.code, p2.out, p2.err);
  });
});
