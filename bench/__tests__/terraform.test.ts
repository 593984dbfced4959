import { terraformRows } from '../terraform';

describe('Terraform benchmark rows', () => {
  it('report medians of each measure and say init is excluded from the plan figures', () => {
    const rows = terraformRows({
      runs: 3,
      terraformVersion: '1.11.4',
      awsProviderVersion: '5.100.0',
      mirror: '/m',
      resources: 15,
      initColdMs: [900, 1000, 1100],
      initWarmMs: [800, 700, 900],
      planMs: [2000, 2400, 2200],
      showMs: [1500, 1700, 1600],
      libraryPlanMs: [2100, 2000, 1900],
      libraryPlanShowMs: [3600, 3700, 3500],
    });
    const figure = (measure: RegExp) => rows.find((r) => measure.test(r.measure))?.figure;
    expect(figure(/resources planned/)).toBe('15');
    expect(figure(/init, cold/)).toBe('1000 ms');
    expect(figure(/init, warm/)).toBe('800 ms');
    expect(figure(/bare terraform plan -out \(init excluded\)/)).toBe('2200 ms');
    expect(figure(/terraform show -json/)).toBe('1600 ms');
    expect(figure(/changes from its events/)).toBe('2000 ms');
    expect(figure(/plan \+ show/)).toBe('3600 ms');
  });

  it('a skipped run says why instead of inventing figures', () => {
    expect(terraformRows({ skipped: '`terraform` was not found on PATH.' })).toEqual([
      { benchmark: 'Terraform, dev stack', measure: 'skipped', figure: '`terraform` was not found on PATH.' },
    ]);
  });
});
