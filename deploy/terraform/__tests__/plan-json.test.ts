import { actionOf, configuredExpression, describeSummary, parsePlanJson, readPlan } from '../plan-json';
import { TerraformError } from '../errors';
import { renderResourceChanges } from '../render';

const change = (actions: string[], extra: Record<string, unknown> = {}) => ({
  actions,
  before: null,
  after: {},
  after_unknown: {},
  ...extra,
});
const doc = (resourceChanges: unknown[], outputs: Record<string, unknown> = {}) => ({
  format_version: '1.2',
  terraform_version: '1.11.4',
  resource_changes: resourceChanges,
  output_changes: outputs,
  applyable: true,
  errored: false,
});
const rc = (address: string, actions: string[], mode = 'managed') => {
  const [type, name] = address.split('.');
  return { address, mode, type, name, change: change(actions) };
};

describe('the JSON plan reader', () => {
  it('maps each action list to one action, replace with its order', () => {
    expect(actionOf(['delete', 'create'])).toEqual({ action: 'replace', createBeforeDestroy: false });
    expect(actionOf(['create', 'delete'])).toEqual({ action: 'replace', createBeforeDestroy: true });
    for (const a of ['create', 'update', 'delete', 'no-op', 'read', 'forget']) expect(actionOf([a]).action).toBe(a);
  });

  it('refuses an action list it does not know instead of guessing', () => {
    expect(() => actionOf(['update', 'create'])).toThrow(TerraformError);
    expect(() => readPlan(doc([rc('aws_x.a', ['teleport'])]))).toThrow(/\[teleport\]/);
  });

  it('counts managed changes; reads of data sources and no-ops are not changes', () => {
    const plan = readPlan(
      doc([
        rc('aws_a.x', ['create']),
        rc('aws_b.y', ['delete', 'create']),
        rc('aws_c.z', ['no-op']),
        rc('data.aws_d.w', ['read'], 'data'),
        rc('aws_e.v', ['delete']),
      ]),
    );
    expect(plan.summary).toEqual({ create: 1, update: 0, replace: 1, delete: 1, forget: 0 });
    expect(plan.hasChanges).toBe(true);
    expect(describeSummary(plan.summary)).toBe('Plan: 2 to add, 0 to change, 2 to destroy (1 replaced).');
    expect(plan.resourceChanges.map((r) => r.action)).toEqual(['create', 'replace', 'no-op', 'read', 'delete']);
  });

  it('imports (import blocks) are changes, counted as Terraform counts them, and listed with the other changes', () => {
    const imported = (address: string, actions: string[], id: string) => ({
      ...rc(address, actions),
      change: change(actions, { importing: { id } }),
    });
    const plan = readPlan(doc([imported('aws_a.x', ['no-op'], 'fn'), imported('aws_b.y', ['update'], 'role'), rc('aws_c.z', ['no-op'])]));
    expect(plan.resourceChanges.map((r) => r.importing)).toEqual(['fn', 'role', undefined]);
    expect(plan.summary.import).toBe(2);
    expect(plan.hasChanges).toBe(true);
    expect(describeSummary(plan.summary)).toBe('Plan: 2 to import, 0 to add, 1 to change, 0 to destroy.');
    expect(renderResourceChanges(plan)).toEqual([
      '<-  import  aws_a.x',
      '~   update  aws_b.y (imported)',
      'Plan: 2 to import, 0 to add, 1 to change, 0 to destroy.',
    ]);
  });

  it('an output-only change is a change; all no-ops are not', () => {
    expect(readPlan(doc([rc('aws_a.x', ['no-op'])], { url: change(['update']) })).hasChanges).toBe(true);
    const none = readPlan(doc([rc('aws_a.x', ['no-op'])], { url: change(['no-op']) }));
    expect(none.hasChanges).toBe(false);
    expect(describeSummary(none.summary)).toBe('No changes.');
  });

  it('reads a plan with no resources at all (an empty stack)', () => {
    const plan = readPlan({ format_version: '1.2', terraform_version: '1.11.4' });
    expect(plan.resourceChanges).toEqual([]);
    expect(plan.hasChanges).toBe(false);
    expect(plan.applyable).toBe(true);
  });

  it('says what is wrong with a document that is not a 1.x plan', () => {
    expect(() => parsePlanJson('Terraform will perform the following actions')).toThrow(/did not print JSON/);
    expect(() => readPlan({ ...doc([]), format_version: '2.0' })).toThrow(/format_version 2\.0; tollgate reads 1\.x/);
    expect(() => readPlan({ format_version: '1.0', values: {} })).toThrow(/terraform_version/);
    expect(() => readPlan(doc([{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', change: { actions: [] } }]))).toThrow(
      /resource_changes\.0\.change\.actions/,
    );
  });

  it('an errored plan is not applyable', () => {
    expect(readPlan({ ...doc([]), applyable: undefined, errored: true }).applyable).toBe(false);
  });

  it('finds configured expressions by resource address and attribute path', () => {
    const plan = readPlan({
      ...doc([]),
      configuration: {
        root_module: {
          resources: [
            {
              address: 'aws_p.x',
              expressions: {
                source_arn: {
                  constant_value: '${aws_api.a.execution_arn}/*/GET/user',
                  references: ['aws_api.a.execution_arn', 'aws_api.a'],
                },
                jwt: [{ audience: { constant_value: ['u'] } }],
              },
            },
          ],
        },
      },
    });
    expect(configuredExpression(plan, 'aws_p.x', ['source_arn'])?.references).toContain('aws_api.a.execution_arn');
    expect(configuredExpression(plan, 'aws_p.x', ['jwt', 0, 'audience'])?.constant_value).toEqual(['u']);
    expect(configuredExpression(plan, 'aws_p.x', ['jwt', 1, 'audience'])).toBeUndefined();
    expect(configuredExpression(plan, 'aws_p.nope', ['source_arn'])).toBeUndefined();
  });
});
