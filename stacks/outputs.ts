/**
 * The stack-output contract: the Terraform outputs every tollgate stack declares, defined once.
 * The stack (tollgate-stack.ts) declares exactly these, the outputs reader (asgardeo/outputs.ts)
 * reads exactly these, and the local gateway's outputs file is checked against them. No imports:
 * the reconciler loads this without loading cdktf.
 */
export const STACK_OUTPUTS = {
  apiId: { name: 'api_id', description: 'HTTP API id' },
  apiEndpoint: { name: 'api_endpoint', description: 'HTTP API endpoint, without the stage' },
  stageInvokeUrl: { name: 'stage_invoke_url', description: 'Base URL of the stage' },
  apiIdentifier: { name: 'api_identifier', description: 'Identifier of the API resource in Asgardeo; the JWT authorizer audience' },
  issuer: { name: 'issuer', description: 'Token issuer the JWT authorizer trusts' },
  region: { name: 'region', description: 'AWS region' },
  functionName: { name: 'function_name', description: 'Lambda function name' },
  stackName: { name: 'stack_name', description: 'Terraform stack name' },
  environment: { name: 'environment', description: 'Tollgate environment' },
} as const;

/**
 * Declared only by a stack whose configuration delivers client credentials (`clients[].credentials`):
 * a JSON string `{"<client>": {"name": "<secret name>", "arn": "<secret ARN>"}}`. Optional, so stacks
 * without deliveries (and outputs files written before) keep the shape above.
 */
export const CREDENTIAL_SECRETS_OUTPUT = {
  name: 'credential_secrets',
  description: 'Secrets Manager secrets holding client credentials, by client (JSON)',
} as const;

/** The outputs as the code reads them (camelCase keys); every value is a non-empty string. */
export type StackOutputs = { -readonly [K in keyof typeof STACK_OUTPUTS]: string };
/** The outputs as Terraform names them (snake_case). */
export type StackOutputName = (typeof STACK_OUTPUTS)[keyof StackOutputs]['name'];

export const STACK_OUTPUT_KEYS = Object.keys(STACK_OUTPUTS) as (keyof StackOutputs)[];
export const STACK_OUTPUT_NAMES: readonly StackOutputName[] = STACK_OUTPUT_KEYS.map((k) => STACK_OUTPUTS[k].name);
