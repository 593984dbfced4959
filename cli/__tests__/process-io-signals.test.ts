import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/*
 * The process's io (bin/tollgate.js): the first SIGINT/SIGTERM aborts and the command waits for
 * Terraform; a second one stops waiting, names what keeps running, and exits 130. Run in a child
 * process, since the second signal ends the process.
 */
describe('processIo: interrupts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-signals-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('SIGTERM aborts and forwards once; a second signal stops waiting, names the running command, exits 130', async () => {
    const started = path.join(dir, 'started');
    const stopped = path.join(dir, 'stopped');
    const go = path.join(dir, 'go');
    // Stands in for Terraform: on its interrupt it keeps working until told to go, as an apply finishing its calls.
    const command = `trap 'touch ${stopped}' INT; touch ${started}; while [ ! -e ${go} ]; do sleep 0.05; done`;
    const program =
      `const { processIo } = require(${JSON.stringify(path.join(__dirname, '..', 'io.ts'))});` +
      `const { runProcess } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'deploy', 'terraform', 'process.ts'))});` +
      `const io = processIo(); runProcess('/bin/sh', ['-c', ${JSON.stringify(command)}], ` +
      `{ cwd: ${JSON.stringify(dir)}, env: process.env, signal: io.signal });`;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // 'close', not 'exit': the child's last stderr lines may still be in the pipe when it has exited.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const until = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (ok() ? resolve() : setTimeout(check, 20));
        check();
      });
    const interrupted = 'tollgate: interrupted (SIGTERM): stopping; waiting for Terraform to save its state';
    let pid = 0;
    try {
      await until(() => fs.existsSync(started));
      child.kill('SIGTERM');
      // The stand-in got the forwarded interrupt; tollgate's message, written before it, may not have been read yet.
      await until(() => fs.existsSync(stopped) && err.includes(interrupted));
      expect(err.split(interrupted)).toHaveLength(2);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toMatch(/interrupted again: not waiting any longer\.\n`sh -c` \(pid \d+\) in \S+ keeps running on its own/);
      expect(err).toContain('(it was asked to stop)');
      pid = Number(/\(pid (\d+)\)/.exec(err)?.[1]);
      // The command outlived tollgate and still runs.
      expect(() => process.kill(pid, 0)).not.toThrow();
    } finally {
      fs.writeFileSync(go, '');
      child.kill('SIGKILL');
      // afterEach removes the folder the stand-in polls for `go`: end it here so it never outlives the test.
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }, 30_000);
});
