/**
 * A token bucket per API family. Asgardeo allows 200 requests per minute per source IP for each
 * of /api/server, /scim2 and /oauth2: `capacity + refillPerMinute` stays at or under that in any
 * 60-second window, so a small run goes at full speed and a long one never meets a 429.
 */
export interface PacerOptions {
  /** Requests that may go at once from a full bucket. Default 50. */
  capacity?: number;
  /** Steady rate after the bucket is empty. Default 150 (50 + 150 = 200 per minute). */
  refillPerMinute?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class Pacer {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(o: PacerOptions = {}) {
    this.capacity = o.capacity ?? 50;
    this.perMs = (o.refillPerMinute ?? 150) / 60_000;
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? sleep;
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Resolves when one request may go; callers queue in order. */
  take(signal?: AbortSignal): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        const t = this.now();
        this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) * this.perMs);
        this.last = t;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil((1 - this.tokens) / this.perMs), signal);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
