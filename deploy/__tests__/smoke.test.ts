import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ResolvedConfig } from '../../config';
import { exampleExpectations, runSmokeTest, SmokeTestError, type SmokeTestOptions } from '../smoke';
import { API_ENDPOINT, exampleConfig, startStandIn, type StandIn } from './helpers';

const config = exampleConfig('dev');
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn(config);
});
afterAll(() => standIn.stop());

function options(cfg: ResolvedConfig, extra: Partial<SmokeTestOptions> = {}): SmokeTestOptions {
  return {
    config: cfg,
    baseUrl: `${API_ENDPOINT}/dev`,
    fetch: standIn.fetch,
    retries: 0,
    getToken: async (client) => {
      const scope = cfg.clients.find((c) => c.name === client)!.scopes.join(' ');
      return { accessToken: await standIn.sign({ scope }), scope };
    },
    ...extra,
  };
}

async function smokeError(p: Promise<unknown>): Promise<SmokeTestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SmokeTestError);
  return err as SmokeTestError;
}

describe('smoke test', () => {
  test('the example greeting is expected only for the example handler', () => {
    expect(exampleExpectations(config)).toEqual({ 'GET /user': { message: 'Welcome User!' } });
    const other = {
      ...config,
      aws: { ...config.aws, lambda: { ...config.aws.lambda, entry: path.join(path.dirname(config.file), 'src', 'api.ts') } },
    };
    expect(exampleExpectations(other)).toEqual({});
  });

  test('a wrong body on GET /user fails, naming expected and received', async () => {
    standIn.breakRoute('GET /user', undefined);
    const err = await smokeError(runSmokeTest(options(config, { expectedBodies: { 'GET /user': { message: 'Welcome Kim!' } } })));
    expect(err.message).toContain(
      '✗ GET /user with token of pharmacy-reader (get_pharmacy_user): expected ' +
        '2xx {"message":"Welcome Kim!"}, got 200 {"message":"Welcome User!"}',
    );
    expect(err.result.checks.filter((c) => !c.ok)).toHaveLength(1);
  });

  test('a client Asgardeo grants more than the configuration says is reported instead of a misleading 403 check', async () => {
    const err = await smokeError(
      runSmokeTest(
        options(config, {
          getToken: async () => {
            const scope = 'get_pharmacy_user create_pharmacy_user update_pharmacy_user';
            return { accessToken: await standIn.sign({ scope }), scope };
          },
        }),
      ),
    );
    expect(err.message).toContain(
      'GET /user with token of pharmacy-admin: expected a token without get_pharmacy_user, got Asgardeo granted get_pharmacy_user',
    );
  });

  test('a route no client lacks, and a route no client can reach, are listed as not tried', async () => {
    const cfg: ResolvedConfig = {
      ...config,
      routes: [
        {
          ...config.routes[0]!,
          method: 'GET',
          path: '/user',
          routeKey: 'GET /user',
          scopes: ['get_pharmacy_user', 'create_pharmacy_user'],
          public: false,
        },
      ],
      clients: config.clients.map((c) => ({ ...c, scopes: ['get_pharmacy_user', ...c.scopes.filter((s) => s !== 'get_pharmacy_user')] })),
    };
    const r = await runSmokeTest(options(cfg));
    expect(r.skipped).toEqual([
      'GET /user: every client_credentials client holds one of get_pharmacy_user, create_pharmacy_user, so the 403 case cannot be tried',
    ]);
    expect(r.checks.map((c) => c.ok)).toEqual([true, true]);
  });

  test('a public route must answer without a token', async () => {
    const cfg: ResolvedConfig = {
      ...config,
      routes: [{ ...config.routes[0]!, method: 'GET', path: '/user', routeKey: 'GET /user', scopes: [], public: true }],
    };
    // The stand-in still protects GET /user, as a stack that did not make the route public would.
    const err = await smokeError(runSmokeTest(options(cfg)));
    expect(err.message).toMatch(
      new RegExp(
        /✗ GET \/user with no token \(public route\): expected 2xx \{"message":"Welcome User!"\}, /.source +
          /got 401 \{"message":"Unauthorized"\} \[www-authenticate: Bearer/.source,
      ),
    );
  });

  test('an answer a fresh stage gives while settling (404) is retried', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      return calls === 1 ? new Response('{"message":"Not Found"}', { status: 404 }) : standIn.fetch(input, init);
    };
    const r = await runSmokeTest(options(config, { fetch: flaky, retries: 2, retryDelayMs: 1 }));
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(calls).toBe(10);
  });

  test('an unreachable API is "no answer", not a crash', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await smokeError(runSmokeTest(options(config, { baseUrl: `http://127.0.0.1:${port}/dev`, fetch: undefined })));
    expect(err.message).toContain('✗ GET /user with no token: expected 401, got no answer (fetch failed (ECONNREFUSED))');
  });
});

describe('smoke test: every route whatever serves it', () => {
  const route = {
    ...config.routes[0]!,
    method: 'POST' as const,
    path: '/orders/{id}/items/{rest+}',
    routeKey: 'POST /orders/{id}/items/{rest+}',
    scopes: ['create_pharmacy_user'],
    smoke: { status: 201, pathParameters: { id: 'a b', rest: 'x/y z' } },
  };
  const cfg: ResolvedConfig = { ...config, routes: [route] };
  function fakeApi(successStatus: number) {
    const urls: string[] = [];
    const fetchFake = (async (url: string | URL | Request, init?: RequestInit) => {
      urls.push(String(url));
      const auth = new Headers(init?.headers).get('authorization');
      const [status, body] = !auth
        ? [401, '{"message":"Unauthorized"}']
        : auth.endsWith('pharmacy-admin')
          ? [successStatus, '{"id":"o-1"}']
          : [403, '{"message":"Forbidden"}'];
      return new Response(body, { status });
    }) as typeof fetch;
    return { urls, fetchFake };
  }
  const getToken = async (client: string) => ({
    accessToken: `tok-${client}`,
    scope: cfg.clients.find((c) => c.name === client)!.scopes.join(' '),
  });

  test("path parameters get the route's samples (a greedy one keeps its slashes) and the route's status is expected", async () => {
    const api = fakeApi(201);
    const lines: string[] = [];
    const r = await runSmokeTest({ ...options(cfg), fetch: api.fetchFake, getToken, progress: (l) => lines.push(l) });
    expect(new Set(api.urls)).toEqual(new Set([`${API_ENDPOINT}/dev/orders/a%20b/items/x/y%20z`]));
    expect(r.checks.map((c) => c.got)).toEqual(['401 {"message":"Unauthorized"}', '403 {"message":"Forbidden"}', '201 {"id":"o-1"}']);
    expect(lines[2]).toBe('✓ POST /orders/{id}/items/{rest+} with token of pharmacy-admin (create_pharmacy_user): 201 {"id":"o-1"}');
  });

  test('another 2xx than the status the route names fails', async () => {
    const api = fakeApi(200);
    const err = await smokeError(runSmokeTest({ ...options(cfg), fetch: api.fetchFake, getToken }));
    expect(err.message).toContain('expected 201, got 200 {"id":"o-1"}');
  });
});
