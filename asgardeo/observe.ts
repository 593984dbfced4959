import type { AsgardeoApi } from './api';
import { DEFAULT_ADMIN_ACCESS, type AdminAccess } from './roles-api';
import type { DesiredState, ObservedState, ResourceKind } from './resources/kind';
import { RESOURCE_KINDS } from './resources';

export type { ObservedState };

/**
 * Two rounds of parallel reads over every kind: the list calls (one filtered call per kind), then
 * the details of what exists. Nothing is read twice.
 */
export async function observe(
  api: AsgardeoApi,
  desired: DesiredState,
  o: { findOwned: boolean; access?: AdminAccess },
  kinds: readonly ResourceKind[] = RESOURCE_KINDS,
): Promise<ObservedState> {
  const ctx = { desired, findOwned: o.findOwned, access: o.access ?? DEFAULT_ADMIN_ACCESS };
  const listed = await Promise.all(kinds.map((k) => k.list(api, ctx)));
  const details = await Promise.all(kinds.map((k, i) => k.detail(api, ctx, listed[i])));
  const observed: ObservedState = { findOwned: o.findOwned };
  kinds.forEach((k, i) => k.parts.observed.set(observed, details[i]));
  return observed;
}
