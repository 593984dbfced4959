/** Plain-text and Markdown rendering of benchmark rows. */

export interface Row {
  benchmark: string;
  measure: string;
  figure: string;
  /** e.g. "≤ 3"; empty when the figure has no target. */
  target?: string;
  /** Set when there is a target. */
  pass?: boolean;
}

const HEADERS = ['Benchmark', 'Measure', 'Figure', 'Target', 'Result'] as const;

function cells(row: Row): string[] {
  return [row.benchmark, row.measure, row.figure, row.target ?? '', row.pass === undefined ? '' : row.pass ? 'PASS' : 'MISS'];
}

export function renderTable(rows: readonly Row[]): string {
  const all = [HEADERS as readonly string[], ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i]! - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function renderMarkdown(rows: readonly Row[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

export const ms = (v: number): string =>
  v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
export const mb = (v: number): string => `${Math.round(v)} MB`;
export const bytes = (v: number): string => (v >= 10_240 ? `${(v / 1024).toFixed(1)} KiB` : `${v} B`);
