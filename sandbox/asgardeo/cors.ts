import type { IncomingHttpHeaders } from 'node:http';
import type { RouteReply } from './http-util';
import type { AsgardeoState } from './state';

/**
 * CORS for the OAuth 2.0 / OIDC endpoints, as WSO2's CORS filter does it: the allowed origins are
 * those of every application's `allowedOrigins` in the organization (plus the server's own
 * origin, for its login page). A request from any other origin gets 403, preflight or not.
 */
export function isCorsPath(path: string): boolean {
  return path.startsWith('/oauth2/') || path.startsWith('/oidc/');
}

export type CorsDecision =
  | { kind: 'none' }
  | { kind: 'preflight'; reply: RouteReply }
  | { kind: 'denied'; reply: RouteReply }
  | { kind: 'allowed'; headers: Record<string, string> };

export function corsDecision(state: AsgardeoState, method: string, headers: IncomingHttpHeaders): CorsDecision {
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (!origin) return { kind: 'none' };
  const allowed =
    origin === `http://${headers.host ?? ''}` || [...state.applications.values()].some((app) => app.oidc?.allowedOrigins.includes(origin));
  if (!allowed) {
    return {
      kind: 'denied',
      reply: {
        status: 403,
        body: {
          error: 'access_denied',
          error_description: `CORS origin denied: ${origin} is not in the allowedOrigins of any application.`,
        },
        contentType: 'application/json',
        headers: { vary: 'Origin' },
      },
    };
  }
  const cors = { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  if (method === 'OPTIONS' && typeof headers['access-control-request-method'] === 'string') {
    const requestedHeaders = headers['access-control-request-headers'];
    return {
      kind: 'preflight',
      reply: {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'GET, POST, HEAD, OPTIONS',
          'access-control-allow-headers':
            typeof requestedHeaders === 'string' && requestedHeaders ? requestedHeaders : 'authorization, content-type, accept',
          'access-control-max-age': '3600',
        },
      },
    };
  }
  return { kind: 'allowed', headers: cors };
}
