#!/usr/bin/env node
'use strict';
/**
 * Runs the given shell commands at once, as many at a time as the machine has cores, and prints each
 * command's output in one piece when it ends (never interleaved). Exits 1 when any failed, after all
 * have ended, naming the failed ones. For `npm test`'s checks (typecheck, lint, format, workflow lint):
 * each is one single-threaded process, so on two cores two of them take the time of one.
 *
 * `--stream <command> [args…]`, last, runs one more command beside them from the start, its output
 * shown as it comes: `npm test` runs jest so, and `npm test -- <jest args>` lands after it. Jest
 * alone leaves the cores part idle (its start, its last files, Terraform's waits); the checks fill them.
 *
 *   node scripts/run-parallel.js "npm run typecheck" "npm run lint" --stream jest --silent
 */
const { spawn } = require('node:child_process');
const os = require('node:os');

const args = process.argv.slice(2);
const streamAt = args.indexOf('--stream');
const commands = streamAt === -1 ? args : args.slice(0, streamAt);
const streamed = streamAt === -1 ? [] : args.slice(streamAt + 1);
if (commands.length === 0 || (streamAt !== -1 && streamed.length === 0)) {
  process.stderr.write('usage: node scripts/run-parallel.js "<command>" ["<command>" ...] [--stream <command> [args ...]]\n');
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

/**
 * The streamed command: its own output as it comes, its arguments passed as they are. No shell, except
 * on Windows, where `jest` is a `.cmd` shim that only a shell starts.
 */
function stream([command, ...rest]) {
  return new Promise((resolve) => {
    const child = spawn(command, rest, { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', (err) => {
      process.stderr.write(`${command}: ${err.message}\n`);
      resolve(false);
    });
    child.on('close', (code) => resolve(code === 0));
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
  const [streamedOk] = await Promise.all([
    streamed.length > 0 ? stream(streamed) : true,
    ...Array.from({ length: Math.min(slots, commands.length) }, worker),
  ]);
  if (!streamedOk) failed.push(streamed.join(' '));
  const total = commands.length + (streamed.length > 0 ? 1 : 0);
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} of ${total} commands failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

void main();
