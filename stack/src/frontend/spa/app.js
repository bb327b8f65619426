// The spa app's script: forms, session and dashboard, talking to the backend
// cross-origin. Configuration comes from <meta name="backend-url">, never inline script.
import { handleForm, showError } from "../static/forms.js";

const backendUrl = document.querySelector('meta[name="backend-url"]')?.getAttribute("content");
const SESSION_KEY = "session";

const FALLBACK_MESSAGES = {
  network: "Could not reach the server. Please try again.",
  upstream_unavailable: "The service is temporarily unavailable. Please try again.",
  internal: "Something went wrong. Please try again.",
};

class ApiFailure extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

async function callBackend(path, { method = "GET", body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`${backendUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, "network", FALLBACK_MESSAGES.network);
  }
  const payload = await response.json().catch(() => null);
  if (response.ok) return payload;
  const error = payload?.error ?? {};
  const code = typeof error.code === "string" ? error.code : "internal";
  // The backend's 4xx messages are written for people; 5xx ones are not shown.
  const message =
    response.status < 500 && typeof error.message === "string"
      ? error.message
      : (FALLBACK_MESSAGES[code] ?? FALLBACK_MESSAGES.internal);
  throw new ApiFailure(response.status, code, message, error.field);
}

function asFailure(error) {
  return error instanceof ApiFailure
    ? error
    : new ApiFailure(0, "internal", FALLBACK_MESSAGES.internal);
}

function readSession() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
  } catch {
    return null;
  }
}

/** The session an emailed link hands over in the URL fragment, or its error. */
function sessionFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  // The tokens leave the address bar at once (history, screenshots, referrers).
  history.replaceState(null, "", location.pathname);
  const error = fragment.get("error_description") ?? fragment.get("error");
  if (error) return { error };
  const access_token = fragment.get("access_token");
  if (!access_token) return { error: "The link carried no session." };
  return {
    session: {
      access_token,
      refresh_token: fragment.get("refresh_token"),
      expires_at: Number(fragment.get("expires_at")),
    },
    type: fragment.get("type"),
  };
}

function saveSession(login) {
  const { access_token, refresh_token, expires_at } = login;
  localStorage.setItem(SESSION_KEY, JSON.stringify({ access_token, refresh_token, expires_at }));
}

function clearSession() {
  localStorage.removeItem(SESSION_KEY);
}

async function logIn(email, password) {
  const login = await callBackend("/api/auth/login", { method: "POST", body: { email, password } });
  saveSession(login);
  location.assign("/dashboard");
}

async function showDashboard() {
  const token = readSession()?.access_token;
  if (!token) {
    location.replace("/login");
    return;
  }
  const section = document.querySelector("[data-profile]");
  try {
    const me = await callBackend("/api/me", { token });
    document.querySelector('[data-testid="profile-name"]').textContent =
      me.profile?.full_name ?? "";
    document.querySelector('[data-testid="profile-email"]').textContent =
      me.profile?.email ?? me.user.email;
    if (!me.profile)
      showError(new ApiFailure(404, "not_found", "Your profile could not be found."));
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 401) {
      clearSession();
      location.replace("/login");
      return;
    }
    showError(asFailure(failure));
  } finally {
    section?.setAttribute("aria-busy", "false");
  }
}

const page = document.body.dataset.page;
const registerForm = document.querySelector("#register-form");
const loginForm = document.querySelector("#login-form");

if (registerForm) {
  handleForm(
    registerForm,
    async ({ full_name, email, password }) => {
      const answer = await callBackend("/api/auth/register", {
        method: "POST",
        body: { full_name, email, password },
      });
      if (answer?.confirmation_required) location.assign("/check-email");
      else await logIn(email, password);
    },
    asFailure,
  );
}
if (loginForm) {
  handleForm(loginForm, ({ email, password }) => logIn(email, password), asFailure);
}
/** Says the mail went out, in place of the form (the words are only on the page once true). */
function showSent() {
  const note = document.querySelector("[data-sent]");
  note.textContent = note.dataset.sent;
  note.hidden = false;
}

const forgotForm = document.querySelector("#forgot-password-form");
if (forgotForm) {
  handleForm(
    forgotForm,
    async ({ email }) => {
      await callBackend("/api/auth/recover", { method: "POST", body: { email } });
      forgotForm.hidden = true;
      showSent();
    },
    asFailure,
  );
}
if (page === "auth-callback") {
  const answer = sessionFromFragment();
  if (answer.error) showError({ message: answer.error });
  else {
    saveSession(answer.session);
    location.replace(answer.type === "recovery" ? "/reset-password" : "/dashboard");
  }
}
const resetForm = document.querySelector("#reset-password-form");
if (resetForm) {
  handleForm(
    resetForm,
    async ({ password }) => {
      const token = readSession()?.access_token;
      if (!token) throw new ApiFailure(401, "unauthorized", "Open the link from the email again.");
      await callBackend("/api/auth/password", { method: "PUT", body: { password }, token });
      location.assign("/dashboard");
    },
    asFailure,
  );
}
if (page === "dashboard") {
  document.querySelector("#logout")?.addEventListener("click", () => {
    clearSession();
    location.assign("/login");
  });
  showDashboard();
}
