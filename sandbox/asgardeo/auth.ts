import { HttpReplyError, scimError } from './errors';
import type { RouteRequest } from './http-util';
import type { AsgardeoState, IssuedToken } from './state';

export type ApiFamily = 'management' | 'scim';

/**
 * Checks the bearer token of a management call: 401 without a valid token, 403 when it lacks
 * `scope`. Management 401/403 answers carry no body (as the real auth valve); SCIM ones carry
 * a SCIM error body.
 */
export function requireScope(state: AsgardeoState, req: RouteRequest, scope: string, family: ApiFamily): IssuedToken {
  const grant = bearerGrant(state, req);
  if (!grant) {
    if (family === 'scim') {
      const err = scimError(401, 'Authorization failure. Authorization information was invalid or missing from your request.');
      throw new HttpReplyError(401, err.body, err.contentType, { 'www-authenticate': 'Bearer realm="asgardeo"' });
    }
    throw new HttpReplyError(401, undefined, 'application/json', { 'www-authenticate': 'Bearer realm="asgardeo", error="invalid_token"' });
  }
  if (!grant.scopes.has(scope)) {
    if (family === 'scim') throw scimError(403, `Operation is not permitted. The access token does not carry the '${scope}' scope.`);
    throw new HttpReplyError(403, undefined);
  }
  return grant;
}

/** The issued token behind the request's `Authorization: Bearer`, if it is valid and live. */
export function bearerGrant(state: AsgardeoState, req: RouteRequest): IssuedToken | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const grant = state.tokens.get(match[1]!);
  if (!grant) return undefined;
  if (grant.expiresAt <= Date.now()) {
    state.tokens.delete(match[1]!);
    return undefined;
  }
  return grant;
}
