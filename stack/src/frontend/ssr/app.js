// The ssr app's script, as the starter's client components behave: sign-up
// and login call Supabase Auth from the browser with the anon key, and the
// session goes into @supabase/ssr's cookie, which the server reads for
// /protected. Configuration comes from meta tags, never inline script.
import { handleForm } from "../static/forms.js";
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
async function callAuth(path, { body, token } = {}) {
  let response;
  try {
    response = await fetch(`${supabaseUrl}/auth/v1${path}`, {
      method: "POST",
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

const signUpForm = document.querySelector("#sign-up-form");
const loginForm = document.querySelector("#login-form");

if (signUpForm) {
  handleForm(
    signUpForm,
    async ({ email, password, "repeat-password": repeatPassword }) => {
      if (password !== repeatPassword) throw new Error("Passwords do not match");
      const answer = await callAuth("/signup", { body: { email, password } });
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
document.querySelector("#logout")?.addEventListener("click", async () => {
  const token = readSession(document.cookie, cookieName)?.access_token;
  // As supabase-js's signOut: the session ends at Auth, and the cookies go whatever it answers.
  if (token) await callAuth("/logout?scope=global", { token }).catch(() => {});
  writeCookies(sessionCookieRemovals(cookieName, document.cookie));
  location.assign("/auth/login");
});
