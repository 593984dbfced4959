/** How adoption shows in a plan, and the refusal of a deploy whose plan would create objects that exist. */
import { UserError } from '../../errors';
import type { Adoption } from './types';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** The plan's lines about adoption: what exists already (or is imported), and what could not be checked. */
export function adoptionLines(a: Adoption): string[] {
  const n = a.objects.length;
  const lines: string[] = [];
  if (n && a.imported) {
    lines.push(`${n} ${plural(n, 'object', 'objects')} that exist in AWS but not in Terraform's state, imported by this plan (--adopt):`);
    lines.push(...a.objects.map((x) => `<-  ${x.address}: ${x.object} (${x.why}; import ID ${x.importId})`));
  } else if (n) {
    lines.push(
      `${n} ${plural(n, 'resource', 'resources')} this plan creates already ${plural(n, 'exists', 'exist')} in AWS but not in ` +
        "Terraform's state (a run killed before it recorded them, a lost state, or a copy made by hand); --adopt imports them:",
    );
    lines.push(...a.objects.map((x) => `!   ${x.address}: ${x.object} (${x.why})`));
  }
  // One line per reason: without credentials here (a Terraform Cloud run, say) every check fails alike.
  const byReason = new Map<string, string[]>();
  for (const u of a.unchecked) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.address]);
  for (const [reason, addresses] of byReason)
    lines.push(
      addresses.length === 1
        ? `?   ${addresses[0]}: could not check whether it exists in AWS: ${reason}`
        : `?   could not check whether ${addresses.length} resources exist in AWS (${addresses.join(', ')}): ${reason}`,
    );
  return lines;
}

/**
 * A deploy without `--adopt` whose plan creates objects that exist: refused at the plan, before either
 * side writes anything (creating them would fail halfway through the apply). `adoptCommand` is the
 * exact command that adopts them.
 */
export function adoptionRefusal(a: Adoption | undefined, adoptCommand: string): UserError | undefined {
  if (!a || a.imported || !a.objects.length) return undefined;
  const n = a.objects.length;
  return new UserError(
    `the AWS plan creates ${n} ${plural(n, 'resource', 'resources')} whose ${plural(n, 'object', 'objects')} already ` +
      `${plural(n, 'exists', 'exist')} in AWS but ${plural(n, 'is', 'are')} not in Terraform's state, ` +
      'so nothing was changed on either side:\n' +
      a.objects.map((x) => `  ${x.address}: ${x.object} (${x.why})`).join('\n'),
    {
      hint:
        `if ${plural(n, 'it is', 'they are')} this stack's, adopt ${plural(n, 'it', 'them')}: \`${adoptCommand}\` ` +
        `(Terraform imports ${plural(n, 'it', 'them')} into its state; the plan shows "${n} to import"); ` +
        `otherwise delete ${plural(n, 'it', 'them')} in AWS and deploy again`,
    },
  );
}
