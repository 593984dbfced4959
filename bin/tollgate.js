#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI without a build step: tsx compiles on load (transpile only).
require('tsx/cjs');
const { main } = require('../cli/main.ts');
const { processIo } = require('../cli/io.ts');

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`tollgate: unexpected error: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
