import * as fs from 'node:fs';
import * as path from 'node:path';
import { listCommands } from '../cli/main';

const REPO = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** The lines inside ``` fences of a Markdown text. */
function codeLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return fenced;
  });
}

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

describe('README, for a newcomer', () => {
  it('goes: what it is, quick start, make it yours, the real cloud, configuration, commands', () => {
    const headings = README.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## Quick start', '## Make it yours', '## The real cloud', '## Configuration', '## Commands', '## More']);
  });

  it('starts with two commands, and `npm ci` once', () => {
    expect(codeLines(section('Quick start')).map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci', 'npx tollgate dev --once']);
    expect(codeLines(README).filter((l) => /\bnpm ci\b/.test(l))).toHaveLength(1);
  });

  it('lists exactly the commands `npx tollgate --help` lists', () => {
    const table = section('Commands')
      .split('\n')
      .filter((l) => /^\| `/.test(l))
      .map((l) => /^\| `([a-z-]+)/.exec(l)![1]);
    expect(table.sort()).toEqual(listCommands().sort());
  });

  it('spells every tollgate command one way: `npx tollgate <command>`, a command that exists', () => {
    const docs = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).map((f) => path.join('docs', f))];
    const texts = docs.map((f) => fs.readFileSync(path.join(REPO, f), 'utf8'));
    expect(texts.filter((t) => /npm run tollgate|node bin\/tollgate/.test(t))).toEqual([]);
    const named = texts.flatMap((t) => [...t.matchAll(/npx tollgate ([a-z][a-z-]*)/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(5);
    expect([...new Set(named)].filter((n) => !listCommands().includes(n))).toEqual([]);
  });
});
