import * as http from 'node:http';
import * as https from 'node:https';
import { GatewayStackError } from './errors';
import { jsonResponse, type HttpResponse } from './lambda-response';

/**
 * An `HTTP_PROXY` integration as API Gateway's HTTP APIs run it: the request goes to the integration
 * URI (its `{param}`s filled from the route's path parameters, the caller's query string kept), with
 * the caller's headers and body, changed by the integration's `request_parameters`.
 */
export interface HttpIntegrationModel {
  readonly uri: string;
  /** `ANY`: the caller's method. */
  readonly method: string;
  /** `append|overwrite|remove:header.<name>`, `…:querystring.<name>`, `overwrite:path` -> a value expression. */
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const KEY = /^(?:(append|overwrite|remove):(header|querystring)\.([^\s]+)|(overwrite):(path))$/;
// The value sources the local gateway evaluates; AWS knows more ($request.body, stage variables, most $context).
const SOURCE = /\$(?:\{([^}]+)\}|((?:request|context)(?:\.[A-Za-z0-9_-]+)+))/g;
const SUPPORTED_SOURCE = new RegExp(
  '^(?:request\\.header\\.[^.]+|request\\.querystring\\.[^.]+|request\\.path(?:\\.[A-Za-z0-9_]+)?|' +
    'context\\.authorizer\\.claims\\.[A-Za-z0-9_]+|context\\.(?:requestId|httpMethod|routeKey|stage|identity\\.sourceIp))$',
);
// Hop-by-hop headers (RFC 9110) never cross a proxy.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Refuses what the local gateway cannot evaluate, naming where, instead of serving it differently from AWS. */
export function checkRequestParameters(parameters: Readonly<Record<string, string>>, where: string): void {
  for (const [key, value] of Object.entries(parameters)) {
    if (!KEY.test(key)) {
      throw new GatewayStackError(
        `${where}: "${key}" is not a parameter mapping key (append|overwrite|remove:header.<name>, …:querystring.<name>, overwrite:path)`,
      );
    }
    if (key.startsWith('remove:')) continue;
    for (const m of value.matchAll(SOURCE)) {
      const source = m[1] ?? m[2]!;
      if (!SUPPORTED_SOURCE.test(source)) {
        throw new GatewayStackError(
          `${where}: "${key}" maps "$${source}", which the local gateway does not evaluate ` +
            '(it knows $request.header/querystring/path, $context.authorizer.claims.<claim>, $context.requestId/httpMethod/routeKey/stage)',
        );
      }
    }
  }
}

export interface ProxyInput {
  readonly integration: HttpIntegrationModel;
  readonly method: string;
  /** The request path without the stage. */
  readonly path: string;
  /** The matched route's path (`/orders/{id}`, `/files/{proxy+}`): a greedy parameter keeps its "/"s. */
  readonly routePath: string | undefined;
  readonly rawQueryString: string;
  /** Lower-case names, repeated headers comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  /** The validated token's claims with their JSON types; undefined on a route without an authorizer. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  readonly context: { readonly requestId: string; readonly routeKey: string; readonly stage: string; readonly sourceIp: string };
  readonly log: (line: string) => void;
}

/**
 * API Gateway writes a claim into a parameter mapping as JSON text: a string claim keeps its quotes
 * (`"abc"`), a number is its digits, an array is `["a","b"]`, and every non-ASCII character becomes a
 * `\uXXXX` escape (AWS developer guide, "Pass JWT claims to your integration"). A claim the token lacks is empty.
 */
export function claimAsJsonText(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function evaluate(expression: string, input: ProxyInput): string {
  if (expression === "''") return '';
  return expression.replace(SOURCE, (_whole, braced: string | undefined, bare: string | undefined) => {
    const source = (braced ?? bare)!;
    const [root, kind, ...rest] = source.split('.');
    const name = rest.join('.');
    if (root === 'request') {
      if (kind === 'header') return input.headers[name.toLowerCase()] ?? '';
      if (kind === 'querystring') return new URLSearchParams(input.rawQueryString).getAll(name).join(',');
      if (kind === 'path') return name ? (input.pathParameters?.[name] ?? '') : input.path;
    }
    if (root === 'context') {
      if (kind === 'authorizer') return claimAsJsonText(input.claims?.[rest[1]!]);
      if (kind === 'requestId') return input.context.requestId;
      if (kind === 'httpMethod') return input.method;
      if (kind === 'routeKey') return input.context.routeKey;
      if (kind === 'stage') return input.context.stage;
      if (kind === 'identity') return input.context.sourceIp;
    }
    return '';
  });
}

/** The URL the integration calls: path parameters filled in, the caller's query string (as changed by the mapping) added. */
function targetUrl(input: ProxyInput, query: URLSearchParams, pathOverride: string | undefined): URL {
  const filled = input.integration.uri.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = input.pathParameters?.[name] ?? '';
    const greedy = input.routePath?.includes(`{${name}+}`) === true;
    return greedy ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
  const url = new URL(filled);
  if (pathOverride !== undefined) url.pathname = pathOverride;
  for (const [k, v] of query) url.searchParams.append(k, v);
  return url;
}

export async function proxyToBackend(input: ProxyInput): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) if (!HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value;
  headers['x-forwarded-for'] = input.context.sourceIp;
  headers.forwarded = `for=${input.context.sourceIp};host=${input.headers.host ?? ''};proto=http`;
  const query = new URLSearchParams(input.rawQueryString);
  let pathOverride: string | undefined;

  for (const [key, expression] of Object.entries(input.integration.requestParameters)) {
    const m = KEY.exec(key);
    if (!m) continue; // checkRequestParameters refused it when the model was built.
    if (m[4]) {
      pathOverride = evaluate(expression, input);
      continue;
    }
    const [, op, where, rawName] = m;
    const value = op === 'remove' ? '' : evaluate(expression, input);
    if (where === 'header') {
      const name = rawName!.toLowerCase();
      // An empty overwrite removes the header: a caller's same-named header never survives a mapping.
      if (op === 'remove' || (op === 'overwrite' && value === '')) delete headers[name];
      else if (op === 'overwrite') headers[name] = value;
      else if (value !== '') headers[name] = headers[name] ? `${headers[name]},${value}` : value;
    } else {
      if (op !== 'append') query.delete(rawName!);
      if (op !== 'remove' && value !== '') query.append(rawName!, value);
    }
  }

  const url = targetUrl(input, query, pathOverride);
  const method = input.integration.method === 'ANY' ? input.method : input.integration.method;
  if (input.body.length > 0) headers['content-length'] = String(input.body.length);
  else delete headers['content-length'];
  return new Promise<HttpResponse>((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method, headers, timeout: input.integration.timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'content-length') out[name] = value;
          }
          resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        response.on('error', (error) => {
          input.log(`the backend ${url.origin} broke off its answer: ${error.message}`);
          resolve(jsonResponse(500, { message: 'Internal Server Error' }));
        });
      },
    );
    request.on('timeout', () => {
      input.log(`the backend ${url.origin} did not answer within ${input.integration.timeoutMs} ms`);
      request.destroy();
      resolve(jsonResponse(504, { message: 'Gateway Timeout' }));
    });
    request.on('error', (error) => {
      input.log(`the backend ${url.origin} could not be reached: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
      resolve(jsonResponse(500, { message: 'Internal Server Error' }));
    });
    request.end(input.body);
  });
}
