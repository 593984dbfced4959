/**
 * What the local control plane holds: the resources the provider created, keyed as AWS keys them,
 * and {@link LocalAwsState.snapshot}, the read API the local gateway serves from.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const LOCAL_ACCOUNT_ID = '000000000000';

export type Tags = Record<string, string>;

export interface IamRole {
  readonly roleName: string;
  readonly roleId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Tags;
  /** Inline policies by name: the document as sent. */
  readonly inlinePolicies: Map<string, string>;
  readonly attachedPolicies: Map<string, string>;
}

export interface LogGroup {
  readonly logGroupName: string;
  readonly region: string;
  readonly creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  readonly logGroupClass: string;
  tags: Tags;
}

/** A Secrets Manager secret: its versions by id, each with its staging labels (AWSCURRENT, AWSPREVIOUS, ...). */
export interface Secret {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly createdDate: Date;
  description?: string;
  kmsKeyId?: string;
  lastChangedDate: Date;
  tags: Tags;
  resourcePolicy?: string;
  readonly versions: Map<string, { secretString?: string; secretBinary?: string; stages: string[]; createdDate: Date }>;
  /** Set by DeleteSecret with a recovery window: the secret is kept (and refuses most operations) until `deletionDate`. */
  deletedDate?: Date;
  deletionDate?: Date;
}

export interface LambdaPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { Service: string } | { AWS: string };
  readonly Action: string;
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, string>>;
}

export interface LambdaCode {
  readonly zip: Buffer;
  /** base64 SHA-256 of the zip, as Lambda reports `CodeSha256`. */
  readonly sha256: string;
}

export interface LambdaFunction {
  readonly functionName: string;
  readonly region: string;
  readonly arn: string;
  config: {
    runtime?: string;
    role: string;
    handler?: string;
    description: string;
    timeout: number;
    memorySize: number;
    environment?: Record<string, string>;
    architectures: string[];
    ephemeralStorage: number;
    tracingMode: string;
    layers: string[];
    logging: { logFormat: string; logGroup: string; applicationLogLevel?: string; systemLogLevel?: string };
    kmsKeyArn?: string;
    deadLetterTarget?: string;
  };
  code: LambdaCode;
  lastModified: Date;
  revisionId: string;
  tags: Tags;
  /** Resource policy statements from AddPermission, per qualifier ('' is the unqualified function). */
  readonly policies: Map<string, LambdaPolicyStatement[]>;
  policyRevisionId: string;
  /** Published versions, '1', '2', ... */
  readonly versions: { version: string; config: LambdaFunction['config']; code: LambdaCode; lastModified: Date; revisionId: string }[];
}

export interface ApiIntegration {
  readonly integrationId: string;
  integrationType: string;
  integrationMethod?: string;
  integrationUri?: string;
  payloadFormatVersion: string;
  connectionType: string;
  timeoutInMillis: number;
  description?: string;
  requestParameters?: Record<string, string>;
  credentialsArn?: string;
}

export interface ApiAuthorizer {
  readonly authorizerId: string;
  name: string;
  authorizerType: string;
  identitySource: string[];
  jwtConfiguration?: { issuer?: string; audience: string[] };
  authorizerUri?: string;
  authorizerPayloadFormatVersion?: string;
  authorizerResultTtlInSeconds?: number;
  enableSimpleResponses?: boolean;
}

export interface ApiRoute {
  readonly routeId: string;
  routeKey: string;
  target?: string;
  authorizationType: string;
  authorizerId?: string;
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  operationName?: string;
}

export interface RouteSettings {
  detailedMetricsEnabled: boolean;
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
  dataTraceEnabled?: boolean;
  loggingLevel?: string;
}

export interface ApiStage {
  readonly stageName: string;
  readonly createdDate: Date;
  lastUpdatedDate: Date;
  autoDeploy: boolean;
  deploymentId?: string;
  description?: string;
  accessLogSettings?: { destinationArn?: string; format?: string };
  defaultRouteSettings: RouteSettings;
  routeSettings: Record<string, RouteSettings>;
  stageVariables: Record<string, string>;
  tags: Tags;
}

export interface HttpApi {
  readonly apiId: string;
  readonly region: string;
  readonly createdDate: Date;
  name: string;
  protocolType: string;
  description?: string;
  disableExecuteApiEndpoint: boolean;
  ipAddressType: string;
  routeSelectionExpression: string;
  apiKeySelectionExpression: string;
  version?: string;
  corsConfiguration?: Record<string, unknown>;
  tags: Tags;
  readonly integrations: Map<string, ApiIntegration>;
  readonly authorizers: Map<string, ApiAuthorizer>;
  readonly routes: Map<string, ApiRoute>;
  readonly stages: Map<string, ApiStage>;
  readonly deployments: Map<string, { deploymentId: string; createdDate: Date; autoDeployed: boolean }>;
}

export interface LocalAwsStateOptions {
  /** @default () => new Date() — injectable so tests do not depend on the wall clock. */
  readonly now?: () => Date;
  /** Where `apiEndpoint` points. @default `https://{apiId}.execute-api.{region}.amazonaws.com`, as AWS answers */
  readonly apiEndpoint?: (apiId: string, region: string) => string;
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomId(length: number, alphabet = LOWER_ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export function codeOf(zip: Buffer): LambdaCode {
  return { zip, sha256: createHash('sha256').update(zip).digest('base64') };
}

export class LocalAwsState {
  readonly account = LOCAL_ACCOUNT_ID;
  readonly roles = new Map<string, IamRole>();
  readonly logGroups = new Map<string, LogGroup>();
  readonly functions = new Map<string, LambdaFunction>();
  readonly apis = new Map<string, HttpApi>();
  /** Secrets Manager secrets by name (purged lazily once their deletion date has passed). */
  readonly secrets = new Map<string, Secret>();
  readonly now: () => Date;
  private readonly endpointOf: (apiId: string, region: string) => string;

  constructor(options: LocalAwsStateOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.endpointOf = options.apiEndpoint ?? ((apiId, region) => `https://${apiId}.execute-api.${region}.amazonaws.com`);
  }

  apiEndpoint(api: HttpApi): string {
    return this.endpointOf(api.apiId, api.region);
  }

  newRoleId(): string {
    return `AROA${randomId(17, UPPER_ALNUM)}`;
  }

  newRevisionId(): string {
    return randomUUID();
  }

  /** Unique within `existing`: API ids, integration ids and so on are random like AWS's. */
  uniqueId(length: number, existing: { has(key: string): boolean }): string {
    for (;;) {
      const id = randomId(length);
      if (!existing.has(id)) return id;
    }
  }

  isEmpty(): boolean {
    return this.roles.size + this.logGroups.size + this.functions.size + this.apis.size + this.secrets.size === 0;
  }

  /** Counts by kind, for "destroy left nothing" checks and the CLI. */
  counts(): Record<string, number> {
    let routes = 0;
    let stages = 0;
    for (const api of this.apis.values()) {
      routes += api.routes.size;
      stages += api.stages.size;
    }
    return {
      roles: this.roles.size,
      logGroups: this.logGroups.size,
      functions: this.functions.size,
      apis: this.apis.size,
      routes,
      stages,
      secrets: this.secrets.size,
    };
  }

  reset(): void {
    this.roles.clear();
    this.logGroups.clear();
    this.functions.clear();
    this.apis.clear();
    this.secrets.clear();
  }
}
