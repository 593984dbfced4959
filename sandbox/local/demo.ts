import type { ResolvedConfig } from '../../config';
import type { AdminCredentials } from '../../asgardeo';
import { Session } from '../../asgardeo/session';
import { signInClientFor } from '../../asgardeo/user-sign-in';
import { demoSettingsFor, startDemoServer, type DemoServer } from '../demo/server';

export interface SandboxDemo {
  /** e.g. http://localhost:4190/ */
  readonly url: string;
  readonly server: DemoServer;
}

/**
 * The demo page for the configuration's first `spa` application, served on the host and port of its
 * first callback URL (the page is its own callback, so the address must be the registered one; to
 * move it, change `callbackUrls` in the configuration). Not served when there is no spa, its callback
 * is not a local http address, or the port is taken: the returned reason says which.
 */
export async function startSandboxDemo(config: ResolvedConfig): Promise<SandboxDemo | { reason: string }> {
  const spa = config.applications.find((a) => a.kind === 'spa');
  if (!spa) return { reason: 'no "spa" application is configured' };
  const callback = new URL(spa.callbackUrls[0]!);
  if (callback.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(callback.hostname) || callback.pathname !== '/') {
    return {
      reason: `the callback URL of "${spa.name}" (${callback.href}) is not http://localhost:<port>/, where the sandbox serves the page`,
    };
  }
  const port = Number(callback.port || 80);
  try {
    const server = await startDemoServer({ port, originHost: callback.hostname });
    return { url: server.redirectUri, server };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      reason:
        `port ${port} (from the callback URL of "${spa.name}") is ` +
        `${code === 'EADDRINUSE' ? 'taken' : `unavailable (${code ?? String(err)})`}: ` +
        'free it, or change the port in that callback URL in the configuration',
    };
  }
}

/** After reconciling: the spa's client id (read through the management API) and the stage URL into the page's settings. */
export async function configureSandboxDemo(
  demo: SandboxDemo,
  config: ResolvedConfig,
  admin: AdminCredentials,
  stageInvokeUrl: string,
): Promise<void> {
  const spa = config.applications.find((a) => a.kind === 'spa')!;
  const client = await signInClientFor(new Session(config, admin), spa);
  demo.server.configure(demoSettingsFor(config, spa.name, client.clientId, stageInvokeUrl));
}
