import { scimError, type HttpReplyError } from '../errors';
import { FilterSyntaxError, parseFilter, type FilterOp, type ParsedFilter } from '../filters';
import type { RouteHandler } from '../context';
import type { RouteReply, RouteRequest } from '../http-util';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MAX_COUNT = 100;

export const invalidValue = (detail: string): HttpReplyError => scimError(400, detail, 'invalidValue');
export const invalidSyntax = (detail: string): HttpReplyError => scimError(400, detail, 'invalidSyntax');
export const invalidFilter = (detail: string): HttpReplyError => scimError(400, detail, 'invalidFilter');

export function scimReply(status: number, body: unknown, headers?: Record<string, string>): RouteReply {
  return { status, body, contentType: SCIM_CONTENT_TYPE, headers };
}

/**
 * `or` is refused: Roles v2 answers 400; the Users endpoint fails with a 500 (`orStatus`), as the
 * real server does (asgardeo-contract.md, Corrections).
 */
export function parseScimFilter(
  req: RouteRequest,
  attributes: readonly string[],
  ops: readonly FilterOp[],
  orStatus: 400 | 500 = 400,
): ParsedFilter | undefined {
  const raw = req.query.get('filter');
  if (!raw) return undefined;
  try {
    return parseFilter(raw, { attributes, ops, or: 'refuse' });
  } catch (e) {
    if (e instanceof FilterSyntaxError && e.orRefused && orStatus === 500) {
      throw scimError(500, `Error while filtering the users: the 'or' operator is not supported in '${raw}'; send one request per value.`);
    }
    if (e instanceof FilterSyntaxError) throw invalidFilter(e.message);
    throw e;
  }
}

/** SCIM paging: 1-based `startIndex`, `count` capped at 100. */
export function page<T>(req: RouteRequest, items: readonly T[]): { startIndex: number; items: T[] } {
  const rawStart = req.query.get('startIndex');
  const rawCount = req.query.get('count');
  const startIndex = rawStart === null || rawStart === '' ? 1 : Number(rawStart);
  const count = rawCount === null || rawCount === '' ? MAX_COUNT : Number(rawCount);
  if (!Number.isInteger(startIndex)) throw invalidValue(`'startIndex' must be an integer, got '${rawStart}'.`);
  if (!Number.isInteger(count) || count < 0) throw invalidValue(`'count' must be a non-negative integer, got '${rawCount}'.`);
  const start = Math.max(1, startIndex);
  return { startIndex: start, items: items.slice(start - 1, start - 1 + Math.min(count, MAX_COUNT)) };
}

export function listResponse(totalResults: number, startIndex: number, resources: unknown[]): RouteReply {
  return scimReply(200, {
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    schemas: [LIST_RESPONSE_SCHEMA],
    Resources: resources,
  });
}

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** Reads a SCIM PatchOp body; op names are case-insensitive as in SCIM. */
export function patchOperations(body: unknown): PatchOperation[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { Operations?: unknown }).Operations)) {
    throw invalidSyntax(`The body must be a SCIM PatchOp: {"schemas": ["${PATCH_OP_SCHEMA}"], "Operations": [...]}.`);
  }
  return (body as { Operations: unknown[] }).Operations.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null) throw invalidSyntax(`Operations[${index}] must be an object.`);
    const operation = raw as Record<string, unknown>;
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace') throw invalidSyntax(`Operations[${index}].op must be add, remove or replace.`);
    if (operation.path !== undefined && typeof operation.path !== 'string')
      throw invalidSyntax(`Operations[${index}].path must be a string.`);
    if (op === 'remove' && operation.path === undefined) throw scimError(400, `Operations[${index}]: remove needs a path.`, 'noTarget');
    return { op, path: operation.path as string | undefined, value: operation.value };
  });
}

/** `users[value eq abc]` -> { attribute: 'users', value: 'abc' } */
export function valueSelector(path: string): { attribute: string; value?: string } {
  const match = /^([A-Za-z.]+)\[\s*value\s+eq\s+"?([^\]"]+)"?\s*\]$/.exec(path.trim());
  if (match) return { attribute: match[1]!, value: match[2]! };
  return { attribute: path.trim() };
}

type Reply = Promise<RouteReply> | RouteReply;

/** The handlers of one SCIM resource type: the collection (list, create) and one resource by id. */
export interface ScimResourceHandlers {
  list(req: RouteRequest): Reply;
  create(req: RouteRequest): Reply;
  get(req: RouteRequest, id: string): Reply;
  put(req: RouteRequest, id: string): Reply;
  patch(req: RouteRequest, id: string): Reply;
  remove(req: RouteRequest, id: string): Reply;
}

/** Routes `{base}` and `{base}/{id}` to the handlers; any other method there is a SCIM 405. */
export function scimResourceRoutes(base: string, h: ScimResourceHandlers): RouteHandler {
  return (req) => {
    const { method, path } = req;
    if (path !== base && !path.startsWith(`${base}/`)) return undefined;
    const parts = path.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      if (method === 'GET') return h.list(req);
      if (method === 'POST') return h.create(req);
    } else if (parts.length === 1) {
      const id = parts[0]!;
      if (method === 'GET') return h.get(req, id);
      if (method === 'PUT') return h.put(req, id);
      if (method === 'PATCH') return h.patch(req, id);
      if (method === 'DELETE') return h.remove(req, id);
    }
    throw scimError(405, `${method} is not supported on ${path}.`);
  };
}
