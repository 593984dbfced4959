import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext, RouteHandler } from './context';
import { HttpReplyError, managementError, oauthError, scimError } from './errors';
import { Faults, rateLimitFamily } from './faults';
import { corsDecision, isCorsPath } from './cors';
import { parseBody, readRawBody, type RouteReply, type RouteRequest } from './http-util';
import { isWrite, redactQuery, redactSecrets, RequestLog } from './request-log';
import { apiResourceRoutes } from './routes/api-resources';
import { applicationRoutes } from './routes/applications';
import { authorizeRoutes } from './routes/authorize';
import { oauthRoutes } from './routes/oauth';
import { scimRoleRoutes } from './routes/scim-roles';
import { scimRoleV3Routes } from './routes/scim-roles-v3';
import { scimUserRoutes } from './routes/scim-users';

/** The HTTP front: org prefix, faults, rate limit, body parsing, dispatch and the request log. */
export class AsgardeoHttpServer {
  readonly server: Server;
  private handlers: RouteHandler[] = [];
  private context: ServerContext | undefined;

  constructor(
    private readonly organization: string,
    readonly faults: Faults,
    readonly log: RequestLog,
  ) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    // Benchmarks open many keep-alive connections; do not let the defaults throttle them.
    this.server.keepAliveTimeout = 5_000;
    this.server.maxHeadersCount = 200;
  }

  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, backlog: 1024 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${hostForUrl}:${address.port}`;
  }

  /** Routes become active once the base URL (and so the issuer) is known. */
  attach(context: ServerContext): void {
    this.context = context;
    this.handlers = [
      oauthRoutes(context),
      authorizeRoutes(context),
      apiResourceRoutes(context),
      applicationRoutes(context),
      scimUserRoutes(context),
      scimRoleRoutes(context),
      scimRoleV3Routes(context),
    ];
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
    const url = new URL(req.url ?? '/', 'http://local');
    const fullPath = url.pathname;
    const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined;
    let requestBody: unknown;
    let logged = false;
    const record = (status: number): void => {
      if (logged) return;
      logged = true;
      this.log.add({
        time,
        method,
        path: fullPath,
        query: redactQuery(url.search.replace(/^\?/, '')),
        status,
        durationMs: performance.now() - started,
        write: isWrite(method, fullPath),
        ...(contentType ? { contentType } : {}),
        ...(requestBody !== undefined ? { requestBody: redactSecrets(requestBody) } : {}),
      });
    };

    const prefix = `/t/${this.organization}`;
    const path = fullPath.startsWith(`${prefix}/`) ? fullPath.slice(prefix.length) : undefined;
    const family = path ? rateLimitFamily(path) : 'other';
    let raw: Buffer;
    try {
      raw = await readRawBody(req);
    } catch (err) {
      return this.send(res, errorReply(err, family), record);
    }
    let parsed: unknown;
    let parseError: unknown;
    try {
      parsed = parseBody(raw, contentType, (detail) => invalidBody(family, detail));
      requestBody = parsed;
    } catch (err) {
      parseError = err;
      requestBody = raw.toString('utf8');
    }

    if (this.faults.latency > 0) await sleep(this.faults.latency);
    const decision = this.faults.decide(req.socket.remoteAddress ?? 'unknown', family);
    if (decision.kind === 'drop') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (decision.kind === 'fail') {
      const headers: Record<string, string> = {};
      if (decision.retryAfterSeconds !== undefined) headers['retry-after'] = String(decision.retryAfterSeconds);
      const body = {
        code: `SRV-${decision.status}`,
        message: decision.status === 429 ? 'Too many requests.' : 'Injected server error.',
        description: 'Fault injected by the local Asgardeo.',
      };
      return this.send(res, { status: decision.status, body, contentType: 'application/json', headers }, record);
    }
    if (decision.kind === 'rate-limited') {
      // The real service documents no Retry-After on its 429s.
      const body = {
        code: 'RATE-429',
        message: 'Too many requests.',
        description: `Rate limit exceeded for ${family}; back off and retry.`,
      };
      return this.send(res, { status: 429, body, contentType: 'application/json' }, record);
    }

    if (!path || !this.context) {
      const org = /^\/t\/([^/]+)/.exec(fullPath)?.[1];
      const detail = org
        ? `Organization '${decodeURIComponent(org)}' does not exist here; ` +
          `this server serves '${this.organization}' under /t/${this.organization}/.`
        : `Unknown path ${fullPath}; this server serves /t/${this.organization}/...`;
      return this.send(
        res,
        { status: 404, body: { code: 'ORG-60404', message: 'Not found.', description: detail }, contentType: 'application/json' },
        record,
      );
    }

    let corsHeaders: Record<string, string> = {};
    if (isCorsPath(path)) {
      const cors = corsDecision(this.context.state, method, req.headers);
      if (cors.kind === 'preflight' || cors.kind === 'denied') return this.send(res, cors.reply, record);
      if (cors.kind === 'allowed') corsHeaders = cors.headers;
    }

    try {
      if (parseError) throw parseError;
      const routeRequest: RouteRequest = { method, path, query: url.searchParams, headers: req.headers, contentType, body: parsed };
      let reply: RouteReply | undefined;
      for (const handler of this.handlers) {
        reply = await handler(routeRequest);
        if (reply) break;
      }
      if (!reply) {
        reply = errorReply(
          family === '/scim2'
            ? scimError(404, `No SCIM endpoint at ${fullPath}.`)
            : managementError(404, 'SRV-60404', 'Not found.', `${method} ${fullPath} is not served by the local Asgardeo.`),
          family,
        );
      }
      this.send(res, withHeaders(reply, corsHeaders), record);
    } catch (err) {
      this.send(res, withHeaders(errorReply(err, family), corsHeaders), record);
    }
  }

  private send(res: ServerResponse, reply: RouteReply, record: (status: number) => void): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | undefined;
    if (reply.body !== undefined) {
      // HTML pages (the login page) are sent as they are; everything else is JSON.
      payload = typeof reply.body === 'string' && reply.contentType?.startsWith('text/') ? reply.body : JSON.stringify(reply.body);
      headers['content-type'] = reply.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    } else {
      headers['content-length'] = '0';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
    record(reply.status);
  }
}

function withHeaders(reply: RouteReply, headers: Record<string, string>): RouteReply {
  return Object.keys(headers).length ? { ...reply, headers: { ...(reply.headers ?? {}), ...headers } } : reply;
}

function invalidBody(family: string, detail: string): HttpReplyError {
  if (family === '/scim2') return scimError(400, detail, 'invalidSyntax');
  if (family === '/oauth2') return oauthError(400, 'invalid_request', detail);
  return managementError(400, 'SRV-60001', 'Invalid request body.', detail);
}

function errorReply(err: unknown, family: string): RouteReply {
  if (err instanceof HttpReplyError) return { status: err.status, body: err.body, contentType: err.contentType, headers: err.headers };
  // An unexpected failure is a bug in the stand-in: answer 500 without leaking internals.
  const message = err instanceof Error ? err.message : String(err);
  if (family === '/scim2') {
    const e = scimError(500, `Internal error in the local Asgardeo: ${message}`);
    return { status: 500, body: e.body, contentType: e.contentType };
  }
  return {
    status: 500,
    body: { code: 'SRV-65000', message: 'Internal server error.', description: message },
    contentType: 'application/json',
  };
}
