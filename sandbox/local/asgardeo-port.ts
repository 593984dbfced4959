import { startLocalAsgardeo, type LocalAsgardeo } from '../asgardeo';

/** The local Asgardeo's port when nothing else holds it: a stable address makes the printed commands reusable. */
export const DEFAULT_ASGARDEO_PORT = 4180;

/**
 * Asgardeo's limit, 200 requests per minute per API family, is on in every sandbox run so the
 * reconciler's pacing meets it there before it meets the real service. `null` turns it off (tests only).
 */
export const SANDBOX_RATE_LIMIT_PER_MINUTE = 200;

export interface PortChoice {
  asgardeo: LocalAsgardeo;
  /** Set when the preferred port was taken and a free one was used instead. */
  fallbackFrom?: number;
}

/** Starts the local Asgardeo on `preferred`, or on a free port when another process holds it. */
export async function startAsgardeoOnPreferredPort(
  organization: string,
  preferred: number,
  rateLimitPerMinute: number | null = SANDBOX_RATE_LIMIT_PER_MINUTE,
  adminRolesApi: 'v2' | 'v3' = 'v2',
): Promise<PortChoice> {
  try {
    return { asgardeo: await startLocalAsgardeo({ organization, port: preferred, rateLimitPerMinute, adminRolesApi }) };
  } catch (err) {
    if (preferred === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return { asgardeo: await startLocalAsgardeo({ organization, port: 0, rateLimitPerMinute, adminRolesApi }), fallbackFrom: preferred };
  }
}
