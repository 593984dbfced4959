import type { RouteReply, RouteRequest } from './http-util';
import type { AsgardeoState } from './state';
import type { TokenSigner } from './tokens';

/** What every route family shares. */
export interface ServerContext {
  readonly state: AsgardeoState;
  readonly signer: TokenSigner;
  /** `http://127.0.0.1:<port>`; known once the server listens. */
  readonly baseUrl: string;
  readonly organization: string;
  readonly issuer: string;
}

/** Answers a request, or returns undefined when the path is not one of its family's. */
export type RouteHandler = (req: RouteRequest) => Promise<RouteReply | undefined> | RouteReply | undefined;

export function json(status: number, body: unknown, headers?: Record<string, string>): RouteReply {
  return { status, body, contentType: 'application/json', headers };
}

export function empty(status: number, headers?: Record<string, string>): RouteReply {
  return { status, headers };
}
