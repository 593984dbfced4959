/**
 * Where the real service differs from WSO2's published OpenAPI documents, as recorded in
 * ../shared/reference/asgardeo-contract.md. The validator accepts exactly these differences;
 * everything else it reports. Each entry names the contract statement it rests on.
 */

/** Operations are named `METHOD /base/path-template`, e.g. `POST /api/server/v1/api-resources`. */

/** Statuses the server answers instead of the one the spec documents: validate as the documented one. */
export const STATUS_ALIASES: readonly { operation: string; actual: number; documented: string; contract: string }[] = [
  {
    operation: 'POST /api/server/v1/api-resources',
    actual: 201,
    documented: '200',
    contract: 'API resources: POST -> 201 + Location + full resource body (the spec says 200)',
  },
  {
    operation: 'POST /api/server/v1/applications/{applicationId}/authorized-apis',
    actual: 200,
    documented: '201',
    contract: 'Applications: POST /{id}/authorized-apis -> 200, empty (spec says 201)',
  },
  {
    operation: 'PUT /scim2/v3/Roles/{id}/Groups',
    actual: 200,
    documented: '201',
    contract: 'Roles v3: PUT /{id}/Groups -> 200 (the spec says 201) (asgardeo-secrets-and-roles.md B.1)',
  },
];

/** Statuses the contract documents for an operation whose spec does not list them, with the error body family. */
export const EXTRA_STATUSES: readonly {
  operation: string;
  status: number;
  body: 'empty' | 'management-error' | 'scim-error';
  contract: string;
}[] = [
  {
    operation: 'DELETE /api/server/v1/api-resources/{apiResourceId}/scopes/{scopeName}',
    status: 204,
    body: 'empty',
    contract: 'API resources: DELETE /{id}/scopes/{name} -> 204',
  },
  {
    operation: 'POST /api/server/v1/applications/{applicationId}/authorized-apis',
    status: 409,
    body: 'management-error',
    contract: 'Applications: already authorized -> 409 APP-60509',
  },
  {
    operation: 'GET /scim2/Users',
    status: 400,
    body: 'scim-error',
    contract: 'SCIM error body (an unsupported filter attribute or operator)',
  },
  { operation: 'GET /scim2/Users', status: 500, body: 'scim-error', contract: 'Corrections: SCIM Users filter with `or` -> 500 (not 400)' },
  { operation: 'POST /scim2/Users', status: 409, body: 'scim-error', contract: 'Users: Duplicate -> 409 SCIM error' },
  {
    operation: 'GET /api/server/v1/api-resources',
    status: 400,
    body: 'management-error',
    contract: 'Corrections: only attributes=properties is accepted (others -> 400 API-RESOURCE-60013)',
  },
  { operation: 'GET /scim2/v2/Roles', status: 400, body: 'scim-error', contract: 'Roles v2: filter `and` only (`or` -> 400)' },
  { operation: 'GET /scim2/v3/Roles', status: 400, body: 'scim-error', contract: 'Roles v3: `or` and unknown attributes -> 400 (B.4)' },
  { operation: 'POST /scim2/v3/Roles', status: 400, body: 'scim-error', contract: 'Roles v3: bad audience or permission -> 400 (B.5)' },
  { operation: 'PATCH /scim2/v3/Roles/{id}', status: 400, body: 'scim-error', contract: 'Roles v3: bad permission -> 400 (B.5)' },
  { operation: 'PATCH /scim2/v3/Roles/{id}/Users', status: 400, body: 'scim-error', contract: 'Roles v3: an unknown user -> 400 (B.5)' },
];

/** Any operation may answer 429 (contract: "Rate limit ... Over it: 429"). */
export const RATE_LIMIT_STATUS = 429;

export interface ViolationContext {
  readonly family: 'management' | 'scim';
  readonly direction: 'request' | 'response';
  readonly operation: string;
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/**
 * Corrections applied to the loaded SCIM documents (in memory), each resting on the contract page.
 * They fix spec typos that no real response or request can satisfy.
 */
export function patchScimSpec(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(patchScimSpec);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  // Contract: SCIM bodies carry "schemas": ["urn:..."] (error body, role create body); the specs type it object or string.
  const schemasProperty = properties?.schemas as { type?: unknown; items?: { type?: unknown } } | undefined;
  if (properties && schemasProperty && (schemasProperty.type !== 'array' || schemasProperty.items?.type !== 'string')) {
    properties.schemas = { type: 'array', items: { type: 'string' } };
  }
  // Contract: SCIM error body is {"schemas", "scimType", "detail", "status"}; roles.yaml requires a typo'd `schema`.
  if (Array.isArray(schema.required)) schema.required = (schema.required as unknown[]).filter((name) => name !== 'schema');
  // Contract: roles v2 audience type is "application" | "organization"; roles.yaml misspells `applciation`.
  if (Array.isArray(schema.enum) && schema.enum.includes('applciation')) schema.enum = [...(schema.enum as unknown[]), 'application'];
  for (const value of Object.values(schema)) patchScimSpec(value);
}

/** Schema violations that are documented behaviour of the real service. */
export const ALLOWED_VIOLATIONS: readonly { contract: string; matches(v: ViolationContext): boolean }[] = [
  {
    // PatchOp `replace` without a path carries an object value ({"permissions": [...]}), as the spec's own example does.
    contract: 'Roles v2: PATCH ops (SCIM PatchOp); `replace` on permissions replaces the whole set',
    matches: (v) =>
      v.family === 'scim' && v.direction === 'request' && v.keyword === 'type' && /^\/Operations\/\d+\/value$/.test(v.instancePath),
  },
  {
    // scim2-users.yaml's oneOf [with password, invitation] matches both forms when a password is given.
    contract: 'Users: create with `password`, or without it and askPassword',
    matches: (v) =>
      v.family === 'scim' &&
      v.direction === 'request' &&
      v.operation === 'POST /scim2/Users' &&
      v.keyword === 'oneOf' &&
      v.instancePath === '',
  },
];
