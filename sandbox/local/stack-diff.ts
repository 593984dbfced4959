import type { InfraPlan } from '../../deploy';

/** The part of a synthesized cdk.tf.json a diff looks at. */
export interface SynthesizedStack {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
}

/**
 * What changed between two synthesized stacks, in Terraform's plan notation: `+` added, `~` changed
 * (with the attributes that differ), `-` removed. It compares configuration, not live state: the
 * local target has no state, and the gateway serves exactly what was synthesized.
 */
export function diffStacks(before: SynthesizedStack, after: SynthesizedStack): Omit<InfraPlan, 'stack'> {
  const lines: string[] = [];
  let add = 0;
  let change = 0;
  let destroy = 0;
  const addresses = new Set([...addressesOf(before), ...addressesOf(after)]);
  for (const address of [...addresses].sort()) {
    const a = resourceAt(before, address);
    const b = resourceAt(after, address);
    if (!a) {
      add++;
      lines.push(`  + ${address}`);
    } else if (!b) {
      destroy++;
      lines.push(`  - ${address}`);
    } else {
      const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .filter((k) => k !== '//' && canonical(a[k]) !== canonical(b[k]))
        .sort();
      if (changed.length) {
        change++;
        lines.push(`  ~ ${address} (${changed.join(', ')})`);
      }
    }
  }
  const outputs = [...new Set([...Object.keys(before.output ?? {}), ...Object.keys(after.output ?? {})])]
    .filter((k) => canonical(before.output?.[k]) !== canonical(after.output?.[k]))
    .sort();
  if (outputs.length) lines.push(`  outputs changed: ${outputs.join(', ')}`);
  const summary = add + change + destroy === 0 ? 'No changes.' : `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
  return { changes: lines.length > 0, text: lines.length ? `${lines.join('\n')}\n${summary}` : summary, summary };
}

function addressesOf(stack: SynthesizedStack): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
}

function resourceAt(stack: SynthesizedStack, address: string): Record<string, unknown> | undefined {
  const dot = address.indexOf('.');
  return stack.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
}

/** JSON with sorted keys, so key order never reads as a change. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}
