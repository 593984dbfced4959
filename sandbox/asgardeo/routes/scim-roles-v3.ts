import { requireScope } from '../auth';
import type { RouteHandler, ServerContext } from '../context';
import { scimError } from '../errors';
import { FilterSyntaxError, parseFilter } from '../filters';
import { isRecord, mediaType, type RouteReply, type RouteRequest } from '../http-util';
import type { RoleRecord } from '../state';
import { invalidFilter, invalidSyntax, invalidValue, patchOperations, scimReply, valueSelector, type PatchOperation } from './scim-common';
import {
  checkPermissions,
  checkUniqueName,
  checkUsers,
  fullView,
  listRoles,
  lookup,
  newRole,
  roleLocation,
  summaryView,
  values,
} from './scim-roles-common';

/**
 * `/scim2/v3/Roles/**` (Roles v3, asgardeo-secrets-and-roles.md part B). What sets it apart from v2:
 * users and groups in a create body or a role PATCH/PUT are dropped without an error (assignments go
 * through `/{id}/Users` and `/{id}/Groups`, PUT a bare array or PATCH a PatchOp); each endpoint checks
 * the scope of what it writes (metadata, users, groups); `or` in a filter is refused with its own
 * message; Content-Type is required on writes and a bad Accept is 406.
 */
const BASE = '/scim2/v3/Roles';

export const ROLES_V3_SCOPES = {
  view: 'internal_role_mgt_view',
  create: 'internal_role_mgt_meta_create',
  metaUpdate: 'internal_role_mgt_meta_update',
  usersUpdate: 'internal_role_mgt_users_update',
  groupsUpdate: 'internal_role_mgt_groups_update',
  delete: 'internal_role_mgt_delete',
} as const;

export function scimRoleV3Routes(ctx: ServerContext): RouteHandler {
  return (req) => {
    const { method, path } = req;
    if (path !== BASE && !path.startsWith(`${BASE}/`)) return undefined;
    checkAccept(req);
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') checkContentType(req);
    const parts = path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      if (method === 'GET') return list(ctx, req);
      if (method === 'POST') return create(ctx, req);
    } else if (parts.length === 1) {
      const id = parts[0]!;
      if (method === 'GET') return get(ctx, req, id);
      if (method === 'PUT') return putMeta(ctx, req, id);
      if (method === 'PATCH') return patchMeta(ctx, req, id);
      if (method === 'DELETE') return remove(ctx, req, id);
    } else if (parts.length === 2 && (parts[1] === 'Users' || parts[1] === 'Groups')) {
      const field = parts[1] === 'Users' ? 'users' : 'groups';
      if (method === 'PUT') return putMembers(ctx, req, parts[0]!, field);
      if (method === 'PATCH') return patchMembers(ctx, req, parts[0]!, field);
    }
    throw scimError(405, `${method} is not supported on ${path}.`);
  };
}

const ACCEPTED = ['application/scim+json', 'application/json', '*/*', 'application/*'];

/** 406 when the client accepts neither SCIM nor plain JSON. */
function checkAccept(req: RouteRequest): void {
  const accept = req.headers.accept;
  if (typeof accept !== 'string' || !accept.trim()) return;
  const types = accept.split(',').map((t) => mediaType(t));
  if (!types.some((t) => t !== undefined && ACCEPTED.includes(t)))
    throw scimError(406, `The Accept header '${accept}' is not supported; accept application/scim+json or application/json.`);
}

/** Writes must say what they send (the stricter reading: 415 without a JSON Content-Type, see README). */
function checkContentType(req: RouteRequest): void {
  const type = mediaType(req.contentType);
  if (type !== 'application/scim+json' && type !== 'application/json')
    throw scimError(415, `Content-Type '${req.contentType ?? '(none)'}' is not supported; send application/scim+json or application/json.`);
}

const summary = (ctx: ServerContext, role: RoleRecord) => summaryView(ctx, BASE, role);

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.view, 'scim');
  const raw = req.query.get('filter');
  if (raw) {
    try {
      parseFilter(raw, {
        attributes: ['displayName', 'audience.value', 'audience.type'],
        ops: ['eq', 'ne', 'co', 'sw', 'ew'],
        or: 'refuse',
      });
    } catch (e) {
      if (e instanceof FilterSyntaxError && e.orRefused) throw invalidFilter('Filter operator: or is not supported for role filtering.');
    }
  }
  return listRoles(ctx, req, BASE);
}

/** `createRoleMeta`: name, audience, permissions; users and groups are ignored without an error. */
function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.create, 'scim');
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM Role object.');
  if (!Array.isArray(body.schemas)) throw invalidSyntax("'schemas' is required.");
  const role = newRole(ctx, body, { users: [], groups: [] });
  ctx.state.roles.set(role.id, role);
  return scimReply(201, summary(ctx, role), { location: roleLocation(ctx, BASE, role.id) });
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.view, 'scim');
  return scimReply(200, fullView(ctx, BASE, lookup(ctx, id)));
}

/** `updateRoleMeta`: only the name and the permissions; members in the body are ignored. */
function putMeta(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.metaUpdate, 'scim');
  const role = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM Role object.');
  const displayName = body.displayName === undefined ? role.displayName : body.displayName;
  if (typeof displayName !== 'string' || !displayName.trim()) throw invalidValue("'displayName' must be a non-empty string.");
  checkUniqueName(ctx, displayName, role.audienceType, role.audienceValue, role.id);
  const permissions = checkPermissions(ctx, values(body.permissions, 'permissions'));
  role.displayName = displayName;
  role.permissions = permissions;
  role.lastModified = new Date().toISOString();
  return scimReply(200, summary(ctx, role));
}

/** A PatchOp value that may be one `{value}` object or an array of them. */
const oneOrMany = (value: unknown, field: string): string[] => values(Array.isArray(value) ? value : [value], field);

/**
 * `patchRoleMeta`: only `displayName` and `permissions` operations apply (the last name wins;
 * `replace` on permissions makes exactly the given set); every other operation is dropped silently.
 */
function patchMeta(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.metaUpdate, 'scim');
  const role = lookup(ctx, id);
  const next = { displayName: role.displayName, permissions: [...role.permissions] };
  const apply = (op: PatchOperation['op'], field: string, value: unknown, selected?: string): void => {
    if (field === 'displayName') {
      if (op === 'remove') throw scimError(400, "'displayName' cannot be removed.", 'mutability');
      if (typeof value !== 'string' || !value.trim()) throw invalidValue("'displayName' must be a non-empty string.");
      next.displayName = value;
    } else if (field === 'permissions') {
      if (op === 'remove') {
        const drop = new Set(selected !== undefined ? [selected] : value === undefined ? next.permissions : oneOrMany(value, field));
        next.permissions = next.permissions.filter((p) => !drop.has(p));
      } else if (op === 'add') next.permissions = [...new Set([...next.permissions, ...oneOrMany(value, field)])];
      else next.permissions = [...new Set(oneOrMany(value, field))];
    }
    // users, groups and anything else: dropped without an error, as the server does.
  };
  for (const operation of patchOperations(req.body)) {
    if (operation.path === undefined) {
      if (!isRecord(operation.value)) throw invalidSyntax(`${operation.op} without a path needs an object value.`);
      for (const [field, value] of Object.entries(operation.value)) apply(operation.op, field, value);
    } else {
      const selector = valueSelector(operation.path);
      apply(operation.op, selector.attribute, operation.value, selector.value);
    }
  }
  checkPermissions(ctx, next.permissions);
  checkUniqueName(ctx, next.displayName, role.audienceType, role.audienceValue, role.id);
  role.displayName = next.displayName;
  role.permissions = next.permissions;
  role.lastModified = new Date().toISOString();
  return scimReply(200, summary(ctx, role));
}

type MemberField = 'users' | 'groups';

function memberScope(field: MemberField): string {
  return field === 'users' ? ROLES_V3_SCOPES.usersUpdate : ROLES_V3_SCOPES.groupsUpdate;
}

function setMembers(ctx: ServerContext, role: RoleRecord, field: MemberField, ids: string[]): void {
  if (field === 'users') role.userIds = checkUsers(ctx, ids);
  else role.groupIds = [...new Set(ids)];
  role.lastModified = new Date().toISOString();
}

/** PUT `/{id}/Users` or `/Groups`: a bare `[{"value": id}]` array that replaces the whole list. */
function putMembers(ctx: ServerContext, req: RouteRequest, id: string, field: MemberField): RouteReply {
  requireScope(ctx.state, req, memberScope(field), 'scim');
  const role = lookup(ctx, id);
  if (!Array.isArray(req.body))
    throw invalidSyntax(`The body must be a JSON array of {"value": "<${field === 'users' ? 'user' : 'group'} id>"}.`);
  setMembers(ctx, role, field, values(req.body, field));
  return scimReply(200, summary(ctx, role));
}

/**
 * PATCH `/{id}/Users` or `/Groups`: `add`/`replace` without a path mean the list itself; a path
 * `value eq <id>` is read as `users[value eq <id>]` (formalizeScimPatchRequest).
 */
function patchMembers(ctx: ServerContext, req: RouteRequest, id: string, field: MemberField): RouteReply {
  requireScope(ctx.state, req, memberScope(field), 'scim');
  const role = lookup(ctx, id);
  let members = field === 'users' ? [...role.userIds] : [...role.groupIds];
  for (const operation of patchOperations(req.body)) {
    const path = operation.path?.trim();
    const bare = path !== undefined ? /^value\s+eq\s+"?([^"]+)"?$/i.exec(path) : null;
    const selector = bare ? { attribute: field, value: bare[1]! } : path !== undefined ? valueSelector(path) : { attribute: field };
    if (selector.attribute !== field)
      throw scimError(400, `Path '${operation.path}' is not supported here; use '${field}' or 'value eq <id>'.`, 'invalidPath');
    if (operation.op === 'remove') {
      const drop = new Set(selector.value !== undefined ? [selector.value] : oneOrMany(operation.value, field));
      members = members.filter((m) => !drop.has(m));
    } else if (operation.op === 'add') members = [...new Set([...members, ...oneOrMany(operation.value, field)])];
    else members = [...new Set(oneOrMany(operation.value, field))];
  }
  setMembers(ctx, role, field, members);
  return scimReply(200, summary(ctx, role));
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, ROLES_V3_SCOPES.delete, 'scim');
  lookup(ctx, id);
  ctx.state.deleteRole(id);
  return { status: 204 };
}
