/**
 * This project's own test (`npm test`), written by `tollgate init`: the configuration loads, every
 * environment's stack synthesizes (and passes `terraform validate` when Terraform and a hashicorp/aws
 * provider mirror are installed), and the local sandbox's checks pass on it (`tollgate dev --once`:
 * each route answers 401 without a token, 403 without its scope, 2xx with it).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  loadProjectEnvironments,
  runSandboxChecks,
  synthesizeProject,
  terraformUnavailable,
  validateWithTerraform,
} from 'tollgate/testing';

test('the configuration loads in every environment', () => {
  const environments = loadProjectEnvironments();
  assert.ok(environments.length > 0, 'tollgate.config.ts declares no environment');
});

test('every environment synthesizes', () => {
  const project = synthesizeProject();
  try {
    for (const [environment, dir] of Object.entries(project.stackDirs)) {
      assert.ok(fs.existsSync(path.join(dir, 'cdk.tf.json')), `${environment}: no cdk.tf.json in ${dir}`);
    }
  } finally {
    project.dispose();
  }
});

const noTerraform = terraformUnavailable();
test('terraform validate accepts every environment', { skip: noTerraform && `skipped: ${noTerraform}` }, async () => {
  const project = synthesizeProject();
  try {
    for (const dir of Object.values(project.stackDirs)) await validateWithTerraform(dir);
  } finally {
    project.dispose();
  }
});

test('the local sandbox checks pass (tollgate dev --once)', async () => {
  const { exitCode, output } = await runSandboxChecks();
  assert.equal(exitCode, 0, output);
});
