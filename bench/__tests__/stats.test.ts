import { countByFamily, familyOf, median, overlapGroups, percentile, rateLimitFloorMs } from '../stats';
import { roundTrips } from '../../asgardeo';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even one, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses no values', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  it('p50 and p99 of 1..100 are 50 and 99', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });
  it('p99 of a small sample is its maximum', () => {
    expect(percentile([3, 1, 2], 99)).toBe(3);
  });
  it('rejects out-of-range percentiles and empty samples', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe('overlapGroups', () => {
  it('counts waves of overlapping requests', () => {
    // token, then three reads in parallel, then two in parallel: 3 waves
    const log = [
      { start: 0, end: 50 },
      { start: 51, end: 100 },
      { start: 52, end: 110 },
      { start: 53, end: 105 },
      { start: 111, end: 160 },
      { start: 112, end: 161 },
    ];
    expect(overlapGroups(log)).toBe(3);
    expect(overlapGroups([...log].reverse())).toBe(3);
  });
  it('is a lower bound: a chain hidden under one long request counts once, while roundTrips counts its depth', () => {
    const records = [
      { start: 0, end: 300 },
      { start: 10, end: 100 },
      { start: 110, end: 200 },
    ];
    expect(overlapGroups(records)).toBe(1);
    expect(roundTrips(records.map((r) => ({ ...r, method: 'GET', path: '/x', status: 200, attempt: 1, write: false })))).toBe(2);
  });
  it('counts back-to-back requests (one ends as the next starts) as sequential', () => {
    expect(
      overlapGroups([
        { start: 0, end: 10 },
        { start: 10, end: 20 },
      ]),
    ).toBe(2);
  });
});

describe('rateLimitFloorMs', () => {
  it('uses the busiest family: families are limited separately', () => {
    const f = rateLimitFloorMs(
      [
        { family: '/api/server', requests: 203 },
        { family: '/scim2', requests: 40 },
        { family: '/oauth2', requests: 1 },
      ],
      200,
    );
    expect(f.sustained).toBeCloseTo(60_900);
    expect(f.fixedWindow).toBe(60_000);
  });
  it('is zero for a fixed window when everything fits in the first one, and whole minutes beyond', () => {
    expect(rateLimitFloorMs([{ family: 'a', requests: 200 }], 200).fixedWindow).toBe(0);
    expect(rateLimitFloorMs([{ family: 'a', requests: 401 }], 200).fixedWindow).toBe(120_000);
    expect(rateLimitFloorMs([], 200)).toEqual({ sustained: 0, fixedWindow: 0 });
  });
  it('rejects a non-positive rate', () => {
    expect(() => rateLimitFloorMs([{ family: 'a', requests: 1 }], 0)).toThrow(RangeError);
  });
});

describe('familyOf / countByFamily', () => {
  it('maps full paths to the rate-limit families', () => {
    expect(familyOf('/t/bench/api/server/v1/applications')).toBe('/api/server');
    expect(familyOf('/t/bench/scim2/v2/Roles')).toBe('/scim2');
    expect(familyOf('/t/bench/oauth2/token')).toBe('/oauth2');
    expect(familyOf('/t/bench/.well-known/x')).toBe('other');
  });
  it('counts requests per family', () => {
    expect(countByFamily(['/t/o/oauth2/token', '/t/o/scim2/v2/Roles', '/t/o/scim2/v2/Roles/1'])).toEqual([
      { family: '/oauth2', requests: 1 },
      { family: '/scim2', requests: 2 },
    ]);
  });
});
