'use strict';
/**
 * Jest's default reporter, minus the console output of test files that passed: what a test logs
 * (timings, request lists, a server's log lines) is there to explain a failure, and printed for every
 * file it buried the summary. A file with a failing test (or one that could not run) still shows all
 * of its console output, above the failure. TOLLGATE_TEST_CONSOLE=all shows every file's output.
 */
const { DefaultReporter } = require('@jest/reporters');

const SHOW_ALL_VARIABLE = 'TOLLGATE_TEST_CONSOLE';

class QuietReporter extends DefaultReporter {
  constructor(globalConfig, options) {
    super(globalConfig, options);
    this.showAll = process.env[SHOW_ALL_VARIABLE] === 'all';
    this.hiddenFiles = 0;
  }

  printTestFileHeader(testPath, config, result) {
    const failed = result.numFailingTests > 0 || Boolean(result.testExecError) || Boolean(result.failureMessage);
    if (this.showAll || failed || !result.console || result.console.length === 0) {
      super.printTestFileHeader(testPath, config, result);
      return;
    }
    this.hiddenFiles += 1;
    super.printTestFileHeader(testPath, config, { ...result, console: undefined });
  }

  onRunComplete(testContexts, aggregatedResults) {
    super.onRunComplete(testContexts, aggregatedResults);
    if (this.hiddenFiles > 0) {
      this.log(`console output of ${this.hiddenFiles} passing test file(s) not shown (${SHOW_ALL_VARIABLE}=all shows it)`);
    }
  }
}

module.exports = QuietReporter;
