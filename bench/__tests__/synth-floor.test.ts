import { comparableStack, floorRows, FLOOR_TARGET, type FloorResult, type FloorSummary } from '../synth-floor';

const stack = (over: { memory?: number; filename?: string; backend?: string } = {}) =>
  JSON.stringify({
    '//': { metadata: { version: '0.21.0' } },
    terraform: {
      backend: { local: { path: over.backend ?? '/a/terraform.tfstate' } },
      required_providers: { aws: { version: '>= 5.100, < 7' } },
    },
    resource: {
      aws_lambda_function: {
        handler_function_1: {
          '//': { metadata: { path: 'stack/handler/function' } },
          filename: over.filename ?? 'assets/handler_code_1/AAAA/archive.zip',
          source_code_hash: 'AAAA',
          description: 'x',
          memory_size: over.memory ?? 256,
        },
      },
    },
  });

describe('comparableStack', () => {
  it('ignores what may differ between the two apps: metadata, the state path, the Lambda code', () => {
    expect(comparableStack(stack({ filename: 'assets/handler_code_1/BBBB/archive.zip', backend: '/b/x.tfstate' }))).toEqual(
      comparableStack(stack()),
    );
  });
  it('keeps every other value, so a resource built differently makes the floor unfair', () => {
    expect(comparableStack(stack({ memory: 512 }))).not.toEqual(comparableStack(stack()));
  });
});

describe('floorRows', () => {
  const summary = (wallMs: number): FloorSummary => ({ wallMs, peakRssMb: 100, samples: [] });
  const result = (tollgate: number, cold: number): FloorResult => ({
    runs: 3,
    minimal: summary(1000),
    tollgate: summary(tollgate),
    tollgateCold: summary(cold),
    source: summary(1500),
    ratio: tollgate / 1000,
    ratioCold: cold / 1000,
    ratioSource: 1.5,
  });
  it(`passes at ${FLOOR_TARGET}x the minimum and misses above it, for the warm and the empty cache`, () => {
    const verdicts = (r: FloorResult) => floorRows(r).flatMap((row) => (row.pass === undefined ? [] : [row.pass]));
    expect(verdicts(result(1300, 1300))).toEqual([true, true]);
    expect(verdicts(result(1301, 900))).toEqual([false, true]);
    expect(verdicts(result(900, 1400))).toEqual([true, false]);
  });
});
