import type { AsgardeoPlan, ChangeAction, FieldDiff, PlannedChange } from './plan';
import { planHasChanges } from './plan';

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', 'no-op': ' ', conflict: '!' };
const COLOR: Record<ChangeAction, string> = { create: '\x1b[32m', update: '\x1b[33m', delete: '\x1b[31m', 'no-op': '\x1b[2m', conflict: '\x1b[35m' };
const RESET = '\x1b[0m';
const FIELD_SECRET = /(secret|password)$/i;

/** Plans never carry secrets, but a field named like one is masked whatever its value. */
function show(field: string, v: unknown): string {
  if (v === undefined) return '(none)';
  if (FIELD_SECRET.test(field) && typeof v === 'string' && !v.startsWith('(') && !v.startsWith('$') && !v.startsWith('invitation')) return '(sensitive)';
  return JSON.stringify(v);
}

function maskField(f: FieldDiff): FieldDiff {
  const m = (v: unknown) => (show(f.field, v) === '(sensitive)' ? '(sensitive)' : v);
  return { field: f.field, ...('before' in f ? { before: m(f.before) } : {}), ...('after' in f ? { after: m(f.after) } : {}) };
}

function fieldLine(f: FieldDiff): string {
  if (!('before' in f)) return `${f.field} = ${show(f.field, f.after)}`;
  if (!('after' in f)) return `${f.field} = ${show(f.field, f.before)} -> (deleted)`;
  return `${f.field}: ${show(f.field, f.before)} -> ${show(f.field, f.after)}`;
}

export function summarize(plan: AsgardeoPlan): Record<ChangeAction, number> {
  const s: Record<ChangeAction, number> = { create: 0, update: 0, delete: 0, 'no-op': 0, conflict: 0 };
  for (const c of plan.changes) s[c.action]++;
  return s;
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

export function renderPlan(plan: AsgardeoPlan, format: 'text' | 'json' | 'markdown', opts: { color?: boolean } = {}): string {
  if (format === 'json') {
    const changes = plan.changes.map((c) => ({ ...c, fields: c.fields.map((f) => maskField(f)) }));
    return `${JSON.stringify({ ...plan, changes, summary: summarize(plan), hasChanges: planHasChanges(plan) }, null, 2)}\n`;
  }
  if (format === 'markdown') return renderMarkdown(plan);
  const paint = (a: ChangeAction, s: string) => (opts.color ? `${COLOR[a]}${s}${RESET}` : s);
  const lines = [header(plan), ''];
  for (const c of plan.changes) {
    lines.push(paint(c.action, `${SYMBOL[c.action]} ${c.type} ${c.name}${c.action === 'no-op' ? ' (no change)' : c.action === 'conflict' ? ' (CONFLICT)' : ` (${c.action})`}`));
    for (const f of c.fields) lines.push(paint(c.action, `    ${fieldLine(f)}`));
    if (c.note) lines.push(`    note: ${c.note}`);
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push('', summaryLine(plan));
  if (plan.prune) lines.push('--prune: objects owned by this stack and no longer configured are deleted.');
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(plan: AsgardeoPlan): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const row = (c: PlannedChange) => `| ${SYMBOL[c.action].trim() || '='} ${c.action} | ${c.type} | \`${esc(c.name)}\` | ${esc(c.fields.map(fieldLine).join('<br>')) || ''}${c.note ? `${c.fields.length ? '<br>' : ''}_${esc(c.note)}_` : ''} |`;
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  const same = plan.changes.filter((c) => c.action === 'no-op');
  return [
    `### ${header(plan)}`,
    '',
    `**${summaryLine(plan)}**`,
    '',
    ...(changed.length ? ['| action | type | name | changes |', '|---|---|---|---|', ...changed.map(row), ''] : []),
    ...plan.warnings.map((w) => `> ⚠️ ${esc(w)}`),
    ...(same.length ? [`<details><summary>${same.length} unchanged</summary>`, '', ...same.map((c) => `- ${c.type} \`${esc(c.name)}\``), '', '</details>', ''] : []),
  ].join('\n');
}
