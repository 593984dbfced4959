import { randomUUID } from 'node:crypto';
import { requireScope } from '../auth';
import type { RouteHandler, ServerContext } from '../context';
import { scimError } from '../errors';
import { matchesFilter } from '../filters';
import { isRecord, type RouteRequest, type RouteReply } from '../http-util';
import type { UserRecord } from '../state';
import {
  invalidSyntax,
  invalidValue,
  listResponse,
  page,
  parseScimFilter,
  patchOperations,
  scimReply,
  scimResourceRoutes,
} from './scim-common';

const BASE = '/scim2/Users';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const DEFAULT_USER_STORE = 'DEFAULT';
/** Attributes the server owns; never taken from a request. */
const SERVER_FIELDS = new Set(['id', 'meta', 'schemas', 'userName', 'password', 'groups', 'roles']);

/** `/scim2/Users/**`. */
export function scimUserRoutes(ctx: ServerContext): RouteHandler {
  return scimResourceRoutes(BASE, {
    list: (req) => list(ctx, req),
    create: (req) => create(ctx, req),
    get: (req, id) => get(ctx, req, id),
    put: (req, id) => put(ctx, req, id),
    patch: (req, id) => patch(ctx, req, id),
    remove: (req, id) => remove(ctx, req, id),
  });
}

/** The organization's default: user names are e-mail addresses (checked without the user-store prefix). */
const EMAIL_USER_NAME = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/;

function checkUserName(userName: string): void {
  const bare = userName.replace(/^[^/]+\//, '');
  if (!EMAIL_USER_NAME.test(bare)) {
    throw invalidValue(`Invalid user name '${bare}': the organization uses e-mail addresses as user names (for example kim@example.com).`);
  }
}

/**
 * The default password policy: at least 8 characters with an upper-case and a lower-case letter,
 * a digit and a special character. The message never repeats the password.
 */
export function checkPasswordPolicy(password: string): void {
  const missing = [
    password.length < 8 && 'at least 8 characters',
    !/[A-Z]/.test(password) && 'an upper-case letter [A-Z]',
    !/[a-z]/.test(password) && 'a lower-case letter [a-z]',
    !/[0-9]/.test(password) && 'a digit [0-9]',
    !/[^A-Za-z0-9]/.test(password) && 'a special character (e.g. !@#$%&*)',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) throw invalidValue(`Password pattern policy violated: the password needs ${missing.join(', ')}.`);
}

/** `kim` -> `DEFAULT/kim`; names that already carry a user store keep it. */
export function qualifiedUserName(userName: string): string {
  return userName.includes('/') ? userName : `${DEFAULT_USER_STORE}/${userName}`;
}

function view(ctx: ServerContext, user: UserRecord): Record<string, unknown> {
  return {
    ...structuredClone(user.attributes),
    schemas: [USER_SCHEMA],
    id: user.id,
    userName: user.userName,
    meta: {
      created: user.created,
      lastModified: user.lastModified,
      resourceType: 'User',
      location: `${ctx.baseUrl}/t/${ctx.organization}${BASE}/${user.id}`,
    },
  };
}

function lookup(ctx: ServerContext, id: string): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user) throw scimError(404, `No user with the id : ${id} in the user store.`);
  return user;
}

function readAttribute(user: UserRecord, attribute: string): string | string[] | undefined {
  if (attribute === 'userName') return [user.userName, user.userName.replace(/^[^/]+\//, '')];
  if (attribute === 'id') return user.id;
  if (attribute === 'emails' || attribute === 'emails.value') {
    const emails = user.attributes.emails;
    if (!Array.isArray(emails)) return undefined;
    return emails.map((e) => (isRecord(e) ? String(e.value ?? '') : String(e)));
  }
  const [head, tail] = attribute.split('.');
  const top = user.attributes[head!];
  if (tail === undefined) return typeof top === 'string' ? top : undefined;
  return isRecord(top) && typeof top[tail] === 'string' ? (top[tail] as string) : undefined;
}

function list(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_list', 'scim');
  const filter = parseScimFilter(
    req,
    ['userName', 'id', 'emails', 'emails.value', 'name.givenName', 'name.familyName'],
    ['eq', 'ne', 'co', 'sw', 'ew'],
    500,
  );
  const matching = [...ctx.state.users.values()]
    .filter((u) => matchesFilter(filter, (attr) => readAttribute(u, attr)))
    .sort((a, b) => a.seq - b.seq);
  const { startIndex, items } = page(req, matching);
  return listResponse(
    matching.length,
    startIndex,
    items.map((u) => view(ctx, u)),
  );
}

function userAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!SERVER_FIELDS.has(key)) attributes[key] = structuredClone(value);
  return attributes;
}

function checkUniqueUserName(ctx: ServerContext, userName: string, selfId?: string): void {
  for (const other of ctx.state.users.values()) {
    if (other.userName.toLowerCase() === userName.toLowerCase() && other.id !== selfId) {
      throw scimError(409, `User with the name: ${userName} already exists in the system.`, 'uniqueness');
    }
  }
}

function create(ctx: ServerContext, req: RouteRequest): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_create', 'scim');
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM User object.');
  if (typeof body.userName !== 'string' || !body.userName.trim()) throw invalidValue("'userName' is required.");
  const askPassword = isRecord(body['urn:scim:wso2:schema']) && body['urn:scim:wso2:schema'].askPassword === true;
  if (body.password !== undefined && typeof body.password !== 'string') throw invalidValue("'password' must be a string.");
  if (body.password === undefined && !askPassword) {
    throw invalidValue('Give a \'password\', or set "urn:scim:wso2:schema": {"askPassword": true} to invite the user to set one.');
  }
  checkUserName(body.userName);
  if (typeof body.password === 'string') checkPasswordPolicy(body.password);
  const userName = qualifiedUserName(body.userName);
  checkUniqueUserName(ctx, userName);
  const now = new Date().toISOString();
  const user: UserRecord = {
    id: randomUUID(),
    seq: ctx.state.nextSeq(),
    userName,
    attributes: userAttributes(body),
    created: now,
    lastModified: now,
  };
  if (typeof body.password === 'string') user.password = body.password;
  ctx.state.users.set(user.id, user);
  const location = `${ctx.baseUrl}/t/${ctx.organization}${BASE}/${user.id}`;
  return scimReply(201, view(ctx, user), { location });
}

function get(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_view', 'scim');
  return scimReply(200, view(ctx, lookup(ctx, id)));
}

function put(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_update', 'scim');
  const user = lookup(ctx, id);
  const body = req.body;
  if (!isRecord(body)) throw invalidSyntax('The body must be a SCIM User object.');
  if (body.userName !== undefined && (typeof body.userName !== 'string' || qualifiedUserName(body.userName) !== user.userName)) {
    throw scimError(400, "'userName' cannot be changed.", 'mutability');
  }
  if (typeof body.password === 'string') checkPasswordPolicy(body.password);
  user.attributes = userAttributes(body);
  if (typeof body.password === 'string') user.password = body.password;
  user.lastModified = new Date().toISOString();
  return scimReply(200, view(ctx, user));
}

function patch(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_update', 'scim');
  const user = lookup(ctx, id);
  const operations = patchOperations(req.body);
  const attributes = structuredClone(user.attributes);
  let password = user.password;
  for (const operation of operations) {
    if (operation.path === undefined) {
      if (!isRecord(operation.value)) throw invalidSyntax(`${operation.op} without a path needs an object value.`);
      for (const [key, value] of Object.entries(operation.value)) {
        if (key === 'password' && typeof value === 'string') password = value;
        else if (key === 'userName') throw scimError(400, "'userName' cannot be changed.", 'mutability');
        else if (!SERVER_FIELDS.has(key))
          attributes[key] =
            operation.op === 'add' && Array.isArray(attributes[key]) && Array.isArray(value)
              ? [...(attributes[key] as unknown[]), ...value]
              : structuredClone(value);
      }
      continue;
    }
    const [head, tail] = operation.path.split('.') as [string, string | undefined];
    if (head === 'userName') throw scimError(400, "'userName' cannot be changed.", 'mutability');
    if (head === 'password') {
      if (operation.op === 'remove' || typeof operation.value !== 'string')
        throw invalidValue("'password' can only be replaced with a string.");
      password = operation.value;
      continue;
    }
    if (SERVER_FIELDS.has(head)) throw scimError(400, `'${head}' cannot be changed through the user.`, 'mutability');
    if (tail === undefined) {
      if (operation.op === 'remove') delete attributes[head];
      else if (operation.op === 'add' && Array.isArray(attributes[head]) && Array.isArray(operation.value))
        attributes[head] = [...(attributes[head] as unknown[]), ...operation.value];
      else attributes[head] = structuredClone(operation.value);
    } else {
      const parent = isRecord(attributes[head]) ? (attributes[head] as Record<string, unknown>) : {};
      if (operation.op === 'remove') delete parent[tail];
      else parent[tail] = structuredClone(operation.value);
      attributes[head] = parent;
    }
  }
  if (password !== undefined && password !== user.password) checkPasswordPolicy(password);
  user.attributes = attributes;
  user.password = password;
  user.lastModified = new Date().toISOString();
  return scimReply(200, view(ctx, user));
}

function remove(ctx: ServerContext, req: RouteRequest, id: string): RouteReply {
  requireScope(ctx.state, req, 'internal_user_mgt_delete', 'scim');
  lookup(ctx, id);
  ctx.state.deleteUser(id);
  return { status: 204 };
}
