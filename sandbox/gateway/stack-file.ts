import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { GatewayStackError } from './errors';

/** A Terraform block as cdktf writes it: attributes plus cdktf's `"//"` metadata, which we ignore. */
export type TerraformBlock = Record<string, unknown>;

const blocksByName = z.record(z.string(), z.record(z.string(), z.unknown()));

const terraformJson = z.object({
  '//': z
    .object({ metadata: z.object({ stackName: z.string().optional() }).passthrough().optional() })
    .passthrough()
    .optional(),
  resource: z.record(z.string(), blocksByName).optional(),
  data: z.record(z.string(), blocksByName).optional(),
  output: z.record(z.string(), z.object({ value: z.unknown(), sensitive: z.boolean().optional() }).passthrough()).optional(),
  provider: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
});

export interface TerraformStackJson {
  /** Absolute path of the stack folder (`cdktf.out/stacks/<stackName>`); asset paths are relative to it. */
  readonly stackDir: string;
  readonly file: string;
  readonly stackName: string;
  readonly resources: Readonly<Record<string, Readonly<Record<string, TerraformBlock>>>>;
  readonly data: Readonly<Record<string, Readonly<Record<string, TerraformBlock>>>>;
  readonly outputs: Readonly<Record<string, { readonly value: unknown; readonly sensitive?: boolean }>>;
  readonly providers: Readonly<Record<string, readonly TerraformBlock[]>>;
}

/** Reads `<stackDir>/cdk.tf.json`, the Terraform JSON `cdktf synth` writes for one stack. */
export function readStackJson(stackDir: string): TerraformStackJson {
  const dir = path.resolve(stackDir);
  const file = path.join(dir, 'cdk.tf.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new GatewayStackError(
      `cannot read the synthesized stack ${file}: ${reason}. ` +
        'Run the synth first (npx tsx main.ts, or npm run synth) and pass the stack folder cdktf.out/stacks/<stackName>.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GatewayStackError(`${file} is not valid JSON (${(error as Error).message}); synthesize the stack again.`);
  }
  const parsed = terraformJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayStackError(
      `${file} is not Terraform JSON as cdktf writes it: at "${issue.path.join('.')}": ${issue.message}; synthesize the stack again.`,
    );
  }
  const json = parsed.data;
  return {
    stackDir: dir,
    file,
    stackName: json['//']?.metadata?.stackName ?? path.basename(dir),
    resources: json.resource ?? {},
    data: json.data ?? {},
    outputs: Object.fromEntries(Object.entries(json.output ?? {}).map(([name, o]) => [name, { value: o.value, sensitive: o.sensitive }])),
    providers: json.provider ?? {},
  };
}
