/** One request the local Asgardeo received, as tests and benchmarks read it. */
export interface RequestLogEntry {
  time: number;
  method: string;
  /** Full path, without the query string. */
  path: string;
  query: string;
  /** 0 when the connection was dropped by fault injection. */
  status: number;
  durationMs: number;
  /** Any non-GET/HEAD request except `POST .../oauth2/token`. */
  write: boolean;
  contentType?: string;
  /** Parsed body, with secret values replaced (kept in memory only). */
  requestBody?: unknown;
}

const SECRET_KEYS = new Set(['client_secret', 'clientSecret', 'password', 'access_token']);
export const REDACTED = '[REDACTED]';

/** Copies a body, replacing the values of secret-bearing keys so a printed log leaks nothing. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEYS.has(key) ? REDACTED : redactSecrets(inner);
    return out;
  }
  return value;
}

export function isWrite(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  return !(method === 'POST' && path.endsWith('/oauth2/token'));
}

export class RequestLog {
  private readonly list: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.list.push(entry);
  }

  entries(): readonly RequestLogEntry[] {
    return [...this.list];
  }

  clear(): void {
    this.list.length = 0;
  }

  writes(): number {
    return this.list.reduce((n, e) => n + (e.write ? 1 : 0), 0);
  }

  count(): number {
    return this.list.length;
  }
}
