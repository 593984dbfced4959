/**
 * The test run's own output: console output only for files with a failure, and a closing list of
 * every skipped block with its reason (scripts/jest-quiet-reporter.js, scripts/jest-summary-reporter.js,
 * test-support/requirements.ts).
 */
import * as path from 'node:path';
import { skippedTitle } from '../requirements';

/* eslint-disable @typescript-eslint/no-require-imports */
const QuietReporter = require('../../scripts/jest-quiet-reporter.js') as new (
  globalConfig: object,
  options?: object,
) => { printTestFileHeader(p: string, c: object, r: object): void; log(t: string): void; onRunComplete(c: Set<unknown>, r: object): void };
const { skippedBlocks } = require('../../scripts/jest-summary-reporter.js') as {
  skippedBlocks(results: object, rootDir: string, namePattern?: string): { file: string; name: string; reason: string; tests: number }[];
};
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'x', '__tests__', 'a.test.ts');

function assertion(status: string, ancestorTitles: string[], title: string) {
  return { status, ancestorTitles, title, fullName: [...ancestorTitles, title].join(' ') };
}

describe('the skip list of the closing summary', () => {
  it('lists each skipped block once, with the reason its title carries and how many tests it holds', () => {
    const block = skippedTitle('the real Terraform', '`terraform` is not on PATH (install Terraform)');
    const results = {
      testResults: [
        {
          testFilePath: FILE,
          testResults: [
            assertion('pending', [block], 'applies'),
            assertion('pending', [block, 'dev'], 'destroys'),
            assertion('passed', ['other'], 'runs'),
            assertion('todo', [], 'one day'),
            assertion('pending', ['plain'], 'x.skip without a reason'),
          ],
        },
      ],
    };
    expect(skippedBlocks(results, ROOT)).toEqual([
      { file: 'x/__tests__/a.test.ts', name: 'the real Terraform', reason: '`terraform` is not on PATH (install Terraform)', tests: 2 },
      { file: 'x/__tests__/a.test.ts', name: 'one day', reason: 'todo', tests: 1 },
      { file: 'x/__tests__/a.test.ts', name: 'plain › x.skip without a reason', reason: 'no reason given', tests: 1 },
    ]);
  });

  it('tests left out by a name pattern are one line per file', () => {
    const results = {
      testResults: [{ testFilePath: FILE, testResults: [assertion('pending', ['a'], 'one'), assertion('pending', ['b'], 'two')] }],
    };
    expect(skippedBlocks(results, ROOT, 'deploy')).toEqual([
      {
        file: 'x/__tests__/a.test.ts',
        name: 'tests outside the name pattern',
        reason: 'not selected by the name pattern deploy',
        tests: 2,
      },
    ]);
  });
});

describe('the quiet reporter', () => {
  const globalConfig = { rootDir: ROOT, useStderr: false, noStackTrace: true, updateSnapshot: 'none' };
  const config = { rootDir: ROOT, cwd: ROOT };
  const fileResult = (numFailingTests: number) => ({
    testFilePath: FILE,
    numFailingTests,
    numPassingTests: 1,
    failureMessage: numFailingTests ? 'boom' : null,
    perfStats: { start: 0, end: 10, runtime: 10, slow: false },
    skipped: false,
    testResults: [],
    console: [{ message: 'request log: GET /scim2/Users (3)', origin: `at ${FILE}:1:1`, type: 'log' }],
  });

  function printed(reporterRun: (r: InstanceType<typeof QuietReporter>) => void, env: string | undefined): string {
    const write = { out: process.stdout.write, err: process.stderr.write };
    const before = process.env.TOLLGATE_TEST_CONSOLE;
    if (env === undefined) delete process.env.TOLLGATE_TEST_CONSOLE;
    else process.env.TOLLGATE_TEST_CONSOLE = env;
    let text = '';
    try {
      // The reporter wraps the process's streams; its own log goes through `log`.
      const reporter = new QuietReporter(globalConfig);
      reporter.log = (t: string) => void (text += `${t}\n`);
      reporterRun(reporter);
      reporter.onRunComplete(new Set(), { numFailedTests: 0 });
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
      if (before === undefined) delete process.env.TOLLGATE_TEST_CONSOLE;
      else process.env.TOLLGATE_TEST_CONSOLE = before;
    }
    return text;
  }

  it('hides the console output of a passing file and says how many were hidden', () => {
    const text = printed((r) => r.printTestFileHeader(FILE, config, fileResult(0)), undefined);
    expect(text).toContain('a.test.ts');
    expect(text).not.toContain('request log');
    expect(text).toContain('console output of 1 passing test file(s) not shown (TOLLGATE_TEST_CONSOLE=all shows it)');
  });

  it('shows it for a file with a failing test, and for every file with TOLLGATE_TEST_CONSOLE=all', () => {
    expect(printed((r) => r.printTestFileHeader(FILE, config, fileResult(1)), undefined)).toContain('request log: GET /scim2/Users (3)');
    const all = printed((r) => r.printTestFileHeader(FILE, config, fileResult(0)), 'all');
    expect(all).toContain('request log: GET /scim2/Users (3)');
    expect(all).not.toContain('not shown');
  });
});
