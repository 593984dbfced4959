/** The parts of a route that matching needs. */
export interface MatchableRoute {
  readonly method: string | undefined;
  readonly path: string | undefined;
}

export interface RouteMatch<R extends MatchableRoute> {
  readonly route: R;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

/**
 * Picks the route API Gateway would pick for a request (path without the stage prefix): the most
 * specific path wins (literal segments over `{param}` over `{proxy+}`), a named method wins over
 * `ANY`, and `$default` catches what nothing else matches.
 */
export function matchRoute<R extends MatchableRoute>(routes: readonly R[], method: string, path: string): RouteMatch<R> | undefined {
  let best: { match: RouteMatch<R>; score: number[] } | undefined;
  const requestSegments = path.split('/').slice(1);
  for (const route of routes) {
    if (route.path === undefined) continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const matched = matchPath(route.path, requestSegments);
    if (!matched) continue;
    const score = [...matched.score, route.method === 'ANY' ? 0 : 1];
    if (!best || compareScores(score, best.score) > 0) best = { match: { route, pathParameters: matched.parameters }, score };
  }
  if (best) return best.match;
  const fallback = routes.find((route) => route.path === undefined);
  return fallback ? { route: fallback, pathParameters: undefined } : undefined;
}

function matchPath(
  routePath: string,
  requestSegments: readonly string[],
): { score: number[]; parameters: Record<string, string> | undefined } | undefined {
  const routeSegments = routePath.split('/').slice(1);
  const parameters: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < routeSegments.length; i++) {
    const segment = routeSegments[i];
    const greedy = /^\{([A-Za-z0-9_.:-]+)\+\}$/.exec(segment);
    if (greedy) {
      const rest = requestSegments.slice(i);
      // A greedy parameter needs at least one non-empty segment.
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[greedy[1]] = decode(rest.join('/'));
      score.push(1);
      return { score, parameters };
    }
    if (i >= requestSegments.length) return undefined;
    const param = /^\{([A-Za-z0-9_.:-]+)\}$/.exec(segment);
    if (param) {
      if (requestSegments[i] === '') return undefined;
      parameters[param[1]] = decode(requestSegments[i]);
      score.push(2);
    } else if (segment === requestSegments[i]) {
      score.push(3);
    } else {
      return undefined;
    }
  }
  if (routeSegments.length !== requestSegments.length) return undefined;
  return { score, parameters: Object.keys(parameters).length ? parameters : undefined };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
