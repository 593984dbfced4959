import * as path from 'node:path';
import { fileFigures, kindOf } from '../tests';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the test-time profile (bench/tests.ts)', () => {
  it('sorts a test file into what dominates it: real Terraform, then the browser, then child processes', () => {
    expect(kindOf("import { describeWithTerraform } from '../availability';\nimport { spawn } from 'node:child_process';")).toBe(
      'real Terraform',
    );
    expect(kindOf("describeWithChromium('x', () => {});")).toBe('browser');
    expect(kindOf("import { spawnSync } from 'node:child_process';")).toBe('child processes');
    expect(kindOf("const r = runCli(['plan'], { env: {} });")).toBe('child processes');
    expect(kindOf("import { loadConfig } from '../config';")).toBe('in-process');
  });

  it("reads a jest JSON result: each file's wall time and test count, slowest first", () => {
    const file = (rel: string) => path.join(ROOT, rel);
    const figures = fileFigures({
      startTime: 0,
      numTotalTests: 3,
      testResults: [
        { name: file('bench/__tests__/stats.test.ts'), startTime: 1000, endTime: 1500, assertionResults: [{}] },
        { name: file('__tests__/terraform-stack.test.ts'), startTime: 1000, endTime: 9000, assertionResults: [{}, {}] },
      ],
    });
    expect(figures).toEqual([
      { file: '__tests__/terraform-stack.test.ts', kind: 'real Terraform', seconds: 8, tests: 2 },
      { file: 'bench/__tests__/stats.test.ts', kind: 'in-process', seconds: 0.5, tests: 1 },
    ]);
  });
});
