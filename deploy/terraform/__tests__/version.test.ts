import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { AWS_PROVIDER_CONSTRAINT } from '../../../stacks/tollgate-stack';
import { compareVersions, formatVersion, parseVersion, VersionConstraint } from '../version';

describe('Terraform version constraints', () => {
  it.each([
    ['>= 5.100, < 7', '5.100.0', true],
    ['>= 5.100, < 7', '6.25.0', true],
    ['>= 5.100, < 7', '5.99.1', false],
    ['>= 5.100, < 7', '7.0.0', false],
    ['~> 6.0', '6.99.0', true],
    ['~> 6.0', '7.0.0', false],
    ['~> 6.25.0', '6.25.9', true],
    ['~> 6.25.0', '6.26.0', false],
    ['6.25.0', '6.25.0', true],
    ['= 6.25.0', '6.25.1', false],
    ['!= 5.100.0', '5.100.0', false],
    ['> 1.8, <= 1.11.4', '1.11.4', true],
    ['>= 1.9.0, < 2.0.0', '1.8.5', false],
    ['>= 1.9.0, < 2.0.0', '1.12.0-alpha20250101', false],
    ['1.12.0-alpha20250101', '1.12.0-alpha20250101', true],
  ])('%s admits %s: %s', (constraint, version, expected) => {
    expect(VersionConstraint.parse(constraint).matches(version)).toBe(expected);
  });

  it('rejects constraints that are not Terraform syntax', () => {
    expect(() => VersionConstraint.parse('>= 5.100,')).toThrow(/empty clause/);
    expect(() => VersionConstraint.parse('latest')).toThrow(/not an operator and a version/);
    expect(() => VersionConstraint.parse('=> 5')).toThrow(/not an operator and a version/);
  });

  it('orders versions, a pre-release before its release', () => {
    expect(compareVersions(parseVersion('1.10.0'), parseVersion('1.9.9'))).toBe(1);
    expect(compareVersions(parseVersion('1.10.0-beta1'), parseVersion('1.10.0'))).toBe(-1);
    expect(formatVersion(parseVersion('v5.100'))).toBe('5.100.0');
  });

  it('orders pre-release tags as SemVer does: numeric parts by value, numbers before words', () => {
    expect(compareVersions(parseVersion('1.12.0-rc.10'), parseVersion('1.12.0-rc.9'))).toBe(1);
    expect(compareVersions(parseVersion('1.12.0-rc.9'), parseVersion('1.12.0-rc.10'))).toBe(-1);
    expect(compareVersions(parseVersion('1.12.0-alpha.1'), parseVersion('1.12.0-alpha.beta'))).toBe(-1);
    expect(compareVersions(parseVersion('1.12.0-alpha'), parseVersion('1.12.0-alpha.1'))).toBe(-1);
    expect(compareVersions(parseVersion('1.12.0-beta'), parseVersion('1.12.0-alpha.9'))).toBe(1);
  });
});

describe("the stack's hashicorp/aws constraint", () => {
  // An outdir of its own: without one cdktf leaves a cdktf.outdir.* folder in the system temp folder.
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-version-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('admits the version the bindings were generated from and the 5.100 mirror, and is what the stack writes', () => {
    const app = Testing.app({ outdir });
    const stack = new TerraformStack(app, 'probe');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const bindings = (provider as unknown as { terraformGeneratorMetadata?: { providerVersion?: string } }).terraformGeneratorMetadata
      ?.providerVersion;
    expect(bindings).toMatch(/^6\.\d+\.\d+$/);
    const constraint = VersionConstraint.parse(AWS_PROVIDER_CONSTRAINT);
    expect(constraint.matches(bindings!)).toBe(true);
    expect(constraint.matches('5.100.0')).toBe(true);
    // Without the stack's override the bindings pin exactly their own version: what the mirror cannot satisfy.
    const synthesized = JSON.parse(Testing.synth(stack)) as { terraform: { required_providers: { aws: { version: string } } } };
    expect(synthesized.terraform.required_providers.aws.version).toBe(bindings);
  });
});
