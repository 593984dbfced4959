/**
 * Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): the operations the
 * hashicorp/aws provider calls for `aws_secretsmanager_secret` and `aws_secretsmanager_secret_policy`,
 * and those `@aws-sdk/client-secrets-manager` calls to write and read a value
 * (asgardeo-secrets-and-roles.md, Part C): versions with staging labels, idempotency tokens, the
 * deletion window and the errors AWS answers with.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { AwsRequest } from '../protocol';
import { randomId, type LocalAwsState, type Secret, type Tags } from '../state';
import type { ServiceHandler } from './service';

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const DAY_MS = 86_400_000;
const ARN_SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

const invalidParameter = (message: string) => new AwsError(400, 'InvalidParameterException', message);
const invalidRequest = (message: string) => new AwsError(400, 'InvalidRequestException', message);
const notFound = (what = 'Secrets Manager can\u2019t find the specified secret.') => new AwsError(400, 'ResourceNotFoundException', what);

function requiredString(request: AwsRequest, field: string): string {
  const value = request.input[field];
  if (typeof value !== 'string' || value === '')
    throw invalidParameter(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optionalString(request: AwsRequest, field: string): string | undefined {
  const value = request.input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${field} must be a string`);
  return value;
}

function tagList(value: unknown): Tags {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalidParameter('Tags must be a list of {Key, Value}');
  const tags: Tags = {};
  for (const tag of value as unknown[]) {
    const t = tag as { Key?: unknown; Value?: unknown };
    if (typeof t?.Key !== 'string') throw invalidParameter('Each tag needs a Key');
    tags[t.Key] = typeof t.Value === 'string' ? t.Value : '';
  }
  return tags;
}

/** AWS's JSON 1.1 timestamps: epoch seconds. */
const epoch = (date: Date): number => date.getTime() / 1000;

export function secretsManagerService(state: LocalAwsState): ServiceHandler {
  /** Purges secrets whose recovery window has passed, as AWS does in the background. */
  const purge = () => {
    const now = state.now().getTime();
    for (const [name, secret] of state.secrets) if (secret.deletionDate && secret.deletionDate.getTime() <= now) state.secrets.delete(name);
  };
  /** `SecretId` is the name or the ARN (full, or without the 6-character suffix). */
  const find = (request: AwsRequest): Secret => {
    purge();
    const id = requiredString(request, 'SecretId');
    const byName = state.secrets.get(id);
    if (byName) return byName;
    for (const secret of state.secrets.values()) if (secret.arn === id || secret.arn.slice(0, -7) === id) return secret;
    throw notFound();
  };
  /** Most operations refuse a secret scheduled for deletion. */
  const live = (request: AwsRequest, verb = 'perform this operation on'): Secret => {
    const secret = find(request);
    if (secret.deletedDate) throw invalidRequest(`You can't ${verb} the secret because it was marked for deletion.`);
    return secret;
  };
  const versionIdsToStages = (secret: Secret) =>
    Object.fromEntries([...secret.versions].filter(([, v]) => v.stages.length > 0).map(([id, v]) => [id, [...v.stages]]));
  const tagsOut = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

  /** Adds a version and moves AWSCURRENT to it (the previous holder becomes AWSPREVIOUS), unless other stages are asked for. */
  const putVersion = (
    secret: Secret,
    token: string,
    value: { secretString?: string; secretBinary?: string },
    stages: string[] = [CURRENT],
  ): { versionId: string; stages: string[] } => {
    const existing = secret.versions.get(token);
    if (existing) {
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary)
        return { versionId: token, stages: [...existing.stages] };
      throw new AwsError(400, 'ResourceExistsException', `A resource with the ID you requested already exists.`);
    }
    if (stages.includes(CURRENT)) {
      for (const version of secret.versions.values()) version.stages = version.stages.filter((s) => s !== PREVIOUS);
      for (const version of secret.versions.values()) {
        if (version.stages.includes(CURRENT)) version.stages = [...version.stages.filter((s) => s !== CURRENT), PREVIOUS];
      }
    }
    for (const version of secret.versions.values())
      version.stages = version.stages.filter((s) => s === CURRENT || s === PREVIOUS || !stages.includes(s));
    secret.versions.set(token, { ...value, stages: [...stages], createdDate: state.now() });
    secret.lastChangedDate = state.now();
    return { versionId: token, stages: [...stages] };
  };
  const valueOf = (request: AwsRequest): { secretString?: string; secretBinary?: string } | undefined => {
    const secretString = optionalString(request, 'SecretString');
    const secretBinary = optionalString(request, 'SecretBinary');
    if (secretString !== undefined && secretBinary !== undefined)
      throw invalidParameter('You can\u2019t specify both SecretString and SecretBinary in the same request.');
    if (secretString === undefined && secretBinary === undefined) return undefined;
    return secretString !== undefined ? { secretString } : { secretBinary };
  };
  const token = (request: AwsRequest): string => {
    const value = optionalString(request, 'ClientRequestToken') ?? randomUUID();
    if (value.length < 32 || value.length > 64) throw invalidParameter('ClientRequestToken must be 32-64 characters long.');
    return value;
  };

  return {
    service: 'secretsmanager',
    operations: {
      CreateSecret(request) {
        purge();
        const name = requiredString(request, 'Name');
        if (!NAME.test(name))
          throw invalidParameter(
            `Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!`,
          );
        const existing = state.secrets.get(name);
        if (existing?.deletedDate)
          throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        if (existing) throw new AwsError(400, 'ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
        const now = state.now();
        const secret: Secret = {
          name,
          arn: `arn:aws:secretsmanager:${request.region}:${state.account}:secret:${name}-${randomId(6, ARN_SUFFIX_ALPHABET)}`,
          region: request.region,
          createdDate: now,
          description: optionalString(request, 'Description'),
          kmsKeyId: optionalString(request, 'KmsKeyId'),
          lastChangedDate: now,
          tags: tagList(request.input.Tags),
          versions: new Map(),
        };
        const value = valueOf(request);
        const version = value ? putVersion(secret, token(request), value) : undefined;
        state.secrets.set(name, secret);
        return { body: { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) } };
      },
      DescribeSecret(request) {
        const secret = find(request);
        return {
          body: {
            ARN: secret.arn,
            Name: secret.name,
            ...(secret.description !== undefined ? { Description: secret.description } : {}),
            ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
            RotationEnabled: false,
            LastChangedDate: epoch(secret.lastChangedDate),
            ...(secret.deletedDate ? { DeletedDate: epoch(secret.deletedDate) } : {}),
            Tags: tagsOut(secret.tags),
            VersionIdsToStages: versionIdsToStages(secret),
            CreatedDate: epoch(secret.createdDate),
            PrimaryRegion: secret.region,
          },
        };
      },
      PutSecretValue(request) {
        const secret = live(request);
        const value = valueOf(request);
        if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
        const stagesIn = request.input.VersionStages;
        const stages = Array.isArray(stagesIn) ? (stagesIn as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
        const version = putVersion(secret, token(request), value, stages);
        return { body: { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: version.stages } };
      },
      GetSecretValue(request) {
        const secret = live(request);
        const versionId = optionalString(request, 'VersionId');
        const stage = optionalString(request, 'VersionStage') ?? (versionId ? undefined : CURRENT);
        const found = [...secret.versions].find(([id, v]) => (!versionId || id === versionId) && (!stage || v.stages.includes(stage)));
        const wanted = versionId ? `VersionId: ${versionId}` : `staging label: ${stage}`;
        if (!found) throw notFound(`Secrets Manager can't find the specified secret value for ${wanted}`);
        const [id, version] = found;
        return {
          body: {
            ARN: secret.arn,
            Name: secret.name,
            VersionId: id,
            ...(version.secretString !== undefined ? { SecretString: version.secretString } : { SecretBinary: version.secretBinary }),
            VersionStages: [...version.stages],
            CreatedDate: epoch(version.createdDate),
          },
        };
      },
      ListSecretVersionIds(request) {
        const secret = find(request);
        return {
          body: {
            ARN: secret.arn,
            Name: secret.name,
            Versions: [...secret.versions]
              .filter(([, v]) => v.stages.length > 0 || request.input.IncludeDeprecated === true)
              .map(([id, v]) => ({ VersionId: id, VersionStages: [...v.stages], CreatedDate: epoch(v.createdDate) })),
          },
        };
      },
      UpdateSecret(request) {
        const secret = live(request);
        const description = optionalString(request, 'Description');
        const kmsKeyId = optionalString(request, 'KmsKeyId');
        if (description !== undefined) secret.description = description;
        if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
        const value = valueOf(request);
        const version = value ? putVersion(secret, token(request), value) : undefined;
        secret.lastChangedDate = state.now();
        return { body: { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) } };
      },
      DeleteSecret(request) {
        purge();
        const force = request.input.ForceDeleteWithoutRecovery === true;
        const window = request.input.RecoveryWindowInDays;
        if (force && window !== undefined && window !== null)
          throw invalidParameter('You can\u2019t use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.');
        const days = window === undefined || window === null ? 30 : window;
        if (!force && (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30))
          throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
        let secret: Secret;
        try {
          secret = find(request);
        } catch (err) {
          // Force-deleting a secret that does not exist succeeds (AWS's documented behaviour).
          if (force && err instanceof AwsError && err.code === 'ResourceNotFoundException') {
            const id = requiredString(request, 'SecretId');
            return { body: { ARN: id, Name: id, DeletionDate: epoch(state.now()) } };
          }
          throw err;
        }
        if (secret.deletedDate && !force)
          throw invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
        const now = state.now();
        if (force) {
          state.secrets.delete(secret.name);
          return { body: { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(now) } };
        }
        secret.deletedDate = now;
        secret.deletionDate = new Date(now.getTime() + (days as number) * DAY_MS);
        return { body: { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(secret.deletionDate) } };
      },
      RestoreSecret(request) {
        const secret = find(request);
        secret.deletedDate = undefined;
        secret.deletionDate = undefined;
        return { body: { ARN: secret.arn, Name: secret.name } };
      },
      GetResourcePolicy(request) {
        const secret = live(request);
        return {
          body: { ARN: secret.arn, Name: secret.name, ...(secret.resourcePolicy ? { ResourcePolicy: secret.resourcePolicy } : {}) },
        };
      },
      PutResourcePolicy(request) {
        const secret = live(request);
        const policy = requiredString(request, 'ResourcePolicy');
        let parsed: unknown;
        try {
          parsed = JSON.parse(policy);
        } catch {
          throw new AwsError(400, 'MalformedPolicyDocumentException', 'This resource policy contains a syntax error.');
        }
        if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed))
          throw new AwsError(400, 'MalformedPolicyDocumentException', 'This resource policy contains a syntax error.');
        secret.resourcePolicy = policy;
        return { body: { ARN: secret.arn, Name: secret.name } };
      },
      DeleteResourcePolicy(request) {
        const secret = live(request);
        secret.resourcePolicy = undefined;
        return { body: { ARN: secret.arn, Name: secret.name } };
      },
      TagResource(request) {
        const secret = live(request);
        secret.tags = { ...secret.tags, ...tagList(request.input.Tags) };
        return {};
      },
      UntagResource(request) {
        const secret = live(request);
        const keys = Array.isArray(request.input.TagKeys) ? (request.input.TagKeys as unknown[]) : [];
        for (const key of keys) if (typeof key === 'string') delete secret.tags[key];
        return {};
      },
    },
  };
}
