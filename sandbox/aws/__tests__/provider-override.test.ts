import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localAwsOverride, mirrorCliConfig, OVERRIDE_FILE, writeLocalAwsOverride } from '../provider-override';
import { terraformPlatform } from '../../../deploy/terraform';
import { terraformUnavailableReason } from '../terraform-workdir';

describe('pointing Terraform at the local control plane', () => {
  it("overrides the provider constraint to admit the mirror, unless told to keep the stack's", () => {
    const override = localAwsOverride('http://127.0.0.1:1234') as { terraform: unknown; provider: { aws: [Record<string, unknown>] } };
    expect(override.terraform).toEqual({ required_providers: { aws: { source: 'hashicorp/aws', version: '>= 5.100.0' } } });
    expect(override.provider.aws[0]).toMatchObject({
      skip_credentials_validation: true,
      skip_requesting_account_id: false,
      endpoints: [
        {
          iam: 'http://127.0.0.1:1234',
          sts: 'http://127.0.0.1:1234',
          lambda: 'http://127.0.0.1:1234',
          apigatewayv2: 'http://127.0.0.1:1234',
          cloudwatchlogs: 'http://127.0.0.1:1234',
        },
      ],
    });
    expect(localAwsOverride('http://x', { providerConstraint: null })).not.toHaveProperty('terraform');
    expect(localAwsOverride('http://x', { providerConstraint: '~> 5.100' })).toMatchObject({
      terraform: { required_providers: { aws: { version: '~> 5.100' } } },
    });
  });

  it('writes the override under a name Terraform merges as an override file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-override-'));
    try {
      const file = writeLocalAwsOverride(dir, 'http://127.0.0.1:1');
      expect(path.basename(file)).toBe(OVERRIDE_FILE);
      expect(OVERRIDE_FILE).toMatch(/_override\.tf\.json$/);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(localAwsOverride('http://127.0.0.1:1'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('installs hashicorp/aws only from the mirror', () => {
    const config = mirrorCliConfig('/opt/mirror');
    expect(config).toContain('filesystem_mirror {\n    path    = "/opt/mirror"\n    include = ["registry.terraform.io/hashicorp/aws"]');
    expect(config).toContain('direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]');
  });

  it('says why when terraform or the provider mirror is missing', () => {
    expect(terraformUnavailableReason({ PATH: '' })).toBe('terraform is not on PATH');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-fake-tf-'));
    try {
      fs.writeFileSync(path.join(bin, 'terraform'), '#!/bin/sh\n', { mode: 0o755 });
      // deploy/terraform's mirror lookup decides: a variable naming a missing folder is an error, not a silent fallback.
      expect(terraformUnavailableReason({ PATH: bin, TOLLGATE_TF_PROVIDER_MIRROR: path.join(bin, 'no-mirror') })).toMatch(
        /provider mirror .*no-mirror.*does not exist/,
      );
      const platformDir = path.join(bin, 'mirror', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', terraformPlatform());
      fs.mkdirSync(platformDir, { recursive: true });
      fs.writeFileSync(path.join(platformDir, 'terraform-provider-aws_v5.100.0_x5'), '');
      expect(terraformUnavailableReason({ PATH: bin, TOLLGATE_TF_PROVIDER_MIRROR: path.join(bin, 'mirror') })).toBeUndefined();
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
