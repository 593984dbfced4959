/** A minimal AWS client for the control plane's tests: signs nothing, but sends the SigV4 credential scope the server routes by. */
import type { ServiceName } from '../protocol';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export class TestAwsClient {
  constructor(
    private readonly endpoint: string,
    private readonly region = 'us-east-1',
  ) {}

  private authorization(service: ServiceName): string {
    return (
      `AWS4-HMAC-SHA256 Credential=AKIALOCALAWSTEST0000/20261201/${this.region}/${service}/aws4_request, ` +
      'SignedHeaders=host;x-amz-date, Signature=0000'
    );
  }

  async send(
    service: ServiceName,
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string>; unsigned?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (!init.unsigned) headers.authorization = this.authorization(service);
    const res = await fetch(`${this.endpoint}${path}`, { method, headers, body: init.body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  /** Query protocol (IAM, STS): form-encoded `Action` + `Version`. */
  query(service: 'iam' | 'sts', action: string, params: Record<string, string> = {}): Promise<Reply> {
    const version = service === 'iam' ? '2010-05-08' : '2011-06-15';
    const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString();
    return this.send(service, 'POST', '/', { body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
  }

  /** JSON 1.1 (CloudWatch Logs). */
  logs(operation: string, input: Record<string, unknown> = {}): Promise<Reply> {
    return this.send('logs', 'POST', '/', {
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` },
    });
  }

  /** REST-JSON (Lambda, API Gateway v2). */
  rest(service: 'lambda' | 'apigateway', method: string, path: string, input?: Record<string, unknown>): Promise<Reply> {
    return this.send(
      service,
      method,
      path,
      input === undefined ? {} : { body: JSON.stringify(input), headers: { 'content-type': 'application/json' } },
    );
  }
}

/** `<Tag>text</Tag>` of an XML reply. */
export function xmlValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export const TRUST_LAMBDA = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Bytes that pass Lambda's zip check (a local file header); the real archive path is covered by the Terraform tests. */
export const FAKE_ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('exports.handler=async()=>({statusCode:200})')]);
