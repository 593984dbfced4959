import { diffStacks, type SynthesizedStack } from '../local';

const route = (scopes: string[], extra: Record<string, unknown> = {}) => ({
  '//': { metadata: { path: 'x' } },
  route_key: 'GET /user',
  authorization_type: 'JWT',
  authorization_scopes: scopes,
  ...extra,
});

const base = (): SynthesizedStack => ({
  resource: {
    aws_apigatewayv2_route: { get: route(['read']), post: route(['write']) },
    aws_lambda_function: { fn: { handler: 'index.handler', environment: { variables: { A: '1', B: '2' } } } },
  },
  output: { issuer: { value: 'https://issuer' } },
});

test('identical stacks, even with keys in another order, have no changes', () => {
  const reordered = base();
  reordered.resource!.aws_lambda_function!.fn = { environment: { variables: { B: '2', A: '1' } }, handler: 'index.handler' };
  expect(diffStacks(base(), reordered)).toEqual({ changes: false, text: 'No changes.', summary: 'No changes.' });
});

test('added, changed (naming the attributes) and removed resources, and changed outputs', () => {
  const after = base();
  after.resource!.aws_apigatewayv2_route = { get: route(['read', 'admin'], { authorization_type: 'NONE' }), put: route(['write']) };
  after.output = { issuer: { value: 'https://other' } };
  const d = diffStacks(base(), after);
  expect(d.changes).toBe(true);
  expect(d.summary).toBe('Plan: 1 to add, 1 to change, 1 to destroy.');
  expect(d.text.split('\n')).toEqual([
    '  ~ aws_apigatewayv2_route.get (authorization_scopes, authorization_type)',
    '  - aws_apigatewayv2_route.post',
    '  + aws_apigatewayv2_route.put',
    '  outputs changed: issuer',
    'Plan: 1 to add, 1 to change, 1 to destroy.',
  ]);
});

test('metadata ("//") alone is not a change; from nothing, everything is added', () => {
  const after = base();
  after.resource!.aws_apigatewayv2_route!.get = { ...route(['read']), '//': { metadata: { path: 'moved' } } };
  expect(diffStacks(base(), after).changes).toBe(false);
  expect(diffStacks({}, base()).summary).toBe('Plan: 3 to add, 0 to change, 0 to destroy.');
});
