import { matchRoute, type MatchableRoute } from '../route-match';

const route = (routeKey: string): MatchableRoute & { routeKey: string } => {
  if (routeKey === '$default') return { routeKey, method: undefined, path: undefined };
  const [method, path] = routeKey.split(' ');
  return { routeKey, method, path };
};

const routes = [
  'GET /pets',
  'ANY /pets',
  'GET /pets/{id}',
  'GET /pets/dog',
  'ANY /pets/{proxy+}',
  'GET /{proxy+}',
  'GET /',
  '$default',
].map(route);
const pick = (method: string, path: string) => matchRoute(routes, method, path);

describe('route matching', () => {
  test('an exact route wins over a parameter, a parameter over a greedy path', () => {
    expect(pick('GET', '/pets/dog')?.route.routeKey).toBe('GET /pets/dog');
    expect(pick('GET', '/pets/cat')).toEqual({ route: route('GET /pets/{id}'), pathParameters: { id: 'cat' } });
    expect(pick('GET', '/pets/cat/toys')).toEqual({ route: route('ANY /pets/{proxy+}'), pathParameters: { proxy: 'cat/toys' } });
  });

  test('a named method wins over ANY', () => {
    expect(pick('GET', '/pets')?.route.routeKey).toBe('GET /pets');
    expect(pick('DELETE', '/pets')?.route.routeKey).toBe('ANY /pets');
    expect(pick('DELETE', '/pets/cat')?.route.routeKey).toBe('ANY /pets/{proxy+}');
  });

  test('a greedy path needs at least one segment; the root has its own route', () => {
    expect(pick('GET', '/')?.route.routeKey).toBe('GET /');
    expect(pick('GET', '/a/b/c')).toEqual({ route: route('GET /{proxy+}'), pathParameters: { proxy: 'a/b/c' } });
  });

  test('$default catches what nothing else matches, and nothing matches without it', () => {
    expect(pick('POST', '/other')).toEqual({ route: route('$default'), pathParameters: undefined });
    expect(
      matchRoute(
        routes.filter((r) => r.routeKey !== '$default'),
        'POST',
        '/other',
      ),
    ).toBeUndefined();
  });

  test('paths are case-sensitive and a trailing slash is a different path', () => {
    const only = [route('GET /user')];
    expect(matchRoute(only, 'GET', '/user')?.route.routeKey).toBe('GET /user');
    expect(matchRoute(only, 'GET', '/User')).toBeUndefined();
    expect(matchRoute(only, 'GET', '/user/')).toBeUndefined();
  });
});
