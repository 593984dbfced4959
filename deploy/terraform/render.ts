/** Plain-text lines of a plan's resource changes, for the combined `tollgate plan` report. */
import { describeSummary, type ResourceAction, type TerraformPlan } from './plan-json';

const SYMBOL: Record<ResourceAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  'no-op': ' ',
  read: '<=',
  forget: '.',
};

/** One line per managed resource that changes (`+ create  aws_lambda_function.handler`), then the summary line. */
export function renderResourceChanges(plan: TerraformPlan, o: { includeNoOp?: boolean } = {}): string[] {
  const lines = plan.resourceChanges
    .filter((r) => r.mode === 'managed' && (o.includeNoOp || r.action !== 'no-op' || r.importing !== undefined))
    .map(
      (r) =>
        (r.action === 'no-op' && r.importing !== undefined
          ? `<-  import  ${r.address}`
          : `${SYMBOL[r.action].padEnd(3)} ${r.action.padEnd(7)} ${r.address}${r.importing !== undefined ? ' (imported)' : ''}`) +
        (r.action === 'replace' && r.replacePaths?.length ? ` (forced by ${r.replacePaths.map((p) => p.join('.')).join(', ')})` : ''),
    );
  return [...lines, describeSummary(plan.summary)];
}
