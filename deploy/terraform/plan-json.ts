/**
 * Terraform's JSON plan (`terraform show -json PLANFILE`, format 1.x) read into typed resource
 * changes. Only the parts tollgate reads are checked; anything unexpected there is an error, never
 * a guess (an unknown action must not hide a change).
 */
import { z } from 'zod';
import { TerraformError } from './errors';

export type ResourceAction = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read' | 'forget';

export interface ResourceChange {
  /** e.g. `aws_apigatewayv2_route.http-api_route-GET-2Fuser_4903E5E4` */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly action: ResourceAction;
  /** For a replace: whether the new object is created before the old one is deleted. */
  readonly createBeforeDestroy?: boolean;
  /** Terraform's reason code, e.g. `replace_because_cannot_update`. */
  readonly reason?: string;
  /** Attributes whose new value Terraform marks as forcing a replacement. */
  readonly replacePaths?: readonly (readonly (string | number)[])[];
  readonly before: unknown;
  readonly after: unknown;
  /** Mirrors `after`: `true` where the value is known only after apply. */
  readonly afterUnknown: unknown;
  /** The ID this plan imports the object by (an `import` block), whatever else it does to it. */
  readonly importing?: string;
}

export interface OutputChange {
  readonly name: string;
  readonly action: ResourceAction;
}

export interface ChangeSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  forget: number;
  /** Objects imported (`import` blocks); absent when none. */
  import?: number;
}

export interface TerraformPlan {
  readonly formatVersion: string;
  readonly terraformVersion: string;
  /** Managed resources and data sources, in Terraform's order. */
  readonly resourceChanges: readonly ResourceChange[];
  readonly outputChanges: readonly OutputChange[];
  /** Counts of managed resource changes (no-ops and reads not counted). */
  readonly summary: ChangeSummary;
  /** Whether applying would change anything: a managed resource or an output. */
  readonly hasChanges: boolean;
  /** false when Terraform says this plan cannot be applied (e.g. it errored). */
  readonly applyable: boolean;
  /** The document as Terraform wrote it, for readers that need more (e.g. `configuration`). */
  readonly json: PlanJson;
}

const changeSchema = z.object({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.object({ id: z.string().optional() }).optional(),
});

const planSchema = z.object({
  format_version: z.string(),
  terraform_version: z.string(),
  resource_changes: z
    .array(
      z.object({
        address: z.string(),
        mode: z.enum(['managed', 'data']),
        type: z.string(),
        name: z.string(),
        change: changeSchema,
        action_reason: z.string().optional(),
      }),
    )
    .optional(),
  output_changes: z.record(z.string(), changeSchema).optional(),
  configuration: z.unknown().optional(),
  applyable: z.boolean().optional(),
  errored: z.boolean().optional(),
});

export type PlanJson = z.infer<typeof planSchema>;

/** `actions` of a change → one action; throws on combinations Terraform does not document. */
export function actionOf(actions: readonly string[]): { action: ResourceAction; createBeforeDestroy?: boolean } {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'create':
    case 'read':
    case 'update':
    case 'delete':
    case 'forget':
      return { action: key };
    case 'delete,create':
      return { action: 'replace', createBeforeDestroy: false };
    case 'create,delete':
      return { action: 'replace', createBeforeDestroy: true };
    default:
      throw new TerraformError(
        'plan-json',
        `The JSON plan has the action list [${key}], which tollgate does not know.`,
        'use a supported Terraform version (see docs/terraform.md) or report this to tollgate',
      );
  }
}

/** Parses the text of `terraform show -json PLANFILE`. */
export function parsePlanJson(text: string): TerraformPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TerraformError(
      'plan-json',
      `\`terraform show -json\` did not print JSON: ${(err as Error).message}.`,
      'run `terraform show -json PLANFILE` in the stack folder to see what it prints',
    );
  }
  return readPlan(raw);
}

export function readPlan(raw: unknown): TerraformPlan {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TerraformError(
      'plan-json',
      `The JSON plan is not in the format tollgate ` +
        `reads: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown problem'}.`,
      'pass the output of `terraform show -json PLANFILE` (a plan file, not a state)',
    );
  }
  const json = parsed.data;
  if (!/^1\./.test(json.format_version)) {
    throw new TerraformError(
      'plan-json',
      `The JSON plan has format_version ${json.format_version}; tollgate reads 1.x.`,
      'use a supported Terraform version (see docs/terraform.md)',
    );
  }
  const resourceChanges: ResourceChange[] = (json.resource_changes ?? []).map((rc) => {
    const { action, createBeforeDestroy } = actionOf(rc.change.actions);
    return {
      address: rc.address,
      mode: rc.mode,
      type: rc.type,
      name: rc.name,
      action,
      ...(createBeforeDestroy !== undefined ? { createBeforeDestroy } : {}),
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
      ...(rc.change.replace_paths ? { replacePaths: rc.change.replace_paths } : {}),
      before: rc.change.before ?? null,
      after: rc.change.after ?? null,
      afterUnknown: rc.change.after_unknown ?? {},
      ...(rc.change.importing ? { importing: rc.change.importing.id ?? '' } : {}),
    };
  });
  const outputChanges: OutputChange[] = Object.entries(json.output_changes ?? {}).map(([name, c]) => ({
    name,
    action: actionOf(c.actions).action,
  }));
  const summary: ChangeSummary = { create: 0, update: 0, replace: 0, delete: 0, forget: 0 };
  for (const rc of resourceChanges) {
    if (rc.mode === 'managed' && rc.action !== 'no-op' && rc.action !== 'read') summary[rc.action] += 1;
    if (rc.mode === 'managed' && rc.importing !== undefined) summary.import = (summary.import ?? 0) + 1;
  }
  const hasChanges = Object.values(summary).some((n) => n > 0) || outputChanges.some((o) => o.action !== 'no-op');
  return {
    formatVersion: json.format_version,
    terraformVersion: json.terraform_version,
    resourceChanges,
    outputChanges,
    summary,
    hasChanges,
    applyable: json.applyable ?? !json.errored,
    json,
  };
}

/** `Plan: 1 to add, 0 to change, 1 to destroy (1 replaced).`: a one-line summary for reports. */
export function describeSummary(s: ChangeSummary): string {
  const imports = s.import ?? 0;
  const total = s.create + s.update + s.replace + s.delete + s.forget + imports;
  if (total === 0) return 'No changes.';
  const parts = [
    ...(imports ? [`${imports} to import`] : []),
    `${s.create + s.replace} to add`,
    `${s.update} to change`,
    `${s.delete + s.replace} to destroy`,
  ];
  const extra = [s.replace ? `${s.replace} replaced` : '', s.forget ? `${s.forget} to forget` : ''].filter(Boolean);
  return `Plan: ${parts.join(', ')}${extra.length ? ` (${extra.join(', ')})` : ''}.`;
}

/**
 * What the configuration says for an attribute of a resource (`configuration.root_module`), as
 * `{constant_value?, references?}`: how to check values Terraform knows only after apply (e.g. a
 * source ARN built from the API's execution ARN). Nested blocks are reached by name and index.
 */
export function configuredExpression(
  plan: TerraformPlan,
  address: string,
  attributePath: readonly (string | number)[],
): { constant_value?: unknown; references?: string[] } | undefined {
  const resources =
    (plan.json.configuration as { root_module?: { resources?: { address: string; expressions?: unknown }[] } } | undefined)?.root_module
      ?.resources ?? [];
  let node: unknown = resources.find((r) => r.address === address)?.expressions;
  for (const step of attributePath) {
    if (node === undefined || node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node as { constant_value?: unknown; references?: string[] } | undefined;
}
