/**
 * The minimal login page of `GET /t/{org}/oauth2/authorize`. Its markup is a contract other code
 * (the demo SPA's browser test) relies on: `form#login-form[method=post]`, `input#username`,
 * `input#password[type=password]`, a hidden `sessionDataKey`, `button#sign-in`, and on failure an
 * element `#login-error` with the message. The form has no action: it posts back to the same URL.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The look of the demo page's card (sandbox/demo/static/style.css), inline so the pages need no other
 * request: a user going from the demo page to sign-in and back sees one design, not raw HTML.
 */
const STYLE = `<style>
    body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
    main { max-width: 24rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
    h1 { font-size: 1.4rem; margin-top: 0; }
    label { display: block; margin-top: 0.75rem; font-weight: 600; }
    input:not([type=hidden]) { box-sizing: border-box; width: 100%; font: inherit; padding: 0.4rem 0.5rem; margin-top: 0.25rem; }
    button { font: inherit; padding: 0.4rem 1rem; margin-top: 1.25rem; }
    [role=alert], [data-error] { color: #a11d1d; font-weight: 600; }
  </style>`;

/** WSO2's message for a failed username/password login. */
export const LOGIN_FAILED_MESSAGE = 'Login failed! Please recheck the username and password and try again.';

export function loginPage(o: {
  organization: string;
  applicationName: string;
  sessionDataKey: string;
  error?: string;
  userName?: string;
}): string {
  const error = o.error ? `\n    <p id="login-error" role="alert">${escapeHtml(o.error)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  ${STYLE}
  <title>Sign in - ${escapeHtml(o.organization)}</title>
</head>
<body>
  <main>
    <h1>Sign in to ${escapeHtml(o.applicationName)}</h1>${error}
    <form id="login-form" method="post">
      <label for="username">Username (e-mail)</label>
      <input id="username" name="username">
      <label for="password">Password</label>
      <input id="password" name="password" type="password">
      <input type="hidden" name="sessionDataKey" value="${escapeHtml(o.sessionDataKey)}">
      <button id="sign-in" type="submit">Sign In</button>
    </form>
  </main>
</body>
</html>
`;
}

/** The page shown when /authorize cannot redirect back (unknown client, unregistered redirect_uri, …). */
export function errorPage(o: { error: string; description: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  ${STYLE}
  <title>Error</title>
</head>
<body>
  <main>
    <h1>Something went wrong</h1>
    <p id="oauth-error" data-error="${escapeHtml(o.error)}">${escapeHtml(o.error)}: ${escapeHtml(o.description)}</p>
  </main>
</body>
</html>
`;
}

export function logoutPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  ${STYLE}
  <title>Signed out</title>
</head>
<body>
  <main><p id="logged-out">You have successfully logged out.</p></main>
</body>
</html>
`;
}
