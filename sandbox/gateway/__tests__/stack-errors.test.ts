import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayStackError, startLocalGateway } from '..';
import { evaluateString } from '../interpolation';
import { prepareStackDir, type EditableStackJson } from './helpers/stack-fixture';

const ISSUER = 'http://127.0.0.1:9/t/pharmacy/oauth2/token';
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function startError(edit: (json: EditableStackJson) => void): Promise<Error> {
  const dir = prepareStackDir(ISSUER, edit);
  dirs.push(dir);
  const error = await startLocalGateway({ stackDir: dir, log: () => undefined }).then(
    async (gateway) => {
      await gateway.stop();
      throw new Error('expected the gateway to refuse the stack');
    },
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(GatewayStackError);
  return error;
}

describe('interpolation', () => {
  const resolve = (ref: { expression: string }) =>
    ref.expression === 'aws_apigatewayv2_api.A.api_endpoint' ? 'http://127.0.0.1:1' : undefined;
  test('references inside a string are replaced; escapes stay literal', () => {
    expect(evaluateString('${aws_apigatewayv2_api.A.api_endpoint}/dev', resolve, 'x')).toBe('http://127.0.0.1:1/dev');
    expect(evaluateString('$${not.a.reference}', resolve, 'x')).toBe('${not.a.reference}');
  });
  test('an expression it cannot evaluate is an error naming it', () => {
    expect(() => evaluateString('${join("", ["a"])}', resolve, 'output.x.value')).toThrow(/"\$\{join\(""/);
    expect(() => evaluateString('${aws_iam_role.R.arn}', resolve, 'output.role.value')).toThrow(
      /aws_iam_role\.R\.arn.*output\.role\.value/,
    );
  });
});

describe('stacks the local gateway refuses, with a message saying why', () => {
  test('a folder without cdk.tf.json', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-empty-'));
    dirs.push(empty);
    await expect(startLocalGateway({ stackDir: empty })).rejects.toThrow(/cdk\.tf\.json: it does not exist.*synth/);
  });

  test('an output that needs a value only AWS knows', async () => {
    const error = await startError((json) => {
      json.output.role_arn = { value: '${aws_iam_role.HttpApi_Role_2B3C4D5E.arn}' };
    });
    expect(error.message).toMatch(/\$\{aws_iam_role\.HttpApi_Role_2B3C4D5E\.arn\}.*output\.role_arn\.value/);
  });

  test('an integration without payload_format_version (Terraform defaults to 1.0)', async () => {
    const error = await startError((json) => {
      delete json.resource.aws_apigatewayv2_integration.HttpApi_Integration_4D5E6F70.payload_format_version;
    });
    expect(error.message).toMatch(/payload_format_version is not set, so Terraform uses "1\.0".*set payload_format_version = "2\.0"/);
  });

  test('an http issuer that is not on a loopback address', async () => {
    const error = await startError((json) => {
      (json.resource.aws_apigatewayv2_authorizer.HttpApi_Authorizer_0A1B2C3D.jwt_configuration as { issuer: string }).issuer =
        'http://idp.example.com/t/x/oauth2/token';
    });
    expect(error.message).toMatch(/only https issuers/);
  });

  test('a route whose target is not an integration of the stack', async () => {
    const error = await startError((json) => {
      json.resource.aws_apigatewayv2_route.HttpApi_Route_GET_user_11AA22BB.target =
        'integrations/${aws_apigatewayv2_integration.Missing_0000.id}';
    });
    expect(error.message).toMatch(/aws_apigatewayv2_integration\.Missing_0000\.id/);
  });

  test('a Lambda handler the asset does not contain', async () => {
    const error = await startError((json) => {
      json.resource.aws_lambda_function.HttpApi_Function_9C8D7E6F.handler = 'dist/main.handler';
    });
    expect(error.message).toMatch(/has no dist\/main\.js, \.cjs or \.mjs for the handler "dist\/main\.handler"/);
  });

  test('a Lambda handler export that does not exist', async () => {
    const error = await startError((json) => {
      json.resource.aws_lambda_function.HttpApi_Function_9C8D7E6F.handler = 'index.main';
    });
    expect(error.message).toMatch(/does not export a function "main"/);
  });

  test('a missing asset zip', async () => {
    const dir = prepareStackDir(ISSUER);
    dirs.push(dir);
    fs.rmSync(path.join(dir, 'assets'), { recursive: true });
    await expect(startLocalGateway({ stackDir: dir })).rejects.toThrow(/archive\.zip does not exist; synthesize the stack again/);
  });
});
