import { GatewayStackError } from './errors';

/** A reference such as `aws_apigatewayv2_api.HttpApi_Api_1A2B3C4D.api_endpoint` or `data.aws_region.current.name`. */
export interface TerraformReference {
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
  /** The expression as written, for error messages. */
  readonly expression: string;
}

/** Returns the value of a reference, or undefined when it is unknown. */
export type ReferenceResolver = (reference: TerraformReference) => string | undefined;

const REFERENCE = /^(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/;

/**
 * Evaluates the `${...}` interpolations cdktf writes into Terraform JSON, for the subset the local
 * gateway can know: plain references to one attribute. Anything else (functions, indexes, `%{}`
 * directives) is an error that names the expression, so nothing is silently served wrong.
 * `where` says which block the value came from, e.g. `output.api_endpoint.value`.
 */
export function evaluate(value: unknown, resolve: ReferenceResolver, where: string): unknown {
  if (typeof value === 'string') return evaluateString(value, resolve, where);
  if (Array.isArray(value)) return value.map((item, i) => evaluate(item, resolve, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '//') continue;
      result[key] = evaluate(item, resolve, `${where}.${key}`);
    }
    return result;
  }
  return value;
}

export function evaluateString(text: string, resolve: ReferenceResolver, where: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    // `$${` and `%%{` are Terraform's escapes for a literal `${` / `%{`.
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      out += text[i] + '{';
      i += 3;
      continue;
    }
    if (text.startsWith('%{', i)) {
      throw new GatewayStackError(
        `cannot evaluate the Terraform template directive in "${text}" (${where}): ` +
          `the local gateway only knows plain references such as \${aws_apigatewayv2_api.<name>.api_endpoint}`,
      );
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) throw new GatewayStackError(`unterminated "\${" in "${text}" (${where})`);
    const inner = text.slice(i + 2, end).trim();
    out += resolveExpression(inner, resolve, where);
    i = end + 1;
  }
  return out;
}

export function parseReference(expression: string): TerraformReference | undefined {
  const match = REFERENCE.exec(expression);
  if (!match) return undefined;
  return { mode: match[1] ? 'data' : 'resource', type: match[2], name: match[3], attribute: match[4], expression };
}

function resolveExpression(expression: string, resolve: ReferenceResolver, where: string): string {
  const reference = parseReference(expression);
  const value = reference ? resolve(reference) : undefined;
  if (value === undefined) {
    throw new GatewayStackError(
      `cannot evaluate the Terraform expression "\${${expression}}" (${where}) locally: ` +
        "the local gateway knows the API's id, api_endpoint and execution_arn, " +
        "the stage's name and invoke_url, the Lambda function's name, arn and invoke_arn, " +
        'the region and literal attributes of resources in the stack',
    );
  }
  return value;
}
