/** Pure arithmetic behind the benchmark figures: medians, percentiles, round trips, rate-limit floors. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): the smallest sample with at least p% of samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Interval {
  start: number;
  end: number;
}

/**
 * Waves of concurrent requests: requests in start order, a new wave whenever a request starts
 * after every request of the current wave has ended. A lower bound on sequential round trips
 * (two chained requests hidden under one long parallel one count once).
 */
export function overlapGroups(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let groups = 0;
  let groupEnd = -Infinity;
  for (const r of sorted) {
    if (r.start >= groupEnd) groups += 1;
    groupEnd = r.start >= groupEnd ? r.end : Math.max(groupEnd, r.end);
  }
  return groups;
}

export interface FamilyCount {
  family: string;
  requests: number;
}

/**
 * The shortest time a rate limit of `perMinute` per family allows for these requests, two ways:
 * `sustained` = requests / rate (what "200 per minute" means over a sliding window, and the
 * floor the issue names); `fixedWindow` = what a limiter with fixed 60 s windows starting at a
 * family's first request enforces when the run starts with fresh windows: the first `perMinute`
 * go at once, each further batch waits for the next window. Families are limited independently,
 * so the floor of a run is its busiest family's.
 */
export function rateLimitFloorMs(families: readonly FamilyCount[], perMinute: number): { sustained: number; fixedWindow: number } {
  if (!(perMinute > 0)) throw new RangeError(`rate must be positive, got ${perMinute}`);
  let sustained = 0;
  let fixedWindow = 0;
  for (const { requests } of families) {
    if (requests <= 0) continue;
    sustained = Math.max(sustained, (requests / perMinute) * 60_000);
    fixedWindow = Math.max(fixedWindow, (Math.ceil(requests / perMinute) - 1) * 60_000);
  }
  return { sustained, fixedWindow };
}

/** The local Asgardeo's (and Asgardeo's) rate-limit family of a full request path `/t/{org}/...`. */
export function familyOf(fullPath: string): string {
  const rest = fullPath.replace(/^\/t\/[^/]+/, '');
  if (rest.startsWith('/api/server/')) return '/api/server';
  if (rest.startsWith('/scim2/')) return '/scim2';
  if (rest.startsWith('/oauth2/')) return '/oauth2';
  return 'other';
}

export function countByFamily(paths: readonly string[]): FamilyCount[] {
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(familyOf(p), (counts.get(familyOf(p)) ?? 0) + 1);
  return [...counts].map(([family, requests]) => ({ family, requests })).sort((a, b) => a.family.localeCompare(b.family));
}
