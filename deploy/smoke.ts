import * as path from 'node:path';
import type { ResolvedConfig, ResolvedRoute } from '../config';
import { UserError } from '../errors';

export interface SmokeToken {
  accessToken: string;
  /** Space-separated scopes Asgardeo granted. */
  scope: string;
}

export interface SmokeTestOptions {
  config: ResolvedConfig;
  /** Stage invoke URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/dev (no trailing slash). */
  baseUrl: string;
  /** A client_credentials token of the configured client `client`. */
  getToken: (client: string) => Promise<SmokeToken>;
  /** Bodies some answers must equal, by route key; default: the example handler's greeting. */
  expectedBodies?: Readonly<Record<string, unknown>>;
  fetch?: typeof fetch;
  /** Extra tries for answers a fresh deployment gives while it settles (404, 5xx, no answer). */
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SmokeCheck {
  route: string;
  /** `no token`, `token of pharmacy-admin (lacks get_pharmacy_user)`, ... */
  caller: string;
  expected: string;
  got: string;
  ok: boolean;
}

export interface SmokeResult {
  checks: SmokeCheck[];
  /** Cases that could not be tried, and why (e.g. no client lacks the route's scopes). */
  skipped: string[];
  /** Test users' sign-in and call times in ms, by user name (smoke-users.ts). */
  timings?: Record<string, { signInMs: number; callMs: number }>;
}

export class SmokeTestError extends UserError {
  readonly result: SmokeResult;
  constructor(result: SmokeResult) {
    const failed = result.checks.filter((c) => !c.ok);
    super(
      `Smoke test: ${failed.length} of ${result.checks.length} check${result.checks.length === 1 ? '' : 's'} failed:\n` +
        failed.map((c) => `  ✗ ${c.route} with ${c.caller}: expected ${c.expected}, got ${c.got}`).join('\n'),
    );
    this.result = result;
  }
}

/** The greeting the example handler (lambda/handler.ts) gives a client_credentials caller. */
export function exampleExpectations(config: ResolvedConfig): Record<string, unknown> {
  const entry = config.aws.lambda.entry.split(path.sep).join('/');
  const isExample =
    entry.endsWith('/lambda/handler.ts') && path.dirname(path.dirname(config.aws.lambda.entry)) === path.dirname(config.file);
  return isExample && config.routes.some((r) => r.routeKey === 'GET /user') ? { 'GET /user': { message: 'Welcome User!' } } : {};
}

/**
 * Calls every route as API Gateway's JWT authorizer must answer it: no token → 401; a token without
 * the route's scopes → 403 (when some configured client lacks them); a token with one of them → the
 * backend's answer: 2xx, or the route's `smoke.status`. Whatever serves the route (a function, an
 * HTTP backend), the checks are the same; path parameters get the route's sample values.
 * Throws SmokeTestError naming each route, what was expected and what came back.
 */
export async function runSmokeTest(o: SmokeTestOptions): Promise<SmokeResult> {
  const tokens = new Map<string, Promise<SmokeToken>>();
  const token = (client: string) => {
    if (!tokens.has(client)) tokens.set(client, o.getToken(client));
    return tokens.get(client)!;
  };
  const expectedBodies = o.expectedBodies ?? exampleExpectations(o.config);
  const ccClients = o.config.clients.filter((c) => c.grantTypes.includes('client_credentials'));
  const result: SmokeResult = { checks: [], skipped: [] };
  const record = (c: SmokeCheck) => {
    result.checks.push(c);
    o.progress?.(`${c.ok ? '✓' : '✗'} ${c.route} with ${c.caller}: ${c.ok ? c.got : `expected ${c.expected}, got ${c.got}`}`);
  };

  for (const route of o.config.routes) {
    const key = route.routeKey;
    const call = (bearer?: string) => callRoute(o, route, bearer);
    const body = expectedBodies[key];
    const success = route.smoke.status ?? 'ok';
    if (route.public) {
      record(judge(key, 'no token (public route)', await call(), success, body));
      continue;
    }
    record(judge(key, 'no token', await call(), 401));

    const without = ccClients.find((c) => !c.scopes.some((s) => route.scopes.includes(s)));
    if (without) {
      const t = await token(without.name);
      const leaked = grantedOf(t).filter((s) => route.scopes.includes(s));
      if (leaked.length)
        record({
          route: key,
          caller: `token of ${without.name}`,
          expected: `a token without ${route.scopes.join(' / ')}`,
          got:
            `Asgardeo granted ${leaked.join(' ')} ` +
            '(the client is authorized for more than tollgate.config.ts says; run `npx tollgate plan`)',
          ok: false,
        });
      else record(judge(key, `token of ${without.name} (lacks ${route.scopes.join(', ')})`, await call(t.accessToken), 403));
    } else {
      result.skipped.push(
        `${key}: every client_credentials client holds one of ${route.scopes.join(', ')}, so the 403 ` + `case cannot be tried`,
      );
    }

    const holder = ccClients.find((c) => c.scopes.some((s) => route.scopes.includes(s)));
    if (!holder) {
      result.skipped.push(
        `${key}: no client_credentials client can obtain ${route.scopes.join(' or ')}, so the 2xx case ` +
          `cannot be tried (see the access matrix in \`npx tollgate plan\`)`,
      );
      continue;
    }
    const t = await token(holder.name);
    const granted = grantedOf(t).filter((s) => route.scopes.includes(s));
    if (!granted.length) {
      record({
        route: key,
        caller: `token of ${holder.name}`,
        expected: `a token with ${route.scopes.join(' or ')}`,
        got: `Asgardeo granted "${t.scope}" (the client is not authorized for the scope; run \`npx tollgate apply\`)`,
        ok: false,
      });
      continue;
    }
    // The example handler greets by the token's name claims; a client's token has none (it names no user).
    const greeting =
      body !== undefined && o.expectedBodies === undefined ? '; a client token names no user, so the greeting is "User"' : '';
    record(judge(key, `token of ${holder.name} (${granted.join(' ')}${greeting})`, await call(t.accessToken), success, body));
  }
  if (result.checks.some((c) => !c.ok)) throw new SmokeTestError(result);
  return result;
}

interface Answer {
  status: number;
  body: string;
  wwwAuthenticate?: string;
  error?: string;
}

function judge(route: string, caller: string, answer: Answer, expected: number | 'ok', body?: unknown): SmokeCheck {
  const bodyText = body === undefined ? '' : ` ${JSON.stringify(body)}`;
  const expectedText = `${expected === 'ok' ? '2xx' : String(expected)}${bodyText}`;
  const got = answer.error
    ? `no answer (${answer.error})`
    : `${answer.status} ` +
      `${truncate(answer.body)}${answer.wwwAuthenticate && answer.status >= 400 ? ` [www-authenticate: ${answer.wwwAuthenticate}]` : ''}`;
  let ok = !answer.error && (expected === 'ok' ? answer.status >= 200 && answer.status < 300 : answer.status === expected);
  if (ok && body !== undefined) ok = sameJson(answer.body, body);
  return { route, caller, expected: expectedText, got, ok };
}

async function callRoute(o: SmokeTestOptions, route: ResolvedRoute, bearer?: string): Promise<Answer> {
  const method = route.method === 'ANY' ? 'GET' : route.method;
  const url = `${o.baseUrl.replace(/\/+$/, '')}${samplePath(route)}`;
  const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);
  const retries = o.retries ?? 3;
  let answer: Answer = { status: 0, body: '' };
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 2000));
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
    try {
      const res = await (o.fetch ?? fetch)(url, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        body: hasBody ? '{}' : undefined,
        signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
      });
      answer = { status: res.status, body: await res.text(), wwwAuthenticate: res.headers.get('www-authenticate') ?? undefined };
    } catch (err) {
      if (o.signal?.aborted) throw err;
      answer = { status: 0, body: '', error: networkFailure(err) };
    }
    // A new stage or route can answer 404/5xx for a few seconds; anything else is the real answer.
    if (!answer.error && answer.status !== 404 && answer.status < 500) break;
  }
  return answer;
}

/** The route's path with each `{param}` replaced by its sample (encoded, except a greedy one's "/"). */
export function samplePath(route: ResolvedRoute): string {
  return route.path.replace(/\{([^}]+)\}/g, (_m, raw: string) => {
    const name = raw.replace(/\+$/, '');
    const value = route.smoke.pathParameters[name] ?? 'smoke-test';
    return raw.endsWith('+') ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
}

/** `fetch failed (ECONNREFUSED)`: undici hides the reason in `cause` (sometimes an AggregateError). */
export function networkFailure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError') return 'timed out';
  const reason = e?.cause?.code ?? e?.cause?.errors?.find((x) => x.code)?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${reason ? ` (${reason})` : ''}`;
}

function grantedOf(t: SmokeToken): string[] {
  return t.scope.split(/\s+/).filter(Boolean);
}

function sameJson(text: string, expected: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

function truncate(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t || '(empty body)';
}
