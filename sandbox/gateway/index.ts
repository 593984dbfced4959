import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractArchive } from './asset-archive';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { buildGatewayModel, type GatewayModel, type RouteModel } from './gateway-model';
import { proxyToBackend } from './http-integration';
import { JwtAuthorizer } from './jwt-authorizer';
import { isInvokePermitted, sourceArnFor } from './lambda-permissions';
import { LambdaRuntime } from './lambda-runtime';
import { internalServerError, jsonResponse, mapLambdaResult, type HttpResponse } from './lambda-response';
import { localResolver, stageInvokeUrl } from './local-values';
import { buildPayloadV2Event, joinedHeaders } from './payload-event';
import { matchRoute } from './route-match';
import { readStackJson } from './stack-file';

export { GatewayStackError } from './errors';
export { buildDeployedModel, type DeployedModelOptions } from './deployed-model';
export type { GatewayModel } from './gateway-model';

export interface LocalGatewayOptions {
  /** `cdktf.out/stacks/<stackName>`, holding cdk.tf.json and assets/: serve what the stack describes (the fallback without Terraform). */
  stackDir?: string;
  /**
   * Serve what was deployed instead: the model from the local AWS control plane (deployed-model.ts),
   * given the gateway's own URL. Exactly one of `stackDir` and `model`.
   */
  model?: (url: string) => GatewayModel;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Where the gateway explains failed invocations and unreachable issuers; default stderr. Never receives tokens. */
  log?: (line: string) => void;
}

export interface LocalGatewayRoute {
  readonly routeKey: string;
  readonly authorizationType: string;
  readonly scopes: readonly string[];
}

export interface LocalGateway {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** `${url}/${stageName}`: the local stand-in of the stage invoke URL. */
  readonly stageInvokeUrl: string;
  /** The stack's Terraform outputs evaluated with the local values, shaped like `cdktf deploy --outputs-file`. */
  outputsFile(): Record<string, Record<string, unknown>>;
  readonly routes: readonly LocalGatewayRoute[];
  stop(): Promise<void>;
}

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Serves the HTTP API a synthesized stack describes, as API Gateway would: its routes, JWT
 * authorizer and Lambda integration, read only from cdk.tf.json and the Lambda asset.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if ((options.stackDir === undefined) === (options.model === undefined))
    throw new Error('startLocalGateway: give exactly one of stackDir and model');
  const stackDir = options.stackDir;
  const modelOf =
    options.model ??
    ((url: string) => {
      const stack = readStackJson(stackDir as string);
      return buildGatewayModel(stack, localResolver(stack, url));
    });
  const host = options.host ?? '127.0.0.1';

  let handler: http.RequestListener = (_req, res) => send(res, jsonResponse(503, { message: 'Service Unavailable' }), undefined);
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const runtimes = new Map<string, LambdaRuntime>();
  const tempDirs: string[] = [];
  const stopAll = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await Promise.all([...runtimes.values()].map((runtime) => runtime.stop()));
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  };

  let model: GatewayModel;
  try {
    model = modelOf(url);
    const used = new Set(model.routes.flatMap((route) => (route.functionKey === undefined ? [] : [route.functionKey])));
    for (const key of used) {
      const fn = model.functions.get(key);
      if (!fn) continue;
      const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), `tollgate-lambda-${fn.functionName.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
      tempDirs.push(codeDir);
      await extractArchive(fn.archive, codeDir);
      runtimes.set(
        key,
        await LambdaRuntime.start({
          codeDir,
          handler: fn.handler,
          functionName: fn.functionName,
          region: model.region,
          memoryMb: fn.memoryMb,
          timeoutSeconds: fn.timeoutSeconds,
          environment: fn.environment,
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const authorizers = new Map([...model.authorizers].map(([key, settings]) => [key, new JwtAuthorizer(settings, log)]));
  const stagePrefix = model.stageName === '$default' ? '' : `/${model.stageName}`;

  const serve = async (req: http.IncomingMessage, requestId: string): Promise<HttpResponse> => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const rawQueryString = q < 0 ? '' : target.slice(q + 1);
    let routePath: string;
    if (stagePrefix === '') routePath = rawPath;
    else if (rawPath === stagePrefix) routePath = '/';
    else if (rawPath.startsWith(`${stagePrefix}/`)) routePath = rawPath.slice(stagePrefix.length);
    else return jsonResponse(404, { message: 'Not Found' });

    const body = await readBody(req);
    if (body === undefined) return jsonResponse(413, { message: 'Request Entity Too Large' });
    const match = matchRoute<RouteModel>(model.routes, req.method ?? 'GET', routePath);
    if (!match) {
      // With a cors_configuration API Gateway answers a preflight no route takes (OPTIONS, ANY, $default) itself.
      const headers = lowerCaseHeaders(req);
      if (isPreflight(model.cors, req.method ?? 'GET', headers)) return preflightResponse(model.cors, headers);
      return jsonResponse(404, { message: 'Not Found' });
    }
    const route = match.route;

    let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    let rawClaims: Readonly<Record<string, unknown>> | undefined;
    if (route.authorizationType === 'JWT') {
      const authorizer = authorizers.get(route.authorizer as string) as JwtAuthorizer;
      const decision = await authorizer.authorize(lowerCaseHeaders(req), route.scopes);
      if (!decision.allowed) return jsonResponse(decision.status, decision.body, { 'www-authenticate': decision.wwwAuthenticate });
      jwt = { claims: decision.claims, scopes: decision.scopes };
      rawClaims = decision.rawClaims;
    }

    const method = req.method ?? 'GET';
    if (route.http) {
      return proxyToBackend({
        integration: route.http,
        method,
        path: routePath,
        routePath: route.path,
        rawQueryString,
        headers: joinedHeaders(req),
        body,
        pathParameters: match.pathParameters,
        claims: rawClaims,
        context: {
          requestId,
          routeKey: route.routeKey,
          stage: model.stageName,
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        },
        log: (line) => log(`local gateway: ${route.routeKey} (request ${requestId}): ${line}`),
      });
    }
    const functionKey = route.functionKey as string;
    const permitted = isInvokePermitted(model.permissions, {
      functionKey,
      executionArn: model.executionArn,
      stage: model.stageName,
      method,
      routePath: route.path,
      requestPath: routePath,
    });
    if (!permitted) {
      const fn = model.functions.get(functionKey);
      log(
        `local gateway: ${route.routeKey}: API Gateway may not invoke ${fn?.functionName}: ` +
          'no aws_lambda_permission (principal apigateway.amazonaws.com) ' +
          `has a source_arn matching ${sourceArnFor(model.executionArn, model.stageName, method, route.path)}; AWS answers 500 here too. ` +
          `Add one, e.g. source_arn = "\${execution_arn}/*/${method}${route.path ?? ''}"`,
      );
      return internalServerError();
    }

    const event = buildPayloadV2Event({
      request: req,
      rawPath,
      rawQueryString,
      body,
      routeKey: route.routeKey,
      stage: model.stageName,
      requestId,
      pathParameters: match.pathParameters,
      jwt,
      now: new Date(),
    });
    const runtime = runtimes.get(functionKey) as LambdaRuntime;
    const result = await runtime.invoke(event, requestId);
    return mapLambdaResult(result, (line) => log(`local gateway: ${route.routeKey} (request ${requestId}): ${line}`));
  };

  handler = (req, res) => {
    const requestId = randomUUID();
    serve(req, requestId).then(
      (response) => send(res, withCorsHeaders(model.cors, lowerCaseHeaders(req), response), requestId),
      (error: unknown) => {
        log(`local gateway: request ${requestId} failed: ${(error as Error).stack ?? String(error)}`);
        send(res, withCorsHeaders(model.cors, lowerCaseHeaders(req), internalServerError()), requestId);
      },
    );
  };

  const outputs = { ...model.outputs };
  return {
    url,
    stageInvokeUrl: model.stageName === '$default' ? url : stageInvokeUrl(url, model.stageName),
    outputsFile: () => ({ [model.stackName]: structuredClone(outputs) }),
    routes: model.routes.map((route) => ({
      routeKey: route.routeKey,
      authorizationType: route.authorizationType,
      scopes: [...route.scopes],
    })),
    stop: stopAll,
  };
}

function send(res: http.ServerResponse, response: HttpResponse, requestId: string | undefined): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { ...response.headers, 'content-length': String(response.body.length) };
  if (requestId) headers['apigw-requestid'] = requestId;
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/** The request body, or undefined when it is over API Gateway's limit. */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lowerCaseHeaders(req: http.IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
}
