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
  /** A configuration write: any request but GET/HEAD/OPTIONS and sign-in traffic (`/oauth2/*`, `/oidc/*`). */
  write: boolean;
  contentType?: string;
  /** Parsed body, with secret values replaced (kept in memory only). */
  requestBody?: unknown;
}

const SECRET_KEYS = new Set([
  'client_secret',
  'clientSecret',
  'password',
  'access_token',
  'refresh_token',
  'code',
  'code_verifier',
  'id_token_hint',
  'token',
]);
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

/** A configuration write: not a read, a CORS preflight, or sign-in / token traffic (`/oauth2/*`, `/oidc/*`). */
export function isWrite(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  // Only the organization's own sign-in endpoints: `…/inbound-protocols/oidc/secrets` and regenerate-secret are writes.
  return !/^(?:\/t\/[^/]+)?\/(oauth2|oidc)\//.test(path);
}

/** Query parameters that carry tokens; their values are replaced in the log. */
const SECRET_QUERY_PARAMETERS = ['id_token_hint', 'code', 'access_token'];

export function redactQuery(query: string): string {
  if (!query) return query;
  const params = new URLSearchParams(query);
  let changed = false;
  for (const name of SECRET_QUERY_PARAMETERS) {
    if (params.has(name)) {
      params.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? params.toString() : query;
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
