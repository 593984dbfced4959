/** An `aws_lambda_permission` that lets API Gateway invoke a function, evaluated. */
export interface InvokePermission {
  /** Key of the function (its resource name in the stack). */
  readonly functionKey: string;
  /** The evaluated `source_arn`, or undefined when it is not restricted. */
  readonly sourceArn: string | undefined;
}

/**
 * Whether API Gateway may invoke the function for this request. The real service calls Lambda with
 * the source ARN `${execution_arn}/${stage}/${METHOD}${routePath}` (`.../$default` for the
 * `$default` route) and Lambda checks it against the function's resource policy; without a
 * matching permission the caller gets a 500. Where AWS's documentation leaves the exact ARN open
 * (path template or requested path), either one is accepted.
 */
export function isInvokePermitted(
  permissions: readonly InvokePermission[],
  request: { functionKey: string; executionArn: string; stage: string; method: string; routePath: string | undefined; requestPath: string },
): boolean {
  const base = `${request.executionArn}/${request.stage}`;
  const candidates =
    request.routePath === undefined
      ? [`${base}/$default`, `${base}/${request.method}${request.requestPath}`]
      : [`${base}/${request.method}${request.routePath}`, `${base}/${request.method}${request.requestPath}`];
  return permissions.some(
    (permission) =>
      permission.functionKey === request.functionKey &&
      (permission.sourceArn === undefined || candidates.some((arn) => arnLike(permission.sourceArn as string, arn))),
  );
}

/** The source ARN API Gateway would present for a route, for messages. */
export function sourceArnFor(executionArn: string, stage: string, method: string, routePath: string | undefined): string {
  return routePath === undefined ? `${executionArn}/${stage}/$default` : `${executionArn}/${stage}/${method}${routePath}`;
}

/** IAM's ArnLike: `*` matches any run of characters, `?` exactly one. */
export function arnLike(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}
