import { parsePlanEvents } from '../plan-events';

const line = (o: object) => JSON.stringify({ '@level': 'info', '@message': 'm', ...o });
const planned = (addr: string, action: string, reason?: string) =>
  line({
    type: 'planned_change',
    change: { resource: { addr, resource_type: addr.split('.')[0] }, action, ...(reason ? { reason } : {}) },
  });

describe('plan -json events', () => {
  it("collects changes, Terraform's counts and outputs; other lines are skipped", () => {
    const stdout = [
      line({ type: 'version', terraform: '1.11.4' }),
      'Successfully configured the backend "local"!',
      planned('aws_a.x', 'create'),
      planned('aws_b.y', 'replace', 'cannot_update'),
      planned('aws_c.z', 'remove'),
      line({ type: 'change_summary', changes: { add: 2, change: 0, import: 0, remove: 1, operation: 'plan' } }),
      line({ type: 'outputs', outputs: { url: { sensitive: false, action: 'noop' } } }),
      '{not json',
    ].join('\n');
    const events = parsePlanEvents(stdout);
    expect(events.changes).toEqual([
      { address: 'aws_a.x', type: 'aws_a', action: 'create' },
      { address: 'aws_b.y', type: 'aws_b', action: 'replace', reason: 'cannot_update' },
      { address: 'aws_c.z', type: 'aws_c', action: 'forget' },
    ]);
    expect(events.summary).toEqual({ add: 2, change: 0, import: 0, remove: 1 });
    expect(events.outputs).toEqual([{ name: 'url', action: 'no-op' }]);
    expect(events.hasChanges).toBe(true);
  });

  it('no planned changes and unchanged outputs: no changes; diagnostics are kept', () => {
    const events = parsePlanEvents(
      [
        line({ type: 'change_summary', changes: { add: 0, change: 0, import: 0, remove: 0 } }),
        line({ type: 'diagnostic', diagnostic: { severity: 'warning', summary: 'Deprecated', detail: 'use x' } }),
      ].join('\n'),
    );
    expect(events.hasChanges).toBe(false);
    expect(events.warnings).toEqual(['Deprecated\n  use x']);
    expect(events.errors).toEqual([]);
  });

  it('an action it does not know is an error, not a guess', () => {
    expect(() => parsePlanEvents(planned('aws_a.x', 'teleport'))).toThrow(/"teleport" for aws_a\.x/);
  });
});
