import type { InvocationResult } from './lambda-runtime';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

export const JSON_CONTENT_TYPE = 'application/json';

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export const internalServerError = (): HttpResponse => jsonResponse(500, { message: 'Internal Server Error' });

/**
 * Maps what the Lambda function returned to the HTTP response, by payload 2.0's rules: an object
 * with `statusCode` is a response; anything else is sent as `200` JSON of the value. A failed
 * invocation or a malformed response is a 500 (`onProblem` says why, for the developer's log).
 */
export function mapLambdaResult(result: InvocationResult, onProblem: (line: string) => void): HttpResponse {
  if (!result.ok) {
    onProblem(`the Lambda handler failed: ${result.error}`);
    return internalServerError();
  }
  const value = result.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('statusCode' in value)) {
    return jsonResponse(200, value);
  }
  const response = value as { statusCode: unknown; headers?: unknown; body?: unknown; cookies?: unknown; isBase64Encoded?: unknown };
  const status = Number(response.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    onProblem(`the Lambda handler returned statusCode ${JSON.stringify(response.statusCode)}, which is not an HTTP status`);
    return internalServerError();
  }
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string') {
    onProblem('the Lambda handler returned a body that is not a string; JSON.stringify it');
    return internalServerError();
  }
  const headers: Record<string, string | string[]> = {};
  if (response.headers && typeof response.headers === 'object') {
    for (const [name, headerValue] of Object.entries(response.headers as Record<string, unknown>)) {
      if (headerValue !== undefined && headerValue !== null) headers[name.toLowerCase()] = String(headerValue);
    }
  }
  if (Array.isArray(response.cookies) && response.cookies.length) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : [existing].flat()), ...response.cookies.map(String)];
  }
  const text = typeof response.body === 'string' ? response.body : '';
  const body = response.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status, headers, body };
}
