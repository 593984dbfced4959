import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyAsgardeo, parseStackOutputs, requestClientToken } from '../../../asgardeo';
import { generateSandboxPasswords, loadConfig } from '../../../config';
import { synthStack } from '../../../stacks/synth';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../asgardeo';
import { startLocalGateway, type LocalGateway } from '..';
import { PHARMACY_CONFIG } from '../../../__tests__/pharmacy-fixture';

/*
 * The sandbox's chain, in-process: synthesize the example for the local target, serve it, reconcile
 * the local Asgardeo with the gateway's outputs, then call the API with real client-credentials tokens.
 */
const EXAMPLE_CONFIG = PHARMACY_CONFIG;

let asgardeo: LocalAsgardeo;
let gateway: LocalGateway;
let outdir: string;
let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
  config = loadConfig({ file: EXAMPLE_CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: asgardeo.baseUrl, environment: {} });
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-e2e-'));
  const { stackDir } = synthStack(config, { outdir, backend: { kind: 'local', path: path.join(outdir, 'terraform.tfstate') }, env: {} });
  gateway = await startLocalGateway({ stackDir, log: () => undefined });
  const outputs = parseStackOutputs(gateway.outputsFile(), config);
  // The example's test users get passwords as in the sandbox (a local run never invites them).
  await applyAsgardeo({ config, outputs, credentials: asgardeo.admin, env: generateSandboxPasswords(config) });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await asgardeo?.stop();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

const callUser = async (method: string, token?: string) => {
  const response = await fetch(`${gateway.stageInvokeUrl}/user`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
};

test('the issuer the stack trusts is the local Asgardeo', () => {
  expect(gateway.outputsFile()[config.stackName].issuer).toBe(asgardeo.issuer);
});

test('no token -> 401; pharmacy-reader -> 200 Welcome User!; pharmacy-admin on GET -> 403, on POST -> 200', async () => {
  expect((await callUser('GET')).status).toBe(401);

  const reader = await requestClientToken({ config, credentials: asgardeo.admin, client: 'pharmacy-reader' });
  expect(reader.scope.split(' ')).toContain('get_pharmacy_user');
  const ok = await callUser('GET', reader.accessToken);
  expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { message: 'Welcome User!' }]);

  const admin = await requestClientToken({ config, credentials: asgardeo.admin, client: 'pharmacy-admin' });
  const forbidden = await callUser('GET', admin.accessToken);
  expect(forbidden.status).toBe(403);
  expect(forbidden.challenge).toContain('expected scopes: [get_pharmacy_user]');
  expect((await callUser('POST', admin.accessToken)).status).toBe(200);
});
