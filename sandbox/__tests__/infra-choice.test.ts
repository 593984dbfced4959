import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { terraformPlatform } from '../../deploy/terraform/mirror';
import { chooseLocalInfra, realPathNeeds } from '../local/infra-choice';

/* The sandbox's fallback line says exactly what the real-Terraform path is missing on this machine. */
let dir: string;
let bin: string;
let mirror: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-infra-choice-'));
  // A `terraform` on PATH that is never run (the choice stops at the missing mirror first).
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'terraform'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  mirror = path.join(dir, 'mirror');
  fs.mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', terraformPlatform()), { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const EMPTY_HOME = () => ({ HOME: path.join(dir, 'home') });

test('names what is missing: Terraform, the provider mirror, or both', () => {
  expect(realPathNeeds({ ...EMPTY_HOME(), PATH: '' })).toBe(
    'the real path needs Terraform and a hashicorp/aws provider mirror, neither is here',
  );
  expect(realPathNeeds({ ...EMPTY_HOME(), PATH: '', TOLLGATE_TF_PROVIDER_MIRROR: mirror })).toBe(
    'the real path needs Terraform (the provider mirror is here)',
  );
  expect(realPathNeeds({ ...EMPTY_HOME(), PATH: bin })).toBe('Terraform is installed: the real path needs only the provider mirror');
});

test('with Terraform installed and no mirror, the fallback line says only the mirror is missing', async () => {
  const infra = await chooseLocalInfra({
    config: () => {
      throw new Error('not synthesized in this test');
    },
    outdir: path.join(dir, 'out'),
    environment: { ...EMPTY_HOME(), PATH: bin },
    projectDir: dir,
  });
  try {
    expect(infra.path).toBe('synthesized');
    expect(infra.message).toContain('because no hashicorp/aws provider mirror found');
    expect(infra.message).toContain('; Terraform is installed: the real path needs only the provider mirror.');
    expect(infra.message).not.toContain('install Terraform');
  } finally {
    await infra.runner.close();
  }
});
