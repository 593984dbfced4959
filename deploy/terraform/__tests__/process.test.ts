import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../process';

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

  it('runs and collects output when not aborted', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'echo out; echo err >&2'], { cwd: dir, env: process.env });
    expect(result).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
  });
});
