/**
 * The AWS SDK clients adoption reads with, made on first use, at the endpoint and with the
 * credentials of the deploy target (the same as Secrets Manager delivery and Terraform's provider):
 * AWS itself through the default credential chain, or the local AWS control plane. Every call is counted.
 */
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsSdkClientConfig } from '../aws-sdk-config';
import type { AwsSdkTarget } from '../secrets-manager-store';

export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly apigateway: ApiGatewayV2Client;
  readonly secrets: SecretsManagerClient;
  /** How many AWS calls were sent. */
  readonly calls: number;
  /** Closes the clients made. */
  destroy(): void;
}

interface Destroyable {
  destroy(): void;
  middlewareStack: {
    add(m: (next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>, o: { step: 'initialize' }): void;
  };
}

export function awsClients(o: { region: string; target?: AwsSdkTarget }): AwsClients {
  const config = awsSdkClientConfig(o);
  const made = new Map<string, Destroyable>();
  let calls = 0;
  const lazy = <T extends object>(name: string, make: () => T): T => {
    let client = made.get(name) as T | undefined;
    if (!client) {
      client = make();
      (client as unknown as Destroyable).middlewareStack.add(
        (next) => async (args) => {
          calls += 1;
          return next(args);
        },
        { step: 'initialize' },
      );
      made.set(name, client as unknown as Destroyable);
    }
    return client;
  };
  return {
    get lambda() {
      return lazy('lambda', () => new LambdaClient(config));
    },
    get iam() {
      return lazy('iam', () => new IAMClient(config));
    },
    get logs() {
      return lazy('logs', () => new CloudWatchLogsClient(config));
    },
    get apigateway() {
      return lazy('apigateway', () => new ApiGatewayV2Client(config));
    },
    get secrets() {
      return lazy('secrets', () => new SecretsManagerClient(config));
    },
    get calls() {
      return calls;
    },
    destroy() {
      for (const c of made.values()) c.destroy();
      made.clear();
    },
  };
}

/** The result of `call`, or undefined when AWS answers one of `notFound` (its error codes for "no such object"). */
export async function unlessMissing<T>(call: Promise<T>, notFound: readonly string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (notFound.includes((err as Error).name)) return undefined;
    throw err;
  }
}

/** Every item of a GetX call of API Gateway v2, page by page (NextToken; the SDK has no paginator for these). */
export async function allItems<T>(page: (token: string | undefined) => Promise<{ Items?: T[]; NextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const res = await page(token);
    items.push(...(res.Items ?? []));
    token = res.NextToken;
  } while (token);
  return items;
}
