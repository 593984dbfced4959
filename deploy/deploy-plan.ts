import type { ResolvedConfig } from '../config';
import { buildAccessMatrix, renderAccessMatrix } from './access-matrix';
import type { InfraPlan } from './infra-runner';
import type { BoundaryCheck } from './plan-report';

export interface DeployPlanView {
  config: ResolvedConfig;
  /** Absent when the AWS side is not planned (`--from asgardeo`). */
  aws?: InfraPlan;
  /** The Asgardeo plan as the side renders it (text). */
  asgardeo: string;
  asgardeoChanges: boolean;
  boundary: readonly BoundaryCheck[];
}

/**
 * What `tollgate deploy` shows before its one question: who can call what, the issuer/audience
 * checks, and each side's plan (in full, or its summary line), indented under the plan step.
 */
export function renderDeployPlan(v: DeployPlanView, detail: 'full' | 'summary' = 'full'): string {
  const block = (text: string) => `${text.trimEnd().replace(/^(?=.)/gm, '    ')}\n`;
  const mark = (b: BoundaryCheck) => (b.status === 'ok' ? '✓' : b.status === 'fail' ? '✗' : '?');
  let out = `  Who can call what:\n${block(renderAccessMatrix(buildAccessMatrix(v.config), 'text'))}`;
  if (v.boundary.length)
    out += `  AWS <-> Asgardeo checks:\n${block(v.boundary.map((b) => `${mark(b)} ${b.name}: ${b.detail}`).join('\n'))}`;
  if (v.aws) {
    const saved = v.aws.planFile ? `, saved to ${v.aws.planFile}` : '';
    out += `  AWS: ${v.aws.planFile ? 'Terraform plan' : 'plan'} (${v.aws.summary})${saved}${detail === 'full' ? ':' : ''}\n`;
    if (detail === 'full') out += block(v.aws.text);
  }
  out += `  Asgardeo: ${asgardeoSummary(v.asgardeo, v.asgardeoChanges)}${detail === 'full' ? ':' : ''}\n`;
  if (detail === 'full') out += block(v.asgardeo);
  return out;
}

/** The plan's own summary line (`Plan: 2 to create, …` or `No changes…`), else whether it changes anything. */
function asgardeoSummary(text: string, changes: boolean): string {
  const line = text.split('\n').find((l) => /^(Plan:|No changes)/.test(l));
  return `plan (${line?.replace(/\.$/, '') ?? (changes ? 'changes' : 'no changes')})`;
}
