import * as fs from 'node:fs';
import { loadScaleConfig, scaleConfigObject } from '../reconcile';
import { renderMarkdown, renderTable } from '../table';

describe('renderTable', () => {
  it('aligns columns and prints PASS/MISS only for rows with a target', () => {
    const text = renderTable([
      { benchmark: 'Synth', measure: 'ratio', figure: '6.0x', target: '>= 5x', pass: true },
      { benchmark: 'Reconcile', measure: 'requests', figure: '10', target: '<= 8', pass: false },
      { benchmark: 'Lambda', measure: 'bundle', figure: '1 KiB' },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/PASS$/);
    expect(lines[3]).toMatch(/MISS$/);
    expect(lines[4]).toMatch(/1 KiB$/);
    const figureColumn = lines[0]!.indexOf('Figure');
    expect(lines.slice(2).map((l) => l.slice(figureColumn).split(' ')[0])).toEqual(['6.0x', '10', '1']);
  });
  it('renders Markdown with escaped pipes', () => {
    const md = renderMarkdown([{ benchmark: 'a|b', measure: 'm', figure: '1' }]);
    expect(md.split('\n')[2]).toBe('| a\\|b | m | 1 |  |  |');
  });
});

describe('scale configuration', () => {
  const shape = { routes: 50, scopes: 50, clients: 100, roles: 20 };
  it('has the requested shape and passes the configuration validation', () => {
    const raw = scaleConfigObject(shape) as { routes: unknown[]; scopes: unknown[]; clients: unknown[]; roles: unknown[] };
    expect([raw.routes.length, raw.scopes.length, raw.clients.length, raw.roles.length]).toEqual([50, 50, 100, 20]);
    const { config, cleanup } = loadScaleConfig(shape, 'http://127.0.0.1:9');
    try {
      expect(fs.existsSync(config.file)).toBe(true);
      expect(config.stackName).toBe('bench-scale-api-dev');
      expect(config.asgardeo.baseUrl).toBe('http://127.0.0.1:9');
    } finally {
      cleanup();
    }
    expect(fs.existsSync(config.file)).toBe(false);
  });
});
