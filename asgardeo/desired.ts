import type { ResolvedConfig } from '../config';
import type { DesiredState, ResourceKind } from './resources/kind';
import { RESOURCE_KINDS } from './resources';
import type { StackOutputs } from './outputs';

export type { DesiredState };

/** What the configuration asks for, kind by kind; the API identifier comes from it alone (outputs are only cross-checked). */
export function desiredState(
  config: ResolvedConfig,
  _outputs?: StackOutputs,
  kinds: readonly ResourceKind[] = RESOURCE_KINDS,
): DesiredState {
  const identifier = config.apiResource.identifier;
  const desired: DesiredState = { stackName: config.stackName, identifier };
  for (const k of kinds) k.parts.desired.set(desired, k.desired(config, desired));
  return desired;
}
