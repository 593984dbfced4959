/**
 * The real Terraform and hashicorp/aws provider manage the credential secrets of the stack
 * (constructs/client-credentials-secret.ts) on the local control plane: create (with and without a
 * readers policy), a value written outside Terraform with the AWS SDK causes no drift and never
 * enters the state, an in-place readers change, and destroy (force delete: nothing left).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GetResourcePolicyCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ClientCredentialsSecret } from '../../../constructs/client-credentials-secret';
import { startLocalAws, type LocalAws } from '../index';
import { DUMMY_CREDENTIALS, writeLocalAwsOverride } from '../provider-override';
import type { TerraformSetup } from '../../../deploy/terraform';
import { localTerraformSetup, tempOutdir, terraformUnavailableReason, TerraformWorkdir, type TerraformResult } from '../terraform-workdir';

const unavailable = terraformUnavailableReason();
const describeWithTerraform = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`Secrets Manager Terraform tests skipped: ${unavailable}.`);

const READER = 'arn:aws:iam::000000000000:role/reader-task';
const OTHER_READER = 'arn:aws:iam::000000000000:role/other-task';
const VALUE = JSON.stringify({ client_id: 'id-1', client_secret: 'never-in-terraform-state-7f3a' });

function ok(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 0)
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  return result;
}

function synth(outdir: string, readers: string[]): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, 'secrets');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new LocalBackend(stack, { path: path.join(outdir, 'terraform.secrets.tfstate') });
  new ClientCredentialsSecret(stack, 'reader', { secretName: 'tollgate/secrets-dev/reader', clientName: 'reader', readers });
  new ClientCredentialsSecret(stack, 'admin', { secretName: 'tollgate/secrets-dev/admin', clientName: 'admin', readers: [] });
  app.synth();
  return path.join(outdir, 'stacks', 'secrets');
}

describeWithTerraform('the real aws provider manages credential secrets on the local control plane', () => {
  let aws: LocalAws;
  let tooling: TerraformSetup;
  let outdir: string;
  const unserved: string[] = [];

  beforeAll(async () => {
    tooling = await localTerraformSetup();
    aws = await startLocalAws({ onUnserved: (service, operation) => unserved.push(`${service}:${operation}`) });
    outdir = tempOutdir('tollgate-sm-tf-');
  }, 120_000);
  afterAll(async () => {
    await aws?.stop();
    tooling?.dispose();
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('creates, ignores a value written with the SDK, changes readers in place, destroys', async () => {
    const stackDir = synth(outdir, [READER]);
    writeLocalAwsOverride(stackDir, aws.endpoint);
    const tf = new TerraformWorkdir(tooling, stackDir);
    ok(await tf.run(['init', '-input=false', '-no-color']), 'terraform init');

    const apply = ok(await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']), 'terraform apply');
    expect(apply.stdout).toContain('Resources: 3 added, 0 changed, 0 destroyed');
    expect(aws.counts().secrets).toBe(2);

    const sm = new SecretsManagerClient({
      endpoint: aws.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: DUMMY_CREDENTIALS.access_key, secretAccessKey: DUMMY_CREDENTIALS.secret_key },
    });
    try {
      await sm.send(new PutSecretValueCommand({ SecretId: 'tollgate/secrets-dev/reader', SecretString: VALUE }));
      const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: 'tollgate/secrets-dev/reader' }));
      expect(JSON.parse(policy.ResourcePolicy!).Statement[0]).toMatchObject({
        Principal: { AWS: [READER] },
        Action: 'secretsmanager:GetSecretValue',
      });
    } finally {
      sm.destroy();
    }

    // The value written outside Terraform is no drift, and appears in no state or plan.
    const replan = await tf.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect(replan.code).toBe(0);
    const state = fs.readFileSync(path.join(outdir, 'terraform.secrets.tfstate'), 'utf8');
    expect(state).not.toContain('never-in-terraform-state');
    expect(state).not.toContain('aws_secretsmanager_secret_version');

    // Readers change: the policy is updated in place.
    synth(outdir, [READER, OTHER_READER]);
    const change = ok(await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']), 'terraform apply (readers)');
    expect(change.stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed');

    aws.requests.clear();
    const destroy = ok(await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color']), 'terraform destroy');
    expect(destroy.stdout).toContain('Resources: 3 destroyed');
    expect(aws.counts().secrets).toBe(0);
    expect(aws.requests.served()).toEqual(expect.arrayContaining(['secretsmanager:DeleteResourcePolicy', 'secretsmanager:DeleteSecret']));
    expect(unserved).toEqual([]);

    // Force-deleted (recovery window 0): the names are free for the next deploy at once.
    expect(aws.requests.entries().some((e) => e.operation === 'DeleteSecret' && e.status === 200)).toBe(true);
  }, 540_000);
});
