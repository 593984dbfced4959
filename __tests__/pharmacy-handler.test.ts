import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { claimsOf, displayName, handler } from './fixtures/pharmacy/lambda/handler';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl';

/** A payload 2.0 event as API Gateway sends it after the JWT authorizer accepted the token. */
function eventWith(claims: unknown, extra: Record<string, unknown> = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: 'GET /user',
    rawPath: '/dev/user',
    rawQueryString: '',
    headers: { authorization: `Bearer ${TOKEN}`, host: 'abc.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method: 'GET', path: '/dev/user', protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'jest' },
      requestId: 'req-1',
      routeKey: 'GET /user',
      stage: 'dev',
      time: '22/Nov/2026:03:00:00 +0000',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: ['get_pharmacy_user'] } },
    },
    isBase64Encoded: false,
    ...extra,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function messageFor(event: unknown): Promise<string> {
  const res = await handler(event as APIGatewayProxyEventV2WithJWTAuthorizer);
  expect(res.statusCode).toBe(200);
  expect(res.headers?.['content-type']).toBe('application/json');
  return (JSON.parse(res.body as string) as { message: string }).message;
}

describe('handler', () => {
  it('greets by the given_name claim first, as a user token from Asgardeo carries it', async () => {
    expect(
      await messageFor(
        eventWith({ given_name: 'Kim', name: 'Kim Henry', preferred_username: 'kim', email: 'kim@gmail.com', aut: 'APPLICATION_USER' }),
      ),
    ).toBe('Welcome Kim!');
  });

  it('falls back to name when given_name is absent, empty or not a string', async () => {
    expect(await messageFor(eventWith({ name: 'Ann Lee', preferred_username: 'ann', email: 'ann@example.com' }))).toBe('Welcome Ann Lee!');
    expect(await messageFor(eventWith({ given_name: '', name: 'Ann Lee' }))).toBe('Welcome Ann Lee!');
    expect(await messageFor(eventWith({ given_name: '  ', name: 'Ann Lee' }))).toBe('Welcome Ann Lee!');
    expect(await messageFor(eventWith({ given_name: ['Ann'], name: 'Ann Lee' }))).toBe('Welcome Ann Lee!');
  });

  it('falls back to preferred_username, then email, then "User"', async () => {
    expect(await messageFor(eventWith({ preferred_username: 'ann', email: 'ann@example.com' }))).toBe('Welcome ann!');
    expect(await messageFor(eventWith({ email: 'ann@example.com' }))).toBe('Welcome ann@example.com!');
    expect(await messageFor(eventWith({ sub: 'c0ffee', client_id: 'abc' }))).toBe('Welcome User!');
  });

  it('skips claims that are empty, blank or not strings', async () => {
    expect(await messageFor(eventWith({ name: '', preferred_username: '   ', email: 'ann@example.com' }))).toBe('Welcome ann@example.com!');
    expect(await messageFor(eventWith({ given_name: 7, name: 42, preferred_username: ['a', 'b'], email: { x: 1 } }))).toBe('Welcome User!');
    expect(await messageFor(eventWith({ name: null, preferred_username: true }))).toBe('Welcome User!');
  });

  it('never throws on events without an authorizer, claims or context', async () => {
    expect(await messageFor(eventWith(undefined))).toBe('Welcome User!');
    expect(await messageFor(eventWith('not-an-object'))).toBe('Welcome User!');
    expect(await messageFor(eventWith(['name']))).toBe('Welcome User!');
    expect(await messageFor({ ...eventWith({}), requestContext: { http: { method: 'GET' } } })).toBe('Welcome User!');
    expect(await messageFor({ requestContext: null })).toBe('Welcome User!');
    expect(await messageFor({})).toBe('Welcome User!');
    expect(await messageFor(undefined)).toBe('Welcome User!');
    expect(await messageFor(null)).toBe('Welcome User!');
  });

  it('never echoes the token the request carried in its Authorization header', async () => {
    const res = await handler(eventWith({ sub: 'ann' }));
    expect(JSON.stringify(res)).not.toContain(TOKEN);
    expect(JSON.stringify(res)).not.toMatch(/bearer/i);
  });

  it('returns a JSON body that stays valid for names with quotes and markup', async () => {
    const res = await handler(eventWith({ name: 'Ann "</script>" \\ Lee' }));
    expect(JSON.parse(res.body as string)).toEqual({ message: 'Welcome Ann "</script>" \\ Lee!' });
  });

  it('bounds very long names', async () => {
    const message = await messageFor(eventWith({ name: 'x'.repeat(10_000) }));
    expect(message).toBe(`Welcome ${'x'.repeat(256)}!`);
  });
});

describe('claimsOf / displayName', () => {
  it('reads claims only from requestContext.authorizer.jwt.claims', () => {
    expect(claimsOf({ requestContext: { authorizer: { jwt: { claims: { name: 'a' } } } } })).toEqual({ name: 'a' });
    expect(claimsOf({ claims: { name: 'a' } })).toEqual({});
    expect(claimsOf({ requestContext: { authorizer: { lambda: { name: 'a' } } } })).toEqual({});
  });

  it('trims the chosen name and returns undefined when no claim fits', () => {
    expect(displayName({ name: '  Ann  ' })).toBe('Ann');
    expect(displayName({ given_name: ' Kim ', name: 'Kim Henry' })).toBe('Kim');
    expect(displayName({})).toBeUndefined();
  });
});
