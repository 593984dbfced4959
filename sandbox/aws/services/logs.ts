/** CloudWatch Logs (JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`): log groups, retention, tags. */
import { AwsError } from '../errors';
import type { AwsRequest } from '../protocol';
import type { LocalAwsState, LogGroup, Tags } from '../state';
import type { ServiceHandler } from './service';

/** The retention values CloudWatch Logs accepts. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const notFound = () => new AwsError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
const invalid = (message: string) => new AwsError(400, 'InvalidParameterException', message);

function name(request: AwsRequest, field = 'logGroupName'): string {
  const value = request.input[field];
  if (typeof value !== 'string' || value === '')
    throw invalid(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function tagsOf(value: unknown): Tags {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string'))
    throw invalid('tags must be a map of strings');
  return { ...(value as Tags) };
}

function retention(value: unknown): number {
  if (typeof value !== 'number' || !RETENTION_DAYS.includes(value)) {
    throw invalid(
      `1 validation error detected: Value '${String(value)}' at 'retentionInDays' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  return value;
}

export function logGroupArn(state: LocalAwsState, group: LogGroup): string {
  return `arn:aws:logs:${group.region}:${state.account}:log-group:${group.logGroupName}`;
}

export function logsService(state: LocalAwsState): ServiceHandler {
  const group = (logGroupName: string): LogGroup => {
    const found = state.logGroups.get(logGroupName);
    if (!found) throw notFound();
    return found;
  };
  /** `arn:aws:logs:region:account:log-group:NAME` (a trailing `:*` is tolerated, as AWS does). */
  const byArn = (request: AwsRequest): LogGroup => {
    const arn = name(request, 'resourceArn');
    const match = /^arn:aws:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn);
    if (!match) throw invalid(`Invalid resource ARN ${arn}`);
    const found = state.logGroups.get(match[1]!);
    if (!found) throw new AwsError(400, 'ResourceNotFoundException', `The specified resource does not exist.`);
    return found;
  };
  const describe = (g: LogGroup) => ({
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${logGroupArn(state, g)}:*`,
    storedBytes: 0,
    ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: logGroupArn(state, g),
  });

  return {
    service: 'logs',
    operations: {
      CreateLogGroup(request) {
        const logGroupName = name(request);
        if (!LOG_GROUP_NAME.test(logGroupName))
          throw invalid(
            `1 validation error detected: Value '${logGroupName}' at 'logGroupName' failed to satisfy constraint: ` +
              `Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
          );
        if (state.logGroups.has(logGroupName))
          throw new AwsError(400, 'ResourceAlreadyExistsException', 'The specified log group already exists');
        const logGroupClass = typeof request.input.logGroupClass === 'string' ? request.input.logGroupClass : 'STANDARD';
        if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(logGroupClass)) throw invalid(`Invalid logGroupClass ${logGroupClass}`);
        state.logGroups.set(logGroupName, {
          logGroupName,
          region: request.region,
          creationTime: state.now().getTime(),
          kmsKeyId: typeof request.input.kmsKeyId === 'string' ? request.input.kmsKeyId : undefined,
          logGroupClass,
          tags: tagsOf(request.input.tags),
        });
        return {};
      },
      DeleteLogGroup(request) {
        group(name(request));
        state.logGroups.delete(name(request));
        return {};
      },
      PutRetentionPolicy(request) {
        group(name(request)).retentionInDays = retention(request.input.retentionInDays);
        return {};
      },
      DeleteRetentionPolicy(request) {
        group(name(request)).retentionInDays = undefined;
        return {};
      },
      DescribeLogGroups(request) {
        const prefix = typeof request.input.logGroupNamePrefix === 'string' ? request.input.logGroupNamePrefix : '';
        const pattern = typeof request.input.logGroupNamePattern === 'string' ? request.input.logGroupNamePattern : undefined;
        if (prefix && pattern) throw invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
        const limit = typeof request.input.limit === 'number' ? request.input.limit : 50;
        if (limit < 1 || limit > 50)
          throw invalid(
            `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: ` +
              'Member must have value less than or equal to 50',
          );
        const start = typeof request.input.nextToken === 'string' ? Number(request.input.nextToken) : 0;
        const matching = [...state.logGroups.values()]
          .filter((g) => g.logGroupName.startsWith(prefix) && (!pattern || g.logGroupName.includes(pattern)))
          .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1));
        const page = matching.slice(start, start + limit);
        const next = start + limit < matching.length ? String(start + limit) : undefined;
        return { body: { logGroups: page.map(describe), ...(next ? { nextToken: next } : {}) } };
      },
      ListTagsForResource(request) {
        return { body: { tags: { ...byArn(request).tags } } };
      },
      TagResource(request) {
        const found = byArn(request);
        found.tags = { ...found.tags, ...tagsOf(request.input.tags) };
        return {};
      },
      UntagResource(request) {
        const found = byArn(request);
        const keys = Array.isArray(request.input.tagKeys) ? (request.input.tagKeys as unknown[]) : [];
        for (const key of keys) if (typeof key === 'string') delete found.tags[key];
        return {};
      },
      ListTagsLogGroup(request) {
        return { body: { tags: { ...group(name(request)).tags } } };
      },
      TagLogGroup(request) {
        const found = group(name(request));
        found.tags = { ...found.tags, ...tagsOf(request.input.tags) };
        return {};
      },
      UntagLogGroup(request) {
        const found = group(name(request));
        const keys = Array.isArray(request.input.tags) ? (request.input.tags as unknown[]) : [];
        for (const key of keys) if (typeof key === 'string') delete found.tags[key];
        return {};
      },
    },
  };
}
