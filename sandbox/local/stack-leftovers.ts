/**
 * What a local AWS control plane still holds of one stack: every role, log group, function and API
 * tagged `tollgate:stack=<stack>` (the stack's provider sets that tag on everything it creates). A
 * destroy is done only when this is empty.
 */
import { UserError } from '../../errors';
import { STACK_TAG } from '../../stacks/stack-location';
import type { DeployedSnapshot } from '../aws';

/** `kind name` of each object of `stack` in the snapshot. */
export function stackLeftovers(snapshot: DeployedSnapshot, stack: string): string[] {
  const of = (tags: Readonly<Record<string, string>>) => tags[STACK_TAG] === stack;
  return [
    ...snapshot.functions.filter((f) => of(f.tags)).map((f) => `Lambda function ${f.functionName}`),
    ...snapshot.apis.filter((a) => of(a.tags)).map((a) => `HTTP API ${a.name} (${a.apiId})`),
    ...snapshot.roles.filter((r) => of(r.tags)).map((r) => `IAM role ${r.roleName}`),
    ...snapshot.logGroups.filter((g) => of(g.tags)).map((g) => `log group ${g.name}`),
  ];
}

/** The snapshot a control plane serves at `/_local/state` (a running `npm run aws:local`). */
export async function fetchSnapshot(endpoint: string, o: { fetch?: typeof fetch } = {}): Promise<DeployedSnapshot> {
  const res = await (o.fetch ?? fetch)(`${endpoint}/_local/state`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${endpoint}/_local/state answered ${res.status}`);
  return (await res.json()) as DeployedSnapshot;
}

/** Throws a UserError naming what is left when the control plane still holds objects of `stack` after its destroy. */
export function requireNothingLeft(snapshot: DeployedSnapshot, stack: string, where: string, stateFile: string): void {
  const left = stackLeftovers(snapshot, stack);
  if (!left.length) return;
  throw new UserError(
    `terraform destroyed everything its state ${stateFile} recorded, but ${where} still holds ${left.length} object(s) of ${stack}:\n` +
      left.map((l) => `    ${l}`).join('\n'),
    {
      hint:
        'a run whose state lost them created these: delete them against that endpoint (`aws --endpoint-url <endpoint> lambda ' +
        'delete-function …`), or restart the local AWS control plane (it keeps its state in memory)',
    },
  );
}
