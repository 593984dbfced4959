import type { ResolvedApplication, ResolvedConfig, ResolvedRoute, ResolvedUser } from '../config';
import { exampleExpectations, networkFailure, type SmokeCheck, type SmokeResult } from './smoke';

/**
 * The smoke test's people: configured test users sign in through a user-facing application's
 * app-native flow (no browser) and call each protected route. A user whose roles grant one of the
 * route's scopes must get 2xx (for the example: "Welcome <given name>!"); a user without must get
 * 403. Passwords come from the run's environment (the variable `password.fromEnv` names; the
 * sandbox generates them) and never appear in a check, a line of progress or an error.
 */
export interface UserSmokeOptions {
  config: ResolvedConfig;
  baseUrl: string;
  env: NodeJS.ProcessEnv;
  /** Passwords this run generated, by variable: read before the environment. */
  passwords?: Readonly<Record<string, string>>;
  /** Signs a user in through `application` (app-native flow) and returns the user's access token. */
  getUserToken: (o: { userName: string; password: string; application: string }) => Promise<{ accessToken: string; scope: string }>;
  fetch?: typeof fetch;
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Clock for the sign-in timings. @default performance.now */
  now?: () => number;
}

export interface UserSmokeResult extends SmokeResult {
  /** Milliseconds from the start of each user's sign-in to the greeting (or refusal), by user name. */
  timings: Record<string, { signInMs: number; callMs: number }>;
}

/** The scopes `user` can get through `app`: the app's authorized scopes the user's roles (those that count for the app) grant. */
export function userScopesThrough(config: ResolvedConfig, app: ResolvedApplication, user: ResolvedUser): string[] {
  const counted = config.roles.filter(
    (r) =>
      (r.users.includes(user.userName) || user.roles.includes(r.name)) &&
      (app.roleAudience === 'organization'
        ? r.audience.type === 'organization'
        : r.audience.type === 'application' && r.audience.client === app.name),
  );
  const granted = new Set(counted.flatMap((r) => r.scopes));
  return app.scopes.filter((s) => granted.has(s)).sort();
}

/** What the example handler answers a user: the given name when the token carries it, else the e-mail, else "User". */
export function greetingFor(app: ResolvedApplication, user: ResolvedUser): string {
  const attrs = app.accessToken.attributes;
  const name = (attrs.includes('given_name') && user.givenName) || (attrs.includes('email') && user.email) || 'User';
  return `Welcome ${name}!`;
}

export async function runUserSmokeTest(o: UserSmokeOptions): Promise<UserSmokeResult> {
  const result: UserSmokeResult = { checks: [], skipped: [], timings: {} };
  const app = o.config.applications.find((a) => a.appNativeAuthentication);
  const routes = o.config.routes.filter((r) => !r.public);
  if (!o.config.users.length || !routes.length) return result;
  if (!app) {
    result.skipped.push(
      'users: no application allows app-native sign-in (set `appNativeAuthentication: true` on one), ' +
        'so no user can sign in without a browser',
    );
    return result;
  }
  const now = o.now ?? (() => performance.now());
  const record = (c: SmokeCheck) => {
    result.checks.push(c);
    o.progress?.(`${c.ok ? '✓' : '✗'} ${c.route} as ${c.caller}: ${c.ok ? c.got : `expected ${c.expected}, got ${c.got}`}`);
  };
  const isExample = Object.keys(exampleExpectations(o.config)).length > 0;

  for (const user of o.config.users) {
    const variable = user.password.kind === 'invite' ? undefined : user.password.variable;
    const password = variable ? (o.passwords?.[variable] ?? o.env[variable]) : undefined;
    if (!password) {
      result.skipped.push(
        `user ${user.userName}: ${variable ? `$${variable} is not set` : 'invited (no password)'}, ` +
          'so the smoke test cannot sign in as this user',
      );
      continue;
    }
    const scopes = userScopesThrough(o.config, app, user);
    const started = now();
    let token: { accessToken: string; scope: string };
    try {
      token = await o.getUserToken({ userName: user.userName, password, application: app.name });
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      record({ route: 'sign-in', caller: `${user.userName} through ${app.name}`, expected: 'a token', got: message, ok: false });
      continue;
    }
    const signedIn = now();
    for (const route of routes) {
      const holds = route.scopes.some((s) => scopes.includes(s));
      const answer = await callAs(o, route, token.accessToken);
      const grants = holds
        ? `role grants ${route.scopes.filter((s) => scopes.includes(s)).join(' ')}`
        : `no role grants ${route.scopes.join(' / ')}`;
      const caller = `${user.userName} through ${app.name} (${grants})`;
      const got = answer.error ? `no answer (${answer.error})` : `${answer.status} ${answer.body.trim().slice(0, 200) || '(empty body)'}`;
      const greeting = isExample && route.routeKey === 'GET /user' && holds ? greetingFor(app, user) : undefined;
      let ok = !answer.error && (holds ? answer.status >= 200 && answer.status < 300 : answer.status === 403);
      if (ok && greeting) ok = messageOf(answer.body) === greeting;
      record({ route: route.routeKey, caller, expected: holds ? `2xx${greeting ? ` "${greeting}"` : ''}` : '403', got, ok });
    }
    result.timings[user.userName] = { signInMs: signedIn - started, callMs: now() - signedIn };
  }
  return result;
}

function messageOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { message?: string }).message;
  } catch {
    return undefined;
  }
}

async function callAs(
  o: UserSmokeOptions,
  route: ResolvedRoute,
  bearer: string,
): Promise<{ status: number; body: string; error?: string }> {
  const method = route.method === 'ANY' ? 'GET' : route.method;
  const url = `${o.baseUrl.replace(/\/+$/, '')}${route.path.replace(/\{[^}]+\}/g, 'smoke-test')}`;
  const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);
  try {
    const res = await (o.fetch ?? fetch)(url, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      body: hasBody ? '{}' : undefined,
      signal: o.signal,
    });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    if (o.signal?.aborted) throw err;
    return { status: 0, body: '', error: networkFailure(err) };
  }
}
