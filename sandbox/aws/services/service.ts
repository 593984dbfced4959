import type { AwsReply, AwsRequest, ServiceName } from '../protocol';

export type Operation = (request: AwsRequest) => AwsReply | Promise<AwsReply>;

/** A REST operation's method and path template: `{Name}` is one segment, `{Name+}` the rest. */
export interface RestRoute {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
}

/** One AWS service: its operations by name, and for REST services how a request finds one. */
export interface ServiceHandler {
  readonly service: ServiceName;
  readonly operations: Readonly<Record<string, Operation>>;
  /** REST services: every route AWS has that the provider might call, served or not (unserved ones are logged by name). */
  readonly routes?: readonly RestRoute[];
}

/** Finds the REST operation of `method` + raw (still encoded) `path`; path parameters come back decoded. */
export function matchRestRoute(
  routes: readonly RestRoute[],
  method: string,
  rawPath: string,
): { operation: string; params: Record<string, string> } | undefined {
  const segments = rawPath.split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.path.split('/').slice(1);
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i]!;
      const greedy = /^\{(\w+)\+\}$/.exec(part);
      if (greedy) {
        const rest = segments.slice(i);
        if (rest.length === 0) ok = false;
        else params[greedy[1]!] = decodeURIComponent(rest.join('/'));
        i = parts.length;
        if (ok) return { operation: route.operation, params };
        break;
      }
      const segment = segments[i];
      if (segment === undefined) {
        ok = false;
        break;
      }
      const param = /^\{(\w+)\}$/.exec(part);
      if (param) params[param[1]!] = decodeURIComponent(segment);
      else if (part !== segment) {
        ok = false;
        break;
      }
    }
    if (ok && parts.length === segments.length) return { operation: route.operation, params };
  }
  return undefined;
}
