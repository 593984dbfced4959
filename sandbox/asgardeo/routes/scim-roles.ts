import { requireScope } from '../auth';
import type { RouteHandler, ServerContext } from '../context';
import { scimError } from '../errors';
import { isRecord, type RouteRequest, type RouteReply } from '../http-util';
import type { RoleRecord } from '../state';
import { invalidSyntax, invalidValue, patchOperations, scimReply, valueSelector, scimResourceRoutes } from './scim-common';
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

const BASE = '/scim2/v2/Roles';

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

const summary = (ctx: ServerContext, role: RoleRecord) => summaryView(ctx, BASE, role);

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_view', 'scim');
  return listRoles(ctx, req, BASE);
}

function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_create', 'scim');
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM Role object.');
  const role = newRole(ctx, body, { users: values(body.users, 'users'), groups: values(body.groups, 'groups') });
  ctx.state.roles.set(role.id, role);
  return scimReply(201, summary(ctx, role), { location: roleLocation(ctx, BASE, role.id) });
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_view', 'scim');
  return scimReply(200, fullView(ctx, BASE, lookup(ctx, id)));
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
  return scimReply(200, summary(ctx, role));
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
  return scimReply(200, summary(ctx, role));
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_role_mgt_delete', 'scim');
  lookup(ctx, id);
  ctx.state.deleteRole(id);
  return { status: 204 };
}
