import { randomUUID } from 'node:crypto';
import { requireScope } from '../auth';
import type { RouteHandler, ServerContext } from '../context';
import { scimError } from '../errors';
import { matchesFilter } from '../filters';
import { isRecord, type RouteRequest, type RouteReply } from '../http-util';
import type { RoleRecord } from '../state';
import {
  invalidSyntax,
  invalidValue,
  listResponse,
  page,
  parseScimFilter,
  patchOperations,
  scimReply,
  valueSelector,
  scimResourceRoutes,
} from './scim-common';

const BASE = '/scim2/v2/Roles';
const ROLE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:2.0:Role';

/** `/scim2/v2/Roles/**` (roles v2: audience + API-scope permissions). */
export function scimRoleRoutes(ctx: ServerContext): RouteHandler {
  return scimResourceRoutes(BASE, {
    list: (req) => list(ctx, req),
    create: (req) => create(ctx, req),
    get: (req, id) => get(ctx, req, id),
    put: (req, id) => put(ctx, req, id),
    patch: (req, id) => patch(ctx, req, id),
    remove: (req, id) => remove(ctx, req, id),
  });
}

const location = (ctx: ServerContext, id: string): string => `${ctx.baseUrl}/t/${ctx.organization}${BASE}/${id}`;

function audienceView(ctx: ServerContext, role: RoleRecord): Record<string, string> {
  const display =
    role.audienceType === 'organization' ? ctx.organization : (ctx.state.applications.get(role.audienceValue)?.name ?? role.audienceValue);
  return { value: role.audienceValue, display, type: role.audienceType };
}

function summaryView(ctx: ServerContext, role: RoleRecord): Record<string, unknown> {
  return {
    schemas: [ROLE_SCHEMA],
    id: role.id,
    displayName: role.displayName,
    audience: audienceView(ctx, role),
    meta: { location: location(ctx, role.id), resourceType: 'Role', created: role.created, lastModified: role.lastModified },
  };
}

function fullView(ctx: ServerContext, role: RoleRecord): Record<string, unknown> {
  const userBase = `${ctx.baseUrl}/t/${ctx.organization}/scim2/Users`;
  return {
    ...summaryView(ctx, role),
    users: role.userIds.map((id) => ({ value: id, display: ctx.state.users.get(id)?.userName ?? id, $ref: `${userBase}/${id}` })),
    groups: role.groupIds.map((id) => ({ value: id, $ref: `${ctx.baseUrl}/t/${ctx.organization}/scim2/Groups/${id}` })),
    permissions: role.permissions.map((name) => ({ value: name, display: ctx.state.scopeOwner(name)?.scope.displayName ?? name })),
    associatedApplications: [...ctx.state.applications.values()]
      .filter((app) => app.associatedRoles.roleIds.includes(role.id))
      .map((app) => ({ value: app.id, display: app.name })),
  };
}

function lookup(ctx: ServerContext, id: string): RoleRecord {
  const role = ctx.state.roles.get(id);
  if (!role) throw scimError(404, `No Role with the id : ${id} in the system.`);
  return role;
}

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_view', 'scim');
  const filter = parseScimFilter(req, ['displayName', 'audience.value', 'audience.type'], ['eq', 'co', 'sw', 'ew', 'ne']);
  const matching = [...ctx.state.roles.values()]
    .filter((role) =>
      matchesFilter(filter, (attr) =>
        attr === 'displayName' ? role.displayName : attr === 'audience.value' ? role.audienceValue : role.audienceType,
      ),
    )
    .sort((a, b) => a.seq - b.seq);
  const { startIndex, items } = page(req, matching);
  return listResponse(
    matching.length,
    startIndex,
    items.map((role) => summaryView(ctx, role)),
  );
}

/** `[{value}]` lists (users, groups, permissions) from a request. */
function values(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidValue(`'${field}' must be an array of {"value": ...}.`);
  return raw.map((item, index) => {
    if (!isRecord(item) || typeof item.value !== 'string' || !item.value) throw invalidValue(`'${field}[${index}].value' is required.`);
    return item.value;
  });
}

function checkPermissions(ctx: ServerContext, names: readonly string[]): string[] {
  for (const name of names) {
    if (!ctx.state.scopeOwner(name))
      throw invalidValue(`Permission '${name}' is not a scope of any API resource in the organization; create the API scope first.`);
  }
  return [...new Set(names)];
}

function checkUsers(ctx: ServerContext, ids: readonly string[]): string[] {
  for (const id of ids) if (!ctx.state.users.has(id)) throw invalidValue(`User '${id}' does not exist.`);
  return [...new Set(ids)];
}

function checkUniqueName(ctx: ServerContext, displayName: string, audienceType: string, audienceValue: string, selfId?: string): void {
  for (const other of ctx.state.roles.values()) {
    if (
      other.id !== selfId &&
      other.displayName === displayName &&
      other.audienceType === audienceType &&
      other.audienceValue === audienceValue
    ) {
      throw scimError(409, `Role with name: ${displayName} already exists in the system.`, 'uniqueness');
    }
  }
}

function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_create', 'scim');
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM Role object.');
  if (typeof body.displayName !== 'string' || !body.displayName.trim()) throw invalidValue("'displayName' is required.");
  let audienceType: RoleRecord['audienceType'] = 'organization';
  let audienceValue = ctx.state.organizationId;
  if (body.audience !== undefined) {
    if (!isRecord(body.audience)) throw invalidValue('\'audience\' must be {"type": "application"|"organization", "value": ...}.');
    const type = typeof body.audience.type === 'string' ? body.audience.type.toLowerCase() : '';
    if (type === 'application') {
      const appId = body.audience.value;
      if (typeof appId !== 'string' || !ctx.state.applications.has(appId))
        throw invalidValue(`Audience application '${String(appId)}' does not exist.`);
      audienceType = 'application';
      audienceValue = appId;
    } else if (type === 'organization') {
      if (body.audience.value !== undefined && body.audience.value !== ctx.state.organizationId)
        throw invalidValue(
          `Audience organization '${String(body.audience.value)}' is not this organization (${ctx.state.organizationId}).`,
        );
    } else {
      throw invalidValue("'audience.type' must be 'application' or 'organization'.");
    }
  }
  checkUniqueName(ctx, body.displayName, audienceType, audienceValue);
  const now = new Date().toISOString();
  const role: RoleRecord = {
    id: randomUUID(),
    seq: ctx.state.nextSeq(),
    displayName: body.displayName,
    audienceType,
    audienceValue,
    userIds: checkUsers(ctx, values(body.users, 'users')),
    groupIds: [...new Set(values(body.groups, 'groups'))],
    permissions: checkPermissions(ctx, values(body.permissions, 'permissions')),
    created: now,
    lastModified: now,
  };
  ctx.state.roles.set(role.id, role);
  return scimReply(201, summaryView(ctx, role), { location: location(ctx, role.id) });
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_view', 'scim');
  return scimReply(200, fullView(ctx, lookup(ctx, id)));
}

function put(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_update', 'scim');
  const role = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM Role object.');
  const displayName = body.displayName === undefined ? role.displayName : body.displayName;
  if (typeof displayName !== 'string' || !displayName.trim()) throw invalidValue("'displayName' must be a non-empty string.");
  checkUniqueName(ctx, displayName, role.audienceType, role.audienceValue, role.id);
  const userIds = checkUsers(ctx, values(body.users, 'users'));
  const permissions = checkPermissions(ctx, values(body.permissions, 'permissions'));
  role.displayName = displayName;
  role.userIds = userIds;
  role.groupIds = [...new Set(values(body.groups, 'groups'))];
  role.permissions = permissions;
  role.lastModified = new Date().toISOString();
  return scimReply(200, summaryView(ctx, role));
}

type MemberField = 'users' | 'groups' | 'permissions';
const MEMBER_FIELDS: readonly MemberField[] = ['users', 'groups', 'permissions'];

function patch(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_update', 'scim');
  const role = lookup(ctx, id);
  const operations = patchOperations(req.body);
  // Work on a copy so a failing operation leaves the role as it was.
  const next = { displayName: role.displayName, users: [...role.userIds], groups: [...role.groupIds], permissions: [...role.permissions] };
  const apply = (op: 'add' | 'remove' | 'replace', field: string, value: unknown, selected?: string): void => {
    if (field === 'displayName') {
      if (op === 'remove') throw scimError(400, "'displayName' cannot be removed.", 'mutability');
      if (typeof value !== 'string' || !value.trim()) throw invalidValue("'displayName' must be a non-empty string.");
      next.displayName = value;
      return;
    }
    if (!MEMBER_FIELDS.includes(field as MemberField))
      throw scimError(400, `Attribute '${field}' cannot be patched; use displayName, users, groups or permissions.`, 'invalidPath');
    const key = field as MemberField;
    if (op === 'remove') {
      const removed = selected !== undefined ? [selected] : value === undefined ? next[key] : values(value, key);
      const drop = new Set(removed);
      next[key] = next[key].filter((v) => !drop.has(v));
    } else if (op === 'add') {
      next[key] = [...new Set([...next[key], ...values(value, key)])];
    } else {
      next[key] = [...new Set(values(value, key))];
    }
  };
  for (const operation of operations) {
    if (operation.path === undefined) {
      if (!isRecord(operation.value)) throw invalidSyntax(`${operation.op} without a path needs an object value.`);
      for (const [field, value] of Object.entries(operation.value)) apply(operation.op, field, value);
    } else {
      const selector = valueSelector(operation.path);
      apply(operation.op, selector.attribute, operation.value, selector.value);
    }
  }
  checkUsers(ctx, next.users);
  checkPermissions(ctx, next.permissions);
  checkUniqueName(ctx, next.displayName, role.audienceType, role.audienceValue, role.id);
  role.displayName = next.displayName;
  role.userIds = next.users;
  role.groupIds = next.groups;
  role.permissions = next.permissions;
  role.lastModified = new Date().toISOString();
  return scimReply(200, summaryView(ctx, role));
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_delete', 'scim');
  lookup(ctx, id);
  ctx.state.deleteRole(id);
  return { status: 204 };
}
