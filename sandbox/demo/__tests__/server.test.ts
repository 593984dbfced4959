import { loadConfig } from '../../../config';
import { demoSettingsFor, startDemoServer, type DemoServer, type DemoSettings } from '../server';
import { PHARMACY_CONFIG } from '../../../__tests__/pharmacy-fixture';

const SETTINGS: DemoSettings = {
  authorizeUrl: 'http://127.0.0.1:4180/t/pharmacy/oauth2/authorize',
  tokenUrl: 'http://127.0.0.1:4180/t/pharmacy/oauth2/token',
  clientId: 'spa-client',
  apiUrl: 'http://127.0.0.1:5000/dev',
  scope: 'openid profile get_pharmacy_user',
};

describe('the demo page server', () => {
  let demo: DemoServer;
  beforeEach(async () => {
    demo = await startDemoServer();
  });
  afterEach(() => demo.stop());

  it('listens on a free loopback port; the page is its own callback', () => {
    expect(demo.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.redirectUri).toBe(`${demo.origin}/`);
  });

  it('answers 503 for the settings until configured, then serves them', async () => {
    expect((await fetch(`${demo.origin}/settings.json`)).status).toBe(503);
    demo.configure(SETTINGS);
    const res = await fetch(`${demo.origin}/settings.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(SETTINGS);
  });

  it('serves the page (also on the callback URL with code and state), its script and style; nothing else', async () => {
    demo.configure(SETTINGS);
    const page = await fetch(`${demo.origin}/?code=abc&state=xyz`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    // The page may reach only itself, Asgardeo and the API; the code never leaves in a Referer.
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
        "connect-src 'self' http://127.0.0.1:4180 http://127.0.0.1:5000; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${demo.origin}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${demo.origin}/style.css`)).status).toBe(200);
    // The icon the page links, and the one browsers ask for anyway: no 404 in the console.
    for (const icon of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${demo.origin}${icon}`);
      expect({ icon, status: res.status, type: res.headers.get('content-type') }).toEqual({ icon, status: 200, type: 'image/svg+xml' });
      expect(await res.text()).toMatch(/^<svg /);
    }
    expect((await fetch(`${demo.origin}/../package.json`)).status).toBe(404);
    expect((await fetch(`${demo.origin}/server.ts`)).status).toBe(404);
    const post = await fetch(`${demo.origin}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('reports the origin with the host name the callback is registered with', async () => {
    const named = await startDemoServer({ originHost: 'localhost' });
    try {
      expect(named.origin).toMatch(/^http:\/\/localhost:\d+$/);
      expect((await fetch(`http://127.0.0.1:${new URL(named.origin).port}/`)).status).toBe(200);
    } finally {
      await named.stop();
    }
  });
});

describe('demoSettingsFor', () => {
  const config = loadConfig({
    file: PHARMACY_CONFIG,
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: 'http://127.0.0.1:4180',
    environment: {},
  });

  it("derives the endpoints and scopes of the example's spa", () => {
    expect(demoSettingsFor(config, 'pharmacy-demo', 'spa-client', 'http://127.0.0.1:5000/dev/')).toEqual({
      authorizeUrl: 'http://127.0.0.1:4180/t/pharmacy/oauth2/authorize',
      tokenUrl: 'http://127.0.0.1:4180/t/pharmacy/oauth2/token',
      clientId: 'spa-client',
      apiUrl: 'http://127.0.0.1:5000/dev',
      scope: 'openid profile get_pharmacy_user',
      logoutUrl: 'http://127.0.0.1:4180/t/pharmacy/oidc/logout',
      // Whom to sign in as: where each password is (never the password) and what GET /user answers.
      signInAs: [
        {
          userName: 'kim@gmail.com',
          password: 'printed by npm start ("Test user kim@gmail.com: password …")',
          expect: 'GET /user answers 2xx (a role grants get_pharmacy_user)',
        },
        {
          userName: 'lee@example.com',
          password: 'printed by npm start ("Test user lee@example.com: password …")',
          expect: 'GET /user answers 403 (no role grants get_pharmacy_user)',
        },
      ],
    });
    // A password the shell provides is named by its variable.
    const fromShell = loadConfig({
      file: PHARMACY_CONFIG,
      env: 'dev',
      target: 'local',
      asgardeoBaseUrl: 'http://127.0.0.1:4180',
      environment: { TOLLGATE_USER_KIM_PASSWORD: 'from-the-shell-1A!' },
    });
    const kim = demoSettingsFor(fromShell, 'pharmacy-demo', 'spa-client', 'http://127.0.0.1:5000/dev').signInAs![0]!;
    expect(kim.password).toBe('the value of $TOLLGATE_USER_KIM_PASSWORD in the shell that started the sandbox');
    expect(JSON.stringify(kim)).not.toContain('from-the-shell-1A!');
  });

  it('names what is missing', () => {
    expect(() => demoSettingsFor(config, 'pharmacy-reader', 'x', 'http://a')).toThrow(
      /no application "pharmacy-reader" in .*tollgate.config.ts; the demo page needs a "spa" application/,
    );
  });
});
