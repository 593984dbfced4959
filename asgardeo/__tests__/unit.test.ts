import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  adminCredentialsFromEnv,
  parseStackOutputs,
  readStackOutputs,
  renderPlan,
  roundTrips,
  transportFromEnv,
  CredentialsError,
  OutputsError,
  type AsgardeoPlan,
} from '..';
import { scopesForChanges } from '../apply';
import { errorFromResponse } from '../errors';
import { AsgardeoHttp, parseRetryAfter } from '../http';
import { ownerOf, stripMarker, withMarker } from '../ownership';
import { Pacer } from '../pacer';
import { UserError } from '../../errors';
import { exampleConfig, exampleOutputs, IDENTIFIER, OLD_URL_IDENTIFIER, thrownText } from './helpers';

const config = exampleConfig('http://127.0.0.1:1');

describe('Retry-After and backoff', () => {
  it('reads delta-seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('uses full jitter under an exponential ceiling with a cap', () => {
    const http = new AsgardeoHttp({ baseUrl: 'http://x', organization: 'o', backoff: { baseMs: 100, capMs: 1000 }, random: () => 0.999 });
    expect([1, 2, 3, 4, 5, 6].map((n) => http.delay(n))).toEqual([99, 199, 399, 799, 999, 999]);
    const low = new AsgardeoHttp({ baseUrl: 'http://x', organization: 'o', random: () => 0 });
    expect(low.delay(3)).toBe(0);
  });

  it('refuses a Retry-After longer than the configured maximum', () => {
    const http = new AsgardeoHttp({ baseUrl: 'http://x', organization: 'o', maxRetryAfterMs: 1000 });
    expect(() => http.delay(1, { status: 429, headers: new Headers({ 'retry-after': '30' }), body: undefined })).toThrow(/wait 30 s/);
  });
});

describe('transport settings from the environment', () => {
  it('reads whole numbers and refuses anything else, naming the variable', () => {
    expect(transportFromEnv({ TOLLGATE_ASGARDEO_TIMEOUT_MS: '2500', TOLLGATE_ASGARDEO_RETRY_BUDGET_SECONDS: '0' })).toEqual({
      timeoutMs: 2500,
      retryBudgetMs: 0,
    });
    expect(transportFromEnv({ TOLLGATE_ASGARDEO_RATE_PER_MINUTE: '' })).toEqual({});
    expect(thrownText(() => transportFromEnv({ TOLLGATE_ASGARDEO_RATE_PER_MINUTE: '100/min' }))).toBe(
      'TOLLGATE_ASGARDEO_RATE_PER_MINUTE is "100/min", not a whole number of at least 2\n' +
        '  what to do: set TOLLGATE_ASGARDEO_RATE_PER_MINUTE to a whole number (at least 2), or unset it for the default',
    );
    expect(() => transportFromEnv({ TOLLGATE_ASGARDEO_TIMEOUT_MS: '0' })).toThrow(UserError);
  });
});

describe('Pacer', () => {
  it('lets the bucket go at once, then paces so no 60 s window exceeds capacity + refill', async () => {
    let now = 0;
    const pacer = new Pacer({ capacity: 50, refillPerMinute: 150, now: () => now, sleep: async (ms) => void (now += ms) });
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      await pacer.take();
      times.push(now);
    }
    expect(times.slice(0, 50).every((t) => t === 0)).toBe(true);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(200);
    // 950 paced requests at 150/minute: about 6.3 minutes for a 1000-request run.
    expect(times[999]! / 60_000).toBeCloseTo(950 / 150, 1);
  });
});

describe('roundTrips', () => {
  const r = (start: number, end: number) => ({ method: 'GET', path: '/', status: 200, attempt: 1, start, end, write: false });
  it('counts parallel requests as one round trip and dependent ones as more', () => {
    expect(roundTrips([])).toBe(0);
    expect(roundTrips([r(0, 10), r(1, 12), r(2, 9)])).toBe(1);
    expect(roundTrips([r(0, 10), r(11, 20), r(11, 25), r(26, 30)])).toBe(3);
  });
});

describe('ownership marker', () => {
  it('is appended to the description, read back, and replaced rather than stacked', () => {
    const d = withMarker('Reads users', 'api-dev');
    expect(d).toBe('Reads users [tollgate:api-dev]');
    expect(ownerOf(d)).toBe('api-dev');
    expect(withMarker(d, 'api-prod')).toBe('Reads users [tollgate:api-prod]');
    expect(withMarker('', 'api-dev')).toBe('[tollgate:api-dev]');
    expect(ownerOf('made by hand')).toBeUndefined();
    expect(stripMarker(d)).toBe('Reads users');
  });
});

describe('stack outputs', () => {
  const flat = {
    api_id: 'abc123',
    api_endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    stage_invoke_url: OLD_URL_IDENTIFIER,
    api_identifier: IDENTIFIER,
    issuer: 'https://api.asgardeo.io/t/pharmacy/oauth2/token',
    region: 'us-east-1',
    function_name: 'fn',
    stack_name: 'pharmacy-user-api-dev',
    environment: 'dev',
  };
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-outputs-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the cdktf outputs-file format', () => {
    const out = parseStackOutputs(
      { 'pharmacy-user-api-prod': { ...flat, stack_name: 'pharmacy-user-api-prod' }, 'pharmacy-user-api-dev': flat },
      config,
    );
    expect(out).toEqual({ ...exampleOutputs(config, IDENTIFIER), issuer: flat.issuer, apiEndpoint: flat.api_endpoint, functionName: 'fn' });
  });

  it('reads `terraform output -json`', () => {
    const tf = Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, { value: v, type: 'string', sensitive: false }]));
    expect(parseStackOutputs(tf, config).stageInvokeUrl).toBe(OLD_URL_IDENTIFIER);
  });

  it('explains a missing file, malformed JSON, another stack, and missing outputs, naming the command that writes the right file', () => {
    expect(thrownText(() => readStackOutputs(path.join(dir, 'nope.json'), config))).toMatch(
      /does not exist\.\n {2}what to do: .*cdktf deploy pharmacy-user-api-dev --outputs-file/,
    );
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"api_id": ');
    expect(() => readStackOutputs(path.join(dir, 'bad.json'), config)).toThrow(OutputsError);
    expect(thrownText(() => readStackOutputs(path.join(dir, 'bad.json'), config))).toMatch(/not valid JSON[\s\S]*terraform output -json/);
    expect(() => parseStackOutputs({ 'pharmacy-user-api-prod': { ...flat, stack_name: 'pharmacy-user-api-prod' } }, config)).toThrow(
      /no outputs for stack "pharmacy-user-api-dev"[\s\S]*"pharmacy-user-api-prod"/,
    );
    expect(() => parseStackOutputs({ ...flat, stack_name: 'other-api-dev' }, config)).toThrow(/holds the outputs of stack "other-api-dev"/);
    const { issuer: _i, api_identifier: _a, ...partial } = flat;
    expect(() => parseStackOutputs(partial, config)).toThrow(/lacks the output\(s\) api_identifier, issuer/);
    expect(() => parseStackOutputs([1, 2], config)).toThrow(/JSON object/);
  });
});

describe('admin credentials', () => {
  it('come from ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET, with a clear error naming what is missing', () => {
    expect(adminCredentialsFromEnv({ ASGARDEO_CLIENT_ID: 'id', ASGARDEO_CLIENT_SECRET: 's' })).toEqual({
      clientId: 'id',
      clientSecret: 's',
    });
    expect(() => adminCredentialsFromEnv({ ASGARDEO_CLIENT_ID: 'id' })).toThrow(CredentialsError);
    expect(() => adminCredentialsFromEnv({ ASGARDEO_CLIENT_ID: 'id' })).toThrow(/^ASGARDEO_CLIENT_SECRET is not set/);
    expect(thrownText(() => adminCredentialsFromEnv({}))).toMatch(/ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET are not set[\s\S]*M2M/);
  });
});

describe('errors', () => {
  it('carry code, message, traceId and what to do, for management and SCIM bodies', () => {
    const m = errorFromResponse('POST /applications', 409, {
      code: 'OAUTH-60008',
      message: 'Conflict',
      description: 'An application with the name exists',
      traceId: 't-1',
    });
    expect(m).toMatchObject({ status: 409, code: 'OAUTH-60008', traceId: 't-1' });
    expect(m.message).toContain(
      'POST /applications failed: HTTP 409 OAUTH-60008: Conflict - An application with the name exists (traceId t-1)',
    );
    expect(m.hint).toMatch(/already exists/);
    const s = errorFromResponse('POST /scim2/Users', 400, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      scimType: 'invalidValue',
      detail: 'bad e-mail',
      status: '400',
    });
    expect(s).toMatchObject({ code: 'invalidValue', status: 400 });
    expect(s.message).toContain('bad e-mail');
    expect(errorFromResponse('x', 403, { code: 'APP-60520' }).hint).toContain('internal_application_business_api_update');
    expect(errorFromResponse('x', 403, undefined, 'internal_role_mgt_create').hint).toContain('internal_role_mgt_create');
  });
});

describe('scopes per run', () => {
  it('asks only for what the planned changes need', () => {
    expect(scopesForChanges([{ type: 'application', name: 'a', action: 'no-op', fields: [] }])).toEqual([]);
    expect(scopesForChanges([{ type: 'application', name: 'a', action: 'update', fields: [{ field: 'description' }] }])).toEqual([
      'internal_application_mgt_update',
    ]);
    expect(scopesForChanges([{ type: 'application', name: 'a', action: 'update', fields: [{ field: 'authorizedScopes' }] }])).toEqual([
      'internal_application_business_api_update',
      'internal_application_mgt_update',
    ]);
    expect(
      scopesForChanges([
        { type: 'user', name: 'u', action: 'create', fields: [] },
        { type: 'api-resource', name: 'x', action: 'delete', fields: [] },
      ]),
    ).toEqual(['internal_api_resource_delete', 'internal_user_mgt_create']);
  });
});

describe('renderPlan', () => {
  const plan: AsgardeoPlan = {
    stackName: 'pharmacy-user-api-dev',
    environment: 'dev',
    organization: 'pharmacy',
    baseUrl: 'https://api.asgardeo.io',
    apiIdentifier: IDENTIFIER,
    prune: false,
    adopt: false,
    warnings: ['something to know'],
    changes: [
      {
        type: 'application',
        key: { type: 'application', name: 'pharmacy-reader' },
        name: 'pharmacy-reader',
        action: 'update',
        id: '1',
        fields: [
          { field: 'oidc.accessToken.type', before: 'Default', after: 'JWT' },
          { field: 'oidc.clientSecret', before: 'leaky-value', after: 'other-leaky' },
        ],
      },
      {
        type: 'application',
        key: { type: 'application', name: 'hand-made' },
        name: 'hand-made',
        action: 'conflict',
        id: '2',
        fields: [],
        note: 'run with --adopt',
      },
      { type: 'role', key: { type: 'role', name: 'pharmacist' }, name: 'pharmacist', action: 'no-op', id: '3', fields: [] },
    ],
  };

  it('text: field-level before -> after, secrets masked, colour only when asked', () => {
    const text = renderPlan(plan, 'text');
    expect(text).toContain('~ application pharmacy-reader (update)\n    oidc.accessToken.type: "Default" -> "JWT"');
    expect(text).toContain('oidc.clientSecret: (sensitive) -> (sensitive)');
    expect(text).not.toMatch(/leaky/);
    expect(text).toContain('! application hand-made (CONFLICT)');
    expect(text).toContain('Plan: 0 to create, 1 to update, 0 to delete, 1 conflict (apply refuses until resolved).');
    expect(text).not.toContain('\x1b[');
    expect(renderPlan(plan, 'text', { color: true })).toContain('\x1b[33m~ application pharmacy-reader');
  });

  it('json and markdown carry the same facts', () => {
    const json = JSON.parse(renderPlan(plan, 'json'));
    expect(json.summary).toEqual({ create: 0, update: 1, delete: 0, 'no-op': 1, conflict: 1 });
    expect(json.hasChanges).toBe(true);
    expect(JSON.stringify(json)).not.toMatch(/leaky/);
    expect(json.changes[0].fields[1]).toEqual({ field: 'oidc.clientSecret', before: '(sensitive)', after: '(sensitive)' });
    const md = renderPlan(plan, 'markdown');
    expect(md).toContain('| ~ update | application | `pharmacy-reader` | oidc.accessToken.type: "Default" -> "JWT"');
    expect(md).toContain('<details><summary>1 unchanged</summary>');
    expect(md).not.toMatch(/leaky/);
  });
});
