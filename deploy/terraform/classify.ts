/**
 * A failed Terraform command as a TerraformError by its cause, read from what Terraform printed:
 * an interrupt, a state lock another run holds, a saved plan made stale by another run, objects that
 * exist but are not in the state, a provider's refusal. Each gets the advice for that cause; only a credentials failure gets
 * credentials advice. Anything else keeps the caller's advice.
 */
import { stripVTControlCharacters } from 'node:util';
import { TerraformError } from './errors';
import { outputTail, type RunResult } from './process';

export interface FailedCommand {
  /** `plan`, `apply`, … */
  readonly command: string;
  readonly stackDir: string;
  readonly result: RunResult;
  /** What Terraform printed about the failure (its error blocks); the tail of its output when undefined. */
  readonly text?: string;
  /** The advice when the cause is none of the known ones. */
  readonly fix: string;
  /** Whether the state lives in a local file (a held lock then means the holder is alive). */
  readonly localState?: boolean;
}

/** The lock Terraform reports as held (`Lock Info:` block). */
export interface LockInfo {
  readonly id?: string;
  readonly path?: string;
  readonly operation?: string;
  readonly who?: string;
  readonly created?: string;
}

/** A resource Terraform could not create because it exists: its address and the provider's words. */
export interface ExistingObject {
  readonly address: string;
  readonly message: string;
}

export function classifyFailure(f: FailedCommand): TerraformError {
  const raw = stripVTControlCharacters(f.text ?? `${f.result.stdout}\n${f.result.stderr}`);
  const detail = outputTail(raw) || undefined;
  const where = `\`terraform ${f.command}\` in ${f.stackDir}`;
  if (f.result.interrupted) {
    return new TerraformError(
      'interrupted',
      `interrupted: ${where} was asked to stop and stopped gracefully; Terraform saved its state with whatever it ` +
        'had created or changed until then (an object it was creating when stopped is marked tainted and replaced next time).',
      'run the same command again: it plans from that state and converges',
    );
  }
  if (/Error acquiring the state lock/i.test(raw)) return lockError(f, raw, where);
  if (/Saved plan is stale/i.test(raw)) {
    return new TerraformError(
      'stale-plan',
      `${where} refused the saved plan as stale: Terraform's state changed after the plan was made ` +
        '(another run applied), so nothing of this plan was applied.',
      'plan again and review the new plan (rerun the deploy: it plans from the state as it is now)',
      detail,
    );
  }
  const existing = existingObjects(raw);
  if (existing.length) {
    return new TerraformError(
      'already-exists',
      `${where} failed: ${existing.length === 1 ? 'an object' : `${existing.length} objects`} the stack creates ` +
        `already exist${existing.length === 1 ? 's' : ''} in AWS but ${existing.length === 1 ? 'is' : 'are'} not in Terraform's state ` +
        `(a run that was killed before it could record ${existing.length === 1 ? 'it' : 'them'}, or a copy made by hand):\n` +
        existing.map((e) => `  ${e.address}: ${e.message}`).join('\n'),
      // The plan could not see them (created by another run between the plan and this apply): the next plan does.
      "if they are this stack's (the names are the ones tollgate gives them), rerun the deploy with `--adopt` " +
        "(`npx tollgate deploy --env <env> --adopt`): its plan finds them and imports them into Terraform's state; " +
        'or delete them in AWS and rerun',
      detail,
    );
  }
  const provider = providerMessage(raw);
  if (provider) {
    const credentials =
      /ExpiredToken|InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|no valid credential|InvalidAccessKeyId/i.test(
        raw,
      );
    return new TerraformError(
      'provider',
      `AWS refused a call of ${where}: ${provider}`,
      credentials
        ? 'the AWS credentials are missing, expired or wrong: refresh them (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID) and rerun'
        : /AccessDenied|not authorized/i.test(provider)
          ? 'give the deploying identity the permission named above, then rerun (Terraform continues from its state)'
          : 'fix what AWS names above, then rerun (Terraform continues from its state)',
      detail,
    );
  }
  return new TerraformError(
    'command',
    `${where} failed${f.result.code === null ? ' (killed)' : ` with exit code ${f.result.code}`}.`,
    f.fix,
    detail,
  );
}

function lockError(f: FailedCommand, raw: string, where: string): TerraformError {
  const info = lockInfo(raw);
  const holder = [
    info.operation ? `a Terraform ${info.operation.replace(/^OperationType/, '').toLowerCase()}` : 'another Terraform run',
    info.who ? ` by ${info.who}` : '',
    info.created ? ` since ${info.created}` : '',
  ].join('');
  const alive = f.localState
    ? 'a local state file is locked only while the process holding it runs, so that run is alive: ' +
      `find it with \`pgrep -fa terraform\`${info.who ? ` on ${info.who.replace(/^[^@]*@/, '')}` : ''}`
    : `it is alive while a tollgate or terraform process${info.who ? ` of ${info.who}` : ''} or a CI job deploys this stack`;
  return new TerraformError(
    'state-locked',
    `${where} could not lock the state${info.path ? ` ${info.path}` : ''}: ${holder} holds it` +
      `${info.id ? ` (lock ID ${info.id})` : ''}. Nothing was changed by this run.`,
    `wait for that run to finish and rerun (${alive}). Only when no run is alive (a run killed without ` +
      `releasing a remote lock): \`terraform force-unlock ${info.id ?? '<ID>'}\` in ${f.stackDir}`,
    outputTail(raw, 14) || undefined,
  );
}

/** The `Lock Info:` fields Terraform prints with a lock error. */
export function lockInfo(text: string): LockInfo {
  const field = (name: string) => new RegExp(`^\\s*${name}:[ \\t]*(\\S.*)$`, 'm').exec(text)?.[1]?.trim();
  const info = { id: field('ID'), path: field('Path'), operation: field('Operation'), who: field('Who'), created: field('Created') };
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as LockInfo;
}

const EXISTS = /(ResourceConflictException|EntityAlreadyExists|ResourceAlreadyExistsException|AlreadyExistsException|already exists?\b)/i;

/**
 * The resources whose creation failed because the object exists: each `Error:` block that says so,
 * with the `with <address>,` line Terraform adds.
 */
export function existingObjects(text: string): ExistingObject[] {
  const found: ExistingObject[] = [];
  for (const block of text.split(/^(?=\s*(?:│\s*)?Error: )/m)) {
    if (!EXISTS.test(block) || !/creating/i.test(block)) continue;
    const address = /with ([\w.-]+\.[\w-]+(?:\[[^\]]*\])?),/.exec(block)?.[1];
    if (!address || found.some((f) => f.address === address)) continue;
    found.push({
      address,
      message:
        providerMessage(block) ??
        block
          .split('\n')[0]!
          .replace(/^\s*(?:│\s*)?Error: /, '')
          .trim(),
    });
  }
  return found;
}

/** The provider's own words from an `Error:` line: `<what it did>: <AWS error code>: <message>`. */
export function providerMessage(text: string): string | undefined {
  const line = /^\s*(?:│\s*)?Error: (.+)$/m.exec(text)?.[1];
  if (!line) return undefined;
  const aws =
    /^(.*?)(?::\s*operation error [^,]+,)?\s*https response error StatusCode: (\d+), RequestID: [^,]*,\s*(?:api error )?(.+)$/.exec(line);
  if (!aws) return undefined;
  const action = aws[1]!.replace(/:\s*$/, '').trim();
  return `${aws[3]!.trim()} (HTTP ${aws[2]}${action ? `, while ${action.charAt(0).toLowerCase()}${action.slice(1)}` : ''})`;
}
