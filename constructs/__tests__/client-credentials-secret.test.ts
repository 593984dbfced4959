import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { loadConfig } from '../../config';
import { ConfigFiles, validConfig } from '../../config/__tests__/support';
import { buildStack } from '../../stacks/synth';

/** The stack's credential secrets: one per delivering client, a policy only with readers, no version, the output naming them. */
describe('credential secrets in the stack', () => {
  const files = new ConfigFiles();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cred-stack-'));
  afterAll(() => {
    files.remove();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  function synth(change: (c: ReturnType<typeof validConfig>) => void) {
    const raw = validConfig();
    raw.aws.lambda.entry = path.join(files.dir, 'handler.js');
    fs.writeFileSync(raw.aws.lambda.entry, 'exports.handler = async () => ({ statusCode: 200 });\n');
    change(raw);
    const config = loadConfig({ file: files.write(raw), env: 'dev', target: 'local', environment: {} });
    const app = new App({ outdir, skipValidation: true });
    const stack = buildStack(app, config, {
      backend: { kind: 'local', path: path.join(outdir, 'state.tfstate') },
      env: {},
      bundleDir: path.join(outdir, 'b'),
    });
    return JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
      output: Record<string, { value: string }>;
    };
  }

  it('creates a secret per delivering client (recovery window 0), a readers policy only where asked, and never a version', () => {
    const json = synth((c) => {
      c.clients[0].credentials = { awsSecretsManager: { readers: ['arn:aws:iam::123456789012:role/reader-task'] } };
      c.clients[1].credentials = { awsSecretsManager: { name: 'pharmacy/dev/admin' } };
    });
    const secrets = Object.values(json.resource.aws_secretsmanager_secret ?? {});
    expect(secrets.map((s) => s.name).sort()).toEqual(['pharmacy/dev/admin', 'tollgate/pharmacy-user-api-dev/pharmacy-reader']);
    expect(secrets.every((s) => s.recovery_window_in_days === 0)).toBe(true);
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    const policies = Object.values(json.resource.aws_secretsmanager_secret_policy ?? {});
    expect(policies).toHaveLength(1);
    expect(JSON.parse(policies[0]!.policy as string).Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::123456789012:role/reader-task'] },
      Action: 'secretsmanager:GetSecretValue',
    });
    expect(json.output.credential_secrets!.value).toContain('jsonencode');
    expect(json.output.credential_secrets!.value).toContain('pharmacy-reader');
  });

  it('declares neither secrets nor the output when no client asks for delivery', () => {
    const json = synth(() => undefined);
    expect(json.resource.aws_secretsmanager_secret).toBeUndefined();
    expect(json.output.credential_secrets).toBeUndefined();
  });
});
