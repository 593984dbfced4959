import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listCommands, main } from '../main';
import { memoryIo } from '../io';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';
import { runCli } from '../../test-support/cli';

describe('cli/main', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-'));
    fs.writeFileSync(
      path.join(dir, 'hello.js'),
      "exports.summary = 'says hello'; exports.run = async (argv, io) => { io.stdout.write('hello ' + argv.join(',')); return 3; };",
    );
    fs.writeFileSync(path.join(dir, 'broken.js'), 'exports.nothing = 1;');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('discovers commands by file name and dispatches with the remaining argv', async () => {
    expect(listCommands(dir)).toEqual(['broken', 'hello']);
    const io = memoryIo();
    await expect(main(['hello', 'a', 'b'], io, dir)).resolves.toBe(3);
    expect(io.out()).toBe('hello a,b');
  });

  it('lists known commands for an unknown one and exits 1', async () => {
    const io = memoryIo();
    await expect(main(['nope'], io, dir)).resolves.toBe(1);
    expect(io.err()).toContain('unknown command "nope"');
    expect(io.err()).toContain('hello');
    expect(io.err()).toContain('says hello');
  });

  it('shows usage without a command (exit 1) and with --help (exit 0)', async () => {
    const a = memoryIo();
    await expect(main([], a, dir)).resolves.toBe(1);
    expect(a.out()).toContain('Usage: tollgate <command>');
    const b = memoryIo();
    await expect(main(['--help'], b, dir)).resolves.toBe(0);
    expect(b.out()).toContain('cannot load');
  });

  it('finds the real commands folder', () => {
    expect(Array.isArray(listCommands())).toBe(true);
  });
});

describe('bin/tollgate.js', () => {
  it('runs the CLI as a process (tsx, no build step)', () => {
    const r = runCli(['plan'], {
      env: { PATH: process.env.PATH, TOLLGATE_CONFIG: PHARMACY_CONFIG },
    });
    expect(r.status).toBe(1);
    // Every missing prerequisite at once (this environment has no AWS credentials either).
    expect(r.stderr).toContain('tollgate plan: Plan found');
    expect(r.stderr).toContain('✗ Asgardeo admin credentials: ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET are not set');
  });
});
