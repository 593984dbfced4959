/** Lambda (REST-JSON): functions with their uploaded zip, versions, tags and resource policy. */
import { AwsError } from '../errors';
import type { AwsRequest } from '../protocol';
import { codeOf, type LambdaFunction, type LambdaPolicyStatement, type LocalAwsState, type Tags } from '../state';
import type { RestRoute, ServiceHandler } from './service';

/** Runtimes Lambda accepts for new functions and updates (see the reference: nodejs18.x is blocked). */
export const SUPPORTED_RUNTIMES = [
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'java11',
  'java17',
  'java21',
  'dotnet8',
  'ruby3.3',
  'ruby3.4',
  'provided.al2',
  'provided.al2023',
];
const BLOCKED_RUNTIMES = [
  'nodejs',
  'nodejs4.3',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'nodejs18.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
];
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const STATEMENT_ID = /^[a-zA-Z0-9-_.]{1,100}$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const MAX_ZIP_BYTES = 50 * 1024 * 1024;

export const LAMBDA_ROUTES: readonly RestRoute[] = [
  { method: 'POST', path: '/2015-03-31/functions', operation: 'CreateFunction' },
  { method: 'GET', path: '/2015-03-31/functions', operation: 'ListFunctions' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}', operation: 'GetFunction' },
  { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}', operation: 'DeleteFunction' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'GetFunctionConfiguration' },
  { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'UpdateFunctionConfiguration' },
  { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/code', operation: 'UpdateFunctionCode' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/versions', operation: 'ListVersionsByFunction' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/versions', operation: 'PublishVersion' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'AddPermission' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'GetPolicy' },
  { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', operation: 'RemovePermission' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations', operation: 'Invoke' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/aliases', operation: 'ListAliases' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/aliases', operation: 'CreateAlias' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/aliases/{Name}', operation: 'GetAlias' },
  { method: 'GET', path: '/2017-03-31/tags/{Resource+}', operation: 'ListTags' },
  { method: 'POST', path: '/2017-03-31/tags/{Resource+}', operation: 'TagResource' },
  { method: 'DELETE', path: '/2017-03-31/tags/{Resource+}', operation: 'UntagResource' },
  { method: 'GET', path: '/2019-09-30/functions/{FunctionName}/concurrency', operation: 'GetFunctionConcurrency' },
  { method: 'PUT', path: '/2017-10-31/functions/{FunctionName}/concurrency', operation: 'PutFunctionConcurrency' },
  { method: 'DELETE', path: '/2017-10-31/functions/{FunctionName}/concurrency', operation: 'DeleteFunctionConcurrency' },
  { method: 'GET', path: '/2020-06-30/functions/{FunctionName}/code-signing-config', operation: 'GetFunctionCodeSigningConfig' },
  { method: 'PUT', path: '/2020-06-30/functions/{FunctionName}/code-signing-config', operation: 'PutFunctionCodeSigningConfig' },
  { method: 'DELETE', path: '/2020-06-30/functions/{FunctionName}/code-signing-config', operation: 'DeleteFunctionCodeSigningConfig' },
  { method: 'GET', path: '/2021-07-20/functions/{FunctionName}/runtime-management-config', operation: 'GetRuntimeManagementConfig' },
  { method: 'PUT', path: '/2021-07-20/functions/{FunctionName}/runtime-management-config', operation: 'PutRuntimeManagementConfig' },
  { method: 'GET', path: '/2024-08-31/functions/{FunctionName}/recursion-config', operation: 'GetFunctionRecursionConfig' },
  { method: 'PUT', path: '/2024-08-31/functions/{FunctionName}/recursion-config', operation: 'PutFunctionRecursionConfig' },
  { method: 'GET', path: '/2021-10-31/functions/{FunctionName}/url', operation: 'GetFunctionUrlConfig' },
  { method: 'GET', path: '/2019-09-25/functions/{FunctionName}/event-invoke-config', operation: 'GetFunctionEventInvokeConfig' },
  { method: 'GET', path: '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', operation: 'GetProvisionedConcurrencyConfig' },
  { method: 'GET', path: '/2016-08-19/account-settings', operation: 'GetAccountSettings' },
];

const invalidParameter = (message: string) => new AwsError(400, 'InvalidParameterValueException', message);

/** `2026-12-01T09:30:00.000+0000`: Lambda's LastModified format. */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

function tagsOf(value: unknown): Tags {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string'))
    throw invalidParameter('Tags must be a map of strings');
  return { ...(value as Tags) };
}

function zipFrom(code: unknown): Buffer {
  const zipFile = (code as { ZipFile?: unknown } | undefined)?.ZipFile;
  if (typeof zipFile !== 'string' || zipFile.length === 0) {
    if (code && typeof code === 'object' && ('S3Bucket' in code || 'ImageUri' in code)) {
      throw invalidParameter('The local control plane takes function code only as a ZipFile upload (no S3 or container images).');
    }
    throw invalidParameter('Please provide a source for function code.');
  }
  const zip = Buffer.from(zipFile, 'base64');
  if (zip.length > MAX_ZIP_BYTES)
    throw new AwsError(
      413,
      'RequestEntityTooLargeException',
      `Request must be smaller than ${MAX_ZIP_BYTES} bytes for the CreateFunction operation`,
    );
  // A zip starts with a local file header (or is an empty archive's end record).
  if (!(
    zip.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || zip.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  )) {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  return zip;
}

export interface LambdaServiceOptions {
  /** Where `GetFunction`'s `Code.Location` points (AWS: a presigned S3 URL). */
  readonly codeLocation: (fn: LambdaFunction) => string;
}

export function lambdaService(state: LocalAwsState, options: LambdaServiceOptions): ServiceHandler {
  /** A function name, partial ARN or full ARN, with an optional `:qualifier`. */
  const resolve = (identifier: string, region: string): { fn: LambdaFunction; qualifier?: string } => {
    const arn = /^(?:arn:aws[\w-]*:lambda:[^:]*:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(identifier);
    const name = arn?.[1] ?? identifier;
    const fn = state.functions.get(name);
    if (!fn)
      throw new AwsError(
        404,
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${region}:${state.account}:function:${name}`,
      );
    return { fn, qualifier: arn?.[2] };
  };
  const functionOf = (request: AwsRequest) => {
    const found = resolve(request.params.FunctionName ?? '', request.region);
    const qualifier = request.query.get('Qualifier') ?? found.qualifier;
    if (qualifier !== undefined && qualifier !== '$LATEST' && !found.fn.versions.some((v) => v.version === qualifier)) {
      throw new AwsError(404, 'ResourceNotFoundException', `Function not found: ${found.fn.arn}:${qualifier}`);
    }
    return { fn: found.fn, qualifier: qualifier === '$LATEST' ? undefined : qualifier };
  };

  const configuration = (fn: LambdaFunction, version?: LambdaFunction['versions'][number], stateName = 'Active') => {
    const config = version?.config ?? fn.config;
    const code = version?.code ?? fn.code;
    return {
      FunctionName: fn.functionName,
      FunctionArn: version ? `${fn.arn}:${version.version}` : fn.arn,
      Runtime: config.runtime,
      Role: config.role,
      Handler: config.handler,
      CodeSize: code.zip.length,
      Description: config.description,
      Timeout: config.timeout,
      MemorySize: config.memorySize,
      LastModified: lambdaTimestamp(version?.lastModified ?? fn.lastModified),
      CodeSha256: code.sha256,
      Version: version?.version ?? '$LATEST',
      ...(config.environment ? { Environment: { Variables: { ...config.environment } } } : {}),
      ...(config.kmsKeyArn ? { KMSKeyArn: config.kmsKeyArn } : {}),
      ...(config.deadLetterTarget ? { DeadLetterConfig: { TargetArn: config.deadLetterTarget } } : {}),
      TracingConfig: { Mode: config.tracingMode },
      RevisionId: version?.revisionId ?? fn.revisionId,
      ...(config.layers.length > 0 ? { Layers: config.layers.map((Arn) => ({ Arn, CodeSize: 0 })) } : {}),
      State: stateName,
      ...(stateName === 'Pending' ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : {}),
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: [...config.architectures],
      EphemeralStorage: { Size: config.ephemeralStorage },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RuntimeVersionConfig: {
        RuntimeVersionArn: `arn:aws:lambda:${fn.region}::runtime:${code.sha256
          .replace(/[^a-zA-Z0-9]/g, '')
          .slice(0, 40)
          .toLowerCase()}`,
      },
      LoggingConfig: {
        LogFormat: config.logging.logFormat,
        LogGroup: config.logging.logGroup,
        ...(config.logging.applicationLogLevel ? { ApplicationLogLevel: config.logging.applicationLogLevel } : {}),
        ...(config.logging.systemLogLevel ? { SystemLogLevel: config.logging.systemLogLevel } : {}),
      },
    };
  };

  /** Applies the configuration fields of CreateFunction / UpdateFunctionConfiguration onto `base`. */
  const applyConfig = (input: Record<string, unknown>, base: LambdaFunction['config'], functionName: string): LambdaFunction['config'] => {
    const next: LambdaFunction['config'] = {
      ...base,
      logging: { ...base.logging },
      architectures: [...base.architectures],
      layers: [...base.layers],
    };
    if (input.Runtime !== undefined) {
      const runtime = String(input.Runtime);
      if (BLOCKED_RUNTIMES.includes(runtime)) {
        throw invalidParameter(
          `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
            'We recommend you use a supported runtime while creating or updating functions.',
        );
      }
      if (!SUPPORTED_RUNTIMES.includes(runtime))
        throw invalidParameter(
          `Value ${runtime} at 'runtime' failed to satisfy constraint: ` +
            `Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}]`,
        );
      next.runtime = runtime;
    }
    if (input.Role !== undefined) next.role = checkRole(String(input.Role));
    if (input.Handler !== undefined) next.handler = String(input.Handler);
    if (input.Description !== undefined) next.description = String(input.Description);
    if (input.Timeout !== undefined) {
      const timeout = Number(input.Timeout);
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
        throw invalidParameter(
          `1 validation error detected: Value '${timeout}' at 'timeout' failed to satisfy constraint: ` +
            'Member must have value less than or equal to 900',
        );
      next.timeout = timeout;
    }
    if (input.MemorySize !== undefined) {
      const memory = Number(input.MemorySize);
      if (!Number.isInteger(memory) || memory < 128 || memory > 10240)
        throw invalidParameter(`'MemorySize' value failed to satisfy constraint: Member must have value between 128 and 10240`);
      next.memorySize = memory;
    }
    if (input.Environment !== undefined) {
      const variables = (input.Environment as { Variables?: Record<string, string> } | null)?.Variables;
      next.environment = variables && Object.keys(variables).length > 0 ? { ...variables } : undefined;
    }
    if (input.TracingConfig !== undefined) next.tracingMode = (input.TracingConfig as { Mode?: string }).Mode ?? 'PassThrough';
    if (input.EphemeralStorage !== undefined) next.ephemeralStorage = Number((input.EphemeralStorage as { Size?: number }).Size ?? 512);
    if (input.Layers !== undefined) next.layers = Array.isArray(input.Layers) ? input.Layers.map(String) : [];
    if (input.KMSKeyArn !== undefined) next.kmsKeyArn = String(input.KMSKeyArn) || undefined;
    if (input.DeadLetterConfig !== undefined)
      next.deadLetterTarget = (input.DeadLetterConfig as { TargetArn?: string }).TargetArn || undefined;
    if (input.Architectures !== undefined) next.architectures = checkArchitectures(input.Architectures);
    if (input.LoggingConfig !== undefined) {
      const logging = input.LoggingConfig as {
        LogFormat?: string;
        LogGroup?: string;
        ApplicationLogLevel?: string;
        SystemLogLevel?: string;
      };
      const logFormat = logging.LogFormat ?? next.logging.logFormat;
      if (!['Text', 'JSON'].includes(logFormat))
        throw invalidParameter(
          `Value ${logFormat} at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]`,
        );
      if (logFormat === 'Text' && (logging.ApplicationLogLevel || logging.SystemLogLevel)) {
        throw invalidParameter('To set ApplicationLogLevel or SystemLogLevel, the LogFormat must be JSON.');
      }
      next.logging = {
        logFormat,
        logGroup: logging.LogGroup || `/aws/lambda/${functionName}`,
        applicationLogLevel: logFormat === 'JSON' ? (logging.ApplicationLogLevel ?? 'INFO') : undefined,
        systemLogLevel: logFormat === 'JSON' ? (logging.SystemLogLevel ?? 'INFO') : undefined,
      };
    }
    return next;
  };

  /** Lambda refuses a role it cannot assume: one that does not exist or does not trust lambda.amazonaws.com. */
  const checkRole = (roleArn: string): string => {
    const match = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:[^/]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
    if (!match)
      throw invalidParameter(
        `1 validation error detected: Value '${roleArn}' at 'role' failed to satisfy constraint: ` +
          `Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`,
      );
    const role = state.roles.get(match[1]!);
    if (!role || !role.assumeRolePolicyDocument.includes('lambda.amazonaws.com'))
      throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
    return roleArn;
  };

  const touch = (fn: LambdaFunction): void => {
    fn.lastModified = state.now();
    fn.revisionId = state.newRevisionId();
  };

  const policyDocument = (fn: LambdaFunction, qualifier: string) => {
    const statements = fn.policies.get(qualifier) ?? [];
    if (statements.length === 0) throw new AwsError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
    return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
  };

  const byTagArn = (request: AwsRequest): LambdaFunction => {
    const arn = request.params.Resource ?? '';
    if (!arn.startsWith('arn:'))
      throw invalidParameter(
        `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: arn:...',
      );
    return resolve(arn, request.region).fn;
  };

  return {
    service: 'lambda',
    routes: LAMBDA_ROUTES,
    operations: {
      CreateFunction(request) {
        const input = request.input;
        const functionName = typeof input.FunctionName === 'string' ? input.FunctionName : '';
        if (!FUNCTION_NAME.test(functionName))
          throw invalidParameter(
            `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: ` +
              'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+',
          );
        if (input.PackageType !== undefined && input.PackageType !== 'Zip')
          throw invalidParameter('The local control plane serves only PackageType Zip.');
        if (typeof input.Role !== 'string')
          throw invalidParameter("1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
        if (typeof input.Runtime !== 'string' || typeof input.Handler !== 'string')
          throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
        if (state.functions.has(functionName))
          throw new AwsError(409, 'ResourceConflictException', `Function already exist: ${functionName}`);
        const zip = zipFrom(input.Code);
        const config = applyConfig(
          input,
          {
            role: '',
            description: '',
            timeout: 3,
            memorySize: 128,
            architectures: ['x86_64'],
            ephemeralStorage: 512,
            tracingMode: 'PassThrough',
            layers: [],
            logging: { logFormat: 'Text', logGroup: `/aws/lambda/${functionName}` },
          },
          functionName,
        );
        const fn: LambdaFunction = {
          functionName,
          region: request.region,
          arn: `arn:aws:lambda:${request.region}:${state.account}:function:${functionName}`,
          config,
          code: codeOf(zip),
          lastModified: state.now(),
          revisionId: state.newRevisionId(),
          tags: tagsOf(input.Tags),
          policies: new Map(),
          policyRevisionId: state.newRevisionId(),
          versions: [],
        };
        state.functions.set(functionName, fn);
        if (input.Publish === true) publish(fn);
        // AWS answers a create with State Pending; the next read sees Active (no cold start here).
        return { status: 201, body: configuration(fn, undefined, 'Pending') };
      },
      GetFunction(request) {
        const { fn, qualifier } = functionOf(request);
        const version = qualifier ? fn.versions.find((v) => v.version === qualifier) : undefined;
        return {
          body: {
            Configuration: configuration(fn, version),
            Code: { RepositoryType: 'S3', Location: options.codeLocation(fn) },
            ...(Object.keys(fn.tags).length > 0 ? { Tags: { ...fn.tags } } : {}),
          },
        };
      },
      GetFunctionConfiguration(request) {
        const { fn, qualifier } = functionOf(request);
        return { body: configuration(fn, qualifier ? fn.versions.find((v) => v.version === qualifier) : undefined) };
      },
      UpdateFunctionConfiguration(request) {
        const { fn } = functionOf(request);
        checkRevision(fn, request.input.RevisionId);
        fn.config = applyConfig(request.input, fn.config, fn.functionName);
        touch(fn);
        return { body: configuration(fn) };
      },
      UpdateFunctionCode(request) {
        const { fn } = functionOf(request);
        checkRevision(fn, request.input.RevisionId);
        const zip = zipFrom(request.input);
        if (request.input.Architectures !== undefined)
          fn.config = { ...fn.config, architectures: checkArchitectures(request.input.Architectures) };
        if (request.input.DryRun !== true) {
          fn.code = codeOf(zip);
          touch(fn);
          if (request.input.Publish === true) publish(fn);
        }
        return { body: configuration(fn) };
      },
      DeleteFunction(request) {
        const { fn, qualifier } = functionOf(request);
        if (qualifier) {
          const index = fn.versions.findIndex((v) => v.version === qualifier);
          fn.versions.splice(index, 1);
          fn.policies.delete(qualifier);
        } else {
          state.functions.delete(fn.functionName);
        }
        return { status: 204 };
      },
      ListVersionsByFunction(request) {
        const { fn } = functionOf(request);
        return { body: { Versions: [configuration(fn), ...fn.versions.map((v) => configuration(fn, v))] } };
      },
      PublishVersion(request) {
        const { fn } = functionOf(request);
        const version = publish(fn);
        return { status: 201, body: configuration(fn, version) };
      },
      AddPermission(request) {
        const { fn, qualifier } = functionOf(request);
        const input = request.input;
        const sid = typeof input.StatementId === 'string' ? input.StatementId : '';
        if (!STATEMENT_ID.test(sid))
          throw invalidParameter(
            `1 validation error detected: Value '${sid}' at 'statementId' failed to satisfy constraint: ` +
              'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)',
          );
        const action = typeof input.Action === 'string' ? input.Action : '';
        if (!ACTION.test(action))
          throw invalidParameter(
            `1 validation error detected: Value '${action}' at 'action' failed to satisfy constraint: ` +
              'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])',
          );
        const principal = typeof input.Principal === 'string' ? input.Principal : '';
        if (!principal)
          throw invalidParameter(
            "1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null",
          );
        if (typeof input.RevisionId === 'string' && input.RevisionId !== fn.policyRevisionId && input.RevisionId !== fn.revisionId) {
          throw new AwsError(
            412,
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
          );
        }
        const key = qualifier ?? '';
        const statements = fn.policies.get(key) ?? [];
        if (statements.some((s) => s.Sid === sid)) {
          throw new AwsError(
            409,
            'ResourceConflictException',
            `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
          );
        }
        const condition: Record<string, Record<string, string>> = {};
        const add = (operator: string, conditionKey: string, value: unknown) => {
          if (typeof value === 'string' && value) condition[operator] = { ...(condition[operator] ?? {}), [conditionKey]: value };
        };
        add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
        add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
        add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
        add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
        add('ArnLike', 'AWS:SourceArn', input.SourceArn);
        const statement: LambdaPolicyStatement = {
          Sid: sid,
          Effect: 'Allow',
          Principal: /^\d{12}$/.test(principal)
            ? { AWS: `arn:aws:iam::${principal}:root` }
            : principal.includes('.')
              ? { Service: principal }
              : { AWS: principal },
          Action: action,
          Resource: qualifier ? `${fn.arn}:${qualifier}` : fn.arn,
          ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
        fn.policies.set(key, [...statements, statement]);
        fn.policyRevisionId = state.newRevisionId();
        return { status: 201, body: { Statement: JSON.stringify(statement) } };
      },
      GetPolicy(request) {
        const { fn, qualifier } = functionOf(request);
        return { body: { Policy: policyDocument(fn, qualifier ?? ''), RevisionId: fn.policyRevisionId } };
      },
      RemovePermission(request) {
        const { fn, qualifier } = functionOf(request);
        const key = qualifier ?? '';
        const statements = fn.policies.get(key) ?? [];
        const sid = request.params.StatementId ?? '';
        if (!statements.some((s) => s.Sid === sid))
          throw new AwsError(404, 'ResourceNotFoundException', `Statement ${sid} is not found in resource policy.`);
        const rest = statements.filter((s) => s.Sid !== sid);
        if (rest.length > 0) fn.policies.set(key, rest);
        else fn.policies.delete(key);
        fn.policyRevisionId = state.newRevisionId();
        return { status: 204 };
      },
      ListTags(request) {
        return { body: { Tags: { ...byTagArn(request).tags } } };
      },
      TagResource(request) {
        const fn = byTagArn(request);
        fn.tags = { ...fn.tags, ...tagsOf(request.input.Tags) };
        return { status: 204 };
      },
      UntagResource(request) {
        const fn = byTagArn(request);
        for (const key of request.query.getAll('tagKeys')) delete fn.tags[key];
        return { status: 204 };
      },
      GetFunctionCodeSigningConfig(request) {
        const { fn } = functionOf(request);
        return { body: { CodeSigningConfigArn: '', FunctionName: fn.functionName } };
      },
      GetFunctionConcurrency(request) {
        functionOf(request);
        return { body: {} };
      },
      GetRuntimeManagementConfig(request) {
        const { fn } = functionOf(request);
        return { body: { UpdateRuntimeOn: 'Auto', FunctionArn: fn.arn } };
      },
      GetFunctionRecursionConfig(request) {
        functionOf(request);
        return { body: { RecursiveLoop: 'Terminate' } };
      },
    },
  };

  function publish(fn: LambdaFunction): LambdaFunction['versions'][number] {
    const last = fn.versions[fn.versions.length - 1];
    // Publishing unchanged code and configuration returns the latest version, as Lambda does.
    if (last && last.code.sha256 === fn.code.sha256 && JSON.stringify(last.config) === JSON.stringify(fn.config)) return last;
    const version = {
      version: String(fn.versions.length === 0 ? 1 : Number(last!.version) + 1),
      config: structuredClone(fn.config),
      code: fn.code,
      lastModified: state.now(),
      revisionId: state.newRevisionId(),
    };
    fn.versions.push(version);
    return version;
  }
}

function checkRevision(fn: LambdaFunction, revisionId: unknown): void {
  if (typeof revisionId === 'string' && revisionId !== fn.revisionId) {
    throw new AwsError(
      412,
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. ' +
        'Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

function checkArchitectures(value: unknown): string[] {
  if (!Array.isArray(value) || value.length !== 1 || !['x86_64', 'arm64'].includes(String(value[0]))) {
    throw invalidParameter(
      `1 validation error detected: Value '${JSON.stringify(value)}' at 'architectures' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 1, and each member must satisfy enum value set: [x86_64, arm64]',
    );
  }
  return [String(value[0])];
}
