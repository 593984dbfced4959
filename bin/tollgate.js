#!/usr/bin/env node
'use strict';
// The installed package runs its compiled code (dist/). A source checkout of tollgate (cli/main.ts
// beside this folder, tsx among its dev dependencies) runs the source, so its CLI never lags an edit.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let cli;
if (fs.existsSync(path.join(root, 'cli', 'main.ts'))) {
  require('tsx/cjs');
  cli = { main: require('../cli/main.ts').main, io: require('../cli/io.ts').processIo };
} else {
  cli = { main: require('../dist/cli/main.js').main, io: require('../dist/cli/io.js').processIo };
}

cli.main(process.argv.slice(2), cli.io()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`tollgate: unexpected error: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
