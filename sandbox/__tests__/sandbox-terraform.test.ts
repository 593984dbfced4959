import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requestClientToken } from '../../asgardeo';
import { parseDelivered } from '../../deploy/secret-delivery';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { startSandbox, type Sandbox } from '../local';
import type { LooseConfig } from '../../config/__tests__/support';
import { awsStepPlan, FAST_SMOKE, REPO_ROOT, routeOf, SandboxConfigs } from './support';

/*
 * The sandbox on its real path, in-process: the stack synthesized, deployed by the real terraform and
 * hashicorp/aws provider (mirror) to the local AWS control plane, the gateway serving what the control
 * plane holds. The same checks as sandbox.test.ts (the fallback path) where they differ by path:
 * the pipeline's result, a scope change applied in place by Terraform, and the destroy at stop.
 * One client delivers its credentials (one stack for both, applied once): Terraform creates its
 * Secrets Manager secret on the control plane, the deploy writes the credentials to it, the smoke
 * test's token for that client comes from there, a redeploy that changes only a route writes nothing
 * to Asgardeo or Secrets Manager, and the client secret is in no state, plan, log or file the run left.
 * A redeploy with nothing to change (no Terraform apply, no Asgardeo write) is checked through the
 * CLI on the local target: cli/__tests__/interrupted-deploy.test.ts.
 * `npm start -- --once` runs this same sandbox (the `dev` command) in a process: npm-start.test.ts runs it
 * so without Terraform; with Terraform, `npm run test:project` (the example's own test, `dev --once`) takes
 * this path too.
 */
const SECRET = 'tollgate/pharmacy-user-api-dev/pharmacy-reader';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((e) => (e.isFile() ? [path.join(e.parentPath, e.name)] : []));
}

describeWithTerraform('the sandbox through real Terraform and the local AWS control plane', { needMirror: true }, () => {
  let configs: SandboxConfigs;
  let sandbox: Sandbox | undefined;
  let written = '';
  // The first client's credentials go to Secrets Manager: one resource more than the example's 15.
  const delivering = (c: LooseConfig) => {
    c.clients[0].credentials = { awsSecretsManager: {} };
  };

  beforeAll(async () => {
    configs = new SandboxConfigs();
    sandbox = await startSandbox({
      configFile: configs.write(delivering),
      cwd: REPO_ROOT,
      environment: process.env,
      asgardeoPort: 0,
      outdir: configs.outdir,
      write: (t) => (written += t),
      smokeOptions: FAST_SMOKE,
    });
  }, 480_000);

  afterAll(async () => {
    await sandbox?.stop();
    configs?.remove();
  }, 240_000);

  function call(method: string, authorization?: string): Promise<{ status: number; challenge?: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${sandbox!.stageInvokeUrl}/user`,
        { method, headers: authorization ? { authorization } : {}, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] as string | undefined }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
  const tokenOf = async (client: string) =>
    (await requestClientToken({ config: sandbox!.config, credentials: sandbox!.asgardeo.admin, client })).accessToken;
  const stateFile = () => path.join(configs.outdir, 'cdktf.out', `terraform.${sandbox!.config.stackName}.tfstate`);
  async function delivered(stage: 'AWSCURRENT' | 'AWSPREVIOUS' = 'AWSCURRENT') {
    const target = (await sandbox!.awsSdkTarget())!;
    const sm = new SecretsManagerClient({ endpoint: target.endpoint, region: sandbox!.config.aws.region, credentials: target.credentials });
    try {
      return await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: stage }));
    } finally {
      sm.destroy();
    }
  }

  test('says it runs the real path, deploys through Terraform and passes every smoke check against what was deployed', () => {
    const s = sandbox!;
    expect(s.awsPath).toBe('terraform');
    expect(written).toMatch(
      new RegExp(
        /AWS side: real Terraform 1\.\d+\.\d+ with hashicorp\/aws 5\.100\.0 from \S+ \(\S+\) /.source +
          /deploys the stack to the local AWS control plane/.source,
      ),
    );
    expect(written).toContain('terraform: Apply complete! Resources: 16 added, 0 changed, 0 destroyed.');
    expect(s.result.steps.map((x) => `${x.step}:${x.status}`)).toEqual([
      'preflight:done',
      'plan:done',
      'aws:done',
      'asgardeo:done',
      'smoke:done',
    ]);
    expect(s.result.smoke!.checks).toHaveLength(9);
    expect(s.result.smoke!.checks.filter((c) => !c.ok)).toEqual([]);
    // The outputs are Terraform's: the API id is the control plane's, not the fallback's "local".
    expect(s.result.outputs.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(s.result.outputs.stageInvokeUrl).toBe(s.stageInvokeUrl);
    expect(s.result.outputs.issuer).toBe(s.asgardeo.issuer);
    // The outputs file holds Terraform's outputs: the control plane's API id, the gateway's URL as its endpoint.
    const outputs = JSON.parse(fs.readFileSync(path.join(configs.outdir, `${s.config.stackName}.outputs.json`), 'utf8'))[
      s.config.stackName
    ] as Record<string, string>;
    expect(outputs.api_id).toBe(s.result.outputs.apiId);
    expect(outputs.api_endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outputs.stage_invoke_url).toBe(`${outputs.api_endpoint}/dev`);
    const stackDir = path.join(configs.outdir, 'cdktf.out', 'stacks', s.config.stackName);
    // The local endpoints live in an override file only while Terraform runs: the folder keeps only the stack.
    expect(fs.readdirSync(stackDir).filter((f) => f.endsWith('_override.tf.json'))).toEqual([]);
    const state = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toHaveLength(16);
  });

  test('the delivering client: credentials written, the smoke test used them', async () => {
    const s = sandbox!;
    expect(written).toContain(`credentials of pharmacy-reader: written to ${SECRET}`);
    const value = parseDelivered((await delivered()).SecretString)!;
    expect(value).toMatchObject({
      token_endpoint: s.config.asgardeo.tokenEndpoint,
      scope: 'get_pharmacy_user',
      audience: s.config.apiResource.identifier,
    });
    expect(s.result.smoke!.checks.every((c) => c.ok)).toBe(true);
  });

  test('a changed scope: one in-place update, no Asgardeo or Secrets Manager write, the gateway follows; no secret left', async () => {
    const s = sandbox!;
    const reader = await tokenOf('pharmacy-reader');
    expect((await call('GET', `Bearer ${reader}`)).status).toBe(200);
    const url = s.stageInvokeUrl;
    s.asgardeo.requests.clear();
    const printedBefore = written.length;
    await s.redeploy({
      configFile: configs.write((c) => {
        delivering(c);
        routeOf(c, 'GET /user').scopes = ['create_pharmacy_user'];
      }),
    });
    expect(s.stageInvokeUrl).toBe(url);
    // The redeploy's AWS step prints Terraform's saved plan (from its JSON), then applies exactly that file.
    const printed = written.slice(printedBefore);
    expect(printed).toMatch(/Terraform plan \(Plan: 0 to add, 1 to change, 0 to destroy\.\), saved to .*tollgate\.tfplan:\n/);
    const diff = awsStepPlan(printed);
    const route = /^~ {3}update {2}aws_apigatewayv2_route\.http-api_route-GET-2Fuser_\w+\n/;
    expect(diff).toMatch(new RegExp(`${route.source}Plan: 0 to add, 1 to change, 0 to destroy\\.$`));
    // A route's scopes are the AWS side's alone: the Asgardeo side writes nothing, the delivered credentials stay.
    expect(s.asgardeo.requests.writes()).toBe(0);
    expect(printed).toContain(`credentials of pharmacy-reader: ${SECRET} is up to date`);
    await expect(delivered('AWSPREVIOUS')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const refused = await call('GET', `Bearer ${reader}`);
    expect(refused.status).toBe(403);
    expect(refused.challenge).toContain('expected scopes: [create_pharmacy_user]');
    expect((await call('GET', `Bearer ${await tokenOf('pharmacy-admin')}`)).status).toBe(200);
    // No secret in the state, the synthesized stack, plans, outputs, or what the runs printed.
    const value = parseDelivered((await delivered()).SecretString)!;
    const leaks = [
      ...filesUnder(configs.outdir),
      ...filesUnder(path.join(REPO_ROOT, '.tollgate')).filter((f) => f.includes(s.config.stackName)),
    ].filter((f) => {
      try {
        return fs.readFileSync(f).includes(value.client_secret);
      } catch {
        return false;
      }
    });
    expect(leaks).toEqual([]);
    expect(written).not.toContain(value.client_secret);
  }, 480_000);

  test('stopping destroys the deployment through Terraform: its state ends empty', async () => {
    const file = stateFile();
    await sandbox!.stop();
    sandbox = undefined;
    expect(written).toContain('terraform: Apply complete! Resources: 0 added, 0 changed, 16 destroyed.');
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
  }, 120_000);
});
