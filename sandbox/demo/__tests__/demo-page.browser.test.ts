import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { Page } from 'playwright-core';
import { startLocalGateway, type LocalGateway } from '../../gateway';
import { prepareStackDir, type EditableStackJson } from '../../gateway/__tests__/helpers/stack-fixture';
import { startTestIssuer, type TestIssuer } from '../../gateway/__tests__/helpers/test-issuer';
import { startDemoServer, type DemoServer } from '../server';
import { describeWithChromium, launchChromium, type Browser } from './helpers/chromium';
import { PHARMACY_CONFIG, PHARMACY_HANDLER } from '../../../__tests__/pharmacy-fixture';

/**
 * The demo page in Debian's headless Chromium, signing in with authorization code + PKCE (S256) and
 * calling GET /user.
 *
 * The API side is real: the local gateway (CORS preflight, JWT authorizer, scopes) serving the
 * Pharmacy fixture's Lambda handler (__tests__/fixtures/pharmacy). The first describe's Asgardeo side is
 * a small fake defined in this file (`startFakeLoginServer`) with the local Asgardeo's login-page
 * contract (GET /authorize → form#login-form; good credentials → 302 to the redirect URI with code and
 * state; bad ones → #login-error), a token endpoint that checks the S256 verifier and answers CORS for
 * the page's origin, and the role rule reduced to "Kim's role grants get_pharmacy_user": it isolates
 * the page's own logic (state check, wrong password). The end-to-end describe runs the same page
 * against the sandbox: the real local Asgardeo, the reconciled configuration and the gateway.
 */

const ORG = 'pharmacy';
const CLIENT_ID = 'demo-spa-client-id';
const SCOPE = 'openid profile get_pharmacy_user';

interface FakeUser {
  readonly id: string;
  readonly userName: string;
  readonly password: string;
  readonly givenName: string;
  /** What the user's roles grant: the fake's stand-in for Asgardeo's role-based scope rule. */
  readonly grants: readonly string[];
}

const KIM: FakeUser = {
  id: randomUUID(),
  userName: 'kim@gmail.com',
  password: randomBytes(12).toString('base64url'),
  givenName: 'Kim',
  grants: ['get_pharmacy_user'],
};
const LEE: FakeUser = {
  id: randomUUID(),
  userName: 'lee@example.com',
  password: randomBytes(12).toString('base64url'),
  givenName: 'Lee',
  grants: [],
};

interface AuthorizeRequest {
  readonly clientId: string | null;
  readonly redirectUri: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: string | null;
  readonly state: string | null;
  readonly scope: string | null;
}

interface FakeLoginServer {
  readonly baseUrl: string;
  readonly authorizeRequests: AuthorizeRequest[];
  /** Token requests: whether the verifier matched the code's challenge, and the Origin they came from. */
  readonly tokenRequests: { pkceOk: boolean; origin: string | undefined }[];
  stop(): Promise<void>;
}

/** FAKE Asgardeo login page + token endpoint (see the file comment). Tokens are real JWTs from the test issuer. */
async function startFakeLoginServer(o: {
  issuer: TestIssuer;
  redirectUri: string;
  allowedOrigin: string;
  audience: () => string;
}): Promise<FakeLoginServer> {
  const codes = new Map<string, { user: FakeUser; challenge: string; redirectUri: string; scope: string }>();
  const authorizeRequests: AuthorizeRequest[] = [];
  const tokenRequests: { pkceOk: boolean; origin: string | undefined }[] = [];
  const tenant = `/t/${ORG}/oauth2`;

  const loginPage = (error?: string) =>
    `<!doctype html><html><body><h1>Sign in</h1>${error ? `<p id="login-error">${error}</p>` : ''}` +
    '<form id="login-form" method="post"><input id="username" name="username"><input id="password" name="password" type="password">' +
    '<button id="sign-in" type="submit">Sign in</button></form></body></html>';
  const html = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const readForm = (req: http.IncomingMessage) =>
    new Promise<URLSearchParams>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
      req.on('error', reject);
    });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    void (async () => {
      if (url.pathname === `${tenant}/authorize`) {
        const q = url.searchParams;
        if (req.method === 'GET') {
          authorizeRequests.push({
            clientId: q.get('client_id'),
            redirectUri: q.get('redirect_uri'),
            codeChallenge: q.get('code_challenge'),
            codeChallengeMethod: q.get('code_challenge_method'),
            state: q.get('state'),
            scope: q.get('scope'),
          });
        }
        if (q.get('client_id') !== CLIENT_ID || q.get('redirect_uri') !== o.redirectUri || q.get('response_type') !== 'code')
          return html(res, 400, 'invalid request');
        if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256')
          return html(res, 400, 'PKCE is mandatory for this application');
        if (req.method === 'GET') return html(res, 200, loginPage());
        const form = await readForm(req);
        const user = [KIM, LEE].find((u) => u.userName === form.get('username') && u.password === form.get('password'));
        if (!user) return html(res, 200, loginPage('Incorrect username or password.'));
        const code = randomBytes(16).toString('hex');
        const requested = (q.get('scope') ?? '').split(' ');
        const scope = requested.filter((s) => s === 'openid' || s === 'profile' || user.grants.includes(s)).join(' ');
        codes.set(code, { user, challenge: q.get('code_challenge') as string, redirectUri: o.redirectUri, scope });
        const target = new URL(o.redirectUri);
        target.searchParams.set('code', code);
        target.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { location: target.toString() });
        return res.end();
      }
      if (url.pathname === `${tenant}/token` && req.method === 'POST') {
        const origin = req.headers.origin;
        const cors: Record<string, string> = origin === o.allowedOrigin ? { 'access-control-allow-origin': origin } : {};
        const form = await readForm(req);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const pkceOk = !!grant && createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        tokenRequests.push({ pkceOk, origin });
        if (
          form.get('grant_type') !== 'authorization_code' ||
          !grant ||
          form.get('client_id') !== CLIENT_ID ||
          form.get('redirect_uri') !== grant.redirectUri
        ) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' }, cors);
        }
        if (!pkceOk) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE validation failed' }, cors);
        const accessToken = await o.issuer.sign({
          sub: grant.user.id,
          aut: 'APPLICATION_USER',
          azp: CLIENT_ID,
          client_id: CLIENT_ID,
          aud: [CLIENT_ID, o.audience()],
          scope: grant.scope,
          given_name: grant.user.givenName,
          email: grant.user.userName,
        });
        return json(
          res,
          200,
          { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: grant.scope },
          { ...cors, 'cache-control': 'no-store' },
        );
      }
      json(res, 404, { error: 'not found' });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizeRequests,
    tokenRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The project's handler, bundled as the stack bundles it, into a folder the gateway fixture zips. */
function bundleHandler(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-demo-handler-'));
  buildSync({
    entryPoints: [PHARMACY_HANDLER],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(dir, 'index.js'),
    logLevel: 'silent',
  });
  return dir;
}

async function signIn(page: Page, demo: Pick<DemoServer, 'origin'>, user: { userName: string; password: string }): Promise<void> {
  await page.goto(demo.origin);
  await page.click('#demo-sign-in');
  await page.waitForSelector('#login-form');
  await page.fill('#username', user.userName);
  await page.fill('#password', user.password);
  await page.click('#sign-in');
}

async function pageOf(browser: Browser): Promise<Page> {
  return browser.context.pages()[0] ?? browser.context.newPage();
}

describeWithChromium('the demo page in Chromium (fake login server, real gateway and handler)', () => {
  let issuer: TestIssuer;
  let demo: DemoServer;
  let fake: FakeLoginServer;
  let gateway: LocalGateway;
  const dirs: string[] = [];
  let browser: Browser | undefined;

  beforeAll(async () => {
    issuer = await startTestIssuer(ORG);
    demo = await startDemoServer();
    const handlerDir = bundleHandler();
    dirs.push(handlerDir);
    const stackDir = prepareStackDir(
      issuer.issuer,
      (json: EditableStackJson) => {
        const api = Object.values(json.resource.aws_apigatewayv2_api ?? {})[0] as Record<string, unknown>;
        api.cors_configuration = {
          allow_origins: [demo.origin],
          allow_methods: ['GET', 'POST'],
          allow_headers: ['authorization', 'content-type'],
          expose_headers: ['www-authenticate'],
          max_age: 300,
          allow_credentials: false,
        };
      },
      handlerDir,
    );
    dirs.push(stackDir);
    gateway = await startLocalGateway({ stackDir, log: () => undefined });
    fake = await startFakeLoginServer({
      issuer,
      redirectUri: demo.redirectUri,
      allowedOrigin: demo.origin,
      audience: () => gateway.stageInvokeUrl,
    });
    demo.configure({
      authorizeUrl: `${fake.baseUrl}/t/${ORG}/oauth2/authorize`,
      tokenUrl: `${fake.baseUrl}/t/${ORG}/oauth2/token`,
      clientId: CLIENT_ID,
      apiUrl: gateway.stageInvokeUrl,
      scope: SCOPE,
      signInAs: [
        { userName: KIM.userName, password: 'printed by the test', expect: 'GET /user answers 2xx' },
        { userName: LEE.userName, password: 'printed by the test', expect: 'GET /user answers 403' },
      ],
    });
  }, 120_000);

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake?.stop();
    await demo?.stop();
    await issuer?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Kim signs in with code + PKCE (S256) and is greeted by name', async () => {
    const launchStart = performance.now();
    browser = await launchChromium();
    const page = await pageOf(browser);
    const flowStart = performance.now();
    await signIn(page, demo, KIM);
    await page.waitForSelector('#greeting:not([hidden])');
    // Reported, not asserted: browser start, then page load → login page → code → token → GET /user.
    console.log(
      `demo sign-in: chromium start ${Math.round(flowStart - launchStart)} ms; ` +
        `page to greeting ${Math.round(performance.now() - flowStart)} ms`,
    );
    expect(await page.textContent('#greeting')).toBe('Welcome Kim!');
    expect(await page.getAttribute('#status', 'data-api-status')).toBe('200');
    // The code left the address bar; the page asked for S256 with a fresh 43-character challenge and its state.
    expect(page.url()).toBe(demo.redirectUri);
    const authorize = fake.authorizeRequests.at(-1);
    expect(authorize).toMatchObject({ clientId: CLIENT_ID, redirectUri: demo.redirectUri, codeChallengeMethod: 'S256', scope: SCOPE });
    expect(authorize?.codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize?.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fake.tokenRequests.at(-1)).toEqual({ pkceOk: true, origin: demo.origin });
    // Nothing kept the token: the page holds it in memory only.
    expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).toBe('{}{}');
  }, 60_000);

  it('a user without the role signs in, and the page shows the 403', async () => {
    browser = await launchChromium();
    const page = await pageOf(browser);
    await signIn(page, demo, LEE);
    await page.waitForSelector('#api-error:not([hidden])');
    // The reason the gateway gave (www-authenticate, exposed by the API's CORS), not only the status.
    expect(await page.textContent('#api-error')).toBe(
      '403 Forbidden: the access token lacks the scope get_pharmacy_user (insufficient_scope)',
    );
    expect(await page.getAttribute('#status', 'data-api-status')).toBe('403');
    expect(await page.isHidden('#greeting')).toBe(true);
  }, 60_000);

  it('the landing page says whom to sign in as, and every request it makes is answered (the favicon too)', async () => {
    browser = await launchChromium();
    const page = await pageOf(browser);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(demo.origin);
    await page.waitForSelector('#sign-in-as:not([hidden])');
    expect(await page.textContent('#sign-in-as h2')).toBe('Sign in as');
    expect(await page.$$eval('#sign-in-as-users li', (items) => items.map((i) => i.textContent))).toEqual([
      'kim@gmail.com — password: printed by the test; GET /user answers 2xx.',
      'lee@example.com — password: printed by the test; GET /user answers 403.',
    ]);
    const favicon = await page.request.get(`${demo.origin}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()['content-type']).toBe('image/svg+xml');
    expect(failed).toEqual([]);
    // Signed in, the list gives way to the answer.
    await signIn(page, demo, KIM);
    await page.waitForSelector('#greeting:not([hidden])');
    expect(await page.isHidden('#sign-in-as')).toBe(true);
  }, 60_000);

  it('a wrong password stays on the login page with its error', async () => {
    browser = await launchChromium();
    const page = await pageOf(browser);
    await signIn(page, demo, { userName: KIM.userName, password: `${KIM.password}-wrong` });
    await page.waitForSelector('#login-error');
    expect(page.url().startsWith(`${fake.baseUrl}/t/${ORG}/oauth2/authorize?`)).toBe(true);
  }, 60_000);

  it('refuses a callback it did not start (state mismatch), without redeeming the code', async () => {
    browser = await launchChromium();
    const page = await pageOf(browser);
    const before = fake.tokenRequests.length;
    await page.goto(`${demo.origin}/?code=stolen&state=forged`);
    await page.waitForSelector('#api-error:not([hidden])');
    expect(await page.textContent('#api-error')).toContain('state mismatch');
    expect(fake.tokenRequests.length).toBe(before);
  }, 60_000);
});

/** A port free right now (the sandbox then serves the demo page on it, from the rewritten callback URL). */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The real thing: `startSandbox` (local Asgardeo with its login page, the reconciler creating the spa,
 * users with generated passwords and the PharmacyUser role, the local gateway serving the handler) and
 * the demo page the sandbox serves and configures. The example's callback moves to a free port.
 */
describeWithChromium('the demo page end to end (sandbox + local Asgardeo)', () => {
  it('Kim → "Welcome Kim!"; the role-less user → 403', async () => {
    const { startSandbox } = await import('../../local/sandbox');
    const callback = `http://localhost:${await freePort()}/`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-demo-e2e-'));
    const configFile = path.join(dir, 'tollgate.config.js');
    fs.writeFileSync(
      configFile,
      `const base = require(${JSON.stringify(PHARMACY_CONFIG)}).default;\n` +
        `module.exports = { ...base, aws: { ...base.aws, lambda: { ...base.aws.lambda, ` +
        `entry: ${JSON.stringify(PHARMACY_HANDLER)} } },\n` +
        `  applications: base.applications.map((a) => ({ ...a, callbackUrls: [${JSON.stringify(callback)}] })) };\n`,
    );
    // The sandbox prints each generated password once; the test reads them from that line, as a person would.
    let printed = '';
    const sandbox = await startSandbox({
      cwd: dir,
      configFile,
      env: 'dev',
      outdir: dir,
      environment: {},
      asgardeoPort: 0,
      write: (t) => (printed += t),
    });
    let browser: Browser | undefined;
    try {
      expect(sandbox.demoUrl).toBe(callback);
      const demo = { origin: new URL(callback).origin };
      const passwordOf = (userName: string) =>
        new RegExp(`Test user ${userName.replace(/[.]/g, '\\.')}: password (\\S+) `).exec(printed)?.[1] ?? '';
      const started = performance.now();
      browser = await launchChromium();
      let page = await pageOf(browser);
      // The landing page names the example's users, where their passwords were printed, and what each gets.
      await page.goto(demo.origin);
      await page.waitForSelector('#sign-in-as:not([hidden])');
      expect(await page.$$eval('#sign-in-as-users li', (items) => items.map((i) => i.textContent))).toEqual([
        'kim@gmail.com — password: printed by npm start ("Test user kim@gmail.com: password …"); ' +
          'GET /user answers 2xx (a role grants get_pharmacy_user).',
        'lee@example.com — password: printed by npm start ("Test user lee@example.com: password …"); ' +
          'GET /user answers 403 (no role grants get_pharmacy_user).',
      ]);
      const flowStart = performance.now();
      await page.click('#demo-sign-in');
      // The local Asgardeo's sign-in page wears the demo card's style, not raw HTML.
      await page.waitForSelector('#login-form');
      const style = async (selector: string) =>
        (await page.evaluate(
          `(() => { const s = getComputedStyle(document.querySelector(${JSON.stringify(selector)})); ` +
            'return [s.backgroundColor, s.borderRadius]; })()',
        )) as string[];
      expect(await style('main')).toEqual(['rgb(255, 255, 255)', '8px']);
      expect((await style('body'))[0]).toBe('rgb(246, 247, 249)');
      await signIn(page, demo, { userName: 'kim@gmail.com', password: passwordOf('kim@gmail.com') });
      await page.waitForSelector('#greeting:not([hidden])');
      console.log(
        `sandbox demo sign-in: chromium start ${Math.round(flowStart - started)} ms; ` +
          `page to greeting ${Math.round(performance.now() - flowStart)} ms`,
      );
      expect(await page.textContent('#greeting')).toBe('Welcome Kim!');
      await browser.close();

      browser = await launchChromium();
      page = await pageOf(browser);
      await signIn(page, demo, { userName: 'lee@example.com', password: passwordOf('lee@example.com') });
      await page.waitForSelector('#api-error:not([hidden])');
      expect(await page.textContent('#api-error')).toBe(
        '403 Forbidden: the access token lacks the scope get_pharmacy_user (insufficient_scope)',
      );
    } finally {
      await browser?.close();
      await sandbox.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
