/**
 * Saved plans of Terraform Cloud runs. With a `cloud` backend, `terraform plan -out=FILE` (Terraform
 * ≥ 1.6) runs the plan remotely and writes a small JSON "bookmark" naming the run instead of a plan
 * file; `terraform show -json FILE` then fetches the run's JSON plan (the token needs permission to
 * read it on the workspace), and `terraform apply FILE` confirms and applies exactly that run.
 */
import * as fs from 'node:fs';

export interface CloudPlanBookmark {
  readonly runId: string;
  readonly hostname: string;
}

/** The bookmark in a saved plan file, or undefined when the file is a local (binary) plan. */
export function readCloudPlanBookmark(file: string): CloudPlanBookmark | undefined {
  let text: string;
  try {
    const buf = fs.readFileSync(file);
    // A local plan is a zip archive ("PK"); a bookmark is a few hundred bytes of JSON.
    if (buf.length > 64 * 1024 || buf[0] !== 0x7b) return undefined;
    text = buf.toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as { remote_plan_format?: unknown; run_id?: unknown; hostname?: unknown };
    if (doc.remote_plan_format !== 1 || typeof doc.run_id !== 'string' || !doc.run_id || typeof doc.hostname !== 'string' || !doc.hostname)
      return undefined;
    return { runId: doc.run_id, hostname: doc.hostname };
  } catch {
    return undefined;
  }
}
