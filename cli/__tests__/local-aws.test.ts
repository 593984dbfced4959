import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { SandboxConfigs } from '../../sandbox/__tests__/support';
import { memoryIo } from '../io';
import { main } from '../main';

/*
 * `--target local` with TOLLGATE_LOCAL_AWS_URL set wrong: every mistake fails before anything
 * changes (no Asgardeo write, no state folder), with the fix. Without Terraform or a running
 * control plane: the real-Terraform scenario is interrupted-deploy.test.ts.
 */
describe('deploy / destroy --target local with TOLLGATE_LOCAL_AWS_URL set wrong', () => {
  let la: LocalAsgardeo;
  let configs: SandboxConfigs;
  let configFile: string;
  let deadUrl: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    ASGARDEO_BASE_URL: la.baseUrl,
    ASGARDEO_CLIENT_ID: la.admin.clientId,
    ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
    TOLLGATE_LOCAL_AWS_URL: deadUrl,
    ...extra,
  });
  const run = async (argv: string[], e: NodeJS.ProcessEnv) => {
    la.requests.clear();
    const io = memoryIo({ env: e, cwd: configs.outdir });
    const code = await main([...argv, '--target', 'local', '--config', configFile], io);
    return { code, out: io.out(), err: io.err(), writes: la.requests.writes() };
  };

  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    configs = new SandboxConfigs();
    configFile = configs.write();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    deadUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await la.stop();
    configs.remove();
  });

  it('deploy: an unreachable local AWS fails before the preflight, with how to start one; nothing is written', async () => {
    const r = await run(['deploy', '--yes'], env());
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the local AWS control plane at TOLLGATE_LOCAL_AWS_URL=${deadUrl} does not answer`);
    expect(r.err).toContain('npm run aws:local');
    expect(r.out).not.toContain('preflight');
    expect(r.writes).toBe(0);
    expect(fs.existsSync(path.join(configs.outdir, '.tollgate'))).toBe(false);
  });

  it('deploy: a local AWS without ASGARDEO_BASE_URL is refused (the sandbox’s own Asgardeo would die with the command)', async () => {
    const r = await run(['deploy', '--yes'], env({ ASGARDEO_BASE_URL: undefined }));
    expect(r.code).toBe(1);
    expect(r.err).toContain('TOLLGATE_LOCAL_AWS_URL keeps the deployment after this command');
    expect(r.err).toContain('npm run asgardeo:local');
  });

  it('destroy: an unreachable local AWS fails before the Asgardeo objects are deleted', async () => {
    const r = await run(['destroy', '--yes'], env());
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not answer');
    expect(r.writes).toBe(0);
  });

  it('destroy without TOLLGATE_LOCAL_AWS_URL: the Asgardeo side only, and how to get a local AWS this command destroys', async () => {
    const r = await run(['destroy', '--yes'], env({ TOLLGATE_LOCAL_AWS_URL: undefined }));
    expect(r.code).toBe(0);
    expect(r.err).toContain('run `npm run aws:local` and export TOLLGATE_LOCAL_AWS_URL');
    const refused = await run(['destroy'], env());
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('add --yes to confirm');
  });
});
