import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { zipSync, type Zippable } from 'fflate';
import { App, AssetType, TerraformAsset, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { cachedBuild, cacheRoot, sourceFiles } from '../config/build-cache';

export type NodeRuntime = 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';
export type LambdaArchitecture = 'arm64' | 'x86_64';

/** Properties of a {@link BundledNodeFunction}. */
export interface BundledNodeFunctionProps {
  /** Absolute path of the TypeScript (or JavaScript) entry file. */
  readonly entry: string;
  /** Lambda function name; also names the log group `/aws/lambda/<functionName>`. 1-64 of `A-Za-z0-9-_`. */
  readonly functionName: string;
  /** Name of the exported handler function in `entry`. @default 'handler' */
  readonly handler?: string;
  /** @default 'nodejs22.x' */
  readonly runtime?: NodeRuntime;
  /** @default 'arm64' */
  readonly architecture?: LambdaArchitecture;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** Retention of the function's log group. @default 14 */
  readonly logRetentionDays?: number;
  /** Plain (non-secret) environment variables. Values land in Terraform state: never put secrets here. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default none */
  readonly description?: string;
  /**
   * Folder esbuild writes `index.js` into before it is archived. It is wiped first.
   * @default `<app outdir>/.bundles/<stack>/<construct path>`: inside the build output, never the source tree
   */
  readonly bundleDir?: string;
  /**
   * Folder of tollgate's build cache: a bundle whose inputs (the entry, everything it imports, the
   * esbuild options and version) did not change is neither built nor archived again.
   * @default `TOLLGATE_CACHE_DIR`, else `node_modules/.cache/tollgate` of the project holding the entry,
   * else `<app outdir>/.cache/tollgate`
   */
  readonly cacheDir?: string;
  /** Tags on every resource this construct creates. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HANDLER_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A Node.js Lambda function built from a TypeScript entry: bundled with esbuild at synth time into
 * a `TerraformAsset` archive, with an explicit log group and a role that may only write to it.
 */
export class BundledNodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly asset: TerraformAsset;
  readonly functionName: string;
  /** Folder holding the bundled `index.js`. */
  readonly bundleDir: string;

  constructor(scope: Construct, id: string, props: BundledNodeFunctionProps) {
    super(scope, id);
    validateProps(props);
    const handler = props.handler ?? 'handler';
    const tags = props.tags ? { ...props.tags } : undefined;
    this.functionName = props.functionName;

    this.bundleDir = path.resolve(props.bundleDir ?? defaultBundleDir(this));
    const built = bundle(props.entry, this.bundleDir, path.resolve(props.cacheDir ?? defaultCacheDir(this, props.entry)));
    // The archive is built once per bundle, so cdktf copies it instead of zipping at every synth; the hash is
    // the one cdktf gives an archive of the bundle folder, so the stack is the same as when cdktf zipped it.
    this.asset = new TerraformAsset(this, 'code', { path: built.archive, type: AssetType.FILE, assetHash: built.hash });

    // Explicit, so retention is ours and the role needs no logs:CreateLogGroup.
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? 14,
      tags,
    });

    this.role = new IamRole(this, 'role', {
      namePrefix: `${props.functionName.slice(0, 37)}-`,
      description: `Execution role of Lambda ${props.functionName}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags,
    });

    new IamRolePolicy(this, 'logs-policy', {
      name: 'write-own-logs',
      role: this.role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
          },
        ],
      }),
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      filename: this.asset.path,
      sourceCodeHash: this.asset.assetHash,
      handler: `index.${handler}`,
      runtime: props.runtime ?? 'nodejs22.x',
      architectures: [props.architecture ?? 'arm64'],
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeoutSeconds ?? 10,
      environment: props.environment && Object.keys(props.environment).length > 0 ? { variables: { ...props.environment } } : undefined,
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      // Lambda would otherwise create the group itself (without retention) on a first invocation racing the apply.
      dependsOn: [this.logGroup],
      tags,
    });
  }
}

function validateProps(props: BundledNodeFunctionProps): void {
  const problems: string[] = [];
  if (!FUNCTION_NAME.test(props.functionName)) {
    problems.push(
      `functionName "${props.functionName}" must be 1-64 characters of ` +
        `letters, digits, "-" and "_" (shorten apiName or the environment name)`,
    );
  }
  if (props.handler !== undefined && !HANDLER_NAME.test(props.handler)) {
    problems.push(`handler "${props.handler}" is not a JavaScript export name`);
  }
  if (!path.isAbsolute(props.entry)) problems.push(`entry "${props.entry}" must be an absolute path`);
  else if (!fs.existsSync(props.entry)) problems.push(`entry "${props.entry}" does not exist: check aws.lambda.entry in the configuration`);
  if (props.memoryMb !== undefined && !(Number.isInteger(props.memoryMb) && props.memoryMb >= 128 && props.memoryMb <= 10240)) {
    problems.push(`memoryMb ${props.memoryMb} must be an integer from 128 to 10240`);
  }
  if (
    props.timeoutSeconds !== undefined &&
    !(Number.isInteger(props.timeoutSeconds) && props.timeoutSeconds >= 1 && props.timeoutSeconds <= 900)
  ) {
    problems.push(`timeoutSeconds ${props.timeoutSeconds} must be an integer from 1 to 900`);
  }
  if (problems.length > 0) throw new Error(`BundledNodeFunction: invalid props:\n  - ${problems.join('\n  - ')}`);
}

function defaultBundleDir(construct: Construct): string {
  const stack = TerraformStack.of(construct);
  const relative = construct.node.path.split('/').slice(1).join('-') || construct.node.id;
  // Absolute: TerraformAsset would read a relative path as relative to cdktf.json, not to the working directory.
  return path.resolve(App.of(construct).outdir, '.bundles', stack.node.id, relative);
}

function defaultCacheDir(construct: Construct, entry: string): string {
  return cacheRoot(path.dirname(entry)) ?? path.resolve(App.of(construct).outdir, '.cache', 'tollgate');
}

const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  // The Node runtimes ship AWS SDK v3; bundling it would only grow the archive.
  external: ['@aws-sdk/*'],
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** The archive's name in a cache entry; TerraformAsset names its copy after it (`…/<hash>/archive.zip`). */
const ARCHIVE = 'archive.zip';

/**
 * The entry's bundle (`index.js`, also copied into `bundleDir`) and its zip archive, from the build cache,
 * built on a miss. Synchronous: constructs are built synchronously, and the asset reads the archive right away.
 */
function bundle(entry: string, bundleDir: string, cacheDir: string): { archive: string; hash: string } {
  const cwd = process.cwd();
  const built = cachedBuild({
    dir: path.join(cacheDir, 'bundles'),
    // The working directory is in the key: esbuild writes paths relative to it into unminified output.
    key: { esbuild: esbuildVersion, options: BUNDLE_OPTIONS, entry, cwd },
    build: (folder) => {
      const code = path.join(folder, 'code');
      const inputs = esbuildBundle(entry, path.join(code, 'index.js'), cwd);
      archive(code, path.join(folder, ARCHIVE));
      return { inputs };
    },
  });
  const index = path.join(built.folder, 'code', 'index.js');
  fs.rmSync(bundleDir, { recursive: true, force: true });
  fs.mkdirSync(bundleDir, { recursive: true });
  fs.copyFileSync(index, path.join(bundleDir, 'index.js'));
  // What cdktf's hashPath gives a folder holding only index.js: md5 of the file's contents.
  const hash = createHash('md5').update(fs.readFileSync(index)).digest('hex').slice(0, 32).toUpperCase();
  return { archive: path.join(built.folder, ARCHIVE), hash };
}

/** Bundles `entry` into `outfile`; returns the files esbuild read. */
function esbuildBundle(entry: string, outfile: string, cwd: string): string[] {
  try {
    const result = buildSync({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile, metafile: true, absWorkingDir: cwd });
    return sourceFiles(result.metafile.inputs, cwd);
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail =
      errors.length > 0
        ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('; ')
        : (err as Error).message;
    throw new Error(`BundledNodeFunction: esbuild could not bundle ${entry}: ${detail}`);
  }
}

/**
 * The same metadata for every entry, so the same files always give the same archive bytes. Zip stores
 * local time, so the date is built from local fields: every time zone writes 2000-01-01 00:00. A Unix
 * regular file readable by all, as Lambda's runtime user must read it; level 9 as cdktf's archiver used.
 */
const ZIP_ENTRY = { mtime: new Date(2000, 0, 1), os: 3, attrs: 0o100644 << 16, level: 9 } as const;

/**
 * Zips the folder's files to the archive's root, in-process and synchronously (constructs are built
 * synchronously), so a cache miss costs no Node start for cdktf's archiver script. Fixed metadata and
 * sorted names make the archive a function of the files alone.
 */
function archive(folder: string, zip: string): void {
  try {
    const entries: Zippable = {};
    for (const name of filesUnder(folder)) entries[name] = [fs.readFileSync(path.join(folder, name)), ZIP_ENTRY];
    fs.writeFileSync(zip, zipSync(entries));
  } catch (err) {
    throw new Error(`BundledNodeFunction: could not archive ${folder}: ${(err as Error).message}`);
  }
}

/** The regular files under `folder`, as sorted `/`-separated paths relative to it. */
function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}
