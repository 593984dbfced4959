import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import * as yauzl from 'yauzl';
// Types of the cdktf matchers that jest.setup.js registers.
import 'cdktf/lib/testing/adapters/jest';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BundledNodeFunction, type BundledNodeFunctionProps } from '../bundled-node-function';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
let work: string;
let entry: string;

interface Synthesized {
  app: App;
  stack: TerraformStack;
  fn: BundledNodeFunction;
  json: string;
  tf: { resource: Record<string, Record<string, Record<string, unknown>>> };
}

function synthFunction(props: Partial<BundledNodeFunctionProps> = {}, outdir = fs.mkdtempSync(path.join(work, 'out-'))): Synthesized {
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, 'fn-stack');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const fn = new BundledNodeFunction(stack, 'greeter', { entry, functionName: 'greeter-dev', ...props });
  const json = Testing.synth(stack);
  return { app, stack, fn, json, tf: JSON.parse(json) };
}

interface ZipEntry {
  name: string;
  /** Unix mode from the entry's external attributes. */
  mode: number;
  data: Buffer;
}

/** Every entry of a zip, read with yauzl (as the local gateway reads Lambda assets), in archive order. */
function readZip(zip: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('not a zip'));
      const entries: ZipEntry[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, mode: entry.externalFileAttributes >>> 16, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

function only<T>(record: Record<string, T> | undefined): T {
  const values = Object.values(record ?? {});
  expect(values).toHaveLength(1);
  return values[0] as T;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-fn-'));
  // Two modules, so the test proves esbuild bundled the import into one file.
  fs.writeFileSync(path.join(work, 'greeting.ts'), 'export const greet = (n: string): string => `hi ${n}`;\n');
  fs.writeFileSync(
    path.join(work, 'entry.ts'),
    "import { greet } from './greeting';\nexport const handler = async (e: { n: string }) => " +
      "({ statusCode: 200, body: greet(e.n) });\nexport const other = async () => 'other';\n",
  );
  entry = path.join(work, 'entry.ts');
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('BundledNodeFunction', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthFunction({ logRetentionDays: 30 });
  });

  it('creates a nodejs22.x arm64 function from the asset, with its hash as source_code_hash', () => {
    expect(s.json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'greeter-dev',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 256,
      timeout: 10,
      filename: s.fn.asset.path,
      source_code_hash: s.fn.asset.assetHash,
    });
    expect(s.fn.asset.path).toMatch(/^assets\/[^/]+\/[0-9A-F]+\/archive\.zip$/);
  });

  it('bundles the entry and its imports into index.js outside the source tree', async () => {
    const out = path.join(s.fn.bundleDir, 'index.js');
    expect(fs.existsSync(out)).toBe(true);
    expect(path.relative(s.app.outdir, out).startsWith('..')).toBe(false);
    expect(path.relative(REPO_ROOT, out).startsWith('..')).toBe(true);
    expect(fs.readdirSync(s.fn.bundleDir)).toEqual(['index.js']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(out) as { handler: (e: { n: string }) => Promise<{ body: string }> };
    await expect(mod.handler({ n: 'ann' })).resolves.toEqual({ statusCode: 200, body: 'hi ann' });
  });

  it('writes the archive where filename points, relative to the stack folder', () => {
    s.app.synth();
    const stackDir = path.join(s.app.outdir, 'stacks', 'fn-stack');
    const synthesized = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    const fn = only(synthesized.resource.aws_lambda_function) as { filename: string };
    const zip = fs.readFileSync(path.join(stackDir, fn.filename));
    expect(zip.subarray(0, 4).toString('binary')).toBe('PK\u0003\u0004');
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
  });

  it('zips exactly the bundle, as index.js at the root, readable by everyone', async () => {
    s.app.synth();
    const stackDir = path.join(s.app.outdir, 'stacks', 'fn-stack');
    const entries = await readZip(fs.readFileSync(path.join(stackDir, s.fn.asset.path)));
    expect(entries.map(({ name, mode }) => ({ name, mode }))).toEqual([{ name: 'index.js', mode: 0o100644 }]);
    expect(entries[0]!.data.equals(fs.readFileSync(path.join(s.fn.bundleDir, 'index.js')))).toBe(true);
  });

  it('keeps the hash stable for the same code and changes it with the code', () => {
    const again = synthFunction({ logRetentionDays: 30 });
    expect(again.fn.asset.assetHash).toBe(s.fn.asset.assetHash);
    const changedEntry = path.join(work, 'entry2.ts');
    fs.writeFileSync(changedEntry, "export const handler = async () => 'changed';\n");
    const changed = synthFunction({ entry: changedEntry });
    expect(changed.fn.asset.assetHash).not.toBe(s.fn.asset.assetHash);
  });

  it('creates an explicit log group with retention, and the function depends on it', () => {
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/lambda/greeter-dev', retention_in_days: 30 });
    const fn = only(s.tf.resource.aws_lambda_function);
    const logGroupId = Object.keys(s.tf.resource.aws_cloudwatch_log_group ?? {})[0];
    expect(fn.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupId}`]);
    expect(fn.logging_config).toEqual(expect.objectContaining({ log_group: `\${aws_cloudwatch_log_group.${logGroupId}.name}` }));
  });

  it('gives the role only CreateLogStream/PutLogEvents on its own log group', () => {
    const logGroupId = Object.keys(s.tf.resource.aws_cloudwatch_log_group ?? {})[0];
    const policy = JSON.parse(only(s.tf.resource.aws_iam_role_policy).policy as string);
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`\${aws_cloudwatch_log_group.${logGroupId}.arn}`, `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`],
      },
    ]);
    expect(s.json).not.toContain('AWSLambdaBasicExecutionRole');
    expect(s.json).not.toContain('logs:CreateLogGroup');
    expect(s.tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    const role = only(s.tf.resource.aws_iam_role);
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(s.json).toHaveResource(IamRole);
    expect(s.json).toHaveResource(IamRolePolicy);
  });

  it('honours runtime, architecture, memory, timeout, handler and environment', () => {
    const custom = synthFunction({
      runtime: 'nodejs24.x',
      architecture: 'x86_64',
      memoryMb: 1024,
      timeoutSeconds: 30,
      handler: 'other',
      environment: { STAGE: 'dev' },
    });
    expect(custom.json).toHaveResourceWithProperties(LambdaFunction, {
      runtime: 'nodejs24.x',
      architectures: ['x86_64'],
      memory_size: 1024,
      timeout: 30,
      handler: 'index.other',
      environment: { variables: { STAGE: 'dev' } },
    });
  });

  it('uses the given bundleDir and wipes stale files in it', () => {
    const dir = path.join(work, 'explicit-bundle');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'stale.js'), 'old');
    const custom = synthFunction({ bundleDir: dir });
    expect(custom.fn.bundleDir).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual(['index.js']);
  });
});

describe('BundledNodeFunction build cache', () => {
  let cacheDir: string;
  let dir: string;
  let cachedEntry: string;
  /** Written as an editor writes before a synth (the cache keeps out what changed while it built). */
  const write = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    const before = new Date(Date.now() - 10_000);
    fs.utimesSync(file, before, before);
  };
  const synthCached = (props: Partial<BundledNodeFunctionProps> = {}) => synthFunction({ entry: cachedEntry, cacheDir, ...props });
  const bundled = (s: Synthesized) => fs.readFileSync(path.join(s.fn.bundleDir, 'index.js'), 'utf8');
  /** Bundles built so far: each build stores one entry (a folder with the bundle and its archive). */
  const builtEntries = () =>
    fs.readdirSync(path.join(cacheDir, 'bundles'), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.tmp-'));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(work, 'cached-'));
    cacheDir = path.join(dir, 'cache');
    write(path.join(dir, 'name.ts'), "export const name = 'first';\n");
    cachedEntry = path.join(dir, 'entry.ts');
    write(cachedEntry, "import { name } from './name';\nexport const handler = async () => name;\n");
  });

  it('builds and archives a bundle once: the next synth of the same code runs no esbuild and reuses the archive', () => {
    const first = synthCached();
    expect(builtEntries()).toHaveLength(1);
    const archive = fs.statSync(path.join(cacheDir, 'bundles', builtEntries()[0]!.name, 'archive.zip'));
    const second = synthCached();
    expect(builtEntries()).toHaveLength(1);
    expect(fs.statSync(path.join(cacheDir, 'bundles', builtEntries()[0]!.name, 'archive.zip')).mtimeMs).toBe(archive.mtimeMs);
    expect(second.fn.asset.assetHash).toBe(first.fn.asset.assetHash);
    expect(bundled(second)).toBe(bundled(first));
    second.app.synth();
    const fn = only(second.tf.resource.aws_lambda_function) as { filename: string };
    const zip = fs.readFileSync(path.join(second.app.outdir, 'stacks', 'fn-stack', fn.filename));
    expect(zip.subarray(0, 4).toString('binary')).toBe('PK\u0003\u0004');
  });

  it('gives the archive the hash cdktf gives a folder holding only the bundle (md5 of index.js)', () => {
    const s = synthCached();
    const md5 = createHash('md5')
      .update(fs.readFileSync(path.join(s.fn.bundleDir, 'index.js')))
      .digest('hex')
      .toUpperCase();
    expect(s.fn.asset.assetHash).toBe(md5);
  });

  it('gives the same code the same archive bytes, whichever cache folder and time it is built in', () => {
    const archiveIn = (cache: string) => {
      const entries = fs.readdirSync(path.join(cache, 'bundles')).filter((name) => !name.endsWith('.json'));
      expect(entries).toHaveLength(1);
      return fs.readFileSync(path.join(cache, 'bundles', entries[0]!, 'archive.zip'));
    };
    synthCached();
    const otherCache = path.join(dir, 'other-cache');
    // A day later: a zip stamped with the build time would differ.
    const later = Date.now() + 24 * 60 * 60 * 1000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      synthCached({ cacheDir: otherCache });
    } finally {
      clock.mockRestore();
    }
    expect(archiveIn(otherCache).equals(archiveIn(cacheDir))).toBe(true);
  });

  it('builds again when the entry changes', () => {
    const first = synthCached();
    write(cachedEntry, "import { name } from './name';\nexport const handler = async () => name + '!';\n");
    const second = synthCached();
    expect(builtEntries()).toHaveLength(2);
    expect(second.fn.asset.assetHash).not.toBe(first.fn.asset.assetHash);
    expect(bundled(second)).toContain('"!"');
  });

  it('builds again when a file the entry imports changes', () => {
    const first = synthCached();
    write(path.join(dir, 'name.ts'), "export const name = 'second';\n");
    const second = synthCached();
    expect(builtEntries()).toHaveLength(2);
    expect(second.fn.asset.assetHash).not.toBe(first.fn.asset.assetHash);
    expect(bundled(second)).toContain('second');
    expect(bundled(second)).not.toContain('first');
  });

  it('keeps the bundles of different entries apart', () => {
    const other = path.join(dir, 'other.ts');
    write(other, "export const handler = async () => 'other';\n");
    const a = synthCached();
    const b = synthCached({ entry: other });
    expect(bundled(a)).toContain('first');
    expect(bundled(b)).toContain('other');
    expect(a.fn.asset.assetHash).not.toBe(b.fn.asset.assetHash);
  });
});

describe('BundledNodeFunction errors', () => {
  it.each<[string, Partial<BundledNodeFunctionProps>, RegExp]>([
    ['a function name over 64 characters', { functionName: 'x'.repeat(65) }, /functionName "x+" must be 1-64 characters/],
    ['a function name with spaces', { functionName: 'my function' }, /functionName "my function"/],
    ['a relative entry', { entry: 'lambda/handler.ts' }, /entry "lambda\/handler.ts" must be an absolute path/],
    ['a missing entry', { entry: '/nonexistent/handler.ts' }, /entry "\/nonexistent\/handler.ts" does not exist/],
    ['a handler that is not an export name', { handler: 'index.handler' }, /handler "index.handler" is not a JavaScript export name/],
    ['memory out of range', { memoryMb: 64 }, /memoryMb 64 must be an integer from 128 to 10240/],
    ['timeout out of range', { timeoutSeconds: 901 }, /timeoutSeconds 901 must be an integer from 1 to 900/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => synthFunction(props)).toThrow(message);
  });

  it('names the file and line esbuild could not bundle', () => {
    const broken = path.join(work, 'broken.ts');
    fs.writeFileSync(broken, 'export const handler = async () => {\n  return (;\n};\n');
    expect(() => synthFunction({ entry: broken })).toThrow(/esbuild could not bundle .*broken\.ts: .*broken\.ts:2: /);
  });

  it('reports every problem at once', () => {
    expect(() => synthFunction({ functionName: 'bad name', memoryMb: 1 })).toThrow(/functionName[\s\S]*memoryMb/);
  });
});
