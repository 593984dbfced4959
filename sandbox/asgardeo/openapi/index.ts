import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load as parseYaml } from 'js-yaml';
import {
  ALLOWED_VIOLATIONS,
  EXTRA_STATUSES,
  patchScimSpec,
  RATE_LIMIT_STATUS,
  STATUS_ALIASES,
  type ViolationContext,
} from './allowed-differences';

/**
 * Validates requests to and responses of an Asgardeo-compatible server against WSO2's OpenAPI
 * documents in ../shared/asgardeo-api/, accepting only the differences the contract page
 * documents (./allowed-differences.ts). The spec files are read, never copied into the project.
 */

export interface ValidationResult {
  /** `METHOD /base/template`, e.g. `POST /api/server/v1/api-resources`; null when no spec covers the call. */
  operation: string | null;
  violations: string[];
}

export interface RequestToValidate {
  method: string;
  /** Full path (`/t/{org}/api/server/v1/...`) or the path below the organization; may carry `?query`. */
  path: string;
  query?: string | URLSearchParams;
  contentType?: string;
  body?: unknown;
}

export interface ResponseToValidate {
  method: string;
  path: string;
  status: number;
  contentType?: string;
  /** Parsed body; undefined or '' for an empty body. */
  body?: unknown;
}

export interface AsgardeoSpecs {
  readonly dir: string;
  /** Every operation the loaded specs define. */
  readonly operations: readonly string[];
  /** Optional documents that were not found (their paths are not checked; callers say so). */
  readonly missing: readonly string[];
  /** False for a path only a missing optional document would cover (e.g. `/scim2/v3/Roles` without roles-v3.yaml). */
  covers(path: string): boolean;
  validateRequest(request: RequestToValidate): ValidationResult;
  validateResponse(response: ResponseToValidate): ValidationResult;
}

/**
 * The spec files used and the API family each belongs to. `optional`: read when present (the folder
 * may not hold it), else the paths under `prefix` go unchecked. `base` overrides a wrong `servers:`
 * entry: roles-v3.yaml (docs-is `en/asgardeo/docs/apis/restapis/roles-v3.yaml`) names `/scim2/v2`
 * as its server, with paths `/v3/Roles`; the real endpoints are `/scim2/v3/Roles` (asgardeo-secrets-and-roles.md, B).
 */
const SPEC_FILES: readonly { file: string; family: 'management' | 'scim'; optional?: { prefix: string }; base?: string }[] = [
  { file: 'APIResources.yaml', family: 'management' },
  { file: 'applications.yaml', family: 'management' },
  { file: 'scim2-users.yaml', family: 'scim' },
  { file: 'roles.yaml', family: 'scim' },
  { file: 'roles-v3.yaml', family: 'scim', optional: { prefix: '/scim2/v3/Roles' }, base: '/scim2' },
];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** `<repo>/../shared/asgardeo-api`, or TOLLGATE_ASGARDEO_API_SPECS (a folder holding more documents, e.g. roles-v3.yaml). */
export function defaultSpecDir(): string {
  return process.env.TOLLGATE_ASGARDEO_API_SPECS || path.resolve(REPO_ROOT, '..', 'shared', 'asgardeo-api');
}

type Json = Record<string, unknown>;

interface Operation {
  name: string;
  file: string;
  family: 'management' | 'scim';
  method: string;
  template: string;
  regex: RegExp;
  literalSegments: number;
  /** JSON pointer (unescaped segments) of the operation object inside its file. */
  pointer: string[];
  definition: Json;
  pathItem: Json;
}

const SCIM_ERROR_SCHEMA = {
  type: 'object',
  required: ['schemas', 'detail', 'status'],
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    detail: { type: 'string' },
    status: { type: 'string' },
    scimType: { type: 'string' },
  },
};

/** Loads the specs; null when the folder is absent (callers skip with a clear message). */
export function loadAsgardeoSpecs(dir: string = defaultSpecDir()): AsgardeoSpecs | null {
  if (!existsSync(dir)) return null;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  const docs = new Map<string, Json>();
  const operations: Operation[] = [];
  const missing: { file: string; prefix: string }[] = [];
  for (const { file, family, optional, base: baseOverride } of SPEC_FILES) {
    const fullPath = path.join(dir, file);
    if (optional && !existsSync(fullPath)) {
      missing.push({ file, prefix: optional.prefix });
      continue;
    }
    let doc: Json;
    try {
      doc = parseYaml(readFileSync(fullPath, 'utf8')) as Json;
    } catch (err) {
      throw new Error(
        `Cannot read the OpenAPI document ${fullPath}: ${(err as Error).message}. Restore the file (see SOURCES.md in that folder).`,
      );
    }
    if (family === 'scim') patchScimSpec(doc);
    docs.set(file, doc);
    ajv.addSchema(doc, file);
    const servers = (doc.servers as { url: string }[] | undefined) ?? [];
    const base = baseOverride ?? (servers[0]?.url ?? '').replace(/^.*\/t\/\{[^}]+\}/, '');
    for (const [template, pathItem] of Object.entries((doc.paths as Record<string, Json>) ?? {})) {
      for (const method of METHODS) {
        const definition = pathItem[method] as Json | undefined;
        if (!definition) continue;
        const full = `${base}${template}`.replace(/\/$/, '');
        const segments = full.split('/').filter(Boolean);
        operations.push({
          name: `${method.toUpperCase()} ${full}`,
          file,
          family,
          method: method.toUpperCase(),
          template: full,
          regex: new RegExp(`^${segments.map((s) => (/^\{.+\}$/.test(s) ? '/([^/]+)' : `/${escapeRegex(s)}`)).join('')}/?$`),
          literalSegments: segments.filter((s) => !/^\{.+\}$/.test(s)).length,
          pointer: ['paths', template, method],
          definition,
          pathItem,
        });
      }
    }
  }
  // A literal segment beats a parameter: /applications/import before /applications/{applicationId}.
  operations.sort((a, b) => b.literalSegments - a.literalSegments);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (file: string, pointer: readonly string[]): ValidateFunction => {
    const key = `${file}#/${pointer.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.getSchema(key);
      if (!validate) throw new Error(`No schema at ${key}`);
      compiled.set(key, validate);
    }
    return validate;
  };
  const scimErrorValidator = ajv.compile(SCIM_ERROR_SCHEMA);

  const resolveRef = (file: string, node: Json, pointer: string[]): { node: Json; pointer: string[] } => {
    let current = node;
    let at = pointer;
    for (let depth = 0; typeof current.$ref === 'string' && depth < 10; depth += 1) {
      const ref = current.$ref as string;
      if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref} in ${file}`);
      at = ref
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      current = at.reduce<unknown>((acc, key) => (acc as Json)?.[key], docs.get(file)) as Json;
    }
    return { node: current, pointer: at };
  };

  const find = (method: string, rawPath: string): { operation: Operation; query: string } | undefined => {
    const [pathPart, queryPart = ''] = rawPath.split('?', 2) as [string, string?];
    const below = pathPart.replace(/^\/t\/[^/]+/, '').replace(/\/$/, '');
    const upper = method.toUpperCase();
    const operation = operations.find((op) => op.method === upper && op.regex.test(below));
    return operation ? { operation, query: queryPart } : undefined;
  };

  const schemaViolations = (
    validate: ValidateFunction,
    value: unknown,
    ctx: Omit<ViolationContext, 'instancePath' | 'keyword' | 'params'>,
    label: string,
  ): string[] => {
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .filter(
        (e: ErrorObject) =>
          !ALLOWED_VIOLATIONS.some((allowed) =>
            allowed.matches({ ...ctx, instancePath: e.instancePath, keyword: e.keyword, params: e.params as Record<string, unknown> }),
          ),
      )
      .map(
        (e: ErrorObject) =>
          `${label}: ${e.instancePath || '(root)'} ${e.message ?? e.keyword}` +
          `${e.keyword === 'additionalProperties' ? ` '${String((e.params as Json).additionalProperty)}'` : ''}`,
      );
  };

  const mediaType = (contentType: string | undefined): string | undefined => contentType?.split(';')[0]!.trim().toLowerCase();
  const isEmpty = (body: unknown): boolean => body === undefined || body === null || body === '';

  return {
    dir,
    operations: operations.map((op) => op.name).sort(),
    missing: missing.map((m) => m.file),
    covers: (rawPath) => {
      const below = rawPath.split('?', 1)[0]!.replace(/^\/t\/[^/]+/, '');
      return !missing.some((m) => below === m.prefix || below.startsWith(`${m.prefix}/`));
    },

    validateRequest(request) {
      const found = find(request.method, request.path);
      if (!found) return { operation: null, violations: [] };
      const { operation } = found;
      const violations: string[] = [];
      const label = `request ${operation.name}`;
      const ctx = { family: operation.family, direction: 'request' as const, operation: operation.name };

      // query parameters
      const query = request.query instanceof URLSearchParams ? request.query : new URLSearchParams(request.query ?? found.query);
      const declared = new Map<string, { schema: Json; pointer: string[]; required: boolean }>();
      const parameterLists: [Json[] | undefined, string[]][] = [
        [operation.pathItem.parameters as Json[] | undefined, ['paths', operation.pointer[1]!, 'parameters']],
        [operation.definition.parameters as Json[] | undefined, [...operation.pointer, 'parameters']],
      ];
      for (const [list, listPointer] of parameterLists) {
        (list ?? []).forEach((raw, index) => {
          const { node, pointer } = resolveRef(operation.file, raw, [...listPointer, String(index)]);
          if (node.in === 'query')
            declared.set(node.name as string, {
              schema: (node.schema as Json) ?? {},
              pointer: [...pointer, 'schema'],
              required: node.required === true,
            });
        });
      }
      for (const [name, value] of query) {
        const parameter = declared.get(name);
        if (!parameter) {
          violations.push(`${label}: query parameter '${name}' is not declared`);
          continue;
        }
        let typed: unknown = value;
        if (parameter.schema.type === 'integer' || parameter.schema.type === 'number')
          typed = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        if (parameter.schema.type === 'boolean') typed = value === 'true' ? true : value === 'false' ? false : value;
        if (parameter.schema.type || parameter.schema.$ref)
          violations.push(...schemaViolations(validatorAt(operation.file, parameter.pointer), typed, ctx, `${label} query '${name}'`));
      }
      for (const [name, parameter] of declared)
        if (parameter.required && !query.has(name)) violations.push(`${label}: required query parameter '${name}' is missing`);

      // body
      const rawBody = operation.definition.requestBody as Json | undefined;
      if (!rawBody) {
        if (!isEmpty(request.body)) violations.push(`${label}: the operation takes no request body`);
        return { operation: operation.name, violations };
      }
      const { node: requestBody, pointer: bodyPointer } = resolveRef(operation.file, rawBody, [...operation.pointer, 'requestBody']);
      if (isEmpty(request.body)) {
        if (requestBody.required === true) violations.push(`${label}: the request body is required`);
        return { operation: operation.name, violations };
      }
      const content = (requestBody.content as Record<string, Json>) ?? {};
      const type = mediaType(request.contentType) ?? 'application/json';
      if (!content[type]) {
        violations.push(`${label}: content type '${type}' is not declared (declared: ${Object.keys(content).join(', ')})`);
        return { operation: operation.name, violations };
      }
      if (content[type]!.schema)
        violations.push(
          ...schemaViolations(validatorAt(operation.file, [...bodyPointer, 'content', type, 'schema']), request.body, ctx, `${label} body`),
        );
      return { operation: operation.name, violations };
    },

    validateResponse(response) {
      const found = find(response.method, response.path);
      if (!found) return { operation: null, violations: [] };
      const { operation } = found;
      const label = `response ${operation.name} ${response.status}`;
      const ctx = { family: operation.family, direction: 'response' as const, operation: operation.name };
      const responses = (operation.definition.responses as Record<string, Json>) ?? {};
      const alias = STATUS_ALIASES.find((a) => a.operation === operation.name && a.actual === response.status);
      const statusKey =
        alias?.documented ?? [String(response.status), `${String(response.status)[0]}XX`, 'default'].find((key) => responses[key]);
      const errorBodyValid = (): string[] => {
        if (isEmpty(response.body)) return [];
        if (operation.family === 'scim') return schemaViolations(scimErrorValidator, response.body, ctx, `${label} body`);
        return schemaViolations(validatorAt(operation.file, ['components', 'schemas', 'Error']), response.body, ctx, `${label} body`);
      };

      if (!statusKey || !responses[statusKey]) {
        if (response.status === RATE_LIMIT_STATUS) return { operation: operation.name, violations: [] };
        const extra = EXTRA_STATUSES.find((e) => e.operation === operation.name && e.status === response.status);
        if (!extra)
          return {
            operation: operation.name,
            violations: [`${label}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(', ')})`],
          };
        if (extra.body === 'empty')
          return { operation: operation.name, violations: isEmpty(response.body) ? [] : [`${label}: expected an empty body`] };
        return { operation: operation.name, violations: isEmpty(response.body) ? [`${label}: expected an error body`] : errorBodyValid() };
      }
      const { node: declared, pointer } = resolveRef(operation.file, responses[statusKey]!, [...operation.pointer, 'responses', statusKey]);
      const content = declared.content as Record<string, Json> | undefined;
      if (!content || Object.keys(content).length === 0) {
        if (isEmpty(response.body)) return { operation: operation.name, violations: [] };
        // Contract: management and SCIM errors carry their error bodies even where the spec lists the status bare.
        if (response.status >= 400) return { operation: operation.name, violations: errorBodyValid() };
        return { operation: operation.name, violations: [`${label}: the spec declares no body, got one`] };
      }
      if (isEmpty(response.body))
        return {
          operation: operation.name,
          violations: [`${label}: the spec declares a body (${Object.keys(content).join(', ')}), got none`],
        };
      const type = mediaType(response.contentType);
      if (!type || !content[type]) {
        return {
          operation: operation.name,
          violations: [`${label}: content type '${type ?? '(none)'}' is not declared (declared: ${Object.keys(content).join(', ')})`],
        };
      }
      if (!content[type]!.schema) return { operation: operation.name, violations: [] };
      return {
        operation: operation.name,
        violations: schemaViolations(
          validatorAt(operation.file, [...pointer, 'content', type, 'schema']),
          response.body,
          ctx,
          `${label} body`,
        ),
      };
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
