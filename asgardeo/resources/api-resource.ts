import type { ResolvedScope } from '../../config';
import type { ApiResourceBody, AsgardeoApi } from '../api';
import { ownerOf, withMarker } from '../ownership';
import { conflictNote, type FieldDiff, type PlannedChange } from '../plan';
import { changeFor, KindPart, kindParts, settleAll, verbOf } from './kind';
import type { ApplyContext, DesiredState, ObservedState, ResourceKind } from './kind';

/** The API resource: the API's identifier (the token audience) and its scopes. */
export const API_RESOURCE = 'api-resource';

export interface DesiredApiResource {
  identifier: string;
  name: string;
  description: string;
  requiresAuthorization: boolean;
  scopes: ResolvedScope[];
}

export interface ObservedApiResource {
  /** The API resource under the configured identifier. */
  current: ApiResourceBody | undefined;
  /** API resources this stack owns under other identifiers (an old identifier: a replacement). */
  owned: ApiResourceBody[];
  /** Every scope name in the organization (unique there), to find names another API resource holds. */
  orgScopes: string[];
  /** The other API resources holding configured scope names (read only when there is such a clash). */
  scopeHolders: ApiResourceBody[];
}

/** What apply writes to an existing API resource. */
export interface ApiResourcePatch {
  name?: string;
  description?: string;
  /** Scopes whose display name or description changed (patched one by one). */
  retexted: string[];
  /** Scopes that go (by DELETE, after everything that used them changed). */
  removedScopes: string[];
}

const parts = kindParts<DesiredApiResource, ObservedApiResource>(API_RESOURCE);
const learnt = new KindPart<{ id: string | undefined; scopes: Set<string> }>('the API resource apply learns');
export const desiredApiResource = (d: DesiredState) => parts.desired.of(d);
export const observedApiResource = (o: ObservedState) => parts.observed.of(o);
/** The API resource's id and scope names as apply learns them. */
export const apiResourceState = (ctx: ApplyContext) =>
  learnt.ensure(ctx.state, () => {
    const seen = observedApiResource(ctx.observed).current;
    return { id: seen?.id, scopes: new Set((seen?.scopes ?? []).map((s) => s.name)) };
  });

const keyOf = (identifier: string) => ({ type: API_RESOURCE, name: identifier });
const scopeBody = (s: ResolvedScope) => ({ name: s.name, displayName: s.displayName, description: s.description });

/** Configured scope names another API resource holds; names held by ours (under this identifier or an old one) are not clashes. */
function scopesHeldElsewhere(
  d: DesiredApiResource,
  current: ApiResourceBody | undefined,
  owned: readonly ApiResourceBody[],
  orgScopes: readonly string[],
): string[] {
  const ours = new Set([current, ...owned].flatMap((r) => r?.scopes ?? []).map((s) => s.name));
  return d.scopes.map((s) => s.name).filter((n) => orgScopes.includes(n) && !ours.has(n));
}

/**
 * The API resources holding `names`, so the clash can name them: the organization's scope list does
 * not say whose a scope is, and only an API resource's own record lists its scopes. Business API
 * resources are read first (where a configured name usually clashes), system ones only when needed.
 */
async function findScopeHolders(
  api: AsgardeoApi,
  names: readonly string[],
  ours: readonly (ApiResourceBody | undefined)[],
  listed: ApiResourceBody[] | undefined,
): Promise<ApiResourceBody[]> {
  const skip = new Set(ours.flatMap((r) => (r ? [r.id] : [])));
  const others = (listed ?? (await api.listApiResources())).filter((r) => !skip.has(r.id));
  const isSystem = (r: ApiResourceBody) => (r.type ?? 'BUSINESS').toUpperCase() === 'SYSTEM';
  const holders: ApiResourceBody[] = [];
  let missing = new Set(names);
  for (const group of [others.filter((r) => !isSystem(r)), others.filter(isSystem)]) {
    if (!missing.size) break;
    const details = await Promise.all(group.map((r) => (r.scopes ? r : api.getApiResource(r.id))));
    for (const r of details) {
      if (r?.scopes?.some((s) => missing.has(s.name))) holders.push(r);
    }
    missing = new Set([...missing].filter((n) => !holders.some((h) => h.scopes?.some((s) => s.name === n))));
  }
  return holders;
}

/** The clash's note: which names, held by which API resource, and the two fixes that work (--adopt cannot: the holder is another API). */
function scopeClashNote(names: readonly string[], holders: readonly ApiResourceBody[]): string {
  const whose = names.map((n) => {
    const h = holders.find((r) => r.scopes?.some((s) => s.name === n));
    return h ? `${n} by API resource "${h.name}" (identifier ${h.identifier})` : `${n} by an API resource this run could not read`;
  });
  const one = names.length === 1;
  return (
    `scope name${one ? ' is' : 's are'} already held by another API resource, and scope names are unique in the organization: ` +
    `${whose.join('; ')}. Apply would stop half-way. Rename ${one ? 'the scope' : 'these scopes'} in the configuration, ` +
    `or remove ${one ? 'it' : 'them'} from the other API resource (Asgardeo console: API Resources, its Scopes tab)`
  );
}

function deletion(r: ApiResourceBody, note?: string): PlannedChange {
  return {
    type: API_RESOURCE,
    key: keyOf(r.identifier),
    name: r.identifier,
    action: 'delete',
    id: r.id,
    fields: [{ field: 'identifier', before: r.identifier }],
    note,
  };
}

export const apiResource: ResourceKind<
  DesiredApiResource,
  ObservedApiResource,
  [ApiResourceBody | undefined, ApiResourceBody[] | undefined, string[]]
> = {
  type: API_RESOURCE,
  order: 0,
  parts,
  withoutPrune: 'conflict',

  managementScopes: () => ['view', 'create', 'update', 'delete'].map((a) => `internal_api_resource_${a}`),
  viewScopes: () => ['internal_api_resource_view'],
  writeScopes(c) {
    const verb = verbOf(c);
    const out = [`internal_api_resource_${verb}`, c.action === 'create' ? 'internal_api_resource_update' : `internal_api_resource_${verb}`];
    // Removing a scope is `DELETE .../scopes/{name}`, which needs the delete scope.
    const scopes = c.fields.find((f) => f.field === 'scopes' && Array.isArray(f.before) && Array.isArray(f.after));
    if (scopes && (scopes.before as string[]).some((n) => !(scopes.after as string[]).includes(n)))
      out.push('internal_api_resource_delete');
    return out;
  },

  desired: (config, ctx) => ({
    identifier: ctx.identifier,
    name: config.apiResource.name,
    description: withMarker(config.apiResource.description, ctx.stackName),
    requiresAuthorization: config.apiResource.requiresAuthorization,
    scopes: [...config.scopes].sort((a, b) => a.name.localeCompare(b.name)),
  }),

  list: (api, { desired, findOwned }) => {
    const identifier = desiredApiResource(desired).identifier;
    return Promise.all([api.findApiResource(identifier), findOwned ? api.listApiResources() : undefined, api.listScopeNames()]);
  },

  async detail(api, { desired }, [ref, all, orgScopes]) {
    const identifier = desiredApiResource(desired).identifier;
    // The list has no description (where the marker is): read the non-system candidates one by one.
    const candidates = (all ?? []).filter((a) => a.identifier !== identifier && (a.type ?? 'BUSINESS').toUpperCase() !== 'SYSTEM');
    const [current, details] = await Promise.all([
      ref ? api.getApiResource(ref.id) : undefined,
      Promise.all(candidates.map((a) => (a.description !== undefined ? a : api.getApiResource(a.id)))),
    ]);
    const owned = details.filter((a): a is ApiResourceBody => !!a && ownerOf(a.description) === desired.stackName);
    const clashing = scopesHeldElsewhere(desiredApiResource(desired), current, owned, orgScopes);
    const scopeHolders = clashing.length ? await findScopeHolders(api, clashing, [current, ...owned], all) : [];
    return { current, owned, orgScopes, scopeHolders };
  },

  plan({ desired, observed, adopt, warnings }) {
    const stack = desired.stackName;
    const d = desiredApiResource(desired);
    const { current: a, owned, orgScopes, scopeHolders } = observedApiResource(observed);
    const key = keyOf(d.identifier);
    const heldElsewhere = scopesHeldElsewhere(d, a, owned, orgScopes);
    if (heldElsewhere.length) {
      const note = scopeClashNote(heldElsewhere, scopeHolders);
      return [{ type: API_RESOURCE, key, name: d.identifier, action: 'conflict', id: a?.id, fields: [], note }];
    }
    if (!a) {
      const fields: FieldDiff[] = [
        { field: 'name', after: d.name },
        { field: 'identifier', after: d.identifier },
        { field: 'description', after: d.description },
        { field: 'requiresAuthorization', after: d.requiresAuthorization },
        { field: 'scopes', after: d.scopes.map((s) => s.name) },
      ];
      return [{ type: API_RESOURCE, key, name: d.identifier, action: 'create', fields }];
    }
    const owner = ownerOf(a.description);
    if (owner !== stack && !adopt) {
      const note = conflictNote('API resource', `with identifier ${d.identifier}`, owner, stack);
      return [{ type: API_RESOURCE, key, name: d.identifier, action: 'conflict', id: a.id, fields: [], note }];
    }
    const fields: FieldDiff[] = [];
    const patch: ApiResourcePatch = { retexted: [], removedScopes: [] };
    if (a.name !== d.name) {
      fields.push({ field: 'name', before: a.name, after: d.name });
      patch.name = d.name;
    }
    if ((a.description ?? '') !== d.description) {
      fields.push({ field: 'description', before: a.description ?? '', after: d.description });
      patch.description = d.description;
    }
    const have = new Map((a.scopes ?? []).map((s) => [s.name, s]));
    const added = d.scopes.filter((s) => !have.has(s.name)).map((s) => s.name);
    patch.removedScopes = [...have.keys()].filter((n) => !d.scopes.some((s) => s.name === n)).sort();
    if (added.length || patch.removedScopes.length)
      fields.push({ field: 'scopes', before: [...have.keys()].sort(), after: d.scopes.map((s) => s.name) });
    for (const s of d.scopes) {
      const h = have.get(s.name);
      if (!h) continue;
      const retext = (part: 'displayName' | 'description') => {
        if ((h[part] ?? '') === s[part]) return;
        fields.push({ field: `scopes.${s.name}.${part}`, before: h[part] ?? '', after: s[part] });
        if (!patch.retexted.includes(s.name)) patch.retexted.push(s.name);
      };
      retext('displayName');
      retext('description');
    }
    if (a.requiresAuthorization !== undefined && a.requiresAuthorization !== d.requiresAuthorization) {
      warnings.push(
        `API resource ${d.identifier}: requiresAuthorization is ${a.requiresAuthorization} in Asgardeo ` +
          `but ${d.requiresAuthorization} in the configuration; ` +
          'Asgardeo cannot change it in place (delete the API resource in the console and run apply to re-create it).',
      );
    }
    const note = owner !== stack ? `adopted: the ownership marker for ${stack} is added` : undefined;
    return [{ type: API_RESOURCE, key, name: d.identifier, action: fields.length ? 'update' : 'no-op', id: a.id, fields, patch, note }];
  },

  prune: ({ desired, observed }) =>
    observedApiResource(observed).owned.map((r) =>
      deletion(r, `owned by this stack under another identifier than ${desiredApiResource(desired).identifier}: a replacement (--prune)`),
    ),

  destroy({ desired, observed }) {
    const { current, owned } = observedApiResource(observed);
    const out: PlannedChange[] = [];
    if (current && ownerOf(current.description) === desired.stackName) out.push(deletion(current));
    else if (current) {
      const note = 'not owned by this stack: left alone';
      out.push({
        type: API_RESOURCE,
        key: keyOf(current.identifier),
        name: current.identifier,
        action: 'no-op',
        id: current.id,
        fields: [],
        note,
      });
    }
    for (const r of owned) out.push(deletion(r));
    return out;
  },

  apply(phase, ctx) {
    const d = desiredApiResource(ctx.desired);
    const own = changeFor(ctx, keyOf(d.identifier));
    const deletions = ctx.plan.changes.filter((c) => c.type === API_RESOURCE && c.action === 'delete');
    // With --prune, an owned API resource under an old identifier goes before the new one is made:
    // it holds the same scope names, which are unique across the organization.
    const replacing = own?.action === 'create' && deletions.length > 0;
    const remove = (c: PlannedChange, why = '') =>
      (async () => {
        ctx.progress(`deleting API resource ${c.name}${why}`);
        await ctx.session.api.deleteApiResource(c.id!);
      })();
    switch (phase) {
      case 'replace':
        return replacing ? deletions.map((c) => remove(c, ` (replaced by ${d.identifier})`)) : [];
      case 'create':
        if (own?.action === 'create') return [create(ctx, d)];
        if (own?.action === 'update' && apiResourceState(ctx).id) return [update(ctx, d, own.patch as ApiResourcePatch)];
        return [];
      case 'trim':
        return own?.action === 'update' && apiResourceState(ctx).id ? [removeScopes(ctx, d, own.patch as ApiResourcePatch)] : [];
      case 'delete-last':
        // Applications first: an API resource still authorized to an app may refuse deletion.
        return replacing ? [] : deletions.map((c) => remove(c));
      default:
        return [];
    }
  },

  outputs: (ctx) => ({ apiResourceId: apiResourceState(ctx).id }),
};

async function create(ctx: ApplyContext, d: DesiredApiResource): Promise<void> {
  const api = ctx.session.api;
  const state = apiResourceState(ctx);
  ctx.progress(`creating API resource ${d.identifier}`);
  const body = {
    name: d.name,
    identifier: d.identifier,
    description: d.description,
    requiresAuthorization: d.requiresAuthorization,
    scopes: d.scopes.map(scopeBody),
  };
  const created = await api.createApiResource(body, d.identifier);
  state.id = created.id;
  const full = created.scopes ? created : await api.getApiResource(created.id);
  state.scopes = new Set((full?.scopes ?? []).map((s) => s.name));
  // Another run may have created it first with an older scope list.
  const missing = d.scopes.filter((s) => !state.scopes.has(s.name));
  if (missing.length) await api.patchApiResource(created.id, { addedScopes: missing.map(scopeBody) });
}

async function update(ctx: ApplyContext, d: DesiredApiResource, patch: ApiResourcePatch): Promise<void> {
  const api = ctx.session.api;
  const id = apiResourceState(ctx).id!;
  ctx.progress(`updating API resource ${d.identifier}`);
  const have = new Set((observedApiResource(ctx.observed).current?.scopes ?? []).map((s) => s.name));
  const body: Record<string, unknown> = {};
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.description !== undefined) body.description = patch.description;
  const added = d.scopes.filter((s) => !have.has(s.name));
  if (added.length) body.addedScopes = added.map(scopeBody);
  if (Object.keys(body).length) await api.patchApiResource(id, body);
  // Scope text changes go per scope; removed scopes go last (see removeScopes).
  const retexted = d.scopes.filter((s) => patch.retexted.includes(s.name));
  await settleAll(retexted.map((s) => api.patchApiScope(id, s.name, { displayName: s.displayName, description: s.description })));
}

/**
 * PATCH cannot remove scopes (501); each goes by DELETE, and only after the authorizations and
 * roles that used it were changed, since Asgardeo rejects a change that names a scope it no longer has.
 */
async function removeScopes(ctx: ApplyContext, d: DesiredApiResource, patch: ApiResourcePatch): Promise<void> {
  const removed = patch.removedScopes;
  if (removed.length) ctx.progress(`removing scope(s) ${removed.join(', ')} from API resource ${d.identifier}`);
  await settleAll(removed.map((n) => ctx.session.api.deleteApiScope(apiResourceState(ctx).id!, n)));
}
