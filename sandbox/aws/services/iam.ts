/** IAM (query/XML, version 2010-05-08): roles, their inline policies and tags. */
import { AwsError } from '../errors';
import { formList, formTags, type AwsRequest } from '../protocol';
import type { IamRole, LocalAwsState, Tags } from '../state';
import type { XmlValue } from '../xml';
import type { ServiceHandler } from './service';

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

const noSuchRole = (name: string) => new AwsError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);

function validation(message: string): AwsError {
  return new AwsError(400, 'ValidationError', message);
}

function param(request: AwsRequest, name: string): string {
  const value = request.form.get(name);
  if (value === null || value === '')
    throw validation(
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' ` +
        'failed to satisfy constraint: Member must not be null',
    );
  return value;
}

/** IAM requires a JSON policy document; it answers MalformedPolicyDocument otherwise. */
function policyDocument(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    if (!('Statement' in parsed)) throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
  } catch (err) {
    if (err instanceof AwsError) throw err;
    throw new AwsError(400, 'MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  return text;
}

function tagList(tags: Tags): XmlValue {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** IAM returns policy documents URL-encoded (RFC 3986), as the SDKs expect to decode. */
function encodePolicy(document: string): string {
  return encodeURIComponent(document);
}

function roleXml(role: IamRole): XmlValue {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodePolicy(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    PermissionsBoundary: role.permissionsBoundary
      ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundary }
      : undefined,
    Tags: Object.keys(role.tags).length > 0 ? tagList(role.tags) : undefined,
    RoleLastUsed: {},
  };
}

function checkTags(tags: Tags): void {
  if (Object.keys(tags).length > 50) throw new AwsError(400, 'LimitExceeded', 'The number of tags has reached the maximum limit.');
}

export function iamService(state: LocalAwsState): ServiceHandler {
  const role = (name: string): IamRole => {
    const found = state.roles.get(name);
    if (!found) throw noSuchRole(name);
    return found;
  };

  return {
    service: 'iam',
    operations: {
      CreateRole(request) {
        const roleName = param(request, 'RoleName');
        if (!ROLE_NAME.test(roleName))
          throw validation(
            `1 validation error detected: Value '${roleName}' at 'roleName' failed to satisfy constraint: ` +
              `Member must satisfy regular expression pattern: [\\w+=,.@-]+ and length at most 64`,
          );
        const document = policyDocument(param(request, 'AssumeRolePolicyDocument'));
        if (state.roles.has(roleName)) throw new AwsError(409, 'EntityAlreadyExists', `Role with name ${roleName} already exists.`);
        const path = request.form.get('Path') || '/';
        const tags = formTags(request.form);
        checkTags(tags);
        const created: IamRole = {
          roleName,
          roleId: state.newRoleId(),
          arn: `arn:aws:iam::${state.account}:role${path}${roleName}`,
          path,
          createDate: state.now(),
          assumeRolePolicyDocument: document,
          description: request.form.get('Description') ?? undefined,
          maxSessionDuration: Number(request.form.get('MaxSessionDuration') ?? 3600),
          permissionsBoundary: request.form.get('PermissionsBoundary') ?? undefined,
          tags,
          inlinePolicies: new Map(),
          attachedPolicies: new Map(),
        };
        state.roles.set(roleName, created);
        return { body: { Role: roleXml(created) } };
      },
      GetRole(request) {
        return { body: { Role: roleXml(role(param(request, 'RoleName'))) } };
      },
      UpdateRole(request) {
        const found = role(param(request, 'RoleName'));
        if (request.form.has('Description')) found.description = request.form.get('Description') || undefined;
        if (request.form.has('MaxSessionDuration')) found.maxSessionDuration = Number(request.form.get('MaxSessionDuration'));
        return { body: {} };
      },
      UpdateRoleDescription(request) {
        const found = role(param(request, 'RoleName'));
        found.description = request.form.get('Description') || undefined;
        return { body: { Role: roleXml(found) } };
      },
      UpdateAssumeRolePolicy(request) {
        const found = role(param(request, 'RoleName'));
        found.assumeRolePolicyDocument = policyDocument(param(request, 'PolicyDocument'));
        return {};
      },
      DeleteRole(request) {
        const found = role(param(request, 'RoleName'));
        if (found.inlinePolicies.size > 0 || found.attachedPolicies.size > 0) {
          throw new AwsError(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
        }
        state.roles.delete(found.roleName);
        return {};
      },
      ListRoleTags(request) {
        return { body: { Tags: tagList(role(param(request, 'RoleName')).tags), IsTruncated: false } };
      },
      TagRole(request) {
        const found = role(param(request, 'RoleName'));
        const tags = { ...found.tags, ...formTags(request.form) };
        checkTags(tags);
        found.tags = tags;
        return {};
      },
      UntagRole(request) {
        const found = role(param(request, 'RoleName'));
        for (const key of formList(request.form, 'TagKeys')) delete found.tags[key];
        return {};
      },
      PutRolePolicy(request) {
        const found = role(param(request, 'RoleName'));
        const policyName = param(request, 'PolicyName');
        if (!POLICY_NAME.test(policyName))
          throw validation(
            `1 validation error detected: Value '${policyName}' at 'policyName' failed to satisfy constraint: ` +
              `Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
          );
        found.inlinePolicies.set(policyName, policyDocument(param(request, 'PolicyDocument')));
        return {};
      },
      GetRolePolicy(request) {
        const found = role(param(request, 'RoleName'));
        const policyName = param(request, 'PolicyName');
        const document = found.inlinePolicies.get(policyName);
        if (document === undefined) throw new AwsError(404, 'NoSuchEntity', `The role policy with name ${policyName} cannot be found.`);
        return { body: { RoleName: found.roleName, PolicyName: policyName, PolicyDocument: encodePolicy(document) } };
      },
      DeleteRolePolicy(request) {
        const found = role(param(request, 'RoleName'));
        const policyName = param(request, 'PolicyName');
        if (!found.inlinePolicies.delete(policyName))
          throw new AwsError(404, 'NoSuchEntity', `The role policy with name ${policyName} cannot be found.`);
        return {};
      },
      /**
       * Roles in name order, a page of MaxItems (1 to 1000, default 100) after Marker. As in AWS, a
       * listed role carries no Tags, PermissionsBoundary or RoleLastUsed (GetRole has them).
       */
      ListRoles(request) {
        const prefix = request.form.get('PathPrefix') || '/';
        const max = Number(request.form.get('MaxItems') ?? 100);
        if (!Number.isInteger(max) || max < 1 || max > 1000)
          throw validation(
            `1 validation error detected: Value '${request.form.get('MaxItems')}' at 'maxItems' failed to satisfy constraint: ` +
              'Member must have value less than or equal to 1000',
          );
        const all = [...state.roles.values()].filter((r) => r.path.startsWith(prefix)).sort((a, b) => a.roleName.localeCompare(b.roleName));
        const marker = request.form.get('Marker');
        const after = marker ? Buffer.from(marker, 'base64url').toString('utf8') : undefined;
        if (marker && !after) throw validation('Invalid Marker.');
        const rest = after === undefined ? all : all.filter((r) => r.roleName > after);
        const page = rest.slice(0, max);
        const listed = page.map((r) => {
          const { Tags: _tags, PermissionsBoundary: _boundary, RoleLastUsed: _used, ...rest } = roleXml(r) as Record<string, XmlValue>;
          return rest;
        });
        const truncated = rest.length > page.length;
        return {
          body: {
            Roles: listed,
            IsTruncated: truncated,
            ...(truncated ? { Marker: Buffer.from(page[page.length - 1]!.roleName, 'utf8').toString('base64url') } : {}),
          },
        };
      },
      ListRolePolicies(request) {
        const found = role(param(request, 'RoleName'));
        return { body: { PolicyNames: [...found.inlinePolicies.keys()].sort(), IsTruncated: false } };
      },
      ListAttachedRolePolicies(request) {
        const found = role(param(request, 'RoleName'));
        const attached = [...found.attachedPolicies].map(([PolicyArn, PolicyName]) => ({ PolicyName, PolicyArn }));
        return { body: { AttachedPolicies: attached, IsTruncated: false } };
      },
      /** The provider asks who the credentials are (its account-id lookup tries IAM before STS). */
      GetUser(request) {
        const userName = request.form.get('UserName') ?? 'local-aws';
        return {
          body: {
            User: {
              Path: '/',
              UserName: userName,
              UserId: 'AIDALOCALAWSUSER00000',
              Arn: `arn:aws:iam::${state.account}:user/${userName}`,
              CreateDate: new Date(0),
            },
          },
        };
      },
      ListInstanceProfilesForRole(request) {
        role(param(request, 'RoleName'));
        return { body: { InstanceProfiles: [], IsTruncated: false } };
      },
    },
  };
}
