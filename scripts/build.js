#!/usr/bin/env node
'use strict';
// `npm run build` (also `prepare`, so `npm ci` and `npm pack` build): compiles the package into dist/
// with tsconfig.build.json, then copies the files the compiled code reads at run time.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const ASSETS = ['sandbox/demo/static'];

fs.rmSync(dist, { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) {
  process.stderr.write('tollgate build: the TypeScript compiler failed (see above)\n');
  process.exit(result.status ?? 1);
}
for (const asset of ASSETS) fs.cpSync(path.join(root, asset), path.join(dist, asset), { recursive: true });
