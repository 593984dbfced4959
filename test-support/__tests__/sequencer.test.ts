/**
 * The order test files start in (scripts/jest-sequencer.js): without timings, the real-Terraform files
 * first, then the browser's, then those that spawn processes, each group biggest first; with timings,
 * jest's own order (slowest first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import HasteMap from 'jest-haste-map';

interface FakeTest {
  path: string;
  duration?: number;
  context: { config: { cache: boolean; cacheDirectory: string; id: string; haste: object }; hasteFS: { getSize(p: string): number } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sequencer = require('../../scripts/jest-sequencer.js') as new (o: { contexts: FakeTest['context'][] }) => {
  sort(tests: FakeTest[]): FakeTest[];
};

describe('the test sequencer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sequencer-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes test files (name -> source) and sorts them with a jest cache holding `timings` (name -> ms). */
  function order(files: Record<string, string>, timings: Record<string, number> = {}): string[] {
    const cacheDirectory = path.join(dir, 'cache');
    fs.mkdirSync(cacheDirectory);
    const config = { cache: true, cacheDirectory, id: 'tollgate', haste: {} };
    const context = { config, hasteFS: { getSize: (p: string) => fs.statSync(p).size } };
    // Where jest keeps its timings: [status, ms] per test file.
    const cache = Object.fromEntries(Object.entries(timings).map(([name, ms]) => [path.join(dir, name), [0, ms]]));
    fs.writeFileSync(
      HasteMap.getStatic(config as never).getCacheFilePath(cacheDirectory, `perf-cache-${config.id}`),
      JSON.stringify(cache),
    );
    const tests = Object.entries(files).map(([name, source]) => {
      fs.writeFileSync(path.join(dir, name), source);
      return { path: path.join(dir, name), context };
    });
    return new Sequencer({ contexts: [context] }).sort(tests).map((t) => path.basename(t.path));
  }

  const big = `it('x', () => expect(1).toBe(1));\n${'// padding\n'.repeat(500)}`;
  const files = {
    'unit.test.ts': big,
    'spawns.test.ts': "import { spawnSync } from 'node:child_process';\n",
    'browser.test.ts': "describeWithChromium('page', () => {});\n",
    'terraform.test.ts': "describeWithTerraform('stack', { needMirror: true }, () => {});\n",
  };

  it('without timings: real Terraform, browser, child processes, then the rest, though the rest is bigger', () => {
    expect(order(files)).toEqual(['terraform.test.ts', 'browser.test.ts', 'spawns.test.ts', 'unit.test.ts']);
  });

  it('a file that checks for Terraform itself (terraformUnavailableReason) counts as a real-Terraform one', () => {
    const own = { ...files, 'own-check.test.ts': 'const unavailable = terraformUnavailableReason();\n' + big };
    expect(order(own).slice(0, 2)).toEqual(['own-check.test.ts', 'terraform.test.ts']);
  });

  it("with timings: jest's order, slowest first, whatever the kind", () => {
    const timings = { 'unit.test.ts': 9000, 'spawns.test.ts': 50, 'browser.test.ts': 100, 'terraform.test.ts': 10 };
    expect(order(files, timings)).toEqual(['unit.test.ts', 'browser.test.ts', 'spawns.test.ts', 'terraform.test.ts']);
  });
});
