/**
 * The local target's Terraform state and who it belongs to. The local AWS control plane keeps its
 * state in memory, so a Terraform state file is only true while the control plane that it was
 * applied to runs. A state made against a running `npm run aws:local` (TOLLGATE_LOCAL_AWS_URL) is
 * recorded with that control plane's instance id (`terraform.<stack>.tfstate.local-aws.json`):
 * the same instance still running means the state is live and is kept; anything else means the
 * resources it describes are gone, and the state is removed before `init`, as after a killed process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { LOCAL_AWS_URL_VARIABLE } from '../aws/with-gateway';

/** A running `npm run aws:local`: its endpoint and the instance id it reports. */
export interface ExternalLocalAws {
  readonly endpoint: string;
  readonly instance: string;
}

const START_HINT =
  'start one with `npm run aws:local -- --port 4566` and paste the export line it prints, ' +
  `or unset ${LOCAL_AWS_URL_VARIABLE} to deploy to a control plane that lives as long as the deploying command`;

/** Reads the instance id of the control plane at `url` (its `/_local/health`); a clear UserError when it is not one. */
export async function probeLocalAws(url: string, o: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ExternalLocalAws> {
  let endpoint: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    endpoint = `${parsed.protocol}//${parsed.host}`;
  } catch {
    throw new UserError(`${LOCAL_AWS_URL_VARIABLE}="${url}" is not an http URL of a local AWS control plane`, { hint: START_HINT });
  }
  const doFetch = o.fetch ?? fetch;
  let body: unknown;
  try {
    const res = await doFetch(`${endpoint}/_local/health`, { signal: AbortSignal.timeout(o.timeoutMs ?? 5_000) });
    body = res.ok ? await res.json() : { status: res.status };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err instanceof Error ? err.message : String(err));
    throw new UserError(`the local AWS control plane at ${LOCAL_AWS_URL_VARIABLE}=${endpoint} does not answer (${cause})`, {
      hint: START_HINT,
    });
  }
  const instance = (body as { instance?: unknown } | null)?.instance;
  if (typeof instance !== 'string' || instance === '')
    throw new UserError(`${LOCAL_AWS_URL_VARIABLE}=${endpoint} answers, but not as a local AWS control plane (npm run aws:local)`, {
      hint: START_HINT,
    });
  return { endpoint, instance };
}

/** Whether the recorded instance still answers at its endpoint (false when another one, or nobody, does); never throws. */
async function isLive(record: ExternalLocalAws, probe: typeof probeLocalAws): Promise<boolean> {
  try {
    return (await probe(record.endpoint, { timeoutMs: 2_000 })).instance === record.instance;
  } catch {
    return false;
  }
}

function ownerFile(stateDir: string, stack: string): string {
  return path.join(stateDir, `terraform.${stack}.tfstate.local-aws.json`);
}

function readOwner(stateDir: string, stack: string): ExternalLocalAws | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(ownerFile(stateDir, stack), 'utf8')) as Partial<ExternalLocalAws>;
    return typeof v.endpoint === 'string' && typeof v.instance === 'string' ? { endpoint: v.endpoint, instance: v.instance } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Before the first `init` of a stack: keeps the state when it belongs to `live` (the control plane
 * this run deploys to, undefined for one started in this process), else removes it. Returns a line
 * for the user when it removed a state that was recorded against an external control plane. Refuses
 * (UserError) to remove a state that belongs to another external control plane still running.
 */
export async function settleLocalState(o: {
  stateDir: string;
  stack: string;
  live?: ExternalLocalAws;
  probe?: typeof probeLocalAws;
}): Promise<string | undefined> {
  const probe = o.probe ?? probeLocalAws;
  const owner = readOwner(o.stateDir, o.stack);
  const stateFile = path.join(o.stateDir, `terraform.${o.stack}.tfstate`);
  if (owner && o.live && owner.instance === o.live.instance) return undefined;
  // A state that records nothing (after a destroy) guards nothing, wherever its control plane runs.
  if (owner && !stateHoldsResources(stateFile)) {
    releaseLocalStateOwner(o.stateDir, o.stack);
    return undefined;
  }
  if (owner && (!o.live || owner.endpoint !== o.live.endpoint) && (await isLive(owner, probe))) {
    throw new UserError(
      `the Terraform state ${stateFile} belongs to the local AWS control plane still running at ${owner.endpoint}; ` +
        'deploying elsewhere from this folder would discard it',
      {
        hint:
          `set ${LOCAL_AWS_URL_VARIABLE}=${owner.endpoint} to deploy to it again, or remove that deployment first: ` +
          `${LOCAL_AWS_URL_VARIABLE}=${owner.endpoint} npx tollgate destroy --target local --yes`,
      },
    );
  }
  const hadState = fs.existsSync(stateFile);
  for (const f of [stateFile, `${stateFile}.backup`, ownerFile(o.stateDir, o.stack)]) fs.rmSync(f, { force: true });
  return owner && hadState
    ? `  the Terraform state of ${o.stack} was made against a local AWS control plane that is gone ` +
        `(${owner.endpoint}, instance ${owner.instance.slice(0, 8)}); removed it: Terraform starts from an empty state\n`
    : undefined;
}

/** Records that the stack's Terraform state now describes `live`'s resources. */
export function recordLocalStateOwner(stateDir: string, stack: string, live: ExternalLocalAws): void {
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(ownerFile(stateDir, stack), `${JSON.stringify(live, null, 2)}\n`);
}

/** Removes the record once the state it guards holds no resource (after a destroy): the state then belongs to no control plane. */
export function releaseLocalStateOwner(stateDir: string, stack: string): void {
  if (!stateHoldsResources(path.join(stateDir, `terraform.${stack}.tfstate`))) fs.rmSync(ownerFile(stateDir, stack), { force: true });
}

/** Whether a Terraform state file records at least one resource (false when it is missing or empty). */
function stateHoldsResources(stateFile: string): boolean {
  try {
    const doc = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { resources?: unknown[] };
    return (doc.resources?.length ?? 0) > 0;
  } catch {
    // A state that exists but cannot be read is kept guarded.
    return fs.existsSync(stateFile);
  }
}
