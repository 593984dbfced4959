import { loadConfig, type ResolvedConfig } from '../../config';
import { greetingFor, runUserSmokeTest, userScopesThrough } from '../smoke-users';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

const example = (): ResolvedConfig =>
  loadConfig({
    file: PHARMACY_CONFIG,
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: 'http://127.0.0.1:1',
    environment: { TOLLGATE_USER_KIM_PASSWORD: 'k', TOLLGATE_USER_LEE_PASSWORD: 'l' },
  });

/** A gateway stand-in: 403 unless the token (here: its scope list) holds the route's scope; greets by the token's name. */
function gateway(config: ResolvedConfig, greeting = (name: string) => `Welcome ${name}!`): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const [scope, name] = String((init?.headers as Record<string, string>).authorization)
      .slice('Bearer '.length)
      .split('|');
    const route = config.routes.find((r) => String(url).endsWith(r.path) && r.method === init?.method)!;
    const ok = route.scopes.some((s) => scope!.split(' ').includes(s));
    return new Response(JSON.stringify({ message: ok ? greeting(name!) : 'Forbidden' }), { status: ok ? 200 : 403 });
  }) as typeof fetch;
}

describe("the smoke test's users", () => {
  it("scopes through the app: its authorized scopes that the user's counted roles grant", () => {
    const config = example();
    const [spa] = config.applications;
    const [kim, lee] = config.users;
    expect(userScopesThrough(config, spa!, kim!)).toEqual(['get_pharmacy_user']);
    expect(userScopesThrough(config, spa!, lee!)).toEqual([]);
    // An app that admits only its own roles does not count the organization role.
    expect(userScopesThrough(config, { ...spa!, roleAudience: 'application' }, kim!)).toEqual([]);
    expect(greetingFor(spa!, kim!)).toBe('Welcome Kim!');
    expect(greetingFor({ ...spa!, accessToken: { ...spa!.accessToken, attributes: ['email'] } }, kim!)).toBe('Welcome kim@gmail.com!');
  });

  it('Kim gets her greeting, Lee 403; each signs in once; timings come from the injected clock', async () => {
    const config = example();
    const signIns: string[] = [];
    let t = 0;
    const result = await runUserSmokeTest({
      config,
      baseUrl: 'http://gw/dev',
      env: { TOLLGATE_USER_KIM_PASSWORD: 'k', TOLLGATE_USER_LEE_PASSWORD: 'l' },
      getUserToken: async ({ userName, password, application }) => {
        signIns.push(`${userName}:${application}:${password}`);
        const kim = userName === 'kim@gmail.com';
        return { accessToken: `${kim ? 'get_pharmacy_user' : ''}|${kim ? 'Kim' : 'Lee'}`, scope: kim ? 'get_pharmacy_user' : '' };
      },
      fetch: gateway(config),
      now: () => (t += 10),
    });
    expect(signIns).toEqual(['kim@gmail.com:pharmacy-demo:k', 'lee@example.com:pharmacy-demo:l']);
    const get = result.checks.filter((c) => c.route === 'GET /user');
    expect(get.map((c) => [c.caller.split(' ')[0], c.expected, c.ok])).toEqual([
      ['kim@gmail.com', '2xx "Welcome Kim!"', true],
      ['lee@example.com', '403', true],
    ]);
    expect(result.checks.every((c) => c.ok)).toBe(true);
    expect(result.timings['kim@gmail.com']).toEqual({ signInMs: 10, callMs: 10 });
    expect(JSON.stringify(result)).not.toMatch(/:k\b|:l\b/);
  });

  it('fails when Kim is greeted by another name or Lee gets in; a failed sign-in is a failed check without the password', async () => {
    const config = example();
    const wrongName = await runUserSmokeTest({
      config,
      baseUrl: 'http://gw/dev',
      env: { TOLLGATE_USER_KIM_PASSWORD: 'k', TOLLGATE_USER_LEE_PASSWORD: 'l' },
      getUserToken: async () => ({ accessToken: 'get_pharmacy_user|User', scope: 'get_pharmacy_user' }),
      fetch: gateway(config),
    });
    const failed = wrongName.checks.filter((c) => !c.ok).map((c) => `${c.route} ${c.caller.split(' ')[0]} got ${c.got}`);
    expect(failed).toEqual([
      'GET /user kim@gmail.com got 200 {"message":"Welcome User!"}',
      'GET /user lee@example.com got 200 {"message":"Welcome User!"}',
    ]);

    const refused = await runUserSmokeTest({
      config,
      baseUrl: 'http://gw/dev',
      env: { TOLLGATE_USER_KIM_PASSWORD: 'secret-k' },
      getUserToken: async () => {
        throw new Error(
          'HTTP 200 msg_invalid_un_pw: Asgardeo refused the sign-in of kim@gmail.com: Invalid username or password\n  what to do: check',
        );
      },
      fetch: gateway(config),
    });
    expect(refused.checks).toEqual([
      {
        route: 'sign-in',
        caller: 'kim@gmail.com through pharmacy-demo',
        expected: 'a token',
        got: 'HTTP 200 msg_invalid_un_pw: Asgardeo refused the sign-in of kim@gmail.com: Invalid username or password',
        ok: false,
      },
    ]);
    expect(refused.skipped).toEqual([
      'user lee@example.com: $TOLLGATE_USER_LEE_PASSWORD is not set, so the smoke test cannot sign in as this user',
    ]);
    expect(JSON.stringify(refused)).not.toContain('secret-k');
  });

  it('no app-native application: every user skipped with what to set', async () => {
    const config = example();
    const off = { ...config, applications: config.applications.map((a) => ({ ...a, appNativeAuthentication: false })) };
    const result = await runUserSmokeTest({
      config: off,
      baseUrl: 'http://gw/dev',
      env: {},
      getUserToken: async () => ({ accessToken: '', scope: '' }),
    });
    expect(result.checks).toEqual([]);
    expect(result.skipped[0]).toContain('set `appNativeAuthentication: true`');
  });
});
