/**
 * The HTTP front of the local control plane: one port for every service. The service is read from
 * the SigV4 credential scope the provider signs with (the signature itself is not verified), the
 * operation from the protocol (form `Action`, `X-Amz-Target`, or REST method + path).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsError } from './errors';
import type { AwsFaults } from './faults';
import {
  credentialScope,
  guessService,
  protocolOf,
  renderError,
  renderReply,
  unknownOperation,
  type AwsRequest,
  type RenderedReply,
  type ServiceName,
} from './protocol';
import type { AwsRequestLog } from './request-log';
import { matchRestRoute, type ServiceHandler } from './services/service';

/** Requests under this prefix are the control plane's own debug API, not AWS. */
export const DEBUG_PREFIX = '/_local/';
const MAX_BODY_BYTES = 100 * 1024 * 1024;
const SIGNING_NAMES: Readonly<Record<string, ServiceName>> = {
  iam: 'iam',
  sts: 'sts',
  logs: 'logs',
  lambda: 'lambda',
  apigateway: 'apigateway',
  secretsmanager: 'secretsmanager',
};

export type DebugHandler = (method: string, path: string) => { status: number; contentType: string; body: Buffer | string } | undefined;

export interface LocalAwsHttpOptions {
  readonly services: readonly ServiceHandler[];
  readonly faults: AwsFaults;
  readonly log: AwsRequestLog;
  readonly debug: DebugHandler;
  /** Called once per request for an operation not served here. */
  readonly onUnserved?: (service: ServiceName, operation: string) => void;
  /** Awaited after an operation succeeded (the state changed) and before its answer is sent: tests stop a client at that moment. */
  readonly afterServe?: (service: ServiceName, operation: string) => Promise<void> | void;
}

export class LocalAwsHttpServer {
  readonly server: Server;
  private readonly services: Map<ServiceName, ServiceHandler>;

  constructor(private readonly options: LocalAwsHttpOptions) {
    this.services = new Map(options.services.map((s) => [s.service, s]));
    this.server = createServer((req, res) => {
      // Whatever escapes the handler (a client gone mid-answer) must not take the process down.
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${hostForUrl}:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const time = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
    const query = new URLSearchParams(queryAt >= 0 ? rawUrl.slice(queryAt + 1) : '');
    const requestId = randomUUID();

    if (rawPath.startsWith(DEBUG_PREFIX)) {
      let reply: ReturnType<DebugHandler>;
      try {
        reply = this.options.debug(method, decodeURIComponent(rawPath));
      } catch {
        reply = { status: 400, contentType: 'application/json', body: JSON.stringify({ message: `Malformed path ${rawPath}` }) };
      }
      const body = reply?.body ?? JSON.stringify({ message: `No debug endpoint ${method} ${rawPath}` });
      res.writeHead(reply?.status ?? 404, {
        'content-type': reply?.contentType ?? 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
      return;
    }

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      res.writeHead(413, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Request body larger than ${MAX_BODY_BYTES} bytes` }));
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '');
    const form = contentType.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(raw.toString('utf8'))
      : new URLSearchParams();
    const scope = credentialScope(req.headers);
    const service = (scope && SIGNING_NAMES[scope.service]) ?? guessService(rawPath, req.headers, form);
    let operation = `${method} ${rawPath}`;
    let unserved = false;
    let injected = false;

    const finish = (rendered: RenderedReply, errorCode?: string): void => {
      res.writeHead(rendered.status, { ...rendered.headers, 'content-length': String(Buffer.byteLength(rendered.payload)) });
      res.end(rendered.payload);
      this.options.log.add({
        time,
        service,
        operation,
        status: rendered.status,
        errorCode,
        durationMs: performance.now() - started,
        unserved,
        injected,
      });
    };
    const fail = (error: AwsError): void => finish(renderError(service, error, requestId), error.code);

    try {
      if (!scope)
        throw new AwsError(
          403,
          service === 'iam' || service === 'sts' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
          'Request is missing Authentication Token (the local control plane needs SigV4-signed requests; any credentials do).',
        );
      if (!SIGNING_NAMES[scope.service])
        throw new AwsError(
          400,
          'UnknownService',
          `The local control plane does not serve the service ${scope.service} (it serves ${Object.keys(SIGNING_NAMES).join(', ')}).`,
        );
      const handler = this.services.get(service)!;
      const found = findOperation(handler, method, rawPath, req.headers, form);
      if (found.operation) operation = found.operation;
      if (!found.operation || !handler.operations[found.operation]) {
        unserved = true;
        this.options.onUnserved?.(service, operation);
        throw unknownOperation(service, operation);
      }
      const input = parseInput(service, raw, contentType, form);

      if (this.options.faults.latency > 0) await sleep(this.options.faults.latency);
      const fault = this.options.faults.take(service, operation);
      if (fault) {
        injected = true;
        throw fault;
      }
      const request: AwsRequest = {
        service,
        operation,
        method,
        path: rawPath,
        query,
        headers: req.headers,
        region: scope.region,
        requestId,
        params: found.params,
        input,
        form,
      };
      const reply = await handler.operations[operation]!(request);
      await this.options.afterServe?.(service, operation);
      finish(renderReply(service, operation, reply, requestId));
    } catch (err) {
      if (err instanceof AwsError) return fail(err);
      // A bug in the stand-in: answer like AWS's internal error, with the cause for whoever debugs it.
      fail(
        new AwsError(
          500,
          protocolOf(service) === 'query' ? 'ServiceFailure' : 'InternalFailure',
          `Local control plane error in ${operation}: ${(err as Error).message}`,
        ),
      );
    }
  }
}

function findOperation(
  handler: ServiceHandler,
  method: string,
  rawPath: string,
  headers: IncomingMessage['headers'],
  form: URLSearchParams,
): { operation?: string; params: Record<string, string> } {
  const protocol = protocolOf(handler.service);
  if (protocol === 'query') return { operation: form.get('Action') ?? undefined, params: {} };
  if (protocol === 'json') {
    const target = headers['x-amz-target'];
    return { operation: typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : undefined, params: {} };
  }
  const match = matchRestRoute(handler.routes ?? [], method, rawPath);
  return match ?? { params: {} };
}

function parseInput(service: ServiceName, raw: Buffer, contentType: string, form: URLSearchParams): Record<string, unknown> {
  if (protocolOf(service) === 'query') return Object.fromEntries(form);
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AwsError(
      400,
      service === 'logs' || service === 'secretsmanager' ? 'SerializationException' : 'BadRequestException',
      `Could not parse request body into json (content-type ${contentType || 'none'})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AwsError(400, 'SerializationException', 'Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
