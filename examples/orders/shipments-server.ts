import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The example's existing HTTP service: `GET /shipments/{id}` answers the shipment and who asked.
 * It trusts the identity headers only because API Gateway overwrites them on every request (and it
 * must be reachable only through the gateway, or verify the forwarded Authorization token itself).
 */

/** The identity headers as tollgate configures them by default (docs/routes.md). */
const IDENTITY_HEADERS = { sub: 'x-tollgate-sub', clientId: 'x-tollgate-client-id', scope: 'x-tollgate-scope' } as const;

/** API Gateway writes a claim as JSON text (`"abc"`); a plain value is taken as it is. */
export function claimFromHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

export function startShipmentsServer(port = 4191, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const match = /^\/shipments\/([^/?]+)$/.exec((req.url ?? '').split('?')[0]!);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || !match) return send(404, { message: 'no such shipment route' });
    const caller = {
      sub: claimFromHeader(req.headers[IDENTITY_HEADERS.sub]),
      clientId: claimFromHeader(req.headers[IDENTITY_HEADERS.clientId]),
      scope: claimFromHeader(req.headers[IDENTITY_HEADERS.scope]),
    };
    if (!caller.sub) return send(401, { message: 'no caller identity: call me through the API' });
    send(200, { service: 'shipments', shipment: { orderId: decodeURIComponent(match[1]!), carrier: 'local-post' }, caller });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 4191);
  startShipmentsServer(port).then(
    ({ url }) => process.stdout.write(`shipments service on ${url} (Ctrl-C stops it)\n`),
    (err: unknown) => {
      process.stderr.write(`shipments service: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
