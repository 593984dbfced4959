import { apiResource } from './api-resource';
import { application } from './application';
import { kindFor, type ResourceKind } from './kind';
import { role } from './role';
import { user } from './user';

/**
 * Every Asgardeo resource kind tollgate manages. Observation reads them in this order (each round in
 * parallel); plans sort by each kind's `order`; apply runs each phase of every kind in parallel.
 * A new kind is one module in this folder, plus its import and its entry here (two lines).
 */
export const RESOURCE_KINDS: readonly ResourceKind[] = [apiResource, application, role, user];

/** The kind whose changes carry `type` in plans. */
export function kindOf(type: string): ResourceKind | undefined {
  return kindFor(RESOURCE_KINDS, type);
}
