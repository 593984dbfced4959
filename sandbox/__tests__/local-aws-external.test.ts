import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { TestAwsClient } from '../aws/__tests__/client';
import { startLocalAwsWithGateway, type LocalAwsWithGateway } from '../aws/with-gateway';
import {
  probeLocalAws,
  recordLocalStateOwner,
  releaseLocalStateOwner,
  settleLocalState,
  type ExternalLocalAws,
} from '../local/external-aws';
import { externalLocalInfra } from '../local/infra-choice';

/** A port nobody listens on: bound, read, closed. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the long-running local AWS (npm run aws:local): control plane and gateway', () => {
  let local: LocalAwsWithGateway;
  beforeAll(async () => {
    local = await startLocalAwsWithGateway({ log: () => undefined });
  });
  afterAll(() => local.stop());

  it('reports its instance id, hands out the gateway as every API endpoint, and the gateway says when nothing is deployed', async () => {
    const health = (await (await fetch(`${local.aws.endpoint}/_local/health`)).json()) as { instance: string };
    expect(health.instance).toBe(local.aws.instance);
    expect(await probeLocalAws(`${local.aws.endpoint}/`)).toEqual({ endpoint: local.aws.endpoint, instance: local.aws.instance });

    const idle = await fetch(`${local.gatewayUrl}/dev/user`);
    expect(idle.status).toBe(503);
    expect(((await idle.json()) as { localAws: string }).localAws).toContain('nothing is deployed');

    const created = await new TestAwsClient(local.aws.endpoint).send('apigateway', 'POST', '/v2/apis', {
      body: JSON.stringify({ name: 'api', protocolType: 'HTTP' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.json<{ apiEndpoint: string }>().apiEndpoint).toBe(local.gatewayUrl);
    // An API without a stage cannot be served: the gateway rebuilt from the live state and says why.
    const stageless = await fetch(`${local.gatewayUrl}/dev/user`);
    expect(stageless.status).toBe(503);
    expect(((await stageless.json()) as { localAws: string }).localAws).toContain('has no stage');
  });

  it('refuses a TOLLGATE_LOCAL_AWS_URL that is not a running local AWS, saying how to start one', async () => {
    const port = await closedPort();
    const refused = probeLocalAws(`http://127.0.0.1:${port}`);
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow(`the local AWS control plane at TOLLGATE_LOCAL_AWS_URL=http://127.0.0.1:${port} does not answer`);
    await expect(refused).rejects.toMatchObject({ hint: expect.stringContaining('npm run aws:local') });
    await expect(probeLocalAws('localhost:4566')).rejects.toThrow('is not an http URL of a local AWS control plane');

    const other = http.createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      await expect(probeLocalAws(otherUrl)).rejects.toThrow('answers, but not as a local AWS control plane');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('needs Terraform when TOLLGATE_LOCAL_AWS_URL is set: no fallback to the gateway without it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-external-'));
    try {
      const o = { config: () => undefined as never, outdir: dir, projectDir: dir, localAwsUrl: local.aws.endpoint };
      await expect(externalLocalInfra({ ...o, environment: { PATH: path.join(dir, 'no-bin') } })).rejects.toThrow(
        'TOLLGATE_LOCAL_AWS_URL is set, and deploying to that local AWS needs Terraform: terraform is not on PATH',
      );
      await expect(externalLocalInfra({ ...o, environment: { TOLLGATE_LOCAL_TERRAFORM: '0' } })).rejects.toThrow(
        'TOLLGATE_LOCAL_AWS_URL is set, and deploying to that local AWS needs Terraform: TOLLGATE_LOCAL_TERRAFORM=0',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('whose Terraform state: kept for the live control plane it was made against, removed when that one is gone', () => {
  let dir: string;
  const state = () => path.join(dir, 'terraform.s.tfstate');
  const live: ExternalLocalAws = { endpoint: 'http://127.0.0.1:4566', instance: 'aaaaaaaa-live' };
  /** A probe that finds `running` (or nobody) at any address. */
  const probeFinding = (running?: ExternalLocalAws) => async (url: string) => {
    if (!running || running.endpoint !== url) throw new UserError('does not answer');
    return running;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-state-owner-'));
    // A state that records a resource (an empty one guards nothing: see the last test).
    fs.writeFileSync(state(), JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'aws_lambda_function', name: 'fn' }] }));
    fs.writeFileSync(`${state()}.backup`, '{}');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the state of the same running instance', async () => {
    recordLocalStateOwner(dir, 's', live);
    expect(await settleLocalState({ stateDir: dir, stack: 's', live, probe: probeFinding(live) })).toBeUndefined();
    expect(fs.existsSync(state())).toBe(true);
  });

  it('removes the state of a restarted control plane (another instance at the same address) and says so', async () => {
    recordLocalStateOwner(dir, 's', { ...live, instance: 'bbbbbbbb-old' });
    const said = await settleLocalState({ stateDir: dir, stack: 's', live, probe: probeFinding(live) });
    expect(said).toContain('made against a local AWS control plane that is gone (http://127.0.0.1:4566, instance bbbbbbbb)');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('removes a killed in-process run’s state silently, as before', async () => {
    expect(await settleLocalState({ stateDir: dir, stack: 's', probe: probeFinding() })).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses to drop the state of an external control plane that still runs, from an in-process run or another URL', async () => {
    recordLocalStateOwner(dir, 's', live);
    const inProcess = settleLocalState({ stateDir: dir, stack: 's', probe: probeFinding(live) });
    await expect(inProcess).rejects.toThrow(`belongs to the local AWS control plane still running at ${live.endpoint}`);
    await expect(inProcess).rejects.toMatchObject({ hint: expect.stringContaining(`TOLLGATE_LOCAL_AWS_URL=${live.endpoint}`) });
    const elsewhere = { endpoint: 'http://127.0.0.1:4999', instance: 'cccccccc' };
    await expect(settleLocalState({ stateDir: dir, stack: 's', live: elsewhere, probe: probeFinding(live) })).rejects.toThrow(
      'still running',
    );
    expect(fs.existsSync(state())).toBe(true);
  });

  it('an emptied state (after a destroy) belongs to no control plane: its record goes, and a deploy elsewhere is not refused', async () => {
    recordLocalStateOwner(dir, 's', live);
    fs.writeFileSync(state(), JSON.stringify({ version: 4, resources: [] }));
    releaseLocalStateOwner(dir, 's');
    expect(fs.existsSync(path.join(dir, 'terraform.s.tfstate.local-aws.json'))).toBe(false);
    // Even a record left behind (a destroy by an older tollgate) does not bind an empty state.
    recordLocalStateOwner(dir, 's', live);
    const elsewhere = { endpoint: 'http://127.0.0.1:4999', instance: 'cccccccc' };
    expect(await settleLocalState({ stateDir: dir, stack: 's', live: elsewhere, probe: probeFinding(live) })).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'terraform.s.tfstate.local-aws.json'))).toBe(false);
  });

  it('a state that still records resources keeps its record', () => {
    recordLocalStateOwner(dir, 's', live);
    releaseLocalStateOwner(dir, 's');
    expect(fs.existsSync(path.join(dir, 'terraform.s.tfstate.local-aws.json'))).toBe(true);
  });
});
