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
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' http://127.0.0.1:4180 http://127.0.0.1:5000; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${demo.origin}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${demo.origin}/style.css`)).status).toBe(200);
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
    });
  });

  it('names what is missing', () => {
    expect(() => demoSettingsFor(config, 'pharmacy-reader', 'x', 'http://a')).toThrow(
      /no application "pharmacy-reader" in .*tollgate.config.ts; the demo page needs a "spa" application/,
    );
  });
});
