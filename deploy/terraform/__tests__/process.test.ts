import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { describeRunningCommands, LOG_FOLDER, runProcess, runningCommands } from '../process';

describe('runProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-process-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts nothing when its signal was aborted before it began (the other half of a plan failed)', async () => {
    const marker = path.join(dir, 'ran');
    const controller = new AbortController();
    controller.abort(new Error('the Asgardeo plan failed'));
    await expect(
      runProcess('/bin/sh', ['-c', `touch ${marker}`], { cwd: dir, env: process.env, signal: controller.signal }),
    ).rejects.toThrow('the Asgardeo plan failed');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('runs and collects output when not aborted; its output folder is gone when it ends', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'echo out; echo err >&2'], { cwd: dir, env: process.env });
    expect(result).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(fs.readdirSync(path.join(dir, '.terraform', LOG_FOLDER))).toEqual([]);
  });

  it('a short read-only command through pipes leaves nothing on disk', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'echo out; echo err >&2'], { cwd: dir, env: process.env, pipe: true });
    expect(result).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('runProcess: the command outlives its caller and is interrupted once', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-process-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Resolves when `file` exists (the command's own signal that it reached a point), checked as the command writes it. */
  const appeared = (file: string) =>
    new Promise<void>((resolve) => {
      const watcher = fs.watch(path.dirname(file), () => {
        if (!fs.existsSync(file)) return;
        watcher.close();
        resolve();
      });
      if (fs.existsSync(file)) {
        watcher.close();
        resolve();
      }
    });

  it('keeps running and writing after the process that started it is killed (no pipe to lose)', async () => {
    const started = path.join(dir, 'started');
    const go = path.join(dir, 'go');
    const finished = path.join(dir, 'finished');
    // The command prints, waits until the caller is dead, prints again (a pipe would kill it now: SIGPIPE) and finishes.
    const script = `touch ${started}; while [ ! -e ${go} ]; do sleep 0.05; done; echo after; echo more >&2; touch ${finished}`;
    const caller = spawn(
      process.execPath,
      [
        '-r',
        'tsx/cjs',
        '-e',
        `require(${JSON.stringify(path.join(__dirname, '..', 'process.ts'))}).runProcess('/bin/sh', ['-c', ${JSON.stringify(script)}], ` +
          `{ cwd: ${JSON.stringify(dir)}, env: process.env, onOutput: (t) => process.stdout.write(t) })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await appeared(started);
    const exited = new Promise((resolve) => caller.on('exit', (_c, s) => resolve(s)));
    caller.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    fs.writeFileSync(go, '');
    await appeared(finished);
    expect(fs.existsSync(finished)).toBe(true);

    // The killed run's output stays beside the stack, all of it (evidence of what its command did)...
    const logs = path.join(dir, '.terraform', LOG_FOLDER);
    const [kept] = fs.readdirSync(logs);
    expect(kept).toMatch(new RegExp(`^${caller.pid}-sh-c-`));
    expect(fs.readFileSync(path.join(logs, kept!, 'stdout.log'), 'utf8')).toBe('after\n');
    expect(fs.readFileSync(path.join(logs, kept!, 'stderr.log'), 'utf8')).toBe('more\n');
    // ...until the next command in that folder starts: it sweeps the folders of runs no longer alive.
    await runProcess('/bin/sh', ['-c', 'true'], { cwd: dir, env: process.env });
    expect(fs.readdirSync(logs)).toEqual([]);
  }, 30_000);

  it('forwards one interrupt to the whole process group, waits for the command to stop, and reports it interrupted', async () => {
    const ready = path.join(dir, 'ready');
    const log = path.join(dir, 'interrupts');
    // A shell with a child of its own (as Terraform has its providers): both log each interrupt they get.
    // The child takes its time to stop, so that a second forwarded interrupt would be logged too.
    const child = path.join(dir, 'child.js');
    fs.writeFileSync(
      child,
      `const fs = require('fs');
process.on('SIGINT', () => { fs.appendFileSync(${JSON.stringify(log)}, 'child\\n'); setTimeout(() => process.exit(0), 300); });
fs.writeFileSync(${JSON.stringify(ready)}, '');
setInterval(() => undefined, 1000);
`,
    );
    const script = `trap 'echo parent >> ${log}' INT; '${process.execPath}' '${child}' & pid=$!; wait $pid; wait $pid; exit 3`;
    const controller = new AbortController();
    let printed = '';
    const run = runProcess('/bin/sh', ['-c', script], {
      cwd: dir,
      env: process.env,
      signal: controller.signal,
      onOutput: (t) => (printed += t),
    });
    await appeared(ready);
    expect(runningCommands()).toEqual([expect.objectContaining({ command: 'sh -c', cwd: dir, interrupted: false })]);
    const output = runningCommands()[0]!.log!;
    expect(path.dirname(output)).toBe(path.join(dir, '.terraform', LOG_FOLDER));
    expect(describeRunningCommands()).toContain(`its output goes to ${output}`);
    controller.abort();
    // A second abort event (a second Ctrl-C) is not forwarded: Terraform would abandon its work on it.
    controller.signal.dispatchEvent(new Event('abort'));
    const result = await run;
    expect(result.interrupted).toBe(true);
    expect(result.code).toBe(3);
    expect(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['child', 'parent']);
    expect(runningCommands()).toEqual([]);
    expect(describeRunningCommands()).toBe('');
    expect(printed).toBe('');
  }, 30_000);

  it('passes stdout and stderr on as they are written, split into whole characters', async () => {
    const chunks: string[] = [];
    const result = await runProcess('/bin/sh', ['-c', "printf 'ä'; sleep 0.3; printf 'ö\\n'; echo x >&2"], {
      cwd: dir,
      env: process.env,
      followMs: 10,
      onOutput: (t) => chunks.push(t),
    });
    expect(result).toEqual({ code: 0, stdout: 'äö\n', stderr: 'x\n' });
    expect(chunks.join('')).toMatch(/^äö\nx\n$/);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
  });
});
