/**
 * The minimal login page of `GET /t/{org}/oauth2/authorize`. Its markup is a contract other code
 * (the demo SPA's browser test) relies on: `form#login-form[method=post]`, `input#username`,
 * `input#password[type=password]`, a hidden `sessionDataKey`, `button#sign-in`, and on failure an
 * element `#login-error` with the message. The form has no action: it posts back to the same URL.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

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
  <title>Signed out</title>
</head>
<body>
  <main><p id="logged-out">You have successfully logged out.</p></main>
</body>
</html>
`;
}
