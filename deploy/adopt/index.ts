/**
 * Adoption on the AWS side, found while planning: of the resources a Terraform plan creates, those
 * whose object already exists in AWS (found by the names tollgate gives them or the stack's tag).
 * Without `--adopt` the plan shows them and a deploy stops before writing anything; with it, Terraform
 * `import` blocks for them go into the synthesized stack and the plan imports them.
 *
 * Adding a resource type: one module exporting an {@link AdoptableType}, and its entry in
 * {@link ADOPTABLE_TYPES}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apiAuthorizer, apiIntegration, apiRoute, apiStage } from './api-parts';
import type { AwsClients } from './clients';
import { httpApi } from './http-api';
import { iamRole } from './iam-role';
import { iamRolePolicy } from './iam-role-policy';
import { lambdaFunction } from './lambda-function';
import { lambdaPermission } from './lambda-permission';
import { logGroup } from './log-group';
import { secretsManagerSecret } from './secret';
import { secretsManagerSecretPolicy } from './secret-policy';
import type { AdoptableObject, AdoptableType, Adoption, FindContext, FoundObject, SynthesizedResource } from './types';

export type { AdoptableObject, Adoption } from './types';

export { awsClients, type AwsClients } from './clients';
export { STACK_TAG } from '../../stacks/stack-location';
export type { AdoptableType, FindContext, FoundObject, SynthesizedResource } from './types';

/** The types tollgate adopts, in the order the plan lists what it found (what others refer to first). */
export const ADOPTABLE_TYPES: readonly AdoptableType[] = [
  iamRole,
  iamRolePolicy,
  logGroup,
  lambdaFunction,
  lambdaPermission,
  httpApi,
  apiAuthorizer,
  apiIntegration,
  apiRoute,
  apiStage,
  secretsManagerSecret,
  secretsManagerSecretPolicy,
];

/** The stack's resources, by address, as synthesized in `<stackDir>/cdk.tf.json`. */
export function readSynthesizedResources(stackDir: string): Map<string, SynthesizedResource> {
  const doc = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const resources = new Map<string, SynthesizedResource>();
  for (const [type, byName] of Object.entries(doc.resource ?? {}))
    for (const [name, config] of Object.entries(byName))
      resources.set(`${type}.${name}`, { type, name, address: `${type}.${name}`, config });
  return resources;
}

const REFERENCE = /^\$\{([\w-]+)\.([\w-]+)\.([\w-]+)\}$/;

/**
 * The objects in AWS of the resources at `creates` (the addresses a plan creates), by their type
 * modules; resources of a type without a module are not checked. A reference to another resource is
 * resolved through that resource's own lookup, made at most once.
 */
export async function findAdoptable(o: {
  resources: ReadonlyMap<string, SynthesizedResource>;
  creates: readonly string[];
  stack: string;
  aws: AwsClients;
  types?: readonly AdoptableType[];
}): Promise<Omit<Adoption, 'imported' | 'calls'>> {
  const types = o.types ?? ADOPTABLE_TYPES;
  const lookups = new Map<string, Promise<FoundObject | undefined>>();
  const failures = new Map<string, string>();
  const lookup = (resource: SynthesizedResource): Promise<FoundObject | undefined> => {
    let p = lookups.get(resource.address);
    if (!p) {
      const type = types.find((t) => t.type === resource.type);
      p = type
        ? type.find(resource, ctx).catch((err: unknown) => {
            failures.set(resource.address, awsErrorText(err));
            return undefined;
          })
        : Promise.resolve(undefined);
      lookups.set(resource.address, p);
    }
    return p;
  };
  const ctx: FindContext = {
    stack: o.stack,
    aws: o.aws,
    async value(resource, argument) {
      const raw = resource.config[argument];
      if (typeof raw === 'number') return String(raw);
      if (typeof raw !== 'string') return undefined;
      if (!raw.includes('${')) return raw;
      const ref = REFERENCE.exec(raw);
      const target = ref && o.resources.get(`${ref[1]}.${ref[2]}`);
      if (!ref || !target) return undefined;
      const own = target.config[ref[3]!];
      if (typeof own === 'string' && !own.includes('${')) return own;
      return (await lookup(target))?.attributes[ref[3]!];
    },
  };
  const order = (address: string) => {
    const i = types.findIndex((t) => address.startsWith(`${t.type}.`));
    return i < 0 ? types.length : i;
  };
  const checked = o.creates.flatMap((a) => {
    const r = o.resources.get(a);
    return r && types.some((t) => t.type === r.type) ? [r] : [];
  });
  const found = await Promise.all(checked.map(async (r) => ({ r, found: await lookup(r) })));
  const objects = found
    .flatMap(({ r, found: f }) => (f ? [{ address: r.address, object: f.object, why: f.why, importId: f.importId }] : []))
    .sort((a, b) => order(a.address) - order(b.address) || a.address.localeCompare(b.address));
  const unchecked = checked.filter((r) => failures.has(r.address)).map((r) => ({ address: r.address, reason: failures.get(r.address)! }));
  return { objects, unchecked };
}

/** Terraform `import` blocks for `objects`, written into the synthesized stack (`<stackDir>/cdk.tf.json`) the plan reads. */
export function writeImportBlocks(stackDir: string, objects: readonly AdoptableObject[]): void {
  const file = path.join(stackDir, 'cdk.tf.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  doc.import = objects.map((x) => ({ to: x.address, id: x.importId }));
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}

function awsErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`;
}

export { adoptionLines, adoptionRefusal } from './report';
