import { arnLike, isInvokePermitted } from '../lambda-permissions';

const EXEC = 'arn:aws:execute-api:us-east-1:000000000000:local';
const request = (method: string, routePath: string | undefined, requestPath: string) => ({
  functionKey: 'fn',
  executionArn: EXEC,
  stage: 'dev',
  method,
  routePath,
  requestPath,
});

describe('which aws_lambda_permission lets API Gateway invoke the function', () => {
  test('ArnLike wildcards', () => {
    expect(arnLike(`${EXEC}/*/GET/user`, `${EXEC}/dev/GET/user`)).toBe(true);
    expect(arnLike(`${EXEC}/*/GET/user`, `${EXEC}/dev/POST/user`)).toBe(false);
    expect(arnLike(`${EXEC}/*/*`, `${EXEC}/dev/POST/items/1`)).toBe(true);
    expect(arnLike(`${EXEC}/d?v/*`, `${EXEC}/dev/GET/x`)).toBe(true);
    expect(arnLike(`${EXEC}/*/GET/user`, `${EXEC}/dev/GET/user/extra`)).toBe(false);
  });

  test('a narrow permission covers its own route only', () => {
    const permissions = [{ functionKey: 'fn', sourceArn: `${EXEC}/*/GET/user` }];
    expect(isInvokePermitted(permissions, request('GET', '/user', '/user'))).toBe(true);
    expect(isInvokePermitted(permissions, request('PUT', '/user', '/user'))).toBe(false);
  });

  test('a permission for another function does not count; one without source_arn covers every route', () => {
    expect(isInvokePermitted([{ functionKey: 'other', sourceArn: undefined }], request('GET', '/user', '/user'))).toBe(false);
    expect(isInvokePermitted([{ functionKey: 'fn', sourceArn: undefined }], request('GET', '/user', '/user'))).toBe(true);
  });

  test('path templates and the $default route', () => {
    const template = [{ functionKey: 'fn', sourceArn: `${EXEC}/*/GET/items/{id}` }];
    expect(isInvokePermitted(template, request('GET', '/items/{id}', '/items/7'))).toBe(true);
    const byDefault = [{ functionKey: 'fn', sourceArn: `${EXEC}/*/$default` }];
    expect(isInvokePermitted(byDefault, request('GET', undefined, '/anything'))).toBe(true);
    expect(isInvokePermitted(byDefault, request('GET', '/user', '/user'))).toBe(false);
  });
});
