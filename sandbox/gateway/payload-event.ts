import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda';
import type { IncomingMessage } from 'node:http';
import { LOCAL_ACCOUNT_ID, LOCAL_API_ID } from './local-values';

export interface EventInput {
  readonly request: IncomingMessage;
  /** The path as requested, stage prefix included (API Gateway keeps a named stage's segment in `rawPath`). */
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly stage: string;
  readonly requestId: string;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  /** Undefined on routes without an authorizer. */
  readonly jwt: { readonly claims: Record<string, string>; readonly scopes: string[] | null } | undefined;
  readonly now: Date;
}

/**
 * A payload format 2.0 event, shaped as API Gateway's HTTP API sends it to a Lambda proxy
 * integration. `authorizer.jwt` is there on JWT routes only; `scopes` is null on a route without
 * authorization scopes, and when the token has none.
 */
export type PayloadV2Event = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: { jwt: { claims: Record<string, string>; scopes: string[] | null } } }
>;

export function buildPayloadV2Event(input: EventInput): PayloadV2Event {
  const headers = joinedHeaders(input.request);
  const cookieHeader = headers.cookie;
  delete headers.cookie; // 2.0 moves cookies into `cookies`.
  const cookies = cookieHeader
    ? cookieHeader
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean)
    : undefined;
  const query = queryParameters(input.rawQueryString);
  const host = headers.host ?? '127.0.0.1';
  const isText = input.body.length === 0 || isTextContentType(headers['content-type']);
  const event: PayloadV2Event = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: input.request.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${input.request.httpVersion}`,
        sourceIp: (input.request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: input.stage,
      time: clfTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    isBase64Encoded: !isText,
  };
  if (cookies?.length) event.cookies = cookies;
  if (query) event.queryStringParameters = query;
  if (input.pathParameters) event.pathParameters = { ...input.pathParameters };
  if (input.body.length > 0) event.body = isText ? input.body.toString('utf8') : input.body.toString('base64');
  if (input.jwt) event.requestContext.authorizer = { jwt: { claims: input.jwt.claims, scopes: input.jwt.scopes } };
  return event;
}

/** Lower-case names; repeated headers comma-joined, as API Gateway does. */
export function joinedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    headers[name] = name in headers ? `${headers[name]},${raw[i + 1]}` : raw[i + 1];
  }
  return headers;
}

function queryParameters(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) result[name] = name in result ? `${result[name]},${value}` : value;
  return Object.keys(result).length ? result : undefined;
}

function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function clfTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
