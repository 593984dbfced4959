import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../config';
import { STACK_OUTPUT_NAMES, synthStack } from '../../../stacks/synth';
import { startLocalGateway, type LocalGateway } from '..';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';
import { PHARMACY_CONFIG } from '../../../__tests__/pharmacy-fixture';

/*
 * The point of the sandbox: synthesize a project's own stack (the Pharmacy fixture's configuration and
 * handler, through stacks/synth.ts and constructs/) for the local target and serve exactly that Terraform.
 */
const EXAMPLE_CONFIG = PHARMACY_CONFIG;

let issuer: TestIssuer;
const dirs: string[] = [];
const running: LocalGateway[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer('pharmacy');
});
afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop()));
  await issuer?.stop();
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

/** Synthesizes the dev stack for the local target, in-process, into a temp folder; returns the stack folder. */
function synthLocal(configFile: string): string {
  const config = loadConfig({ file: configFile, env: 'dev', target: 'local', asgardeoBaseUrl: issuer.baseUrl, environment: {} });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-synth-'));
  dirs.push(outdir);
  return synthStack(config, { outdir, backend: { kind: 'local', path: path.join(outdir, 'terraform.tfstate') }, env: {} }).stackDir;
}

async function serve(configFile: string): Promise<LocalGateway> {
  const gateway = await startLocalGateway({ stackDir: synthLocal(configFile), log: () => undefined });
  running.push(gateway);
  return gateway;
}

/** A client-credentials style access token as the local Asgardeo issues it: aud = client id + the shared audience. */
function clientToken(gateway: LocalGateway, scope: string): Promise<string> {
  const audience = gateway.outputsFile()['pharmacy-user-api-dev'].api_identifier as string;
  return issuer.sign({ sub: 'client-id-1', aud: ['client-id-1', audience], azp: 'client-id-1', client_id: 'client-id-1', scope });
}

async function get(gateway: LocalGateway, route: string, token?: string, method = 'GET') {
  const response = await fetch(`${gateway.stageInvokeUrl}${route}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
}

describe('the example stack, synthesized for the local target', () => {
  let gateway: LocalGateway;
  beforeAll(async () => {
    gateway = await serve(EXAMPLE_CONFIG);
  }, 60_000);

  test('its outputs are the contract outputs with local values', () => {
    const outputs = gateway.outputsFile()['pharmacy-user-api-dev'];
    expect(Object.keys(outputs).sort()).toEqual([...STACK_OUTPUT_NAMES].sort());
    expect(outputs).toMatchObject({
      api_id: 'local',
      api_endpoint: gateway.url,
      stage_invoke_url: `${gateway.url}/dev`,
      api_identifier: 'urn:tollgate:pharmacy:pharmacy-user-api:dev',
      issuer: issuer.issuer,
      region: 'us-east-1',
      stack_name: 'pharmacy-user-api-dev',
      environment: 'dev',
    });
    expect(outputs.function_name).toEqual(expect.stringContaining('pharmacy-user-api-dev'));
    expect(gateway.routes).toEqual(
      expect.arrayContaining([
        { routeKey: 'GET /user', authorizationType: 'JWT', scopes: ['get_pharmacy_user'] },
        { routeKey: 'POST /user', authorizationType: 'JWT', scopes: ['create_pharmacy_user'] },
        { routeKey: 'PUT /user', authorizationType: 'JWT', scopes: ['update_pharmacy_user'] },
      ]),
    );
  });

  test("the tutorial's flow: no token 401, get_pharmacy_user 200 Welcome User!, another scope 403", async () => {
    const anonymous = await get(gateway, '/user');
    expect([anonymous.status, anonymous.body]).toEqual([401, '{"message":"Unauthorized"}']);
    const reader = await get(gateway, '/user', await clientToken(gateway, 'get_pharmacy_user'));
    expect([reader.status, JSON.parse(reader.body)]).toEqual([200, { message: 'Welcome User!' }]);
    const admin = await get(gateway, '/user', await clientToken(gateway, 'create_pharmacy_user update_pharmacy_user'));
    expect(admin.status).toBe(403);
    expect(admin.challenge).toBe(
      'Bearer scope="get_pharmacy_user" error="insufficient_scope" error_description="expected scopes: [get_pharmacy_user]"',
    );
    const update = await get(gateway, '/user', await clientToken(gateway, 'update_pharmacy_user'), 'PUT');
    expect(update.status).toBe(200);
  });

  test('the handler greets by the verified name claim the event carries', async () => {
    const audience = gateway.outputsFile()['pharmacy-user-api-dev'].api_identifier as string;
    const token = await issuer.sign({ sub: 'u-1', aud: ['app', audience], scope: 'get_pharmacy_user', name: 'Ann Pharmacist' });
    const response = await get(gateway, '/user', token);
    expect(JSON.parse(response.body)).toEqual({ message: 'Welcome Ann Pharmacist!' });
  });
});

describe('configuration changes reach the gateway through the re-synthesized Terraform', () => {
  test('a route made public and a changed scope change the answers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-config-'));
    dirs.push(dir);
    const file = path.join(dir, 'tollgate.config.js');
    fs.writeFileSync(
      file,
      [
        `const base = require(${JSON.stringify(EXAMPLE_CONFIG)}).default;`,
        'module.exports = {',
        '  ...base,',
        // The entry is resolved against the config file's folder, so point it back at the example's handler.
        `  aws: { ...base.aws, lambda: { ...base.aws.lambda, entry: ${JSON.stringify(exampleLambdaEntry())} } },`,
        '  routes: [',
        "    { method: 'GET', path: '/user', public: true },",
        "    { method: 'POST', path: '/user', scopes: ['get_pharmacy_user'] },",
        "    { method: 'PUT', path: '/user', scopes: ['update_pharmacy_user'] },",
        '  ],',
        '};',
      ].join('\n'),
    );
    const gateway = await serve(file);
    expect(gateway.routes.find((r) => r.routeKey === 'GET /user')).toEqual({
      routeKey: 'GET /user',
      authorizationType: 'NONE',
      scopes: [],
    });
    const open = await get(gateway, '/user');
    expect([open.status, JSON.parse(open.body)]).toEqual([200, { message: 'Welcome User!' }]);
    const reader = await clientToken(gateway, 'get_pharmacy_user');
    expect((await get(gateway, '/user', reader, 'POST')).status).toBe(200);
    expect((await get(gateway, '/user', await clientToken(gateway, 'create_pharmacy_user'), 'POST')).status).toBe(403);
  }, 60_000);
});

/** The example's Lambda entry, as an absolute path. */
function exampleLambdaEntry(): string {
  return loadConfig({ file: EXAMPLE_CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: 'http://127.0.0.1:1', environment: {} }).aws
    .lambda.entry;
}
