import type { AsgardeoPlan, PlannedChange } from '../plan';
import { planDifferences, requireSamePlan, StalePlanError } from '../stale-plan';

const change = (c: Partial<PlannedChange> & Pick<PlannedChange, 'name' | 'action'>): PlannedChange => ({
  type: 'application',
  key: { type: 'application', name: c.name },
  fields: [],
  ...c,
});

const plan = (changes: PlannedChange[], warnings: string[] = []): AsgardeoPlan => ({
  stackName: 'api-dev',
  environment: 'dev',
  organization: 'pharmacy',
  baseUrl: 'https://api.asgardeo.io',
  apiIdentifier: 'urn:api',
  prune: false,
  adopt: false,
  changes,
  warnings,
});

describe('a shown plan against the plan the organization gives at apply time', () => {
  const shown = plan([
    change({ name: 'reader', action: 'create', fields: [{ field: 'description', after: 'reads' }] }),
    change({ name: 'admin', action: 'update', id: 'a1', fields: [{ field: 'description', before: 'x', after: 'y' }] }),
  ]);

  test('the same plan (request counts aside) applies', () => {
    expect(planDifferences(shown, { ...structuredClone(shown), stats: { requests: 9, roundTrips: 3 } })).toEqual([]);
    expect(() => requireSamePlan(shown, structuredClone(shown))).not.toThrow();
  });

  test('each kind of difference is named: another action, another field value, another id, a change no one saw, a new warning', () => {
    const now = plan(
      [
        change({ name: 'reader', action: 'conflict', note: 'owned by another stack' }),
        change({ name: 'admin', action: 'update', id: 'a2', fields: [{ field: 'description', before: 'z', after: 'y' }] }),
        change({ name: 'extra', action: 'delete', id: 'e1' }),
      ],
      ['something new'],
    );
    expect(planDifferences(shown, now)).toEqual([
      'application reader: planned create, now conflict',
      'application admin (update): its id, description changed',
      'application extra (delete) is now planned (it was not shown)',
      'new warning: something new',
    ]);
  });

  test('a change that disappeared is named; the refusal says nothing was written and how to go on', () => {
    const now = plan([shown.changes[1]!]);
    expect(planDifferences(shown, now)).toEqual(['application reader (create) is no longer planned']);
    const err = (() => {
      try {
        requireSamePlan(shown, now);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(StalePlanError);
    expect((err as StalePlanError).message).toContain('changed after the plan was shown');
    expect((err as StalePlanError).message).toContain('nothing was written');
    expect((err as StalePlanError).hint).toContain('shows the new plan and asks again');
  });

  test('a secret field compares as shown (masked): a new secret value alone is not a difference a reviewer could see', () => {
    const withSecret = (v: string) =>
      plan([
        change({ name: 'reader', action: 'update', id: 'r1', fields: [{ field: 'oidc.clientSecret', after: v, sensitivity: 'secret' }] }),
      ]);
    expect(planDifferences(withSecret('one'), withSecret('two'))).toEqual([]);
  });
});
