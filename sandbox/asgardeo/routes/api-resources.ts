import { randomUUID } from 'node:crypto';
import { requireScope } from '../auth';
import { empty, json, type RouteHandler, type ServerContext } from '../context';
import { managementError, type HttpReplyError } from '../errors';
import { FilterSyntaxError, matchesFilter, parseFilter, type ParsedFilter } from '../filters';
import { intParam, isRecord, optionalString, type RouteRequest, type RouteReply } from '../http-util';
import type { ApiResourceRecord, ScopeRecord } from '../state';

const BASE = '/api/server/v1/api-resources';
const DEFAULT_LIMIT = 10;
/** Scope names reserved by OIDC; the real service refuses them as API scopes. */
export const OIDC_SCOPE_NAMES: ReadonlySet<string> = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'groups',
  'roles',
]);

// The API-resource service answers errors without a traceId.
const err = (status: number, code: string, message: string, description: string): HttpReplyError =>
  managementError(status, code, message, description, { traceId: false });
// Codes the contract page fixes: 60003, 60004, 60005, 60008, 60009, 60013. The others are local
// choices (README, "Choices where the reference does not know").
const invalid = (description: string): HttpReplyError => err(400, 'API-RESOURCE-60001', 'Invalid request.', description);
const notFound = (id: string): HttpReplyError =>
  err(404, 'API-RESOURCE-60002', 'API resource not found.', `No API resource with id '${id}' exists in the organization.`);
const scopeTaken = (description: string): HttpReplyError => err(409, 'API-RESOURCE-60004', 'Scope already exists.', description);
/** Scope names starting with this are the server's own (`internal_…`); an API resource may not use them. */
const RESTRICTED_SCOPE_PREFIX = 'internal';

/** `/api/server/v1/api-resources/**` and `/api/server/v1/scopes`. */
export function apiResourceRoutes(ctx: ServerContext): RouteHandler {
  return (req) => {
    const { method, path } = req;
    if (path === '/api/server/v1/scopes' && method === 'GET') return listAllScopes(ctx, req);
    if (path !== BASE && !path.startsWith(`${BASE}/`)) return undefined;
    const parts = path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      if (method === 'GET') return list(ctx, req);
      if (method === 'POST') return create(ctx, req);
    } else if (parts.length === 1) {
      if (method === 'GET') return get(ctx, req, parts[0]!);
      if (method === 'PATCH') return patch(ctx, req, parts[0]!);
      if (method === 'DELETE') return remove(ctx, req, parts[0]!);
    } else if (parts.length === 2 && parts[1] === 'scopes') {
      if (method === 'GET') return getScopes(ctx, req, parts[0]!);
      if (method === 'PUT') return putScopes(ctx, req, parts[0]!);
    } else if (parts.length === 3 && parts[1] === 'scopes') {
      if (method === 'DELETE') return deleteScope(ctx, req, parts[0]!, parts[2]!);
      if (method === 'PATCH') return patchScope(ctx, req, parts[0]!, parts[2]!);
    }
    return methodNotAllowed(method, path);
  };
}

function methodNotAllowed(method: string, path: string): RouteReply {
  throw managementError(405, 'API-RESOURCE-60405', 'Method not allowed.', `${method} is not supported on ${path}.`);
}

function selfPath(ctx: ServerContext, id: string): string {
  return `/t/${ctx.organization}${BASE}/${id}`;
}

function scopeView(scope: ScopeRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { id: scope.id, name: scope.name, displayName: scope.displayName };
  if (scope.description !== undefined) view.description = scope.description;
  return view;
}

/** `GET /{id}`: the real service does not fill `subscribedApplications`; it is left out. */
function fullView(ctx: ServerContext, api: ApiResourceRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: api.id,
    name: api.name,
    identifier: api.identifier,
    type: api.type,
    requiresAuthorization: api.requiresAuthorization,
    scopes: api.scopes.map(scopeView),
    properties: api.properties.map((p) => ({ ...p })),
    self: selfPath(ctx, api.id),
  };
  if (api.description !== undefined) view.description = api.description;
  return view;
}

function parseResourceFilter(raw: string | null): ParsedFilter | undefined {
  if (!raw) return undefined;
  try {
    // The service reads `or` as `and`, silently (asgardeo-contract.md, Corrections).
    return parseFilter(raw, { attributes: ['name', 'identifier', 'type'], ops: ['eq', 'sw', 'ew', 'co'], or: 'as-and' });
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalid(e.message);
    throw e;
  }
}

function decodeCursor(raw: string, name: string): number {
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  if (!/^\d+$/.test(decoded)) throw invalid(`The '${name}' cursor '${raw}' is not valid; use the href of a link from a previous page.`);
  return Number(decoded);
}

const encodeCursor = (seq: number): string => Buffer.from(String(seq)).toString('base64');

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_view', 'management');
  const { query } = req;
  const filter = parseResourceFilter(query.get('filter'));
  const limit = intParam(query, 'limit', DEFAULT_LIMIT, invalid, 1);
  const after = query.get('after');
  const before = query.get('before');
  if (after && before) throw invalid("Use either 'after' or 'before', not both.");
  const attributes = (query.get('attributes') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const attribute of attributes) {
    if (attribute !== 'properties')
      throw err(
        400,
        'API-RESOURCE-60013',
        'Invalid attribute.',
        `Attribute '${attribute}' is not supported; only 'attributes=properties' is.`,
      );
  }
  const withProperties = attributes.includes('properties');

  const matching = [...ctx.state.apiResources.values()]
    .filter((api) => matchesFilter(filter, (attr) => (attr === 'name' ? api.name : attr === 'identifier' ? api.identifier : api.type)))
    .sort((a, b) => a.seq - b.seq);
  let page: ApiResourceRecord[];
  if (after) {
    const cursor = decodeCursor(after, 'after');
    page = matching.filter((api) => api.seq > cursor).slice(0, limit);
  } else if (before) {
    const cursor = decodeCursor(before, 'before');
    page = matching.filter((api) => api.seq < cursor).slice(-limit);
  } else {
    page = matching.slice(0, limit);
  }

  const links: { rel: string; href: string }[] = [];
  if (page.length > 0) {
    const first = page[0]!;
    const last = page[page.length - 1]!;
    const extra =
      (query.get('filter') ? `&filter=${encodeURIComponent(query.get('filter')!)}` : '') + (withProperties ? '&attributes=properties' : '');
    if (matching.some((api) => api.seq > last.seq))
      links.push({ rel: 'next', href: `/t/${ctx.organization}${BASE}?limit=${limit}${extra}&after=${encodeCursor(last.seq)}` });
    if (matching.some((api) => api.seq < first.seq))
      links.push({ rel: 'previous', href: `/t/${ctx.organization}${BASE}?limit=${limit}${extra}&before=${encodeCursor(first.seq)}` });
  }
  const APIResources = page.map((api) => {
    const item: Record<string, unknown> = {
      id: api.id,
      name: api.name,
      identifier: api.identifier,
      type: api.type,
      requiresAuthorization: api.requiresAuthorization,
      self: selfPath(ctx, api.id),
    };
    if (withProperties) item.properties = api.properties.map((p) => ({ ...p }));
    return item;
  });
  return json(200, { totalResults: matching.length, links, APIResources });
}

/** Validates new scopes: well-formed, not OIDC names, unique in the request and in the organization. */
function validateNewScopes(ctx: ServerContext, raw: unknown, ownerId: string | undefined, field: string): ScopeRecord[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalid(`'${field}' must be an array of {name, displayName, description}.`);
  const seen = new Set<string>();
  return raw.map((item, index) => {
    if (!isRecord(item)) throw invalid(`'${field}[${index}]' must be an object {name, displayName, description}.`);
    if (typeof item.name !== 'string' || item.name.trim() === '')
      throw err(400, 'API-RESOURCE-60005', 'Invalid scope name.', `'${field}[${index}].name' is required and must not be blank.`);
    const name = item.name;
    if (/\s/.test(name)) throw err(400, 'API-RESOURCE-60005', 'Invalid scope name.', `Scope name '${name}' must not contain white space.`);
    if (name.toLowerCase().startsWith(RESTRICTED_SCOPE_PREFIX)) {
      throw err(
        400,
        'API-RESOURCE-60008',
        'Restricted scope name.',
        `Scope name '${name}' starts with the restricted prefix '${RESTRICTED_SCOPE_PREFIX}', ` +
          "kept for the server's own scopes; choose another name.",
      );
    }
    if (OIDC_SCOPE_NAMES.has(name))
      throw err(
        400,
        'API-RESOURCE-60009',
        'Invalid scope name.',
        `Scope name '${name}' is an OIDC scope and cannot be used for an API resource.`,
      );
    if (seen.has(name)) throw scopeTaken(`Scope '${name}' appears twice in the request.`);
    seen.add(name);
    const owner = ctx.state.scopeOwner(name);
    if (owner && owner.api.id !== ownerId) {
      throw scopeTaken(
        `Scope '${name}' already exists in the organization (API resource '${owner.api.name}'); ` +
          'scope names are unique across the organization.',
      );
    }
    if (owner && field === 'addedScopes') throw scopeTaken(`Scope '${name}' already exists on this API resource.`);
    const displayName = optionalString(item.displayName) ?? name;
    const scope: ScopeRecord = { id: owner?.scope.id ?? randomUUID(), name, displayName };
    const description = optionalString(item.description);
    if (description !== undefined) scope.description = description;
    return scope;
  });
}

function parseProperties(raw: unknown): { name: string; value: string }[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((p) => isRecord(p) && typeof p.name === 'string' && typeof p.value === 'string')) {
    throw invalid("'properties' must be an array of {name, value} strings.");
  }
  return raw.map((p) => ({ name: (p as { name: string }).name, value: (p as { value: string }).value }));
}

function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_create', 'management');
  const body = req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.');
  const name = optionalString(body.name);
  const identifier = optionalString(body.identifier);
  if (!name || !name.trim()) throw invalid("'name' is required.");
  if (!identifier || !identifier.trim()) throw invalid("'identifier' is required.");
  if (body.requiresAuthorization !== undefined && typeof body.requiresAuthorization !== 'boolean')
    throw invalid("'requiresAuthorization' must be a boolean.");
  for (const api of ctx.state.apiResources.values()) {
    if (api.identifier === identifier)
      throw err(
        409,
        'API-RESOURCE-60003',
        'API resource already exists.',
        `An API resource with identifier '${identifier}' already exists.`,
      );
  }
  const scopes = validateNewScopes(ctx, body.scopes, undefined, 'scopes');
  const properties = parseProperties(body.properties);
  const api: ApiResourceRecord = {
    id: randomUUID(),
    seq: ctx.state.nextSeq(),
    name,
    identifier,
    requiresAuthorization: body.requiresAuthorization !== false,
    type: 'BUSINESS',
    scopes,
    properties,
  };
  const description = optionalString(body.description);
  if (description !== undefined) api.description = description;
  ctx.state.apiResources.set(api.id, api);
  return json(201, fullView(ctx, api), { location: `${ctx.baseUrl}${selfPath(ctx, api.id)}` });
}

function lookup(ctx: ServerContext, id: string): ApiResourceRecord {
  const api = ctx.state.apiResources.get(id);
  if (!api) throw notFound(id);
  return api;
}

function lookupWritable(ctx: ServerContext, id: string): ApiResourceRecord {
  const api = lookup(ctx, id);
  if (api.type === 'SYSTEM')
    throw err(403, 'API-RESOURCE-60011', 'Operation not permitted.', `API resource '${api.name}' is a system API and cannot be changed.`);
  return api;
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_view', 'management');
  return json(200, fullView(ctx, lookup(ctx, id)));
}

function patch(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_update', 'management');
  const body = req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.');
  const api = lookupWritable(ctx, id);
  // Present at all, even `[]`: the real service answers 501 before looking at anything else.
  if (body.removedScopes !== undefined) {
    throw err(
      501,
      'API-RESOURCE-60010',
      'Removing scopes is not supported.',
      "PATCH does not support 'removedScopes'; delete one scope with DELETE /api-resources/{id}/scopes/{name} " +
        'or replace the list with PUT /api-resources/{id}/scopes.',
    );
  }
  if (body.name !== undefined && (typeof body.name !== 'string' || !body.name.trim())) throw invalid("'name' must be a non-empty string.");
  if (body.description !== undefined && typeof body.description !== 'string') throw invalid("'description' must be a string.");
  const added = validateNewScopes(ctx, body.addedScopes, api.id, 'addedScopes');
  if (typeof body.name === 'string') api.name = body.name;
  if (typeof body.description === 'string') api.description = body.description;
  api.scopes.push(...added);
  return empty(204);
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_delete', 'management');
  if (ctx.state.apiResources.has(id)) lookupWritable(ctx, id);
  ctx.state.deleteApiResource(id);
  return empty(204);
}

function getScopes(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_view', 'management');
  return json(200, lookup(ctx, id).scopes.map(scopeView));
}

function putScopes(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_update', 'management');
  const api = lookupWritable(ctx, id);
  if (!Array.isArray(req.body)) throw invalid('The request body must be a JSON array of scopes.');
  const scopes = validateNewScopes(ctx, req.body, api.id, 'scopes');
  const kept = new Set(scopes.map((s) => s.name));
  const removed = new Set(api.scopes.map((s) => s.name).filter((n) => !kept.has(n)));
  api.scopes = scopes;
  ctx.state.forgetScopes(removed);
  return empty(204);
}

function deleteScope(ctx: ServerContext, req: RouteRequest, id: string, scopeName: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_delete', 'management');
  const api = lookupWritable(ctx, id);
  const before = api.scopes.length;
  api.scopes = api.scopes.filter((s) => s.name !== scopeName);
  if (api.scopes.length !== before) ctx.state.forgetScopes(new Set([scopeName]));
  return empty(204);
}

function patchScope(ctx: ServerContext, req: RouteRequest, id: string, scopeName: string): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_update', 'management');
  const api = lookupWritable(ctx, id);
  const scope = api.scopes.find((s) => s.name === scopeName);
  if (!scope) throw err(404, 'API-RESOURCE-60012', 'Scope not found.', `API resource '${api.name}' has no scope '${scopeName}'.`);
  const body = req.body;
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.');
  if (body.name !== undefined && body.name !== scopeName)
    throw invalid("A scope's name cannot be changed; only 'displayName' and 'description'.");
  if (body.displayName !== undefined && typeof body.displayName !== 'string') throw invalid("'displayName' must be a string.");
  if (body.description !== undefined && typeof body.description !== 'string') throw invalid("'description' must be a string.");
  if (typeof body.displayName === 'string') scope.displayName = body.displayName;
  if (typeof body.description === 'string') scope.description = body.description;
  return empty(204);
}

function listAllScopes(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_api_resource_view', 'management');
  let filter: ParsedFilter | undefined;
  try {
    const raw = req.query.get('filter');
    filter = raw ? parseFilter(raw, { attributes: ['name', 'displayName'], ops: ['eq', 'sw', 'ew', 'co'], or: 'refuse' }) : undefined;
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalid(e.message);
    throw e;
  }
  const scopes = [...ctx.state.apiResources.values()]
    .flatMap((api) => api.scopes)
    .filter((s) => matchesFilter(filter, (attr) => (attr === 'name' ? s.name : s.displayName)));
  return json(200, scopes.map(scopeView));
}
