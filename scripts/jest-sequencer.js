'use strict';
/**
 * Jest's order, with one change for test files it has no timings for (a fresh clone, CI, a new file):
 * jest then runs the biggest files first, and the real-Terraform files, which take minutes each but are
 * not the biggest, started last and ran on alone after everything else had finished. Among untimed
 * files this runs the real-Terraform ones first, then the browser's, then those that spawn processes,
 * each group by size. Once jest has timings (its cache), its own order (slowest first) stands.
 * The kinds are read as bench/tests.ts (`kindOf`) reads them.
 */
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const KINDS = [
  /describeWithTerraform|terraformUnavailableReason|TerraformWorkdir|setupTerraform\(/,
  /describeWithChromium|launchChromium/,
  /node:child_process|runCli\(|entryPointCommand\(/,
];

function rank(file) {
  let source = '';
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    return KINDS.length;
  }
  const i = KINDS.findIndex((re) => re.test(source));
  return i === -1 ? KINDS.length : i;
}

class KindFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    // Jest runs the untimed files before the timed ones (super.sort sets `duration`); reorder only those, stably.
    const untimed = sorted.filter((t) => t.duration == null);
    if (untimed.length === 0) return sorted;
    const ranks = new Map(untimed.map((t) => [t.path, rank(t.path)]));
    const reordered = untimed
      .map((t, i) => ({ t, i }))
      .sort((a, b) => ranks.get(a.t.path) - ranks.get(b.t.path) || a.i - b.i)
      .map(({ t }) => t);
    return [...reordered, ...sorted.filter((t) => t.duration != null)];
  }
}

module.exports = KindFirstSequencer;
