import type { AsgardeoApi } from './api';
import type { DesiredState, ObservedState } from './resources/kind';
import { RESOURCE_KINDS } from './resources';

export type { ObservedState };

/**
 * Two rounds of parallel reads over every kind: the list calls (one filtered call per kind), then
 * the details of what exists. Nothing is read twice.
 */
export async function observe(api: AsgardeoApi, desired: DesiredState, o: { findOwned: boolean }): Promise<ObservedState> {
  const ctx = { desired, findOwned: o.findOwned };
  const listed = await Promise.all(RESOURCE_KINDS.map((k) => k.list(api, ctx)));
  const details = await Promise.all(RESOURCE_KINDS.map((k, i) => k.detail(api, ctx, listed[i])));
  return Object.fromEntries(RESOURCE_KINDS.map((k, i) => [k.type, details[i]]));
}
