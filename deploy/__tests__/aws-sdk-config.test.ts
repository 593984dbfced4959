import { LambdaClient } from '@aws-sdk/client-lambda';
import { awsSdkClientConfig } from '../aws-sdk-config';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

describe('awsSdkClientConfig', () => {
  const saved = process.env[VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
    jest.restoreAllMocks();
  });

  it('names the target endpoint and a copy of its credentials, or only the region for AWS itself', () => {
    const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
    const local = awsSdkClientConfig({ region: 'eu-west-1', target: { endpoint: 'http://127.0.0.1:4566', credentials } });
    expect(local).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials });
    expect(local.credentials).not.toBe(credentials);
    expect(awsSdkClientConfig({ region: 'us-east-1' })).toEqual({ region: 'us-east-1' });
  });

  it("keeps the SDK's Node-version notice out of a deploy's output, unless the user chose otherwise", () => {
    delete process.env[VARIABLE];
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    new LambdaClient(awsSdkClientConfig({ region: 'eu-west-1' })).destroy();
    expect(warn.mock.calls.filter(([w]) => String(w).includes('NodeVersionSupportWarning'))).toEqual([]);
    process.env[VARIABLE] = 'false';
    awsSdkClientConfig({ region: 'eu-west-1' });
    expect(process.env[VARIABLE]).toBe('false');
  });
});
