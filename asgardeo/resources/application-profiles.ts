import type { ResolvedApplication, ResolvedClient } from '../../config';
import type { AppListItem, ApplicationModel, AuthorizedApi, OidcBody } from '../api';
import { withMarker } from '../ownership';
import { SENSITIVE, type FieldSensitivity } from '../plan';

/**
 * The three types of application tollgate makes, each with its console template and its OIDC
 * profile: a machine client (config `clients`, client_credentials), and the user-facing single-page
 * app and web app (config `applications`: authorization code + PKCE, app-native sign-in, attributes
 * in access tokens). One kind (`application.ts`) reconciles all three; this module says what each
 * sets, shows in plans and compares.
 */
export type AppType = 'client' | ResolvedApplication['kind'];

/** The console templates (asgardeo-user-flows.md): machine-to-machine, single-page app, traditional web app. */
export const TEMPLATE_IDS: Readonly<Record<AppType, string>> = {
  client: 'm2m-application',
  spa: '6a90e4b0-fbff-42d7-bfde-1efd98f07cd7',
  web: 'b9c5e11e-fc78-484b-9bec-015d247561b8',
};

/** The OIDC settings tollgate sets: what a create sends, and what a PUT lays over the settings it read. */
export interface DesiredOidc {
  grantTypes: string[];
  callbackURLs: string[];
  allowedOrigins?: string[];
  publicClient: boolean;
  pkce?: { mandatory: boolean; supportPlainTransformAlgorithm: false };
  accessToken: {
    type: 'JWT';
    applicationAccessTokenExpiryInSeconds: number;
    userAccessTokenExpiryInSeconds?: number;
    /** Always the whole list: a PUT whose accessToken lacks it clears it. */
    accessTokenAttributes?: string[];
    /**
     * Always false: AWS's JWT authorizer is not documented to read a JSON-array `scope` claim (the local
     * gateway treats one as no scopes, so every scoped route answers 403). A console change to true is drift.
     */
    enableJwtScopeAsArray?: false;
  };
  refreshToken?: { expiryInSeconds: number };
  /** The shared audience value that lets the gateway accept every client's tokens. */
  idToken: { audience: string[] };
}

export interface DesiredApp {
  name: string;
  type: AppType;
  description: string;
  allowedAudience: 'APPLICATION' | 'ORGANIZATION';
  /** User-facing apps: the local claim URIs of `claimConfiguration.requestedClaims`, sorted. */
  requestedClaims?: string[];
  /** User-facing apps: `advancedConfigurations.enableAPIBasedAuthentication`. */
  appNativeAuthentication?: boolean;
  oidc: DesiredOidc;
  scopes: string[];
}

export interface ObservedApp {
  item: AppListItem;
  owner: string | undefined;
  oidc: OidcBody;
  /** Read for user-facing apps only (requested claims, app-native sign-in). */
  model: ApplicationModel | undefined;
  /** Every API this app is authorized for (ours is matched by the API resource id). */
  authorized: AuthorizedApi[];
}

/** The parts of an application's PATCH body tollgate writes. */
export interface ApplicationPatchBody {
  description?: string;
  associatedRoles?: { allowedAudience: DesiredApp['allowedAudience'] };
  claimConfiguration?: ReturnType<typeof requestedClaimsBody>;
  advancedConfigurations?: { enableAPIBasedAuthentication: boolean };
}

/**
 * A field of an application as plans show it: the value tollgate wants; what Asgardeo holds (in the
 * same shape, Asgardeo's default filled in where it left the field out; absent for fields only a
 * create shows); and how a difference is written: a part of the application's PATCH, or the OIDC PUT.
 */
interface FieldRule {
  want(app: DesiredApp): unknown;
  held?(seen: ObservedApp, app: DesiredApp): unknown;
  write?: ((app: DesiredApp) => ApplicationPatchBody) | 'oidc';
  /** Asgardeo cannot change it in place: a difference is shown with this note, and left. */
  unchangeable?: string;
  sensitivity?: FieldSensitivity;
  /** A create shows it only when it holds something (a client without callback URLs). */
  shownWhenEmpty?: false;
}

const sorted = (list: readonly string[] | undefined): string[] => [...(list ?? [])].sort();

const FIELDS = {
  kind: { want: (a) => a.type },
  description: {
    want: (a) => a.description,
    held: (s) => s.item.description ?? '',
    write: (a) => ({ description: a.description }),
  },
  templateId: {
    want: (a) => TEMPLATE_IDS[a.type],
    // Absent from the list answer: nothing to compare.
    held: (s, a) => s.item.templateId || TEMPLATE_IDS[a.type],
    unchangeable: 'the template cannot be changed in place (console view only): left as it is',
  },
  'associatedRoles.allowedAudience': {
    want: (a) => a.allowedAudience,
    held: (s) => s.item.associatedRoles?.allowedAudience ?? 'ORGANIZATION',
    write: (a) => ({ associatedRoles: { allowedAudience: a.allowedAudience } }),
  },
  'claimConfiguration.requestedClaims': {
    want: (a) => a.requestedClaims ?? [],
    held: (s) => observedRequestedClaims(s.model),
    write: (a) => ({ claimConfiguration: requestedClaimsBody(a.requestedClaims ?? []) }),
  },
  'advancedConfigurations.enableAPIBasedAuthentication': {
    want: (a) => a.appNativeAuthentication ?? false,
    held: (s) => observedAppNative(s.model),
    write: (a) => ({ advancedConfigurations: { enableAPIBasedAuthentication: a.appNativeAuthentication ?? false } }),
  },
  'oidc.grantTypes': { want: (a) => a.oidc.grantTypes, held: (s) => sorted(s.oidc.grantTypes), write: 'oidc' },
  'oidc.callbackURLs': { want: (a) => a.oidc.callbackURLs, held: (s) => s.oidc.callbackURLs ?? [], write: 'oidc', shownWhenEmpty: false },
  'oidc.allowedOrigins': { want: (a) => a.oidc.allowedOrigins ?? [], held: (s) => sorted(s.oidc.allowedOrigins), write: 'oidc' },
  'oidc.publicClient': { want: (a) => a.oidc.publicClient, held: (s) => s.oidc.publicClient ?? false, write: 'oidc' },
  'oidc.pkce': {
    want: (a) => a.oidc.pkce ?? { mandatory: false, supportPlainTransformAlgorithm: false },
    held: (s) => ({
      mandatory: s.oidc.pkce?.mandatory ?? false,
      supportPlainTransformAlgorithm: s.oidc.pkce?.supportPlainTransformAlgorithm ?? false,
    }),
    write: 'oidc',
  },
  'oidc.accessToken.type': { want: (a) => a.oidc.accessToken.type, held: (s) => s.oidc.accessToken?.type ?? 'Default', write: 'oidc' },
  'oidc.accessToken.applicationAccessTokenExpiryInSeconds': {
    want: (a) => a.oidc.accessToken.applicationAccessTokenExpiryInSeconds,
    held: (s) => s.oidc.accessToken?.applicationAccessTokenExpiryInSeconds,
    write: 'oidc',
  },
  'oidc.accessToken.userAccessTokenExpiryInSeconds': {
    want: (a) => a.oidc.accessToken.userAccessTokenExpiryInSeconds,
    held: (s) => s.oidc.accessToken?.userAccessTokenExpiryInSeconds,
    write: 'oidc',
  },
  'oidc.accessToken.accessTokenAttributes': {
    want: (a) => a.oidc.accessToken.accessTokenAttributes ?? [],
    held: (s) => sorted(s.oidc.accessToken?.accessTokenAttributes),
    write: 'oidc',
  },
  'oidc.accessToken.enableJwtScopeAsArray': {
    want: (a) => a.oidc.accessToken.enableJwtScopeAsArray ?? false,
    held: (s) => s.oidc.accessToken?.enableJwtScopeAsArray ?? false,
    write: 'oidc',
  },
  'oidc.refreshToken.expiryInSeconds': {
    want: (a) => a.oidc.refreshToken?.expiryInSeconds,
    held: (s) => s.oidc.refreshToken?.expiryInSeconds,
    write: 'oidc',
  },
  'oidc.idToken.audience': { want: (a) => sorted(a.oidc.idToken.audience), held: (s) => sorted(s.oidc.idToken?.audience), write: 'oidc' },
  'oidc.clientSecret': { want: () => SENSITIVE, sensitivity: 'secret' },
} satisfies Record<string, FieldRule>;

export type AppField = keyof typeof FIELDS;
export const fieldRule = (field: AppField): FieldRule => FIELDS[field];

/** What one application type sets and compares, and the type its changes carry in plans. */
export interface OidcProfile {
  /** `sign-in-application` for user-facing apps: the name plans have always shown them by. */
  readonly planType: 'application' | 'sign-in-application';
  /** The fields a create shows, in plan order (a client's secret is made by Asgardeo, shown masked). */
  readonly created: readonly AppField[];
  /** The fields tollgate keeps exact on an existing app, in plan order. */
  readonly kept: readonly AppField[];
  /** Its application model is read (requested claims and app-native sign-in are kept). */
  readonly readsModel: boolean;
  /** Its client id is an output of a run: callers ask for tokens with it. */
  readonly clientIdIsOutput: boolean;
}

const MACHINE_CLIENT: OidcProfile = {
  planType: 'application',
  created: [
    'description',
    'templateId',
    'associatedRoles.allowedAudience',
    'oidc.grantTypes',
    'oidc.callbackURLs',
    'oidc.accessToken.type',
    'oidc.accessToken.applicationAccessTokenExpiryInSeconds',
    'oidc.accessToken.enableJwtScopeAsArray',
    'oidc.idToken.audience',
    'oidc.clientSecret',
  ],
  kept: [
    'description',
    'associatedRoles.allowedAudience',
    'oidc.grantTypes',
    'oidc.callbackURLs',
    'oidc.publicClient',
    'oidc.accessToken.type',
    'oidc.accessToken.applicationAccessTokenExpiryInSeconds',
    'oidc.accessToken.enableJwtScopeAsArray',
    'oidc.idToken.audience',
  ],
  readsModel: false,
  clientIdIsOutput: true,
};

const USER_SIGN_IN_OIDC: readonly AppField[] = [
  'oidc.grantTypes',
  'oidc.callbackURLs',
  'oidc.allowedOrigins',
  'oidc.publicClient',
  'oidc.pkce',
  'oidc.accessToken.type',
  'oidc.accessToken.userAccessTokenExpiryInSeconds',
  'oidc.accessToken.accessTokenAttributes',
  'oidc.refreshToken.expiryInSeconds',
  'oidc.idToken.audience',
];

/** Single-page and web apps differ in their template and in the values the configuration gives them. */
const USER_SIGN_IN: OidcProfile = {
  planType: 'sign-in-application',
  created: [
    'kind',
    'description',
    'templateId',
    'associatedRoles.allowedAudience',
    'claimConfiguration.requestedClaims',
    'advancedConfigurations.enableAPIBasedAuthentication',
    ...USER_SIGN_IN_OIDC,
  ],
  kept: [
    'description',
    'associatedRoles.allowedAudience',
    'claimConfiguration.requestedClaims',
    'advancedConfigurations.enableAPIBasedAuthentication',
    // Only the console's view depends on it: a difference is shown, not written.
    'templateId',
    ...USER_SIGN_IN_OIDC,
  ],
  readsModel: true,
  clientIdIsOutput: false,
};

export const PROFILES: Readonly<Record<AppType, OidcProfile>> = { client: MACHINE_CLIENT, spa: USER_SIGN_IN, web: USER_SIGN_IN };
/** Every type the application kind's changes carry in plans. */
export const PLAN_TYPES: ReadonlySet<string> = new Set(Object.values(PROFILES).map((p) => p.planType));

const roleAudience = (a: ResolvedClient | ResolvedApplication) => (a.roleAudience === 'organization' ? 'ORGANIZATION' : 'APPLICATION');

export function desiredClient(c: ResolvedClient, stackName: string, identifier: string): DesiredApp {
  return {
    name: c.name,
    type: 'client',
    description: withMarker(c.description, stackName),
    allowedAudience: roleAudience(c),
    oidc: {
      grantTypes: sorted(c.grantTypes),
      callbackURLs: [...c.callbackUrls],
      publicClient: false,
      accessToken: { type: 'JWT', applicationAccessTokenExpiryInSeconds: c.accessTokenLifetimeSeconds, enableJwtScopeAsArray: false },
      idToken: { audience: [identifier] },
    },
    scopes: sorted(c.scopes),
  };
}

export function desiredUserFacingApp(a: ResolvedApplication, stackName: string, identifier: string): DesiredApp {
  return {
    name: a.name,
    type: a.kind,
    description: withMarker(a.description, stackName),
    allowedAudience: roleAudience(a),
    requestedClaims: a.requestedClaims.map(claimUri).sort(),
    appNativeAuthentication: a.appNativeAuthentication,
    oidc: {
      grantTypes: sorted(a.grantTypes),
      callbackURLs: [...a.callbackUrls],
      allowedOrigins: sorted(a.allowedOrigins),
      publicClient: a.publicClient,
      pkce: { mandatory: a.pkce.mandatory, supportPlainTransformAlgorithm: false },
      accessToken: {
        type: 'JWT',
        userAccessTokenExpiryInSeconds: a.accessToken.lifetimeSeconds,
        applicationAccessTokenExpiryInSeconds: a.accessToken.lifetimeSeconds,
        accessTokenAttributes: sorted(a.accessToken.attributes),
      },
      refreshToken: { expiryInSeconds: a.refreshTokenLifetimeSeconds },
      idToken: { audience: [identifier] },
    },
    scopes: sorted(a.scopes),
  };
}

/** The body that creates `app`, its OIDC settings included. */
export function createBody(app: DesiredApp): { name: string } & Record<string, unknown> {
  const { callbackURLs, ...oidc } = app.oidc;
  return {
    name: app.name,
    description: app.description,
    templateId: TEMPLATE_IDS[app.type],
    associatedRoles: { allowedAudience: app.allowedAudience, roles: [] },
    ...(app.requestedClaims ? { claimConfiguration: requestedClaimsBody(app.requestedClaims) } : {}),
    ...(app.appNativeAuthentication !== undefined
      ? { advancedConfigurations: { enableAPIBasedAuthentication: app.appNativeAuthentication } }
      : {}),
    inboundProtocolConfiguration: { oidc: { ...oidc, ...(callbackURLs.length ? { callbackURLs } : {}) } },
  };
}

/**
 * The OIDC PUT is a full replace: GET → change → PUT from the whole body read, so what tollgate does not
 * manage (the console's refresh-token and PKCE settings of a client, token binding, …) survives; an
 * `accessToken` object without `accessTokenAttributes` would clear that list. The secret fields are never
 * sent: a body without `clientSecret` keeps the current secret, and the reconciler does not read it.
 */
export function oidcPutBody(current: OidcBody, o: DesiredOidc): Record<string, unknown> {
  const {
    clientSecret: _secret,
    clientSecretExpiresAt: _expires,
    multipleClientSecretsConfigured: _multiple,
    state: _state,
    ...kept
  } = current;
  return {
    ...kept,
    ...o,
    accessToken: { ...current.accessToken, ...o.accessToken },
    ...(o.refreshToken ? { refreshToken: { ...current.refreshToken, ...o.refreshToken } } : {}),
    idToken: { ...current.idToken, ...o.idToken },
  };
}

function requestedClaimsBody(uris: readonly string[]) {
  return { requestedClaims: uris.map((uri) => ({ claim: { uri }, mandatory: false })) };
}

/** The claim URIs an application's model requests, sorted (the reconciler's diff and `tollgate export` read them alike). */
export function observedRequestedClaims(model: ApplicationModel | undefined): string[] {
  return (model?.claimConfiguration?.requestedClaims ?? [])
    .map((c) => c.claim?.uri ?? '')
    .filter(Boolean)
    .sort();
}

/** Whether an application's model allows app-native sign-in (`advancedConfigurations.enableAPIBasedAuthentication`). */
export function observedAppNative(model: ApplicationModel | undefined): boolean {
  return model?.advancedConfigurations?.enableAPIBasedAuthentication === true;
}

/** OIDC claim name → the local claim URI `claimConfiguration.requestedClaims` names (WSO2's OIDC dialect mapping). */
export const CLAIM_URIS: Readonly<Record<string, string>> = {
  sub: 'http://wso2.org/claims/userid',
  name: 'http://wso2.org/claims/fullname',
  given_name: 'http://wso2.org/claims/givenname',
  family_name: 'http://wso2.org/claims/lastname',
  middle_name: 'http://wso2.org/claims/middleName',
  nickname: 'http://wso2.org/claims/nickname',
  preferred_username: 'http://wso2.org/claims/displayName',
  profile: 'http://wso2.org/claims/url',
  picture: 'http://wso2.org/claims/photourl',
  website: 'http://wso2.org/claims/url',
  email: 'http://wso2.org/claims/emailaddress',
  email_verified: 'http://wso2.org/claims/identity/emailVerified',
  gender: 'http://wso2.org/claims/gender',
  birthdate: 'http://wso2.org/claims/dob',
  zoneinfo: 'http://wso2.org/claims/timeZone',
  locale: 'http://wso2.org/claims/local',
  phone_number: 'http://wso2.org/claims/mobile',
  phone_number_verified: 'http://wso2.org/claims/identity/phoneVerified',
  address: 'http://wso2.org/claims/addresses',
  updated_at: 'http://wso2.org/claims/modified',
  username: 'http://wso2.org/claims/username',
  groups: 'http://wso2.org/claims/groups',
  roles: 'http://wso2.org/claims/roles',
  upn: 'http://wso2.org/claims/userprincipal',
};

export function claimUri(oidcName: string): string {
  const uri = CLAIM_URIS[oidcName];
  // config/validate refuses non-OIDC names before this; reaching here is a bug, not a user error.
  if (!uri) throw new Error(`no claim URI known for OIDC claim "${oidcName}"`);
  return uri;
}
