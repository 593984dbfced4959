import { AsgardeoError, errorFromResponse, hintFor } from './errors';
import { Pacer, sleep as defaultSleep, type PacerOptions } from './pacer';

/** What one HTTP exchange looked like: the reconciler's own instrumentation (never bodies or headers). */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  attempt: number;
  start: number;
  end: number;
  write: boolean;
}

export interface HttpOptions {
  /** e.g. https://api.asgardeo.io (no trailing slash). */
  baseUrl: string;
  organization: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 20 s. */
  timeoutMs?: number;
  /** Attempts per request, including the first. Default: no limit but the retry budget. */
  maxAttempts?: number;
  /**
   * How long one request may keep being retried (429, 5xx, network errors), in ms from its first
   * attempt: a retry whose wait would end past the budget is not made. Default 120 s
   * (TOLLGATE_ASGARDEO_RETRY_BUDGET_SECONDS).
   */
  retryBudgetMs?: number;
  /** The clock the budget is measured with (tests inject one that their `sleep` advances). */
  now?: () => number;
  /** Told before each wait between attempts (the CLI prints it, so a paced run does not look hung). */
  onRetry?: (line: string) => void;
  /** Full-jitter exponential backoff: random(0, min(capMs, baseMs * 2^retry)). */
  backoff?: { baseMs?: number; capMs?: number };
  /** Largest Retry-After honoured, in ms; longer ones are an error. Default 120 s. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  pacing?: PacerOptions | false;
  signal?: AbortSignal;
  /** Called before each write request is sent: tests throw from it to simulate a run killed mid-way. */
  beforeWrite?: (method: string, path: string) => void;
  onRecord?: (r: RequestRecord) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under `/t/{org}`, e.g. `/api/server/v1/applications`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Default `application/json`; SCIM calls use `application/scim+json`; the token call sends a form. */
  contentType?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  bearer?: string;
  /** Statuses the caller handles itself (e.g. 404, 409) instead of an error. */
  accept?: readonly number[];
  /**
   * An answer that is final although its status is otherwise retried: an older server's 500
   * `APP-65001` means "the name exists", and sending the create again cannot change that.
   */
  final?: (res: HttpResponse) => boolean;
  /** The management scope this call needs, named in a 403's hint. */
  scope?: string;
  /** For a non-idempotent create: after a lost response, ask whether it happened before sending it again. */
  reobserve?: () => Promise<HttpResponse | undefined>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export class AsgardeoHttp {
  readonly records: RequestRecord[] = [];
  private readonly o: HttpOptions;
  private readonly pacers = new Map<string, Pacer>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(o: HttpOptions) {
    this.o = o;
    this.sleep = o.sleep ?? defaultSleep;
  }

  get baseUrl(): string {
    return this.o.baseUrl;
  }

  get organization(): string {
    return this.o.organization;
  }

  /**
   * Writes the server accepted: answered 2xx, or creates whose answer was lost and whose object a
   * re-read found (the server made them). What a run reports as done, not its failed attempts.
   */
  writes(): number {
    return this.records.filter((r) => r.write && r.status >= 200 && r.status < 300).length + this.confirmedOnReread;
  }

  /** Write attempts whose answer never came (connection lost, timeout): the server may or may not have made them. */
  lostAnswers(): number {
    return this.records.filter((r) => r.write && r.status === 0).length;
  }

  private confirmedOnReread = 0;

  async send(req: HttpRequest): Promise<HttpResponse> {
    const maxAttempts = this.o.maxAttempts ?? Number.POSITIVE_INFINITY;
    const now = this.o.now ?? Date.now;
    const budget = this.o.retryBudgetMs ?? 120_000;
    const first = now();
    const label = `${req.method} ${req.path}`;
    const write = req.method !== 'GET' && !(req.form && req.path.endsWith('/oauth2/token'));
    const idempotent = req.method !== 'POST' || !write;
    for (let attempt = 1; ; attempt++) {
      this.o.signal?.throwIfAborted();
      if (write) this.o.beforeWrite?.(req.method, req.path);
      await this.pace(req.path);
      let res: HttpResponse | undefined;
      let failure: unknown;
      const start = Date.now();
      try {
        res = await this.once(req);
      } catch (err) {
        failure = err;
      }
      this.record({ method: req.method, path: req.path, status: res?.status ?? 0, attempt, start, end: Date.now(), write });
      if (res && (!RETRY_STATUSES.has(res.status) || req.final?.(res))) {
        if (res.status < 400 || req.accept?.includes(res.status)) return res;
        throw errorFromResponse(label, res.status, res.body, req.scope);
      }
      if (this.o.signal?.aborted) throw this.o.signal.reason ?? new Error('aborted');
      // No such host, or nothing listening: a wrong base URL, not a passing fault; waiting would not help.
      if (!res && isUnreachable(failure)) throw networkError(label, failure, attempt, `(${this.o.baseUrl} is unreachable)`);
      const wait = attempt < maxAttempts ? this.delay(attempt, res) : Number.POSITIVE_INFINITY;
      const elapsed = now() - first;
      if (elapsed + wait > budget) {
        const why = `after ${attempt} attempts in ${Math.round(elapsed / 1000)} s (retry budget ${Math.round(budget / 1000)} s)`;
        if (res) throw errorFromResponse(`${label} (${why})`, res.status, res.body, req.scope);
        throw networkError(label, failure, attempt, why);
      }
      // A create whose answer was lost may have happened: look before sending it again.
      if (!res && !idempotent && req.reobserve) {
        const seen = await req.reobserve();
        if (seen) {
          this.confirmedOnReread++;
          return seen;
        }
      }
      const cause = res ? `${res.status}${res.status === 429 ? ' (rate limited)' : ''}` : 'no answer';
      this.o.onRetry?.(
        `Asgardeo: ${label} got ${cause}; waiting ${(wait / 1000).toFixed(1)} s before attempt ${attempt + 1} ` +
          `(${Math.round((budget - elapsed) / 1000)} s of the retry budget left)`,
      );
      await this.sleep(wait, this.o.signal);
    }
  }

  /** Backoff before retry number `attempt`: Retry-After when the server sent one, else full jitter. */
  delay(attempt: number, res?: HttpResponse): number {
    const retryAfter = res ? parseRetryAfter(res.headers.get('retry-after'), Date.now()) : undefined;
    if (retryAfter !== undefined) {
      const max = this.o.maxRetryAfterMs ?? 120_000;
      if (retryAfter > max) {
        throw new AsgardeoError({
          message: `Asgardeo asked to wait ${Math.round(retryAfter / 1000)} s (Retry-After)`,
          status: res!.status,
          hint: hintFor(429, undefined),
        });
      }
      return retryAfter;
    }
    const base = this.o.backoff?.baseMs ?? 500;
    const cap = this.o.backoff?.capMs ?? 20_000;
    return Math.floor((this.o.random ?? Math.random)() * Math.min(cap, base * 2 ** (attempt - 1)));
  }

  private async pace(path: string): Promise<void> {
    if (this.o.pacing === false) return;
    const family = path.startsWith('/scim2') ? 'scim2' : path.startsWith('/oauth2') ? 'oauth2' : 'server';
    let pacer = this.pacers.get(family);
    if (!pacer) this.pacers.set(family, (pacer = new Pacer({ sleep: this.sleep, ...(this.o.pacing ?? {}) })));
    await pacer.take(this.o.signal);
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(`${this.o.baseUrl}/t/${encodeURIComponent(this.o.organization)}${req.path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json, application/scim+json', ...req.headers };
    let body: string | undefined;
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    } else if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      body = JSON.stringify(req.body);
    }
    if (req.bearer) headers.authorization = `Bearer ${req.bearer}`;
    const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 20_000);
    const signal = this.o.signal ? AbortSignal.any([timeout, this.o.signal]) : timeout;
    const res = await (this.o.fetch ?? fetch)(url, { method: req.method, headers, body, signal });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  private record(r: RequestRecord): void {
    this.records.push(r);
    this.o.onRecord?.(r);
  }
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const UNREACHABLE = new Set(['ENOTFOUND', 'ECONNREFUSED']);

function isUnreachable(failure: unknown): boolean {
  const code = (failure as { cause?: { code?: string } } | undefined)?.cause?.code;
  return !!code && UNREACHABLE.has(code);
}

function networkError(label: string, failure: unknown, attempts: number, why = `after ${attempts} attempts`): AsgardeoError {
  const err = failure as Error & { cause?: { code?: string; message?: string } };
  const cause = err?.cause?.code ?? err?.cause?.message ?? '';
  const what = err?.name === 'TimeoutError' ? 'timed out' : `${err?.message ?? String(failure)}${cause ? ` (${cause})` : ''}`;
  return new AsgardeoError({ message: `${what} ${why}`, status: 0, hint: hintFor(0, undefined), request: label });
}

/**
 * Sequential round trips in a run: each request's depth is one more than the deepest request that
 * had finished before it started. An upper bound on the run's critical path (it never undercounts).
 */
export function roundTrips(records: readonly RequestRecord[]): number {
  const sorted = [...records].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  let best = 0;
  sorted.forEach((r, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= r.start) d = Math.max(d, depth[j]! + 1);
    depth[i] = d;
    best = Math.max(best, d);
  });
  return best;
}
