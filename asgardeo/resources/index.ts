import { apiResource } from './api-resource';
import { application } from './application';
import type { ResourceKind } from './kind';
import { role } from './role';
import { signInApplication } from './sign-in-application';
import { user } from './user';

/**
 * Every Asgardeo resource kind tollgate manages. Observation reads them in this order (each round in
 * parallel); plans sort by each kind's `order`; apply runs each phase of every kind in parallel.
 * A new kind is one module in this folder, plus its import and its entry here (two lines).
 */
export const RESOURCE_KINDS: readonly ResourceKind[] = [apiResource, application, signInApplication, role, user] as ResourceKind[];

export function kindOf(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.type === type);
}
