/** Fault injection and the optional per-client rate limit, consulted once per request. */

export type FailStatus = 429 | 500 | 502 | 503;

export type FaultDecision =
  { kind: 'none' } | { kind: 'drop' } | { kind: 'fail'; status: FailStatus; retryAfterSeconds?: number } | { kind: 'rate-limited' };

const WINDOW_MS = 60_000;

export class Faults {
  private latencyMs = 0;
  private failures: { status: FailStatus; retryAfterSeconds?: number }[] = [];
  private drops = 0;
  private perMinute: number | null;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(rateLimitPerMinute: number | null) {
    this.perMinute = rateLimitPerMinute;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.latencyMs = ms;
  }

  failNext(count: number, status: FailStatus, opts: { retryAfterSeconds?: number } = {}): void {
    checkCount(count, 'failNext');
    if (![429, 500, 502, 503].includes(status)) throw new RangeError(`failNext status must be 429, 500, 502 or 503, got ${status}`);
    for (let i = 0; i < count; i += 1) this.failures.push({ status, retryAfterSeconds: opts.retryAfterSeconds });
  }

  dropNext(count: number): void {
    checkCount(count, 'dropNext');
    this.drops += count;
  }

  setRateLimit(perMinute: number | null): void {
    if (perMinute !== null && (!Number.isInteger(perMinute) || perMinute <= 0))
      throw new RangeError(`rate limit must be a positive integer or null, got ${perMinute}`);
    this.perMinute = perMinute;
    this.windows.clear();
  }

  reset(): void {
    this.latencyMs = 0;
    this.failures = [];
    this.drops = 0;
    this.perMinute = null;
    this.windows.clear();
  }

  get latency(): number {
    return this.latencyMs;
  }

  /** Decides the fate of one request: dropped, failed, rate limited or served. */
  decide(clientIp: string, family: string): FaultDecision {
    if (this.drops > 0) {
      this.drops -= 1;
      return { kind: 'drop' };
    }
    const failure = this.failures.shift();
    if (failure) return { kind: 'fail', ...failure };
    if (this.perMinute !== null) {
      const key = `${clientIp} ${family}`;
      const now = Date.now();
      let window = this.windows.get(key);
      if (!window || now - window.start >= WINDOW_MS) {
        window = { start: now, count: 0 };
        this.windows.set(key, window);
      }
      window.count += 1;
      if (window.count > this.perMinute) return { kind: 'rate-limited' };
    }
    return { kind: 'none' };
  }
}

function checkCount(count: number, name: string): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name} count must be a non-negative integer, got ${count}`);
}

/** The rate-limit family of a path below `/t/{org}`: `/api/server`, `/scim2` or `/oauth2`. */
export function rateLimitFamily(path: string): string {
  if (path.startsWith('/api/server/')) return '/api/server';
  if (path.startsWith('/scim2/')) return '/scim2';
  if (path.startsWith('/oauth2/')) return '/oauth2';
  return 'other';
}
