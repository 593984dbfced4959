import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../context';
import { scimError } from '../errors';
import { matchesFilter } from '../filters';
import { isRecord, type RouteReply, type RouteRequest } from '../http-util';
import type { RoleRecord } from '../state';
import { invalidValue, listResponse, page, parseScimFilter } from './scim-common';

/** What Roles v2 and v3 share: the role's views (below each API's base path), list, lookup and checks. */

export const ROLE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:2.0:Role';

export const roleLocation = (ctx: ServerContext, base: string, id: string): string => `${ctx.baseUrl}/t/${ctx.organization}${base}/${id}`;

function audienceView(ctx: ServerContext, role: RoleRecord): Record<string, string> {
  const display =
    role.audienceType === 'organization' ? ctx.organization : (ctx.state.applications.get(role.audienceValue)?.name ?? role.audienceValue);
  return { value: role.audienceValue, display, type: role.audienceType };
}

/** What a create, PUT or PATCH answers and a list holds: no members or permissions. */
export function summaryView(ctx: ServerContext, base: string, role: RoleRecord): Record<string, unknown> {
  return {
    schemas: [ROLE_SCHEMA],
    id: role.id,
    displayName: role.displayName,
    audience: audienceView(ctx, role),
    meta: { location: roleLocation(ctx, base, role.id), resourceType: 'Role', created: role.created, lastModified: role.lastModified },
  };
}

export function fullView(ctx: ServerContext, base: string, role: RoleRecord): Record<string, unknown> {
  const userBase = `${ctx.baseUrl}/t/${ctx.organization}/scim2/Users`;
  return {
    ...summaryView(ctx, base, role),
    users: role.userIds.map((id) => ({ value: id, display: ctx.state.users.get(id)?.userName ?? id, $ref: `${userBase}/${id}` })),
    groups: role.groupIds.map((id) => ({ value: id, $ref: `${ctx.baseUrl}/t/${ctx.organization}/scim2/Groups/${id}` })),
    permissions: role.permissions.map((name) => ({ value: name, display: ctx.state.scopeOwner(name)?.scope.displayName ?? name })),
    associatedApplications: [...ctx.state.applications.values()]
      .filter((app) => app.associatedRoles.roleIds.includes(role.id))
      .map((app) => ({ value: app.id, display: app.name })),
  };
}

export function lookup(ctx: ServerContext, id: string): RoleRecord {
  const role = ctx.state.roles.get(id);
  if (!role) throw scimError(404, `No Role with the id : ${id} in the system.`);
  return role;
}

/** Filter on displayName, audience.value, audience.type with eq ne co sw ew; `and` only (`or` is 400). */
export function listRoles(ctx: ServerContext, req: RouteRequest, base: string): RouteReply {
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
    items.map((role) => summaryView(ctx, base, role)),
  );
}

/** `[{value}]` lists (users, groups, permissions) from a request. */
export function values(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidValue(`'${field}' must be an array of {"value": ...}.`);
  return raw.map((item, index) => {
    if (!isRecord(item) || typeof item.value !== 'string' || !item.value) throw invalidValue(`'${field}[${index}].value' is required.`);
    return item.value;
  });
}

export function checkPermissions(ctx: ServerContext, names: readonly string[]): string[] {
  for (const name of names) {
    if (!ctx.state.scopeOwner(name))
      throw invalidValue(`Permission '${name}' is not a scope of any API resource in the organization; create the API scope first.`);
  }
  return [...new Set(names)];
}

export function checkUsers(ctx: ServerContext, ids: readonly string[]): string[] {
  for (const id of ids) if (!ctx.state.users.has(id)) throw invalidValue(`User '${id}' does not exist.`);
  return [...new Set(ids)];
}

export function checkUniqueName(
  ctx: ServerContext,
  displayName: string,
  audienceType: string,
  audienceValue: string,
  selfId?: string,
): void {
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

/** A new role from a create body (name, audience, permissions; members as the caller decides), checked but not stored. */
export function newRole(ctx: ServerContext, body: Record<string, unknown>, members: { users: string[]; groups: string[] }): RoleRecord {
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
  return {
    id: randomUUID(),
    seq: ctx.state.nextSeq(),
    displayName: body.displayName,
    audienceType,
    audienceValue,
    userIds: checkUsers(ctx, members.users),
    groupIds: [...new Set(members.groups)],
    permissions: checkPermissions(ctx, values(body.permissions, 'permissions')),
    created: now,
    lastModified: now,
  };
}
