/**
 * The three AWS wire protocols the provider speaks here, parsed and rendered the way AWS does:
 * query/XML (IAM, STS), JSON 1.1 (CloudWatch Logs, Secrets Manager) and REST-JSON (Lambda, API Gateway v2).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from './errors';
import { xmlDocument, type XmlValue } from './xml';

export type Protocol = 'query' | 'json' | 'rest-json';

/** The signing names the provider uses for the services served here. */
export type ServiceName = 'iam' | 'sts' | 'logs' | 'lambda' | 'apigateway' | 'secretsmanager';

export interface AwsRequest {
  readonly service: ServiceName;
  /** AWS operation name, e.g. `CreateRole`. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Region of the SigV4 credential scope. */
  readonly region: string;
  readonly requestId: string;
  /** Path parameters of REST operations (decoded). */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed body: form fields (query), or the JSON document (JSON 1.1, REST-JSON). */
  readonly input: Record<string, unknown>;
  /** Query protocol form fields, flat as sent (`Tags.member.1.Key`). */
  readonly form: URLSearchParams;
}

export interface AwsReply {
  readonly status?: number;
  /** JSON body (json, rest-json) or the `<XxxResult>` children (query). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RenderedReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload: string;
}

export const QUERY_NAMESPACES: Record<'iam' | 'sts', { namespace: string; version: string }> = {
  iam: { namespace: 'https://iam.amazonaws.com/doc/2010-05-08/', version: '2010-05-08' },
  sts: { namespace: 'https://sts.amazonaws.com/doc/2011-06-15/', version: '2011-06-15' },
};

export function protocolOf(service: ServiceName): Protocol {
  if (service === 'iam' || service === 'sts') return 'query';
  if (service === 'logs' || service === 'secretsmanager') return 'json';
  return 'rest-json';
}

/** Reads the SigV4 credential scope `AKID/date/region/service/aws4_request`; undefined when unsigned. */
export function credentialScope(headers: IncomingHttpHeaders): { region: string; service: string } | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  return match ? { region: match[1]!, service: match[2]! } : undefined;
}

/** Guesses the service of an unsigned request from its shape, only to answer in the right error format. */
export function guessService(path: string, headers: IncomingHttpHeaders, form: URLSearchParams): ServiceName {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.startsWith('secretsmanager.') ? 'secretsmanager' : 'logs';
  if (path.startsWith('/v2/')) return 'apigateway';
  if (/^\/20\d\d-\d\d-\d\d\//.test(path)) return 'lambda';
  return form.get('Version') === QUERY_NAMESPACES.sts.version ? 'sts' : 'iam';
}

export function renderReply(service: ServiceName, operation: string, reply: AwsReply, requestId: string): RenderedReply {
  const protocol = protocolOf(service);
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...(reply.headers ?? {}) };
  if (protocol === 'query') {
    const ns = QUERY_NAMESPACES[service as 'iam' | 'sts'];
    const children: Record<string, XmlValue> = {};
    if (reply.body !== undefined) children[`${operation}Result`] = reply.body as XmlValue;
    children.ResponseMetadata = { RequestId: requestId };
    return {
      status: reply.status ?? 200,
      headers: { ...headers, 'content-type': 'text/xml' },
      payload: xmlDocument(`${operation}Response`, ns.namespace, children),
    };
  }
  if (protocol === 'json') {
    return {
      status: reply.status ?? 200,
      headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' },
      payload: JSON.stringify(reply.body ?? {}),
    };
  }
  if (reply.body === undefined) return { status: reply.status ?? 204, headers, payload: '' };
  return { status: reply.status ?? 200, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(reply.body) };
}

/** AWS's error shape for each protocol. */
export function renderError(service: ServiceName, error: AwsError, requestId: string): RenderedReply {
  const protocol = protocolOf(service);
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...(error.options.headers ?? {}) };
  if (protocol === 'query') {
    const ns = QUERY_NAMESPACES[service as 'iam' | 'sts'];
    const payload = xmlDocument('ErrorResponse', ns.namespace, {
      Error: { Type: error.sender ? 'Sender' : 'Receiver', Code: error.code, Message: error.message },
      RequestId: requestId,
    });
    return { status: error.status, headers: { ...headers, 'content-type': 'text/xml' }, payload };
  }
  if (protocol === 'json') {
    return {
      status: error.status,
      headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' },
      payload: JSON.stringify({ __type: error.code, message: error.message, ...(error.options.extra ?? {}) }),
    };
  }
  // REST-JSON: the code in x-amzn-ErrorType; Lambda words its body {Type, Message}, API Gateway {message}.
  const body =
    service === 'lambda'
      ? { Type: error.sender ? 'User' : 'Service', Message: error.message, ...(error.options.extra ?? {}) }
      : { message: error.message, ...(error.options.extra ?? {}) };
  return {
    status: error.status,
    headers: { ...headers, 'x-amzn-errortype': error.code, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  };
}

/** The unknown-operation error each protocol answers with. */
export function unknownOperation(service: ServiceName, operation: string): AwsError {
  const protocol = protocolOf(service);
  // AWS's codes and statuses; the message also says which stand-in answered, so a gap is found fast.
  const why = 'the local AWS control plane (sandbox/aws) does not serve it; sandbox/aws/README.md lists what it serves';
  if (protocol === 'query') {
    const version = QUERY_NAMESPACES[service as 'iam' | 'sts'].version;
    return new AwsError(400, 'InvalidAction', `Could not find operation ${operation} for version ${version}: ${why}`);
  }
  if (protocol === 'json') return new AwsError(400, 'UnknownOperationException', `Unknown operation ${operation}: ${why}`);
  return new AwsError(404, 'UnknownOperationException', `Unknown operation ${operation}: ${why}`);
}

// ---- input helpers -------------------------------------------------------------------------

/** `Tags.member.N.Key`/`.Value` of a query request as a map. */
export function formTags(form: URLSearchParams, prefix = 'Tags'): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 1; form.has(`${prefix}.member.${i}.Key`); i += 1) {
    tags[form.get(`${prefix}.member.${i}.Key`)!] = form.get(`${prefix}.member.${i}.Value`) ?? '';
  }
  return tags;
}

/** `Name.member.N` of a query request as a list. */
export function formList(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${prefix}.member.${i}`); i += 1) out.push(form.get(`${prefix}.member.${i}`)!);
  return out;
}
