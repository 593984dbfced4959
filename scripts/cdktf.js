#!/usr/bin/env node
'use strict';
// Runs the project's own cdktf CLI with HashiCorp's checkpoint (version check and usage report) off,
// so `npm run synth` and `npm run cdktf -- <command>` print no network error offline or in CI.
// An env prefix in package.json (`CHECKPOINT_DISABLE=1 cdktf synth`) would not work in cmd.exe.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
// A TF_CLI_CONFIG_FILE that does not exist configures nothing, but every `terraform version` the CLI
// runs would log it as an [ERROR]: say it once, plainly, and run without it.
if (env.TF_CLI_CONFIG_FILE && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) {
  process.stderr.write(`note: TF_CLI_CONFIG_FILE (${env.TF_CLI_CONFIG_FILE}) does not exist; running cdktf without it.\n`);
  delete env.TF_CLI_CONFIG_FILE;
}

const cli = require.resolve('cdktf-cli/bundle/bin/cdktf');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) {
  process.stderr.write(`cdktf could not be started: ${result.error.message}\nRun \`npm ci\` first.\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
