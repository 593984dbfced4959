import type { ResolvedConfig, ResolvedScope } from '../config';
import { withMarker } from './ownership';
import type { StackOutputs } from './outputs';

/** Shown in plans made before the AWS side exists. */
export const UNKNOWN_IDENTIFIER = '(known after AWS deploy)';

export interface DesiredApiResource {
  identifier: string;
  name: string;
  description: string;
  requiresAuthorization: boolean;
  scopes: ResolvedScope[];
}

export interface DesiredOidc {
  grantTypes: string[];
  callbackURLs: string[];
  publicClient: boolean;
  accessTokenType: 'JWT';
  accessTokenLifetime: number;
  /** The shared audience value that lets the gateway accept every client's tokens. */
  audience: string[];
}

export interface DesiredApp {
  name: string;
  description: string;
  allowedAudience: 'APPLICATION' | 'ORGANIZATION';
  oidc: DesiredOidc;
  scopes: string[];
}

export interface DesiredRole {
  name: string;
  /** `undefined` for an organization role; else the name of the client whose app is the audience. */
  client: string | undefined;
  permissions: string[];
  /** `undefined` when the configuration declares no users: membership is then left to the console. */
  users: string[] | undefined;
}

export interface DesiredUser {
  userName: string;
  email: string;
  givenName: string | undefined;
  familyName: string | undefined;
  password: ResolvedConfig['users'][number]['password'];
}

export interface DesiredState {
  stackName: string;
  apiResource: DesiredApiResource;
  apps: DesiredApp[];
  roles: DesiredRole[];
  users: DesiredUser[];
}

export function desiredState(config: ResolvedConfig, outputs?: StackOutputs): DesiredState {
  const identifier = config.apiResource.identifier ?? outputs?.apiIdentifier ?? UNKNOWN_IDENTIFIER;
  const sortByName = <T extends { name: string }>(xs: T[]) => xs.sort((a, b) => a.name.localeCompare(b.name));
  return {
    stackName: config.stackName,
    apiResource: {
      identifier,
      name: config.apiResource.name,
      description: withMarker(config.apiResource.description, config.stackName),
      requiresAuthorization: config.apiResource.requiresAuthorization,
      scopes: [...config.scopes].sort((a, b) => a.name.localeCompare(b.name)),
    },
    apps: sortByName(
      config.clients.map((c) => ({
        name: c.name,
        description: withMarker(c.description, config.stackName),
        allowedAudience: c.roleAudience === 'organization' ? 'ORGANIZATION' : 'APPLICATION',
        oidc: {
          grantTypes: [...c.grantTypes].sort(),
          callbackURLs: [...c.callbackUrls],
          publicClient: false,
          accessTokenType: 'JWT',
          accessTokenLifetime: c.accessTokenLifetimeSeconds,
          audience: [identifier],
        },
        scopes: [...c.scopes].sort(),
      })),
    ),
    roles: sortByName(
      config.roles.map((r) => ({
        name: r.name,
        client: r.audience.type === 'application' ? r.audience.client : undefined,
        permissions: [...r.scopes].sort(),
        users: config.users.length ? [...r.users].sort() : undefined,
      })),
    ),
    users: config.users
      .map((u) => ({ userName: u.userName, email: u.email, givenName: u.givenName, familyName: u.familyName, password: u.password }))
      .sort((a, b) => a.userName.localeCompare(b.userName)),
  };
}
