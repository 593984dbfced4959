import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Claims tried in order for the caller's display name: a user token carries the attributes the app
 * lists in `accessTokenAttributes` (e.g. `given_name`), a client token none of them.
 */
const NAME_CLAIMS = ['given_name', 'name', 'preferred_username', 'email'] as const;
const FALLBACK_NAME = 'User';
// A claim is caller-controlled text; keep the greeting bounded.
const MAX_NAME_LENGTH = 256;

/**
 * Greets the caller by name. API Gateway's JWT authorizer has already checked the token and the
 * route's scopes; this reads only the verified claims it forwards, never the Authorization header.
 */
export async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  const name = displayName(claimsOf(event)) ?? FALLBACK_NAME;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ message: `Welcome ${name}!` }),
  };
}

/** The authorizer's claims, or an empty object when the event has none (public route, test event). */
export function claimsOf(event: unknown): Record<string, unknown> {
  const claims = pick(pick(pick(pick(event, 'requestContext'), 'authorizer'), 'jwt'), 'claims');
  return isRecord(claims) ? claims : {};
}

/** The first claim of `given_name`, `name`, `preferred_username`, `email` that is a non-empty string. */
export function displayName(claims: Record<string, unknown>): string | undefined {
  for (const claim of NAME_CLAIMS) {
    const value = claims[claim];
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    if (trimmed.length > 0) return trimmed.slice(0, MAX_NAME_LENGTH);
  }
  return undefined;
}

function pick(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
