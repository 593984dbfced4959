import type { IncomingMessage } from 'node:http';
import { HttpReplyError } from './errors';

/** What a route handler sees of one request. */
export interface RouteRequest {
  readonly method: string;
  /** Path below `/t/{org}`, e.g. `/api/server/v1/applications/abc`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly contentType: string | undefined;
  /** Parsed JSON, parsed form (as a plain object) or undefined when there was no body. */
  readonly body: unknown;
}

/** What a route handler answers. `body` undefined = empty body. */
export interface RouteReply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new HttpReplyError(413, {
            code: 'REQ-413',
            message: 'Request body too large',
            description: `Bodies are limited to ${MAX_BODY_BYTES} bytes.`,
          }),
        );
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media type without parameters, lower-cased (`application/json; charset=utf-8` -> `application/json`). */
export function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return header.split(';')[0]!.trim().toLowerCase();
}

export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || (type !== undefined && type.endsWith('+json'));
}

/** Parses a body by its content type; `invalid` is called to build the family's error for bad JSON. */
export function parseBody(raw: Buffer, contentType: string | undefined, invalid: (detail: string) => HttpReplyError): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (isJsonMediaType(type) || type === undefined) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw invalid(`The request body is not valid JSON: ${(err as Error).message}`);
    }
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Parses a non-negative integer query parameter; `onError` builds the family's error. */
export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  onError: (detail: string) => HttpReplyError,
  min = 0,
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min) throw onError(`Query parameter '${name}' must be an integer >= ${min}, got '${raw}'.`);
  return Number(raw);
}
