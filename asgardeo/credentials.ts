import { CredentialsError } from './errors';

/** The admin (M2M) application the reconciler signs in as. */
export interface AdminCredentials {
  clientId: string;
  clientSecret: string;
}

export function adminCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AdminCredentials {
  const clientId = env.ASGARDEO_CLIENT_ID?.trim();
  const clientSecret = env.ASGARDEO_CLIENT_SECRET?.trim();
  const missing = [!clientId && 'ASGARDEO_CLIENT_ID', !clientSecret && 'ASGARDEO_CLIENT_SECRET'].filter(Boolean);
  if (missing.length) {
    throw new CredentialsError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
      'create an M2M application in the Asgardeo console (Applications → New Application → M2M), authorize the ' +
        'Management APIs tollgate needs (see README "Asgardeo admin application"), and export its client id and secret ' +
        'as ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET',
    );
  }
  return { clientId: clientId!, clientSecret: clientSecret! };
}
