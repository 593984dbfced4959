import { styleText } from 'node:util';
import type { AsgardeoPlan, ChangeAction, FieldDiff, FieldSensitivity, PlannedChange } from './plan';
import { planHasChanges, SENSITIVE, summarize } from './plan';
import { kindOf } from './resources';

export { summarize };

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', 'no-op': ' ', conflict: '!' };
const COLOR: Record<ChangeAction, Parameters<typeof styleText>[0]> = {
  create: 'green',
  update: 'yellow',
  delete: 'red',
  'no-op': 'dim',
  conflict: 'magenta',
};
const TAG: Partial<Record<ChangeAction, string>> = { 'no-op': ' (no change)', conflict: ' (CONFLICT)' };

/** A field's sensitivity: set on the field, else declared by its resource kind. */
function sensitivityOf(c: PlannedChange, f: FieldDiff): FieldSensitivity | undefined {
  return f.sensitivity ?? kindOf(c.type)?.sensitiveFields?.[f.field];
}

/** The field as every rendering shows it: secret values masked, the sensitivity marker dropped. */
function shown(c: PlannedChange, f: FieldDiff): FieldDiff {
  const mask = (v: unknown) => (sensitivityOf(c, f) === 'secret' && v !== undefined ? SENSITIVE : v);
  return { field: f.field, ...('before' in f ? { before: mask(f.before) } : {}), ...('after' in f ? { after: mask(f.after) } : {}) };
}

/** A value as JSON; a secret's value is never shown (a placeholder the plan wrote is shown as written). */
function show(c: PlannedChange, f: FieldDiff, side: 'before' | 'after'): string {
  const v = f[side];
  if (v === undefined) return '(none)';
  if (sensitivityOf(c, f) === 'secret' && v !== SENSITIVE) return SENSITIVE;
  return JSON.stringify(v);
}

function fieldLine(c: PlannedChange, f: FieldDiff): string {
  if (!('before' in f)) return `${f.field} = ${show(c, f, 'after')}`;
  if (!('after' in f)) return `${f.field} = ${show(c, f, 'before')} -> (deleted)`;
  return `${f.field}: ${show(c, f, 'before')} -> ${show(c, f, 'after')}`;
}

function summaryLine(plan: AsgardeoPlan): string {
  const s = summarize(plan);
  if (!planHasChanges(plan)) return 'No changes: Asgardeo matches the configuration.';
  const conflicts = s.conflict ? `, ${s.conflict} conflict${s.conflict === 1 ? '' : 's'} (apply refuses until resolved)` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete${conflicts}.`;
}

function header(plan: AsgardeoPlan): string {
  return `Asgardeo plan for ${plan.stackName} (organization ${plan.organization} at ${plan.baseUrl}; API identifier ${plan.apiIdentifier})`;
}

/**
 * The plan as data (what `--json` prints and the deploy report embeds): secret values masked, with
 * the summary and whether anything changes. Same shape as before the typed plan, plus each change's `key`.
 */
export function planData(plan: AsgardeoPlan): AsgardeoPlan & { summary: Record<ChangeAction, number>; hasChanges: boolean } {
  // The patch is apply's instruction, not part of what a reader reviews: the fields show the same change.
  const changes = plan.changes.map(({ patch: _patch, ...c }) => ({ ...c, fields: c.fields.map((f) => shown(c, f)) }));
  return { ...plan, changes, summary: summarize(plan), hasChanges: planHasChanges(plan) };
}

export function renderPlan(plan: AsgardeoPlan, format: 'text' | 'json' | 'markdown', opts: { color?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify(planData(plan), null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(plan);
  const paint = (a: ChangeAction, s: string) => (opts.color ? styleText(COLOR[a], s, { validateStream: false }) : s);
  const lines = [header(plan), ''];
  for (const c of plan.changes) {
    lines.push(paint(c.action, `${SYMBOL[c.action]} ${c.type} ${c.name}${TAG[c.action] ?? ` (${c.action})`}`));
    for (const f of c.fields) lines.push(paint(c.action, `    ${fieldLine(c, f)}`));
    if (c.note) lines.push(`    note: ${c.note}`);
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push('', summaryLine(plan));
  if (plan.prune) lines.push('--prune: objects owned by this stack and no longer configured are deleted.');
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(plan: AsgardeoPlan): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const row = (c: PlannedChange) => `| ${SYMBOL[c.action].trim() || '='} ${c.action} | ${c.type} | \`${esc(c.name)}\` | ${cell(c)} |`;
  const cell = (c: PlannedChange) => {
    const fields = esc(c.fields.map((f) => fieldLine(c, f)).join('<br>'));
    return `${fields}${c.note ? `${c.fields.length ? '<br>' : ''}_${esc(c.note)}_` : ''}`;
  };
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  const same = plan.changes.filter((c) => c.action === 'no-op');
  return [
    `### ${header(plan)}`,
    '',
    `**${summaryLine(plan)}**`,
    '',
    ...(changed.length ? ['| action | type | name | changes |', '|---|---|---|---|', ...changed.map(row), ''] : []),
    ...plan.warnings.map((w) => `> ⚠️ ${esc(w)}`),
    ...(same.length
      ? [
          `<details><summary>${same.length} unchanged</summary>`,
          '',
          ...same.map((c) => `- ${c.type} \`${esc(c.name)}\``),
          '',
          '</details>',
          '',
        ]
      : []),
  ].join('\n');
}
