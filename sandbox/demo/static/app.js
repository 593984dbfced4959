// The demo page: a public client (single-page app) that signs a person in with the authorization
// code flow + PKCE (S256) against Asgardeo's login page, then calls GET /user with the access token.
// No framework, no storage of tokens: the token lives in this page's memory only; the PKCE verifier
// and state wait in sessionStorage during the round trip to the login page, and are removed after.
'use strict';

const PENDING_KEY = 'tollgate-demo-pending-sign-in';
let accessToken;
let idToken;
let settings;

const el = (id) => document.getElementById(id);

function show(id, text) {
  const node = el(id);
  if (text !== undefined) node.textContent = text;
  node.hidden = false;
}

function hide(...ids) {
  for (const id of ids) el(id).hidden = true;
}

function setStatus(text) {
  el('status').textContent = text;
}

function base64url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

async function s256(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri() {
  return `${location.origin}/`;
}

async function signIn() {
  // RFC 7636: a 43-128 character verifier; 32 random bytes give 43 base64url characters.
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(settings.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scope,
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

async function finishSignIn(params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  // The code must not stay in the address bar or the history.
  history.replaceState(null, '', '/');
  if (!pending || pending.state !== params.get('state')) {
    throw new Error('The sign-in answer does not belong to a sign-in this page started (state mismatch). Sign in again.');
  }
  setStatus('Signing in…');
  const response = await fetch(settings.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: settings.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`The token endpoint answered ${response.status}: ${body.error_description || body.error || 'no access token'}`);
  }
  accessToken = body.access_token;
  idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
}

// `Bearer scope="get_pharmacy_user" error="insufficient_scope" error_description="..."` -> { scope, error, ... }
function challengeParams(header) {
  const params = {};
  for (const m of (header || '').matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params;
}

// Why the gateway refused: the API's CORS exposes www-authenticate, which names the missing scope.
function refusalText(response, body) {
  const head = `${response.status} ${body.message || response.statusText}`;
  const c = challengeParams(response.headers.get('www-authenticate'));
  if (c.error === 'insufficient_scope' && c.scope) return `${head}: the access token lacks the scope ${c.scope} (insufficient_scope)`;
  if (c.error_description) return `${head}: ${c.error_description}${c.error ? ` (${c.error})` : ''}`;
  return head;
}

function showSignInAs() {
  const users = settings.signInAs || [];
  if (!users.length) return;
  const list = el('sign-in-as-users');
  list.replaceChildren(
    ...users.map((u) => {
      const item = document.createElement('li');
      const name = document.createElement('strong');
      name.textContent = u.userName;
      item.append(name, ` — password: ${u.password}; ${u.expect}.`);
      return item;
    }),
  );
  show('sign-in-as');
}

async function callApi() {
  hide('greeting', 'api-error');
  setStatus('Calling GET /user…');
  const response = await fetch(`${settings.apiUrl}/user`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = await response.json().catch(() => ({}));
  el('status').dataset.apiStatus = String(response.status);
  if (response.ok) {
    setStatus('Signed in. GET /user answered 200.');
    show('greeting', body.message);
  } else {
    setStatus(`Signed in. GET /user answered ${response.status}.`);
    show('api-error', refusalText(response, body));
  }
  show('demo-call-api');
}

function signOut() {
  accessToken = undefined;
  if (settings.logoutUrl && idToken) {
    const url = new URL(settings.logoutUrl);
    url.search = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: redirectUri(),
      state: randomString(8),
    }).toString();
    idToken = undefined;
    location.assign(url.toString());
    return;
  }
  location.assign('/');
}

async function main() {
  el('demo-sign-in').addEventListener('click', () => signIn().catch(fail));
  el('demo-call-api').addEventListener('click', () => callApi().catch(fail));
  el('demo-sign-out').addEventListener('click', signOut);
  const response = await fetch('/settings.json', { cache: 'no-store' });
  if (!response.ok) throw new Error('The demo is not configured yet (no /settings.json): start it from the sandbox.');
  settings = await response.json();

  const params = new URLSearchParams(location.search);
  if (params.has('error')) {
    history.replaceState(null, '', '/');
    throw new Error(`Sign-in failed: ${params.get('error_description') || params.get('error')}`);
  }
  if (params.has('code')) {
    await finishSignIn(params);
    show('demo-sign-out');
    await callApi();
    return;
  }
  setStatus('Not signed in.');
  showSignInAs();
  show('demo-sign-in');
}

function fail(error) {
  setStatus('Something went wrong.');
  show('api-error', error.message);
  show('demo-sign-in');
}

main().catch(fail);
