import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '..';
import { ConfigFiles, configErrorOf, validConfig } from './support';

let files: ConfigFiles;
beforeEach(() => {
  files = new ConfigFiles();
});
afterEach(() => files.remove());

/** A TypeScript configuration as a user writes it: defineConfig from 'tollgate', one object per line. */
function typescriptConfig(routesLine: string): string {
  const c = validConfig();
  return [
    "import { defineConfig } from 'tollgate';",
    '',
    'export default defineConfig({',
    `  asgardeo: ${JSON.stringify(c.asgardeo)},`,
    `  aws: ${JSON.stringify(c.aws)},`,
    `  scopes: ${JSON.stringify(c.scopes)},`,
    '  routes: [',
    routesLine,
    '  ],',
    `  apiResource: ${JSON.stringify(c.apiResource)},`,
    `  clients: ${JSON.stringify(c.clients)},`,
    '  environments: { dev: {} },',
    '});',
    '',
  ].join('\n');
}

describe('loading tollgate.config.ts', () => {
  it("loads a TypeScript file that imports defineConfig from 'tollgate' (the running tollgate)", () => {
    const file = files.writeRaw(typescriptConfig("    { method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] },"), 'ts');
    const config = loadConfig({ file, environment: {} });
    expect(config.routes.map((r) => r.routeKey)).toEqual(['GET /user']);
  });

  it('a syntax error names file:line:column, shows the line with a marker under the spot, and the compiler message', () => {
    const file = files.writeRaw(typescriptConfig("    { method: 'GET' path: '/user', scopes: ['get_pharmacy_user'] },"), 'ts');
    const err = configErrorOf(() => loadConfig({ file, environment: {} }));
    // Line 8 of the file; "path" starts at column 21 (1-based, as editors count).
    expect(err.message).toContain(`${file}:8:21: Expected "}" but found "path"`);
    const lines = err.message.split('\n');
    const shown = lines.findIndex((l) => l.includes("8 |     { method: 'GET' path:"));
    expect(shown).toBeGreaterThan(0);
    const marker = lines[shown + 1]!;
    expect(marker.indexOf('^^^^')).toBe(lines[shown]!.indexOf("path: '/user'"));
    expect(err.message).toContain('fix: fix the TypeScript error');
  });

  it('an error in a file the configuration imports points at that file', () => {
    fs.writeFileSync(path.join(files.dir, 'routes.ts'), "export const routes = [\n  { method: 'GET', path: '/user' scopes: [] },\n];\n");
    const file = files.writeRaw("import { routes } from './routes';\nexport default { routes };\n", 'ts');
    const err = configErrorOf(() => loadConfig({ file, environment: {} }));
    expect(err.message).toContain(`${path.join(files.dir, 'routes.ts')}:2:34: Expected "}" but found "scopes"`);
  });

  it('an exception while the file runs is named with its type and message', () => {
    const file = files.writeRaw('const scopes: string[] = undefined as never;\nexport default { scopes: scopes.map((s) => s) };\n', 'ts');
    const err = configErrorOf(() => loadConfig({ file, environment: {} }));
    expect(err.message).toMatch(/the file failed while running: TypeError: Cannot read properties of undefined \(reading 'map'\)/);
  });
});
