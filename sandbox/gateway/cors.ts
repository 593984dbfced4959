import { GatewayStackError } from './errors';
import type { HttpResponse } from './lambda-response';

/**
 * CORS of an HTTP API with a `cors_configuration`, as API Gateway applies it (AWS developer guide,
 * "Configuring CORS for an HTTP API"):
 * - a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) that no route takes
 *   is answered by the gateway itself: no authorizer or Lambda runs. A route that does take it
 *   (`OPTIONS ...`, `ANY ...`, `$default`) gets it like any request, authorizer included: AWS's
 *   guide tells users of an authorized `$default` route to add an unauthorized `OPTIONS /{proxy+}`;
 * - every other response to a request whose `Origin` is allowed gets the CORS headers, and CORS
 *   headers the integration returned are dropped (API Gateway ignores them once CORS is configured);
 * - without an `Origin` header nothing changes.
 * Where AWS's documentation is silent (see the README's "CORS" section) the stricter choice is made.
 */
export interface CorsModel {
  /** Exact origins, or `*`, `https://*`, `http://*`. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number | undefined;
  readonly allowCredentials: boolean;
}

type Evaluate = (value: unknown, where: string) => unknown;

/** `aws_apigatewayv2_api.cors_configuration` (an object, or Terraform JSON's list of one), or undefined without one. */
export function readCorsConfiguration(value: unknown, where: string, evaluate: Evaluate): CorsModel | undefined {
  if (value === undefined || value === null) return undefined;
  const block = Array.isArray(value) ? (value.length === 0 ? undefined : value[0]) : value;
  if (block === undefined) return undefined;
  if (Array.isArray(value) && value.length > 1)
    throw new GatewayStackError(`${where} has ${value.length} blocks; an HTTP API has at most one cors_configuration`);
  if (typeof block !== 'object' || block === null) throw new GatewayStackError(`${where} should be a block, got ${JSON.stringify(value)}`);
  const b = block as Record<string, unknown>;
  const strings = (attribute: string): string[] => {
    if (b[attribute] === undefined || b[attribute] === null) return [];
    const v = evaluate(b[attribute], `${where}.${attribute}`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new GatewayStackError(`${where}.${attribute} should be a list of strings, got ${JSON.stringify(b[attribute])}`);
    return v as string[];
  };
  const maxAge = b.max_age === undefined || b.max_age === null ? undefined : evaluate(b.max_age, `${where}.max_age`);
  if (maxAge !== undefined && !(typeof maxAge === 'number' && Number.isInteger(maxAge) && maxAge >= -1 && maxAge <= 86400)) {
    throw new GatewayStackError(`${where}.max_age should be a whole number of seconds up to 86400, got ${JSON.stringify(b.max_age)}`);
  }
  const credentials =
    b.allow_credentials === undefined || b.allow_credentials === null ? false : evaluate(b.allow_credentials, `${where}.allow_credentials`);
  if (typeof credentials !== 'boolean')
    throw new GatewayStackError(`${where}.allow_credentials should be true or false, got ${JSON.stringify(b.allow_credentials)}`);
  const allowOrigins = strings('allow_origins');
  if (credentials && allowOrigins.some((o) => o.endsWith('*'))) {
    // API Gateway refuses this at deploy time (400 BadRequestException).
    throw new GatewayStackError(
      `${where}: allow_credentials = true with a wildcard origin; ` +
        `API Gateway refuses it ("allow-credentials is not supported if 'allow-origin' is *"): list the exact origins`,
    );
  }
  return {
    allowOrigins,
    allowMethods: strings('allow_methods').map((m) => m.toUpperCase()),
    allowHeaders: strings('allow_headers').map((h) => h.toLowerCase()),
    exposeHeaders: strings('expose_headers').map((h) => h.toLowerCase()),
    maxAgeSeconds: maxAge as number | undefined,
    allowCredentials: credentials,
  };
}

/** Lower-cased request headers, as the gateway's handler has them. */
export type RequestHeaders = Readonly<Record<string, string | undefined>>;

/** True for the request API Gateway answers itself: OPTIONS with both Origin and Access-Control-Request-Method. */
export function isPreflight(cors: CorsModel | undefined, method: string, headers: RequestHeaders): cors is CorsModel {
  return cors !== undefined && method === 'OPTIONS' && !!headers.origin && !!headers['access-control-request-method'];
}

/**
 * The gateway's answer to a preflight: 204 with the allow headers for an allowed origin; 204
 * without any CORS header otherwise, which the browser treats as a refusal.
 */
export function preflightResponse(cors: CorsModel, headers: RequestHeaders): HttpResponse {
  const allowOrigin = allowedOriginValue(cors, headers.origin);
  const out: Record<string, string> = {};
  if (allowOrigin !== undefined) {
    out['access-control-allow-origin'] = allowOrigin;
    if (cors.allowMethods.length) out['access-control-allow-methods'] = cors.allowMethods.join(',');
    if (cors.allowHeaders.length) out['access-control-allow-headers'] = cors.allowHeaders.join(',');
    if (cors.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(cors.maxAgeSeconds);
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  }
  const response = { status: 204, headers: out, body: Buffer.alloc(0) };
  PREFLIGHT_ANSWERS.add(response);
  return response;
}

// The gateway's own preflight answers, which already carry exactly their CORS headers.
const PREFLIGHT_ANSWERS = new WeakSet<HttpResponse>();

/**
 * A response with the API's CORS headers in place of any the integration set; unchanged without
 * CORS, and for the gateway's own preflight answers.
 */
export function withCorsHeaders(cors: CorsModel | undefined, headers: RequestHeaders, response: HttpResponse): HttpResponse {
  if (!cors || PREFLIGHT_ANSWERS.has(response)) return response;
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!name.toLowerCase().startsWith('access-control-')) out[name] = value;
  }
  const allowOrigin = allowedOriginValue(cors, headers.origin);
  if (allowOrigin !== undefined) {
    out['access-control-allow-origin'] = allowOrigin;
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
    if (cors.exposeHeaders.length) out['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  }
  return { ...response, headers: out };
}

/** The `Access-Control-Allow-Origin` value for this request's origin, or undefined when it is not allowed (or absent). */
export function allowedOriginValue(cors: CorsModel, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  for (const allowed of cors.allowOrigins) {
    if (allowed === '*') return cors.allowCredentials ? origin : '*';
    if (allowed === origin) return origin;
    if (
      (allowed === 'https://*' || allowed === 'http://*') &&
      origin.startsWith(allowed.slice(0, -1)) &&
      origin.length > allowed.length - 1
    )
      return origin;
  }
  return undefined;
}
