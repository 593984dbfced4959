import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, AssetType, TerraformAsset, TerraformStack } from 'cdktf';

/** The parts of cdk.tf.json that tests change. */
export interface EditableStackJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; sensitive?: boolean }>;
  [key: string]: unknown;
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Zips a folder exactly as cdktf zips a TerraformAsset of type ARCHIVE, by letting cdktf do it. */
export function zipWithCdktf(sourceDir: string, destination: string): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-zip-'));
  try {
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, 'zip');
    const asset = new TerraformAsset(stack, 'Asset', { path: sourceDir, type: AssetType.ARCHIVE });
    app.synth();
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    fs.copyFileSync(path.join(outdir, 'stacks', 'zip', asset.path), destination);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const zips = new Map<string, string>();

/** One cdktf-made zip per handler folder and test file: synth is the slow part. */
function cachedZip(handlerDir: string): string {
  let zip = zips.get(handlerDir);
  if (!zip) {
    zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-asset-')), 'archive.zip');
    zipWithCdktf(handlerDir, zip);
    zips.set(handlerDir, zip);
  }
  return zip;
}

/** Removes the cached zips. Jest workers end without a process 'exit' event, so it runs after each test file. */
function removeCachedZips(): void {
  for (const zip of zips.values()) fs.rmSync(path.dirname(zip), { recursive: true, force: true });
  zips.clear();
}
if (typeof afterAll === 'function') afterAll(removeCachedZips);
process.once('exit', removeCachedZips);

/**
 * A stack folder like `cdktf.out/stacks/pharmacy-user-api-dev`, from the fixture cdk.tf.json with
 * the test issuer filled in; `edit` may change the JSON (e.g. make a route public).
 */
export function prepareStackDir(
  issuer: string,
  edit?: (json: EditableStackJson) => void,
  handlerDir = path.join(FIXTURES, 'handler'),
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-stack-'));
  const json: EditableStackJson = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cdk.tf.json'), 'utf8').split('__ISSUER__').join(issuer));
  edit?.(json);
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  for (const fn of Object.values(json.resource.aws_lambda_function ?? {})) {
    if (typeof fn.filename === 'string') {
      const destination = path.join(dir, fn.filename);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.copyFileSync(cachedZip(handlerDir), destination);
    }
  }
  return dir;
}
