// The ssr app's script, as the starter's client components behave: sign-up
// and login call Supabase Auth from the browser with the anon key, and the
// session goes into @supabase/ssr's cookie, which the server reads for
// /protected. Configuration comes from meta tags, never inline script.
import { handleForm, showError } from "../static/forms.js";
import {
  readSession,
  sessionCookieRemovals,
  sessionCookieWrites,
  storageKey,
} from "./session-cookie.js";

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content");
const supabaseUrl = meta("supabase-url");
const anonKey = meta("supabase-anon-key");
const cookieName = storageKey(supabaseUrl);
const NETWORK_FAILURE = "Could not reach the server. Please try again.";

/** A call to Supabase Auth as supabase-js makes it; a refusal throws with Auth's message. */
async function callAuth(path, { body, token, method = "POST" } = {}) {
  let response;
  try {
    response = await fetch(`${supabaseUrl}/auth/v1${path}`, {
      method,
      headers: {
        apikey: anonKey,
        authorization: `Bearer ${token ?? anonKey}`,
        "content-type": "application/json;charset=UTF-8",
        "x-supabase-api-version": "2024-01-01",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(NETWORK_FAILURE);
  }
  const payload = await response.json().catch(() => null);
  if (response.ok) return payload;
  throw new Error(
    payload?.message ??
      payload?.msg ??
      payload?.error_description ??
      `Authentication failed (${response.status})`,
  );
}

/** Applies Set-Cookie strings from the codec in the page. */
function writeCookies(cookies) {
  for (const cookie of cookies) {
    // biome-ignore lint/suspicious/noDocumentCookie: @supabase/ssr's browser client writes document.cookie too, and the strings come from the codec's serializer.
    document.cookie = cookie;
  }
}

/** supabase-js's session: the token response, with expires_at filled in when absent. */
function saveSession(answer) {
  const { access_token, token_type, expires_in, refresh_token, user } = answer;
  const expires_at = answer.expires_at ?? Math.round(Date.now() / 1000) + expires_in;
  const session = { access_token, token_type, expires_in, expires_at, refresh_token, user };
  writeCookies(sessionCookieWrites(cookieName, session, document.cookie));
}

const asMessage = (error) => ({ message: error instanceof Error ? error.message : String(error) });

/** Where emailed links send the browser back to, as supabase-js's redirectTo / emailRedirectTo. */
const redirectTo = `?redirect_to=${encodeURIComponent(`${location.origin}/auth/callback`)}`;

/** A form that asks Auth to mail a link, then says so in place of the form. */
function mailingForm(form, send) {
  handleForm(
    form,
    async ({ email }) => {
      await send(email);
      form.hidden = true;
      // The words are only on the page once true.
      const note = document.querySelector("[data-sent]");
      note.textContent = note.dataset.sent;
      note.hidden = false;
    },
    asMessage,
  );
}

/** The session an emailed link hands over in the URL fragment (implicit flow), completed with the user. */
async function sessionFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  // The tokens leave the address bar at once (history, screenshots, referrers).
  history.replaceState(null, "", location.pathname);
  const error = fragment.get("error_description") ?? fragment.get("error");
  if (error) throw new Error(error);
  const access_token = fragment.get("access_token");
  if (!access_token) throw new Error("The link carried no session.");
  const user = await callAuth("/user", { method: "GET", token: access_token });
  return {
    type: fragment.get("type"),
    session: {
      access_token,
      token_type: fragment.get("token_type") ?? "bearer",
      expires_in: Number(fragment.get("expires_in")),
      expires_at: Number(fragment.get("expires_at")),
      refresh_token: fragment.get("refresh_token"),
      user,
    },
  };
}

const signUpForm = document.querySelector("#sign-up-form");
const loginForm = document.querySelector("#login-form");

if (signUpForm) {
  handleForm(
    signUpForm,
    async ({ email, password, "repeat-password": repeatPassword }) => {
      if (password !== repeatPassword) throw new Error("Passwords do not match");
      const answer = await callAuth(`/signup${redirectTo}`, { body: { email, password } });
      // With "Confirm email" on, Auth answers the user alone and no session.
      if (answer?.access_token) saveSession(answer);
      location.assign("/auth/sign-up-success");
    },
    asMessage,
  );
}
if (loginForm) {
  handleForm(
    loginForm,
    async ({ email, password }) => {
      saveSession(await callAuth("/token?grant_type=password", { body: { email, password } }));
      location.assign("/protected");
    },
    asMessage,
  );
}
const forgotForm = document.querySelector("#forgot-password-form");
if (forgotForm)
  mailingForm(forgotForm, (email) => callAuth(`/recover${redirectTo}`, { body: { email } }));
const magicLinkForm = document.querySelector("#magic-link-form");
if (magicLinkForm) {
  mailingForm(magicLinkForm, (email) =>
    callAuth(`/otp${redirectTo}`, { body: { email, create_user: false } }),
  );
}
if (document.body.dataset.page === "auth-callback") {
  sessionFromFragment().then(
    ({ type, session }) => {
      saveSession(session);
      location.replace(type === "recovery" ? "/auth/update-password" : "/protected");
    },
    (error) => showError(asMessage(error)),
  );
}
const updatePasswordForm = document.querySelector("#update-password-form");
if (updatePasswordForm) {
  handleForm(
    updatePasswordForm,
    async ({ password }) => {
      const token = readSession(document.cookie, cookieName)?.access_token;
      if (!token) throw new Error("Open the link from the email again.");
      await callAuth("/user", { method: "PUT", body: { password }, token });
      location.assign("/protected");
    },
    asMessage,
  );
}
document.querySelector("#logout")?.addEventListener("click", async () => {
  const token = readSession(document.cookie, cookieName)?.access_token;
  // As supabase-js's signOut: the session ends at Auth, and the cookies go whatever it answers.
  if (token) await callAuth("/logout?scope=global", { token }).catch(() => {});
  writeCookies(sessionCookieRemovals(cookieName, document.cookie));
  location.assign("/auth/login");
});
