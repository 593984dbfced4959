import { defineConfig } from 'tollgate';

/**
 * The Pharmacy User API: `GET /user` answers `{"message":"Welcome <name>!"}` to callers whose
 * Asgardeo access token carries `get_pharmacy_user`: back-end clients, and people who sign in
 * through the demo page and hold the `PharmacyUser` role.
 */
export default defineConfig({
  asgardeo: {
    organization: 'pharmacy',
  },
  aws: {
    region: 'us-east-1',
    apiName: 'pharmacy-user-api',
    stage: 'dev',
    throttling: { rateLimit: 50, burstLimit: 100 },
    logRetentionDays: 14,
    lambda: {
      entry: 'lambda/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      architecture: 'arm64',
      runtime: 'nodejs22.x',
    },
  },
  scopes: [
    { name: 'get_pharmacy_user', displayName: 'Read pharmacy users', description: 'Read a pharmacy user' },
    { name: 'create_pharmacy_user', displayName: 'Create pharmacy users', description: 'Create a pharmacy user' },
    { name: 'update_pharmacy_user', displayName: 'Update pharmacy users', description: 'Update a pharmacy user' },
  ],
  routes: [
    { method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] },
    { method: 'POST', path: '/user', scopes: ['create_pharmacy_user'] },
    { method: 'PUT', path: '/user', scopes: ['update_pharmacy_user'] },
  ],
  apiResource: {
    name: 'Pharmacy User API',
    description: 'Pharmacy user records behind API Gateway',
  },
  clients: [
    {
      name: 'pharmacy-reader',
      description: 'Back-end service that reads pharmacy users',
      scopes: ['get_pharmacy_user'],
      accessTokenLifetimeSeconds: 3600,
    },
    {
      name: 'pharmacy-admin',
      description: 'Back-office service that creates and updates pharmacy users',
      scopes: ['create_pharmacy_user', 'update_pharmacy_user'],
      accessTokenLifetimeSeconds: 900,
    },
  ],
  applications: [
    {
      // The demo page (sandbox/demo): authorization code + PKCE in the browser, then GET /user.
      kind: 'spa',
      name: 'pharmacy-demo',
      description: 'Demo page: people sign in and read their own greeting',
      callbackUrls: ['http://localhost:4190/'],
      // allowedOrigins default to the callback URLs' origins; the HTTP API allows them in CORS.
      scopes: ['get_pharmacy_user'],
      accessTokenAttributes: ['given_name', 'email'],
      roleAudience: 'organization',
      // `tollgate token --user <name>` signs a user in through this app without a browser.
      appNativeAuthentication: true,
    },
  ],
  roles: [
    { name: 'pharmacist', audience: 'organization', scopes: ['get_pharmacy_user', 'update_pharmacy_user'] },
    { name: 'PharmacyUser', audience: 'organization', scopes: ['get_pharmacy_user'] },
  ],
  users: [
    // No password in this file: export the variable, or let the sandbox generate one (printed once).
    {
      userName: 'kim@gmail.com',
      givenName: 'Kim',
      familyName: 'Henry',
      roles: ['PharmacyUser'],
      password: { fromEnv: 'TOLLGATE_USER_KIM_PASSWORD' },
    },
    // Holds no role: signs in, but the token lacks get_pharmacy_user, so GET /user answers 403.
    { userName: 'lee@example.com', givenName: 'Lee', familyName: 'Silva', password: { fromEnv: 'TOLLGATE_USER_LEE_PASSWORD' } },
  ],
  environments: {
    dev: {},
    prod: {
      // API scope and application names are unique across an Asgardeo organization, so each
      // environment gets its own organization (or rename the scopes and clients per environment).
      asgardeo: { organization: 'pharmacyprod' },
      aws: { stage: 'prod', throttling: { rateLimit: 200, burstLimit: 400 }, logRetentionDays: 90 },
      // Test users belong to dev only; production people are managed in the console.
      users: [],
    },
  },
});
