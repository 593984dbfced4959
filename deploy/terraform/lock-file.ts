/**
 * The committed dependency lock file. cdktf writes each stack into its own folder
 * (`cdktf.out/stacks/<stack>/`) and Terraform keeps `.terraform.lock.hcl` there, in a build folder
 * git ignores; every stack of this project uses the same providers, so one committed lock file
 * serves them all: it is copied into the stack folder before `terraform init` and, when init was
 * allowed to change it, copied back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE_NAME = '.terraform.lock.hcl';

export interface LockFileOption {
  /** The committed lock file, e.g. `<project>/.terraform.lock.hcl`. */
  readonly path: string;
  /**
   * `readonly`: init must not change it (`-lockfile=readonly`; CI, deploys).
   * `update`: init may record new versions or hashes, and the result is copied back.
   */
  readonly mode: 'readonly' | 'update';
}

/** Copies the committed lock file into the stack folder; false when there is none yet. */
export function placeLockFile(lock: LockFileOption, stackDir: string): boolean {
  if (!fs.existsSync(lock.path)) return false;
  fs.copyFileSync(lock.path, path.join(stackDir, LOCK_FILE_NAME));
  return true;
}

/** After init in `update` mode: writes the stack folder's lock file back when it differs; true when it did. */
export function collectLockFile(lock: LockFileOption, stackDir: string): boolean {
  const produced = path.join(stackDir, LOCK_FILE_NAME);
  if (lock.mode !== 'update' || !fs.existsSync(produced)) return false;
  const next = fs.readFileSync(produced, 'utf8');
  const previous = fs.existsSync(lock.path) ? fs.readFileSync(lock.path, 'utf8') : undefined;
  if (next === previous) return false;
  fs.writeFileSync(lock.path, next);
  return true;
}

/** The provider versions a lock file records, e.g. `{ 'registry.terraform.io/hashicorp/aws': '5.100.0' }`. */
export function lockedVersions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/provider\s+"([^"]+)"\s*\{[^}]*?\bversion\s*=\s*"([^"]+)"/g)) out[m[1]!] = m[2]!;
  return out;
}
