// The login form posts without script; this only says why the server sent the
// page back (401: wrong token, 429: too many tries), which the page cannot see otherwise.
(() => {
  const MESSAGES = {
    401: "That token is not the dashboard's token.",
    429: "Too many failed logins from here: wait a minute, then try again.",
  };
  const navigation = performance.getEntriesByType("navigation")[0];
  // A private page asked for without a session is answered with this page at its own path.
  const signIn = navigation?.responseStatus === 401 && location.pathname !== "/login";
  const message = signIn ? "Sign in to see this page." : MESSAGES[navigation?.responseStatus];
  if (message) {
    const banner = document.getElementById("login-message");
    banner.textContent = message;
    banner.hidden = false;
  }
  document.getElementById("token")?.focus();
})();
