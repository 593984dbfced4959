import { startLocalAsgardeo, type LocalAsgardeo } from '../asgardeo';

/** The local Asgardeo's port when nothing else holds it: a stable address makes the printed commands reusable. */
export const DEFAULT_ASGARDEO_PORT = 4180;

export interface PortChoice {
  asgardeo: LocalAsgardeo;
  /** Set when the preferred port was taken and a free one was used instead. */
  fallbackFrom?: number;
}

/** Starts the local Asgardeo on `preferred`, or on a free port when another process holds it. */
export async function startAsgardeoOnPreferredPort(organization: string, preferred: number): Promise<PortChoice> {
  try {
    return { asgardeo: await startLocalAsgardeo({ organization, port: preferred }) };
  } catch (err) {
    if (preferred === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return { asgardeo: await startLocalAsgardeo({ organization, port: 0 }), fallbackFrom: preferred };
  }
}
