import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseDelivered } from '../../deploy/secret-delivery';
import { terraformUnavailableReason } from '../aws/terraform-workdir';
import { startSandbox, type Sandbox } from '../local';
import { FAST_SMOKE, REPO_ROOT, SandboxConfigs } from './support';

/*
 * Credential delivery on the local target's real path: Terraform creates the client's Secrets Manager
 * secret on the local AWS control plane, the deploy writes the client's credentials to it, the smoke
 * test's token for that client comes from there, a redeploy writes nothing, and the client secret is in
 * no state, plan, log or file the run left.
 */
const unavailable = terraformUnavailableReason();
if (unavailable) console.warn(`credential delivery sandbox test skipped: ${unavailable}.`);
const describeWithTerraform = unavailable ? describe.skip : describe;
const SECRET = 'tollgate/pharmacy-user-api-dev/pharmacy-reader';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((e) => (e.isFile() ? [path.join(e.parentPath, e.name)] : []));
}

describeWithTerraform('client credentials delivered to the local Secrets Manager (real Terraform)', () => {
  let configs: SandboxConfigs;
  let sandbox: Sandbox | undefined;
  let written = '';

  beforeAll(async () => {
    configs = new SandboxConfigs();
    sandbox = await startSandbox({
      configFile: configs.write((c) => {
        c.clients[0].credentials = { awsSecretsManager: {} };
      }),
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

  async function delivered(stage: 'AWSCURRENT' | 'AWSPREVIOUS' = 'AWSCURRENT') {
    const target = (await sandbox!.awsSdkTarget())!;
    const sm = new SecretsManagerClient({ endpoint: target.endpoint, region: sandbox!.config.aws.region, credentials: target.credentials });
    try {
      return await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: stage }));
    } finally {
      sm.destroy();
    }
  }

  test('deploy writes the credentials, smoke passes, a redeploy writes nothing, no secret is left anywhere', async () => {
    const s = sandbox!;
    expect(s.awsPath).toBe('terraform');
    expect(written).toContain('Resources: 16 added');
    expect(written).toContain(`credentials of pharmacy-reader: written to ${SECRET}`);
    const value = parseDelivered((await delivered()).SecretString)!;
    expect(value).toMatchObject({
      token_endpoint: s.config.asgardeo.tokenEndpoint,
      scope: 'get_pharmacy_user',
      audience: s.config.apiResource.identifier,
    });
    expect(s.result.smoke!.checks.every((c) => c.ok)).toBe(true);

    s.asgardeo.requests.clear();
    written = '';
    await s.redeploy();
    expect(written).toContain(`credentials of pharmacy-reader: ${SECRET} is up to date`);
    expect(s.asgardeo.requests.writes()).toBe(0);
    // Still the first version: nothing was written to Secrets Manager.
    await expect(delivered('AWSPREVIOUS')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // No secret in the state, the synthesized stack, plans, outputs, or what the run printed.
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
});
