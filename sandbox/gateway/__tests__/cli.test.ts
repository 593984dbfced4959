import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseGatewayArgs } from '../cli';
import { describeGateway } from '../describe';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function workspace(stacks: string[]): string {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-cli-'));
  dirs.push(cwd);
  for (const name of stacks) {
    fs.mkdirSync(path.join(cwd, 'cdktf.out', 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), '{}');
  }
  return cwd;
}

describe('gateway:local arguments', () => {
  test('without --stack, the only synthesized stack is served', () => {
    const cwd = workspace(['pharmacy-user-api-dev']);
    expect(parseGatewayArgs([], cwd)).toEqual({
      stackDir: path.join(cwd, 'cdktf.out', 'stacks', 'pharmacy-user-api-dev'),
      port: 4280,
      host: '127.0.0.1',
      outputsFile: undefined,
    });
  });

  test('several or no stacks: a clear error saying what to pass', () => {
    expect(() => parseGatewayArgs([], workspace(['a-dev', 'a-prod']))).toThrow(
      /several stacks \(a-dev, a-prod\): choose one with --stack cdktf\.out\/stacks\/a-dev/,
    );
    expect(() => parseGatewayArgs([], workspace([]))).toThrow(/no synthesized stack.*synthesize first/);
  });

  test('flags are read and checked', () => {
    const cwd = workspace([]);
    expect(parseGatewayArgs(['--stack', 's', '--port', '0', '--outputs-file', 'o.json'], cwd)).toEqual({
      stackDir: path.join(cwd, 's'),
      port: 0,
      host: '127.0.0.1',
      outputsFile: path.join(cwd, 'o.json'),
    });
    expect(() => parseGatewayArgs(['--stack', 's', '--port', '70000'], cwd)).toThrow(/invalid --port "70000"/);
    expect(() => parseGatewayArgs(['--bogus'], cwd)).toThrow(/bogus/);
    expect(parseGatewayArgs(['--help'], cwd)).toBe('help');
  });
});

test('the description lists each route with what it requires', () => {
  const text = describeGateway({
    url: 'http://127.0.0.1:1',
    stageInvokeUrl: 'http://127.0.0.1:1/dev',
    outputsFile: () => ({ 'pharmacy-user-api-dev': {} }),
    routes: [
      { routeKey: 'GET /user', authorizationType: 'JWT', scopes: ['get_pharmacy_user'] },
      { routeKey: 'POST /user', authorizationType: 'JWT', scopes: ['a', 'b'] },
      { routeKey: 'GET /health', authorizationType: 'NONE', scopes: [] },
    ],
  });
  expect(text.split('\n')).toEqual([
    'Local gateway for pharmacy-user-api-dev at http://127.0.0.1:1',
    'Stage invoke URL: http://127.0.0.1:1/dev',
    'Routes:',
    '  GET /user    JWT, any of: get_pharmacy_user',
    '  POST /user   JWT, any of: a, b',
    '  GET /health  public (no token)',
  ]);
});
