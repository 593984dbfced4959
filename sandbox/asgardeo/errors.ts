import { randomUUID } from 'node:crypto';

/**
 * A response the server answers with instead of the normal result. Handlers throw it; the
 * dispatcher turns it into the HTTP answer, so every failure leaves state untouched.
 */
export class HttpReplyError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType: string = 'application/json',
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

/** `{code, message, description, traceId}` — the body of management API (`/api/server/v1`) errors. */
export function managementError(
  status: number,
  code: string,
  message: string,
  description: string,
  options: { traceId?: boolean } = {},
): HttpReplyError {
  const body: Record<string, string> = { code, message, description };
  // The API-resource service leaves traceId out; callers must not depend on it.
  if (options.traceId !== false) body.traceId = randomUUID();
  return new HttpReplyError(status, body);
}

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** SCIM error body; `status` is a string, as the real service sends it. */
export function scimError(status: number, detail: string, scimType?: string): HttpReplyError {
  const body: Record<string, unknown> = { schemas: [SCIM_ERROR_SCHEMA], detail, status: String(status) };
  if (scimType) body.scimType = scimType;
  return new HttpReplyError(status, body, 'application/scim+json');
}

/** RFC 6749 §5.2 error body of the token endpoint. */
export function oauthError(status: number, error: string, description: string): HttpReplyError {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (status === 401) headers['www-authenticate'] = 'Basic realm="oauth2"';
  return new HttpReplyError(status, { error, error_description: description }, 'application/json', headers);
}
