/**
 * Terraform in one synthesized stack folder (`cdktf.out/stacks/<stack>`): init, validate, plan to a
 * file, the plan as typed changes from `terraform show -json`, and apply of exactly that file.
 * Nothing here reads Terraform's human-readable output except to quote it in an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudPlanBookmark, type CloudPlanBookmark } from './cloud-plan';
import { classifyFailure } from './classify';
import { TerraformError } from './errors';
import { collectLockFile, LOCK_FILE_NAME, placeLockFile, type LockFileOption } from './lock-file';
import type { TerraformSetup } from './locate';
import { MIRROR_VARIABLE } from './locate';
import { offlineEnvironment, removeOfflineOverride, writeOfflineOverride, type OfflineAws } from './offline';
import { parsePlanEvents, type PlanEvents } from './plan-events';
import { parsePlanJson, type TerraformPlan } from './plan-json';
import { outputTail, runProcess, type RunResult } from './process';

export interface WorkspaceOptions {
  /** Folder holding `cdk.tf.json`. */
  readonly stackDir: string;
  /** The committed lock file; without it Terraform keeps a lock file only in the stack folder. */
  readonly lockFile?: LockFileOption;
  /** Output of every command as it runs. */
  readonly onOutput?: (text: string) => void;
  readonly signal?: AbortSignal;
  /**
   * How long plan and apply wait for a state lock another run holds (`-lock-timeout`), e.g. `60s`:
   * a run that follows a killed one waits for the Terraform that outlived it. @default `0s`
   */
  readonly lockTimeout?: string;
}

export interface InitResult {
  /** The hashicorp/aws version init selected. */
  readonly awsVersion?: string;
  /** `update` mode: the committed lock file was rewritten. */
  readonly lockFileUpdated: boolean;
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  /** `file:line` when Terraform gave a range. */
  readonly where?: string;
}

export interface PlanOptions {
  /** Where to write the plan. @default `<stackDir>/tollgate.tfplan` */
  readonly out?: string;
  /** Plan without AWS: dummy credentials and the skip flags (see offline.ts). @default undefined: the real AWS path */
  readonly offline?: OfflineAws;
  /** false: no refresh of existing objects (`-refresh=false`). @default true */
  readonly refresh?: boolean;
  /** A plan to destroy everything (`-destroy`). */
  readonly destroy?: boolean;
}

export interface SavedPlan {
  /** The plan file; apply it with {@link TerraformWorkspace.apply}. */
  readonly file: string;
  /** Set when the plan ran in Terraform Cloud: the file is a bookmark of that run. */
  readonly cloudRun?: CloudPlanBookmark;
  /** Whether the plan was made offline (its provider settings are the dummy ones: apply it only against a stand-in). */
  readonly offline: boolean;
  /** Addresses and actions from `plan -json` (local and other non-cloud backends): enough for a report without `show`. */
  readonly events?: PlanEvents;
}

/** Default name of the saved plan inside the stack folder. */
export const PLAN_FILE_NAME = 'tollgate.tfplan';

export class TerraformWorkspace {
  readonly stackDir: string;
  private readonly setup: TerraformSetup;
  private readonly o: WorkspaceOptions;

  constructor(setup: TerraformSetup, o: WorkspaceOptions) {
    this.setup = setup;
    this.o = o;
    this.stackDir = path.resolve(o.stackDir);
    if (!fs.existsSync(path.join(this.stackDir, 'cdk.tf.json'))) {
      throw new TerraformError(
        'command',
        `${this.stackDir} holds no cdk.tf.json: it is not a synthesized stack folder.`,
        'synthesize the app first (tollgate does it in-process; `npx cdktf synth` writes cdktf.out/stacks/<stack>)',
      );
    }
  }

  /**
   * `terraform init`: the backend and hashicorp/aws from the mirror (or the registry), pinned by the
   * committed lock file. Errors name the cause (terraform, mirror, registry, lock file, backend) and the fix.
   */
  async init(o: { upgrade?: boolean } = {}): Promise<InitResult> {
    const lock = this.o.lockFile;
    if (lock) {
      const placed = placeLockFile(lock, this.stackDir);
      if (!placed && lock.mode === 'readonly') {
        throw new TerraformError(
          'lock-file',
          `The dependency lock file ${lock.path} does not exist, and init may not create it (read-only lock file).`,
          `create it once: run tollgate's init with the lock file in update mode (or \`terraform ` +
            `init\` in the stack folder and copy ${LOCK_FILE_NAME} to ${lock.path}), then commit it`,
        );
      }
    }
    const args = ['init', '-input=false', '-json', '-no-color'];
    if (lock?.mode === 'readonly') args.push('-lockfile=readonly');
    if (o.upgrade) args.push('-upgrade');
    const res = await this.run(args, this.setup.env, jsonMessages(this.o.onOutput));
    const diagnostics = jsonDiagnostics(res.stdout);
    if (res.code !== 0 || diagnostics.some((d) => d.severity === 'error')) throw this.initError(res, diagnostics);
    const lockFileUpdated = lock ? collectLockFile(lock, this.stackDir) : false;
    return { ...(this.selectedAwsVersion() ? { awsVersion: this.selectedAwsVersion() } : {}), lockFileUpdated };
  }

  /** `terraform validate -json`: returns the warnings; throws with every error when the configuration is invalid. */
  async validate(): Promise<Diagnostic[]> {
    const res = await this.run(['validate', '-json', '-no-color'], this.setup.env);
    let doc: { valid?: boolean; diagnostics?: unknown[] };
    try {
      doc = JSON.parse(res.stdout) as typeof doc;
    } catch {
      throw this.commandError('validate', res, 'run `terraform init` first (TerraformWorkspace.init)');
    }
    const diagnostics = (doc.diagnostics ?? []).map(toDiagnostic).filter((d): d is Diagnostic => d !== undefined);
    if (doc.valid !== true) {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      throw new TerraformError(
        'command',
        `terraform validate found ${errors.length} error(s) in ${path.join(this.stackDir, 'cdk.tf.json')}.`,
        'fix the stack code or the configuration that produced these values; an attribute ' +
          'the provider does not know may need a newer hashicorp/aws (see docs/terraform.md)',
        errors.map(formatDiagnostic).join('\n'),
      );
    }
    return diagnostics;
  }

  /**
   * `terraform plan -out=FILE`. With `offline`, the provider gets dummy credentials and its skip
   * flags for this command only; without, any leftover offline settings are removed first.
   */
  async plan(o: PlanOptions = {}): Promise<SavedPlan> {
    if (o.offline && this.backend() === 'cloud') {
      throw new TerraformError(
        'command',
        `${this.stackDir} keeps its state in Terraform Cloud, where plans run remotely ` +
          `with the workspace's own credentials: an offline plan is not possible there.`,
        'unset TF_CLOUD_ORGANIZATION and TF_WORKSPACE (local state) for an offline plan, or plan without offline',
      );
    }
    const file = path.resolve(this.stackDir, o.out ?? PLAN_FILE_NAME);
    fs.rmSync(file, { force: true });
    // A remote (cloud) run streams its own log; everywhere else the machine-readable UI gives the changes.
    const json = this.backend() !== 'cloud';
    const args = ['plan', '-input=false', '-no-color', `-out=${file}`, ...this.lockArgs(), ...(json ? ['-json'] : [])];
    if (o.refresh === false) args.push('-refresh=false');
    if (o.destroy) args.push('-destroy');
    removeOfflineOverride(this.stackDir);
    if (o.offline) writeOfflineOverride(this.stackDir, o.offline);
    let res: RunResult;
    try {
      res = await this.run(
        args,
        o.offline ? offlineEnvironment(this.setup.env) : this.setup.env,
        json ? jsonMessages(this.o.onOutput) : this.o.onOutput,
      );
    } finally {
      if (o.offline) removeOfflineOverride(this.stackDir);
    }
    const events = json ? parsePlanEvents(res.stdout) : undefined;
    if (res.code !== 0) {
      throw this.commandError(
        'plan',
        events?.errors.length ? { ...res, stdout: events.errors.map((e) => `Error: ${e}`).join('\n'), stderr: res.stderr } : res,
        o.offline
          ? 'an offline plan cannot refresh objects that exist in a state; plan a stack ' +
              'without state, pass refresh: false, or give endpoints of a local AWS stand-in'
          : 'see the Terraform error above: it names the resource and the value it could not plan',
      );
    }
    if (!fs.existsSync(file))
      throw this.commandError(
        'plan',
        res,
        'Terraform reported success but wrote no plan file; check that nothing (TF_CLI_ARGS_plan) changes the plan command',
      );
    const cloudRun = readCloudPlanBookmark(file);
    return { file, offline: o.offline !== undefined, ...(cloudRun ? { cloudRun } : {}), ...(events ? { events } : {}) };
  }

  /** `terraform show -json PLANFILE` read into typed resource changes. */
  async show(plan: SavedPlan | string): Promise<TerraformPlan> {
    const saved = typeof plan === 'string' ? { file: plan, cloudRun: readCloudPlanBookmark(plan) } : plan;
    const res = await this.run(['show', '-json', '-no-color', saved.file], this.setup.env);
    if (res.code !== 0) {
      if (saved.cloudRun) {
        const { runId, hostname } = saved.cloudRun;
        throw new TerraformError(
          'cloud-plan-json',
          `Terraform Cloud planned run ${runId} on ${hostname}, but its JSON plan could not be read.`,
          `give the token (TF_TOKEN_${hostname.replace(/\./g, '_')} or \`terraform login\`) permission to read runs' JSON ` +
            `plans on the workspace (workspace admin), or review run ${runId} in the ${hostname} UI and apply it there`,
          outputTail(res.stderr || res.stdout),
        );
      }
      throw this.commandError('show', res, 'the plan file may come from another Terraform version or stack folder: plan again');
    }
    return parsePlanJson(res.stdout);
  }

  /** `terraform apply PLANFILE`: exactly the saved plan, no new plan and no prompt (the file is the approval). */
  async apply(plan: SavedPlan | string): Promise<void> {
    const file = typeof plan === 'string' ? plan : plan.file;
    if (!fs.existsSync(file))
      throw new TerraformError('command', `The plan file ${file} does not exist.`, 'plan again and apply the file that plan wrote');
    const res = await this.run(['apply', '-input=false', '-no-color', '-auto-approve', ...this.lockArgs(), file], this.setup.env);
    if (res.code !== 0) {
      throw this.commandError('apply', res, 'fix the error above and rerun (Terraform resumes from its state)');
    }
  }

  /** Where the synthesized stack keeps its state: `cloud` (Terraform Cloud, remote plans), else local or another backend. */
  backend(): 'cloud' | 'other' {
    const doc = JSON.parse(fs.readFileSync(path.join(this.stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: { cloud?: unknown } };
    return doc.terraform?.cloud ? 'cloud' : 'other';
  }

  /** The hashicorp/aws version recorded in the stack folder's lock file after init. */
  private selectedAwsVersion(): string | undefined {
    const file = path.join(this.stackDir, LOCK_FILE_NAME);
    if (!fs.existsSync(file)) return undefined;
    return /provider\s+"registry\.terraform\.io\/hashicorp\/aws"\s*\{[^}]*?\bversion\s*=\s*"([^"]+)"/.exec(
      fs.readFileSync(file, 'utf8'),
    )?.[1];
  }

  /** Runs one command; an interrupted one that failed is reported as interrupted, whatever the command. */
  private async run(args: string[], env: NodeJS.ProcessEnv, onOutput = this.o.onOutput): Promise<RunResult> {
    const res = await runProcess(this.setup.binary, args, { cwd: this.stackDir, env, onOutput, signal: this.o.signal });
    if (res.interrupted && res.code !== 0) throw this.commandError(args[0] ?? 'command', res, '');
    return res;
  }

  private lockArgs(): string[] {
    return this.o.lockTimeout ? [`-lock-timeout=${this.o.lockTimeout}`] : [];
  }

  /** The failure by its cause (interrupt, held lock, existing objects, provider); `fix` when none of those. */
  private commandError(command: string, res: RunResult, fix: string): TerraformError {
    return classifyFailure({ command, stackDir: this.stackDir, result: res, fix, localState: this.localState() });
  }

  private localState(): boolean {
    try {
      const doc = JSON.parse(fs.readFileSync(path.join(this.stackDir, 'cdk.tf.json'), 'utf8')) as {
        terraform?: { backend?: Record<string, unknown>; cloud?: unknown };
      };
      return !doc.terraform?.cloud && (!doc.terraform?.backend || 'local' in doc.terraform.backend);
    } catch {
      return false;
    }
  }

  private initError(res: RunResult, diagnostics: Diagnostic[]): TerraformError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const detail = errors.length ? errors.map(formatDiagnostic).join('\n') : outputTail(`${res.stdout}\n${res.stderr}`);
    const text = errors.map((d) => `${d.summary}\n${d.detail ?? ''}`).join('\n');
    const mirror = this.setup.mirror;
    const source = mirror
      ? `the provider mirror ${mirror.path} (from ${mirror.source}, holding hashicorp/aws ${mirror.awsVersions.join(', ')})`
      : 'the Terraform registry (registry.terraform.io)';
    const lockPath = this.o.lockFile?.path ?? path.join(this.stackDir, LOCK_FILE_NAME);
    if (/dependency lock file|checksum|lock file|previously-selected version/i.test(text)) {
      return new TerraformError(
        'lock-file',
        `terraform init: the provider does not match the dependency lock file ${lockPath}.`,
        `if the constraint or the mirror changed on purpose, update the lock file (init with the lock file in update mode, or ` +
          `\`terraform init -upgrade\`) and commit it; for another platform's checksums run \`terraform providers lock ` +
          `-platform=linux_amd64 -platform=darwin_arm64\` in the stack folder with registry access (docs/terraform.md)`,
        detail,
      );
    }
    if (/provider/i.test(errors.map((d) => d.summary).join('\n')) || /registry\.terraform\.io\/hashicorp\/aws|hashicorp\/aws/.test(text)) {
      const fix = mirror
        ? `put a version that satisfies the stack's constraint into ${mirror.path} (\`terraform providers mirror ${mirror.path}\` on a ` +
          `machine with registry access), point ${MIRROR_VARIABLE} at another mirror, ` +
          `or set TOLLGATE_AWS_PROVIDER_VERSION to a constraint the mirror satisfies`
        : `allow access to registry.terraform.io (or a network_mirror in your Terraform CLI configuration), or ` +
          `point ${MIRROR_VARIABLE} at a filesystem mirror (layout ` +
          `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/; \`terraform providers mirror DIR\` creates one)`;
      return new TerraformError('provider-install', `terraform init could not install hashicorp/aws from ${source}.`, fix, detail);
    }
    return new TerraformError(
      'init',
      `terraform init failed in ${this.stackDir}.`,
      "see Terraform's error above: for the backend check TOLLGATE_STATE_DIR (local state) or " +
        'TF_CLOUD_ORGANIZATION, TF_WORKSPACE and TF_TOKEN_app_terraform_io (Terraform Cloud)',
      detail,
    );
  }
}

/** Passes on the `@message` of each JSON line (and other lines as they are): readable progress from `init -json`. */
function jsonMessages(onOutput: ((text: string) => void) | undefined): ((text: string) => void) | undefined {
  if (!onOutput) return undefined;
  let pending = '';
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const text = lines
      .map((line) => {
        if (!line.startsWith('{')) return line;
        try {
          return String((JSON.parse(line) as { '@message'?: unknown })['@message'] ?? '');
        } catch {
          return line;
        }
      })
      .filter((line) => line.trim() !== '')
      .join('\n');
    if (text) onOutput(`${text}\n`);
  };
}

/** Diagnostics from the JSON lines of `terraform init -json` (lines that are not JSON are skipped). */
export function jsonDiagnostics(stdout: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const msg = JSON.parse(line) as { type?: string; diagnostic?: unknown };
      const d = msg.type === 'diagnostic' ? toDiagnostic(msg.diagnostic) : undefined;
      if (d) out.push(d);
    } catch {
      // not a JSON message
    }
  }
  return out;
}

function toDiagnostic(raw: unknown): Diagnostic | undefined {
  const d = raw as
    { severity?: unknown; summary?: unknown; detail?: unknown; range?: { filename?: string; start?: { line?: number } } } | undefined;
  if (!d || (d.severity !== 'error' && d.severity !== 'warning') || typeof d.summary !== 'string') return undefined;
  const where = d.range?.filename ? `${d.range.filename}${d.range.start?.line ? `:${d.range.start.line}` : ''}` : undefined;
  return {
    severity: d.severity,
    summary: d.summary,
    ...(typeof d.detail === 'string' && d.detail ? { detail: d.detail } : {}),
    ...(where ? { where } : {}),
  };
}

function formatDiagnostic(d: Diagnostic): string {
  return (
    `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary}${d.where ? ` (${d.where})` : ''}` +
    (d.detail ? `\n  ${d.detail.trim().replace(/\n/g, '\n  ')}` : '')
  );
}
