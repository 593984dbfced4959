/**
 * The long-running local AWS (`npm run aws:local`): the control plane plus a local gateway that
 * serves whatever is deployed in it, so a deployment made by one command (`tollgate deploy --target
 * local` with TOLLGATE_LOCAL_AWS_URL) outlives it and another (`tollgate destroy`) can remove it.
 *
 * The gateway reads the control plane's live state the way the in-process real path does
 * (`buildDeployedModel` over `snapshot()` and the uploaded zips): a front server on the gateway's
 * address rebuilds the served model when the control plane's revision moved since the last request
 * (a counter, so an unchanged deployment costs a request no snapshot), and proxies each request to it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDeployedModel, startLocalGateway, type LocalGateway } from '../gateway';
import { startLocalAws, type LocalAws } from './index';

/** The variable that sends `tollgate deploy/destroy --target local` to a running `npm run aws:local`. */
export const LOCAL_AWS_URL_VARIABLE = 'TOLLGATE_LOCAL_AWS_URL';

export interface LocalAwsWithGatewayOptions {
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** The control plane's port. @default 0 (a free port) */
  readonly port?: number;
  /** The gateway's port. @default 0 (a free port) */
  readonly gatewayPort?: number;
  /** Where the gateway explains failed invocations and rebuilds; never receives tokens. @default stderr */
  readonly log?: (line: string) => void;
}

export interface LocalAwsWithGateway {
  /** The control plane (its `endpoint` is what TOLLGATE_LOCAL_AWS_URL names). */
  readonly aws: LocalAws;
  /** The gateway's address: every API's `apiEndpoint`, so stage invoke URLs and JWT audiences point here. */
  readonly gatewayUrl: string;
  stop(): Promise<void>;
}

export async function startLocalAwsWithGateway(o: LocalAwsWithGatewayOptions = {}): Promise<LocalAwsWithGateway> {
  const host = o.host ?? '127.0.0.1';
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let aws: LocalAws | undefined;
  // The gateway listens first: the control plane hands out its address as each API's endpoint.
  const gateway = await startDeploymentGateway({ host, port: o.gatewayPort ?? 0, log, controlPlane: () => aws });
  try {
    aws = await startLocalAws({
      host,
      port: o.port ?? 0,
      apiEndpoint: () => gateway.url,
      onUnserved: (s, op) => log(`unserved ${s}:${op}`),
    });
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  const started = aws;
  let stopped: Promise<void> | undefined;
  return {
    aws: started,
    gatewayUrl: gateway.url,
    stop() {
      stopped ??= Promise.all([gateway.stop(), started.stop()]).then(() => undefined);
      return stopped;
    },
  };
}

interface Served {
  /** The control plane's revision this was built from. */
  readonly revision: number;
  readonly gateway?: LocalGateway;
  /** Why nothing is served (no API, or a deployment the gateway cannot serve). */
  readonly reason?: string;
  readonly codeDir?: string;
}

async function startDeploymentGateway(o: {
  host: string;
  port: number;
  log: (line: string) => void;
  controlPlane: () => LocalAws | undefined;
}): Promise<{ url: string; stop(): Promise<void> }> {
  let served: Served | undefined;
  // One check or rebuild at a time: a request never sees a half-built model, and a rebuild never stops a gateway another is starting.
  let queue: Promise<unknown> = Promise.resolve();

  const release = async (s: Served | undefined) => {
    await s?.gateway?.stop();
    if (s?.codeDir) fs.rmSync(s.codeDir, { recursive: true, force: true });
  };

  /** The model for the control plane's current state: rebuilt only when a call may have changed it. */
  const refresh = async (): Promise<Served> => {
    const aws = o.controlPlane();
    if (!aws) return { revision: -1, reason: 'the control plane is starting' };
    const revision = aws.revision();
    if (served?.revision === revision) return served;
    await release(served);
    served = undefined;
    const snapshot = aws.snapshot();
    if (snapshot.apis.length === 0) return (served = { revision, reason: 'nothing is deployed in the local AWS control plane' });
    const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-local-aws-code-'));
    try {
      for (const fn of snapshot.functions) {
        const zip = aws.functionCode(fn.functionName);
        if (zip) fs.writeFileSync(path.join(codeDir, `${fn.functionName}.zip`), zip);
      }
      const gateway = await startLocalGateway({
        host: o.host,
        log: o.log,
        model: () =>
          buildDeployedModel({
            snapshot,
            stackName: snapshot.apis[0]!.name,
            outputs: {},
            archiveOf: (name) => path.join(codeDir, `${name}.zip`),
          }),
      });
      o.log(`serving ${snapshot.apis.map((a) => `${a.name} (${a.apiId})`).join(', ')} as deployed now`);
      return (served = { revision, gateway, codeDir });
    } catch (err) {
      fs.rmSync(codeDir, { recursive: true, force: true });
      const reason = err instanceof Error ? err.message : String(err);
      o.log(`cannot serve what is deployed: ${reason}`);
      return (served = { revision, reason });
    }
  };
  const current = (): Promise<Served> => {
    const next = queue.then(refresh);
    queue = next.catch(() => undefined);
    return next;
  };

  const server = http.createServer((req, res) => {
    current().then(
      (s) => {
        if (!s.gateway) return unavailable(res, s.reason ?? 'nothing is served');
        const upstream = http.request(
          `${s.gateway.url}${req.url ?? '/'}`,
          { method: req.method, headers: req.headers, agent: false },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', (err) => unavailable(res, `the gateway did not answer: ${err.message}`));
        req.pipe(upstream);
      },
      (err: unknown) => unavailable(res, err instanceof Error ? err.message : String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue;
      await release(served);
      served = undefined;
    },
  };
}

/** API Gateway's answer when no deployment serves the request, with the local reason for the developer. */
function unavailable(res: http.ServerResponse, reason: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'Service Unavailable', localAws: reason }));
}
