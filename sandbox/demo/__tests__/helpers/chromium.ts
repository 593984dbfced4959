import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describeRequiring } from '../../../../test-support/requirements';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). No browser is downloaded. */
export const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Set to `required` (.ci/run does) to make a missing Chromium a failure instead of a skip. */
export const BROWSER_REQUIRE_VARIABLE = 'TOLLGATE_BROWSER_TESTS';

/**
 * `describe` when Chromium is installed; otherwise a skipped block that says why (a newcomer's
 * `npm test` passes without a browser), or, with TOLLGATE_BROWSER_TESTS=required, one failing test
 * that says why, so CI cannot pass without running the browser tests.
 */
export function describeWithChromium(name: string, body: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const missing = fs.existsSync(CHROMIUM)
    ? undefined
    : `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (Debian's package; .ci/run does), ` +
      'or set TOLLGATE_CHROMIUM to its path';
  describeRequiring(name, { missing, requireVariable: BROWSER_REQUIRE_VARIABLE }, body, env);
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile (its own --user-data-dir, removed on close): each person
 * signing in gets a browser that remembers nothing of the one before.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (Debian's package; .ci/run does), ` +
        'or set TOLLGATE_CHROMIUM to its path',
    );
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
    });
    return {
      context,
      async close() {
        await context.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
