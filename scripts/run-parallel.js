#!/usr/bin/env node
'use strict';
/**
 * Runs the given shell commands at once, as many at a time as the machine has cores, and prints each
 * command's output in one piece when it ends (never interleaved). Exits 1 when any failed, after all
 * have ended, naming the failed ones. For `npm test`'s checks (typecheck, lint, format, workflow lint):
 * each is one single-threaded process, so on two cores two of them take the time of one.
 *
 *   node scripts/run-parallel.js "npm run typecheck" "npm run lint"
 */
const { spawn } = require('node:child_process');
const os = require('node:os');

const commands = process.argv.slice(2);
if (commands.length === 0) {
  process.stderr.write('usage: node scripts/run-parallel.js "<command>" ["<command>" ...]\n');
  process.exit(2);
}
const slots = Math.max(1, Number(process.env.TOLLGATE_CHECK_JOBS) || os.availableParallelism());

function run(command) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('error', (err) => chunks.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      process.stdout.write(`${ok ? '✓' : '✗'} ${command} (${seconds} s${ok ? '' : `, ${signal ?? `exit ${code}`}`})\n`);
      const output = Buffer.concat(chunks).toString();
      if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      resolve(ok);
    });
  });
}

async function main() {
  const queue = [...commands];
  const failed = [];
  const worker = async () => {
    for (let command = queue.shift(); command !== undefined; command = queue.shift()) {
      if (!(await run(command))) failed.push(command);
    }
  };
  await Promise.all(Array.from({ length: Math.min(slots, commands.length) }, worker));
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} of ${commands.length} checks failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

void main();
