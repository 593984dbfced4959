'use strict';
// Prints one plain closing line ("tests: N passed, N failed, N skipped") that any CI log reader
// understands, after a list of what was skipped and why. A skipped block says why in its title,
// `<name> (skipped: <reason>)` (the helpers in test-support/requirements.ts write it); its tests
// are listed once, as one block.
const path = require('node:path');

const REASON = /\(skipped: (.*)\)$/;

function skippedBlocks(results, rootDir, namePattern) {
  const blocks = new Map();
  for (const file of results.testResults) {
    const relative = path.relative(rootDir, file.testFilePath);
    for (const test of file.testResults) {
      if (test.status !== 'pending' && test.status !== 'todo' && test.status !== 'skipped') continue;
      const titles = [...test.ancestorTitles, test.title];
      const at = titles.findIndex((t) => REASON.test(t));
      const reason =
        at >= 0
          ? REASON.exec(titles[at])[1]
          : test.status === 'todo'
            ? 'todo'
            : namePattern
              ? `not selected by the name pattern ${namePattern}`
              : 'no reason given';
      const name =
        at >= 0
          ? [...titles.slice(0, at), titles[at].replace(REASON, '').trimEnd()].join(' › ')
          : namePattern && test.status !== 'todo'
            ? 'tests outside the name pattern'
            : titles.join(' › ');
      const key = `${relative}\0${name}\0${reason}`;
      const block = blocks.get(key) ?? { file: relative, name, reason, tests: 0 };
      block.tests += 1;
      blocks.set(key, block);
    }
  }
  return [...blocks.values()];
}

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.namePattern = globalConfig.testNamePattern;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const blocks = skippedBlocks(results, this.rootDir, this.namePattern);
    let text = '';
    if (blocks.length > 0) {
      text += `\nskipped (${skipped}):\n`;
      for (const b of blocks) text += `  ${b.file}: ${b.name}${b.tests > 1 ? ` (${b.tests} tests)` : ''}\n    why: ${b.reason}\n`;
    }
    text += `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    process.stdout.write(text);
  }
}

module.exports = SummaryReporter;
module.exports.skippedBlocks = skippedBlocks;
