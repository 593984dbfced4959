import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config';
import { STACK_OUTPUT_KEYS, STACK_OUTPUTS, type StackOutputs } from '../stacks/outputs';
import { OutputsError } from './errors';

export type { StackOutputs };

function producers(stack: string): string {
  return (
    `write it with \`npx cdktf deploy ${stack} --outputs-file <file>\` (or \`npx cdktf output ${stack} ` +
    `--outputs-file <file>\`), or \`terraform output -json > <file>\` in the stack's directory (cdktf.out/stacks/${stack})`
  );
}

/**
 * Reads the stack's outputs from either `cdktf … --outputs-file` JSON (`{"<stack>": {"api_id": "…"}}`)
 * or `terraform output -json` (`{"api_id": {"value": "…"}}`), and checks they belong to this
 * configuration's stack and environment.
 */
export function readStackOutputs(file: string, config: ResolvedConfig): StackOutputs {
  const stack = config.stackName;
  if (!fs.existsSync(file)) throw new OutputsError(`The Terraform outputs file ${file} does not exist.`, producers(stack));
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OutputsError(`The Terraform outputs file ${file} is not valid JSON (${(err as Error).message}).`, producers(stack));
  }
  return parseStackOutputs(raw, config, file);
}

export function parseStackOutputs(raw: unknown, config: ResolvedConfig, file = '(outputs)'): StackOutputs {
  const stack = config.stackName;
  if (!isObject(raw)) throw new OutputsError(`${file} does not hold a JSON object of Terraform outputs.`, producers(stack));
  let flat: Record<string, unknown>;
  const probe = STACK_OUTPUTS.apiId.name;
  const first = raw[probe];
  if (isObject(first) && 'value' in first) {
    flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, isObject(v) ? v.value : v]));
  } else if (probe in raw) {
    flat = raw;
  } else {
    const stacks = Object.keys(raw).filter((k) => isObject(raw[k]));
    const mine = raw[stack];
    if (!isObject(mine)) {
      const found = stacks.length ? `it holds the outputs of ${stacks.map((s) => `"${s}"`).join(', ')}` : 'it holds no stack outputs';
      throw new OutputsError(
        `${file} has no outputs for stack "${stack}" (environment "${config.environment}"): ${found}.`,
        `pass the outputs of ${stack} (--env ${config.environment}); ${producers(stack)}`,
      );
    }
    flat = mine;
  }
  const missing: string[] = [];
  const out = {} as StackOutputs;
  for (const key of STACK_OUTPUT_KEYS) {
    const name = STACK_OUTPUTS[key].name;
    const v = flat[name];
    if (typeof v !== 'string' || v === '') missing.push(name);
    else out[key] = v;
  }
  if (missing.length) {
    throw new OutputsError(
      `${file} lacks the output(s) ${missing.join(', ')} of stack "${stack}" (the file may come ` +
        `from an older version of the stack or be truncated).`,
      producers(stack),
    );
  }
  if (out.stackName !== stack || out.environment !== config.environment) {
    throw new OutputsError(
      `${file} holds the outputs of stack "${out.stackName}" (environment "${out.environment}"), ` +
        `not of "${stack}" (environment "${config.environment}").`,
      `pass the outputs file of ${stack}, or choose the matching --env; ${producers(stack)}`,
    );
  }
  return out;
}

/**
 * `plan`/`apply` refuse outputs of another deployment of the same stack name: another organization's
 * issuer (its tokens would never pass this configuration's authorizer) or another region.
 */
export function checkOutputsMatch(out: StackOutputs, config: ResolvedConfig, file: string): StackOutputs {
  const stack = config.stackName;
  const mismatch = [
    out.issuer !== config.asgardeo.issuer ? `issuer ${out.issuer} (the configuration's is ${config.asgardeo.issuer})` : '',
    out.region !== config.aws.region ? `region ${out.region} (the configuration's is ${config.aws.region})` : '',
  ].filter(Boolean);
  if (mismatch.length) {
    throw new OutputsError(
      `${file} belongs to stack "${stack}" but to another deployment: ${mismatch.join('; ')}.`,
      `pass the outputs of this deployment (or \`--outputs none\`: the Asgardeo side needs no outputs), or fix asgardeo.organization / ` +
        `ASGARDEO_BASE_URL / aws.region in the configuration; ${producers(stack)}`,
    );
  }
  return out;
}

/** What `tollgate apply` writes for callers: everything needed to ask for and check a token; no secret. */
export interface AsgardeoOutputs {
  stackName: string;
  environment: string;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  audience: string;
  apiResourceId: string;
  clients: { name: string; clientId: string }[];
}

/** Where `tollgate apply` writes its AsgardeoOutputs unless told otherwise: `.tollgate/<stack>.asgardeo.json`. */
export function asgardeoOutputsPath(config: ResolvedConfig, cwd: string): string {
  return path.resolve(cwd, '.tollgate', `${config.stackName}.asgardeo.json`);
}

export function writeAsgardeoOutputs(file: string, outputs: AsgardeoOutputs): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(outputs, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The one outputs file tollgate writes: `{"<stack>": {"api_id": "…", …}}` (as `cdktf deploy --outputs-file` writes it). */
export function writeStackOutputs(file: string, stack: string, values: Readonly<Record<string, unknown>>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ [stack]: values }, null, 2)}\n`);
}
