import { UserError } from '../errors';

/**
 * Every failure that comes from Asgardeo (or from reaching it) is an AsgardeoError: it carries
 * the service's own code, message and trace id, and a `hint` that says what to do about it.
 */
export class AsgardeoError extends UserError {
  readonly status: number;
  readonly code?: string;
  readonly traceId?: string;
  declare readonly hint: string;
  /** `GET /api/server/v1/applications`: which call failed (no query string, never a secret). */
  readonly request?: string;

  constructor(o: { message: string; status: number; code?: string; traceId?: string; hint: string; request?: string }) {
    const parts = [
      o.request ? `${o.request} failed: ` : '',
      o.status ? `HTTP ${o.status}` : 'no response',
      o.code ? ` ${o.code}` : '',
      `: ${o.message}`,
      o.traceId ? ` (traceId ${o.traceId})` : '',
    ];
    super(parts.join(''), { hint: o.hint });
    this.status = o.status;
    this.code = o.code;
    this.traceId = o.traceId;
    this.request = o.request;
  }
}

/** A stack outputs file that is missing, unreadable, or of another stack or deployment; the hint says how to get the right one. */
export class OutputsError extends UserError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

export class CredentialsError extends UserError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

export class ReconcileError extends UserError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

/**
 * Parses either error body Asgardeo uses: management (`code`, `message`, `description`, `traceId`)
 * or SCIM (`detail`, `scimType`, `status` as a string).
 */
export function errorFromResponse(request: string, status: number, body: unknown, managementScopeHint?: string): AsgardeoError {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const code = str(b.code) ?? str(b.scimType) ?? str(b.error);
  const message =
    [str(b.message), str(b.description) !== str(b.message) ? str(b.description) : undefined].filter(Boolean).join(' - ') ||
    str(b.detail) ||
    str(b.error_description) ||
    (typeof body === 'string' && body ? body.slice(0, 300) : 'no error body');
  return new AsgardeoError({
    message,
    status,
    code,
    traceId: str(b.traceId) ?? str(b.traceID),
    hint: hintFor(status, code, managementScopeHint),
    request,
  });
}

export function hintFor(status: number, code: string | undefined, scope?: string): string {
  if (code === 'APP-60520') {
    return (
      'the admin application lacks internal_application_business_api_update: in the Asgardeo console open ' +
      'Applications → <your admin M2M app> → API Authorization → Management APIs → Application Management API, ' +
      'and authorize that scope'
    );
  }
  if (code === 'OAUTH-60008' || code === 'APP-65001' || code === 'APP-60509')
    return 'the object already exists; run ' + '`npx tollgate plan` again to see it (another run may be in progress)';
  if (code === 'APP-60503')
    return 'the organization reached its application limit: delete unused applications in the ' + 'console or upgrade the subscription';
  if (status === 401)
    return (
      'the management token was rejected: check ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET (an ' +
      'M2M application of this organization) and ASGARDEO_BASE_URL'
    );
  if (status === 403) {
    return scope
      ? `the admin application is not allowed to do this; it needs the scope ${scope}: in the Asgardeo console open ` +
          `Applications → <your admin M2M app> → API Authorization → Management APIs and authorize it`
      : 'the admin application is not allowed to do this (or the object is a system object): check its Management API ' +
          'authorizations in the console (Applications → <admin app> → API Authorization)';
  }
  if (status === 404) return 'the object was deleted while this run was working; run again';
  if (status === 409)
    return 'the object already exists; run `npx tollgate plan` to see it, and use --adopt if it should be ' + 'managed by tollgate';
  if (status === 429)
    return (
      'Asgardeo rate limit (200 requests/minute per IP and API family): wait a minute and run ' +
      'again, or lower TOLLGATE_ASGARDEO_RATE_PER_MINUTE'
    );
  if (status >= 500) return 'Asgardeo failed on its side: run again later; if it persists, report the traceId to WSO2 support';
  if (status === 400) return 'Asgardeo rejected the request: check the value named in the message in tollgate.config.ts';
  if (status === 0)
    return (
      'Asgardeo could not be reached (no answer from the host): check the host name in ASGARDEO_BASE_URL ' +
      '(unset, it is https://api.asgardeo.io) and the network or proxy, then run again (the run is safe to repeat)'
    );
  return 'see the message above; the run is safe to repeat';
}
