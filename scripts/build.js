#!/usr/bin/env node
'use strict';
// `npm run build` (also `prepare`, so `npm ci` and `npm pack` build): compiles the package with
// tsconfig.build.json, copies the files the compiled code reads at run time, then puts the result in
// dist/ in one rename. A build that fails, or two builds at once (`npm pack` while another runs),
// never leave a half-written or half-deleted dist/.
//
// A dist/ built from the same inputs is kept (`--force` builds anyway): `npm ci` runs `prepare` twice,
// for the repository and for its own link in node_modules (the dev dependency `tollgate: file:.` that
// puts `tollgate` in node_modules/.bin), and `npm pack` runs it again.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const ASSETS = ['sandbox/demo/static'];
// Written into the new dist/ before it takes its place, so it always describes the dist/ it is in.
// package.json `files` leaves it out of the package.
const FINGERPRINT = '.build-fingerprint';
// Folders that hold no input of the build: outputs, dependencies, run-time state.
const NOT_INPUTS = new Set(['.git', 'node_modules', 'dist', 'cdktf.out', '.terraform', '.gen', '.tollgate', 'coverage']);

/**
 * A hash of everything the build can read: every file of the repository outside NOT_INPUTS (tsc also
 * compiles a file outside tsconfig.build.json's `include` when an included one imports it, so all of
 * them count; an edited test costs a rebuild, never a stale dist/), and the compiler's version.
 */
function inputsFingerprint() {
  const hash = crypto.createHash('sha256');
  hash.update(`typescript ${require('typescript/package.json').version}\0`);
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && !NOT_INPUTS.has(entry.name)) walk(file);
      else if (entry.isFile()) {
        hash.update(`${path.relative(root, file)}\0`);
        hash.update(fs.readFileSync(file));
        hash.update('\0');
      }
    }
  };
  walk(root);
  return hash.digest('hex');
}

const fingerprint = inputsFingerprint();
const fingerprintFile = path.join(dist, FINGERPRINT);
const built = fs.existsSync(fingerprintFile) ? fs.readFileSync(fingerprintFile, 'utf8') : undefined;
if (built === fingerprint && !process.argv.includes('--force')) {
  process.stdout.write('tollgate build: dist/ is up to date (built from these sources); `npm run build -- --force` rebuilds it\n');
  process.exit(0);
}

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
fs.writeFileSync(path.join(out, FINGERPRINT), fingerprint);

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
