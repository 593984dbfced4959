import type { ResolvedConfig } from '../../config';
import type { UserBody } from '../api';
import { AsgardeoError, ReconcileError } from '../errors';
import { SENSITIVE, type FieldDiff, type PlannedChange } from '../plan';
import { changeFor, slot, verbOf, type ApplyContext, type DesiredState, type ObservedState, type ResourceKind } from './kind';

/** A user (SCIM2). Never deleted, and an existing user's password is never changed. */
export const USER = 'user';

export interface DesiredUser {
  userName: string;
  email: string;
  givenName: string | undefined;
  familyName: string | undefined;
  password: ResolvedConfig['users'][number]['password'];
}

/** The SCIM attributes apply replaces on an existing user. */
export interface UserPatch {
  email?: string;
  givenName?: string;
  familyName?: string;
}

export const desiredUsers = (d: DesiredState) => d.kinds[USER] as DesiredUser[];
/** The configured users that exist, by user name. */
export const observedUsers = (o: ObservedState) => o[USER] as Map<string, UserBody>;
/** User ids as apply learns them (created users included). */
export const userIds = (ctx: ApplyContext) =>
  slot(ctx.state, USER, () => new Map([...observedUsers(ctx.observed)].map(([n, u]) => [n, u.id])));

const keyOf = (userName: string) => ({ type: USER, name: userName });

function firstEmail(u: UserBody): string | undefined {
  const e = u.emails?.[0];
  return typeof e === 'string' ? e : e?.value;
}

export const user: ResourceKind<DesiredUser[], Map<string, UserBody>, [string, UserBody | undefined][]> = {
  type: USER,
  order: 2,
  sensitiveFields: { password: 'secret-source' },

  managementScopes: (config) =>
    config.users.length > 0
      ? ['internal_user_mgt_list', ...['view', 'create', 'update', 'delete'].map((a) => `internal_user_mgt_${a}`)]
      : [],
  viewScopes: (users) => (users.length ? ['internal_user_mgt_list'] : []),
  writeScopes: (c) => [`internal_user_mgt_${verbOf(c)}`],

  desired: (config) =>
    config.users
      .map((u) => ({ userName: u.userName, email: u.email, givenName: u.givenName, familyName: u.familyName, password: u.password }))
      .sort((a, b) => a.userName.localeCompare(b.userName)),

  list: (api, { desired }) =>
    Promise.all(desiredUsers(desired).map(async (u) => [u.userName, await api.findUser(u.userName)] as [string, UserBody | undefined])),
  detail: async (_api, _ctx, found) => new Map(found.filter((e): e is [string, UserBody] => !!e[1])),

  plan: ({ desired, observed, env }) => desiredUsers(desired).map((u) => userChange(u, observedUsers(observed).get(u.userName), env)),

  destroy: ({ desired, observed }) =>
    desiredUsers(desired).flatMap((u): PlannedChange[] => {
      const seen = observedUsers(observed).get(u.userName);
      const note = 'users are never deleted by tollgate (delete them in the console if wanted)';
      return seen ? [{ type: USER, key: keyOf(u.userName), name: u.userName, action: 'no-op', id: seen.id, fields: [], note }] : [];
    }),

  check(ctx) {
    const missing = desiredUsers(ctx.desired).filter(
      (u) => u.password.kind === 'env' && changeFor(ctx, keyOf(u.userName))?.action === 'create' && !ctx.env[u.password.variable],
    );
    if (missing.length) {
      const names = missing.map((u) => `${u.userName} ($${u.password.kind === 'env' ? u.password.variable : ''})`).join(', ');
      throw new ReconcileError(
        `apply stopped before any change: the initial password of ${names} is not set.`,
        'export the named environment variable(s) for this run (never commit them), ' +
          'or use `password: { invite: true }` to send an invitation instead',
      );
    }
  },

  apply(phase, ctx) {
    if (phase !== 'create') return [];
    return desiredUsers(ctx.desired).map(async (u) => {
      const c = changeFor(ctx, keyOf(u.userName));
      if (c?.action === 'create') await create(ctx, u);
      else if (c?.action === 'update' && c.id) await update(ctx, u, c.id, c.patch as UserPatch);
    });
  },
};

function userChange(u: DesiredUser, seen: UserBody | undefined, env: NodeJS.ProcessEnv): PlannedChange {
  const key = keyOf(u.userName);
  if (!seen) {
    // The plan names where the password comes from, never the password.
    const password =
      u.password.kind === 'invite'
        ? 'invitation e-mail (askPassword)'
        : env[u.password.variable]
          ? `${SENSITIVE} from $${u.password.variable}`
          : `$${u.password.variable} is NOT SET: apply will stop before any change`;
    const fields: FieldDiff[] = [
      { field: 'email', after: u.email },
      ...(u.givenName !== undefined ? [{ field: 'givenName', after: u.givenName }] : []),
      ...(u.familyName !== undefined ? [{ field: 'familyName', after: u.familyName }] : []),
      { field: 'password', after: password, sensitivity: 'secret-source' },
    ];
    return { type: USER, key, name: u.userName, action: 'create', fields };
  }
  const fields: FieldDiff[] = [];
  const patch: UserPatch = {};
  const email = firstEmail(seen);
  if (email !== u.email) {
    fields.push({ field: 'email', before: email, after: u.email });
    patch.email = u.email;
  }
  if (u.givenName !== undefined && seen.name?.givenName !== u.givenName) {
    fields.push({ field: 'givenName', before: seen.name?.givenName, after: u.givenName });
    patch.givenName = u.givenName;
  }
  if (u.familyName !== undefined && seen.name?.familyName !== u.familyName) {
    fields.push({ field: 'familyName', before: seen.name?.familyName, after: u.familyName });
    patch.familyName = u.familyName;
  }
  const note = 'the password of an existing user is never changed';
  return { type: USER, key, name: u.userName, action: fields.length ? 'update' : 'no-op', id: seen.id, fields, patch, note };
}

async function create(ctx: ApplyContext, u: DesiredUser): Promise<void> {
  const api = ctx.session.api;
  ctx.progress(`creating user ${u.userName}`);
  const body: Record<string, unknown> = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: u.userName,
    emails: [{ value: u.email, primary: true }],
    ...(u.givenName !== undefined || u.familyName !== undefined ? { name: { givenName: u.givenName, familyName: u.familyName } } : {}),
  };
  if (u.password.kind === 'env') body.password = ctx.env[u.password.variable];
  else body['urn:scim:wso2:schema'] = { askPassword: true };
  const id = (await api.createUser(body)) ?? (await api.findUser(u.userName))?.id;
  if (!id) throw new AsgardeoError({ message: `user ${u.userName} was not found after creating it`, status: 0, hint: 'run again' });
  userIds(ctx).set(u.userName, id);
}

async function update(ctx: ApplyContext, u: DesiredUser, id: string, patch: UserPatch): Promise<void> {
  ctx.progress(`updating user ${u.userName}`);
  const ops: object[] = [];
  if (patch.email !== undefined) ops.push({ op: 'replace', path: 'emails', value: [{ value: patch.email, primary: true }] });
  if (patch.givenName !== undefined) ops.push({ op: 'replace', path: 'name.givenName', value: patch.givenName });
  if (patch.familyName !== undefined) ops.push({ op: 'replace', path: 'name.familyName', value: patch.familyName });
  await ctx.session.api.patchUser(id, ops);
  userIds(ctx).set(u.userName, id);
}
