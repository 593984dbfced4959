import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFolder } from '../run-folders';

describe('runFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-run-folders-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("names the folder after this process; sweeps the folders of processes that ended, never a live one's or another prefix's", () => {
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 30000)'], { stdio: 'ignore' });
    try {
      for (const name of [
        `tollgate-terraform-${ended}-aaaaaa`,
        `tollgate-terraform-${live.pid}-bbbbbb`,
        `other-${ended}-cccccc`,
        'tollgate-terraform-x1y2z3',
      ])
        fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, `tollgate-terraform-${ended}-aaaaaa`, 'stdout.log'), 'evidence');

      const made = runFolder(dir, 'tollgate-terraform-', 'apply');
      expect(path.basename(made)).toMatch(new RegExp(`^tollgate-terraform-${process.pid}-apply-\\w{6}$`));
      expect(fs.readdirSync(dir).sort()).toEqual(
        [path.basename(made), `tollgate-terraform-${live.pid}-bbbbbb`, `other-${ended}-cccccc`, 'tollgate-terraform-x1y2z3'].sort(),
      );
    } finally {
      live.kill('SIGKILL');
    }
  });
});
