/**
 * Folders one tollgate process makes for its Terraform runs (the CLI configuration, each command's
 * output files), named after the process that made them: `<prefix><pid>-[<label>-]XXXXXX`. The
 * process removes them when done; a killed one cannot, so the next run sweeps the folders whose
 * process is gone. Until then a killed run's folder stays: its Terraform output is the evidence of
 * what that run did.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A fresh folder under `parent` named after this process, after sweeping the ones of processes no longer alive. */
export function runFolder(parent: string, prefix: string, label?: string): string {
  fs.mkdirSync(parent, { recursive: true });
  sweepDeadRuns(parent, prefix);
  return fs.mkdtempSync(path.join(parent, `${prefix}${process.pid}-${label ? `${label}-` : ''}`));
}

/** Removes the folders under `parent` made by processes that no longer run (a Terraform still writing in one keeps its open files). */
export function sweepDeadRuns(parent: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const owner = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!owner || owner === process.pid || isAlive(owner)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
