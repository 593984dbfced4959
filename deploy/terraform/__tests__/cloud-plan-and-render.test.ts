import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCloudPlanBookmark } from '../cloud-plan';
import { readPlan } from '../plan-json';
import { renderResourceChanges } from '../render';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cloudplan-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('saved plans of Terraform Cloud runs', () => {
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('reads the run a bookmark names', () => {
    const file = write('cloud.tfplan', JSON.stringify({ remote_plan_format: 1, run_id: 'run-abc123', hostname: 'app.terraform.io' }));
    expect(readCloudPlanBookmark(file)).toEqual({ runId: 'run-abc123', hostname: 'app.terraform.io' });
  });

  it('a local (zip) plan, another format version, an empty run id or a missing file are not bookmarks', () => {
    expect(readCloudPlanBookmark(write('local.tfplan', Buffer.from('PK\u0003\u0004rest-of-a-zip')))).toBeUndefined();
    expect(
      readCloudPlanBookmark(write('v2.tfplan', JSON.stringify({ remote_plan_format: 2, run_id: 'run-1', hostname: 'h' }))),
    ).toBeUndefined();
    expect(
      readCloudPlanBookmark(write('empty.tfplan', JSON.stringify({ remote_plan_format: 1, run_id: '', hostname: 'h' }))),
    ).toBeUndefined();
    expect(readCloudPlanBookmark(path.join(dir, 'missing.tfplan'))).toBeUndefined();
  });
});

describe('rendering resource changes', () => {
  it('lists changing managed resources with their action and the summary; no-ops only on request', () => {
    const change = (actions: string[], extra: object = {}) => ({ actions, before: null, after: {}, after_unknown: {}, ...extra });
    const plan = readPlan({
      format_version: '1.2',
      terraform_version: '1.11.4',
      resource_changes: [
        { address: 'aws_lambda_function.f', mode: 'managed', type: 'aws_lambda_function', name: 'f', change: change(['update']) },
        {
          address: 'aws_apigatewayv2_route.r',
          mode: 'managed',
          type: 'aws_apigatewayv2_route',
          name: 'r',
          change: change(['delete', 'create'], { replace_paths: [['route_key']] }),
        },
        { address: 'aws_iam_role.x', mode: 'managed', type: 'aws_iam_role', name: 'x', change: change(['no-op']) },
        { address: 'data.aws_region.here', mode: 'data', type: 'aws_region', name: 'here', change: change(['read']) },
      ],
    });
    expect(renderResourceChanges(plan)).toEqual([
      '~   update  aws_lambda_function.f',
      '-/+ replace aws_apigatewayv2_route.r (forced by route_key)',
      'Plan: 1 to add, 1 to change, 1 to destroy (1 replaced).',
    ]);
    expect(renderResourceChanges(plan, { includeNoOp: true })).toContain('    no-op   aws_iam_role.x');
  });
});
