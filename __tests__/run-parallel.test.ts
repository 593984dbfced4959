import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/*
 * scripts/run-parallel.js, the runner of `npm test`: the checks at once, each one's output whole, and
 * `--stream <command> [args…]` (jest) beside them, with the arguments `npm test -- …` appends.
 */
const SCRIPT = path.resolve(__dirname, '..', 'scripts', 'run-parallel.js');
const node = JSON.stringify(process.execPath);
const check = (name: string, exit: number) =>
  `${node} -e "console.log('${name} 1'); setTimeout(() => { console.log('${name} 2'); process.exit(${exit}); }, 50)"`;

function runParallel(args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, TOLLGATE_CHECK_JOBS: '2' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('prints each check whole and passes the arguments after --stream to the streamed command', () => {
  const r = runParallel([
    check('a', 0),
    check('b', 0),
    '--stream',
    process.execPath,
    '-e',
    'console.log("streamed", process.argv.slice(1).join(","))',
    'x',
    '--y',
  ]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('streamed x,--y');
  for (const name of ['a', 'b']) expect(r.stdout).toMatch(new RegExp(`✓ [^\\n]*'${name} 1'[^\\n]*\\n${name} 1\\n${name} 2\\n`));
});

it('exits 1 naming what failed, a check or the streamed command, after all have ended', () => {
  const check1 = runParallel([
    check('a', 3),
    check('b', 0),
    '--stream',
    process.execPath,
    '-e',
    'setTimeout(() => console.log("done"), 100)',
  ]);
  expect(check1.status).toBe(1);
  expect(check1.stdout).toContain('done');
  expect(check1.stdout).toContain('b 2');
  expect(check1.stderr).toContain('1 of 3 commands failed');
  expect(check1.stderr).toContain("'a 1'");

  const streamed = runParallel([check('a', 0), '--stream', process.execPath, '-e', 'process.exit(4)']);
  expect(streamed.status).toBe(1);
  expect(streamed.stderr).toMatch(/1 of 2 commands failed: \S+ -e process\.exit\(4\)/);

  expect(runParallel([check('a', 0), '--stream']).status).toBe(2);
});
