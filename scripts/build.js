#!/usr/bin/env node
'use strict';
// `npm run build` (also `prepare`, so `npm ci` and `npm pack` build): compiles the package with
// tsconfig.build.json, copies the files the compiled code reads at run time, then puts the result in
// dist/ in one rename. A build that fails, or two builds at once (`npm pack` while another runs),
// never leave a half-written or half-deleted dist/.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const ASSETS = ['sandbox/demo/static'];
// Beside dist on the same file system (a rename cannot cross one), where no tool of the project looks.
const scratch = path.join(root, 'node_modules', '.cache', 'tollgate-build');
fs.mkdirSync(scratch, { recursive: true });
const out = fs.mkdtempSync(path.join(scratch, 'dist-'));

const tsc = require.resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out], {
  stdio: 'inherit',
  cwd: root,
});
if (result.status !== 0) {
  fs.rmSync(out, { recursive: true, force: true });
  process.stderr.write('tollgate build: the TypeScript compiler failed (see above); dist/ was left as it was\n');
  process.exit(result.status ?? 1);
}
for (const asset of ASSETS) fs.cpSync(path.join(root, asset), path.join(out, asset), { recursive: true });

// The old dist/ moves aside, the new one takes its place. Another build may put its own dist/ there
// between the two renames: move that aside too and try again (the last build to finish wins, whole).
for (let attempt = 1; ; attempt++) {
  const old = fs.mkdtempSync(path.join(scratch, 'old-'));
  try {
    fs.renameSync(dist, path.join(old, 'dist'));
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    fs.renameSync(out, dist);
    fs.rmSync(old, { recursive: true, force: true });
    break;
  } catch (err) {
    fs.rmSync(old, { recursive: true, force: true });
    if (!['ENOTEMPTY', 'EEXIST'].includes(err.code) || attempt === 5) throw err;
  }
}
