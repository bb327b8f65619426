// The session cookie of @supabase/ssr 0.12.7, as its published dist writes and
// reads it (dist/main/utils/chunker.js: createChunks, combineChunks,
// isChunkLike, MAX_CHUNK_SIZE; dist/main/cookies.js: the "base64-" prefix and
// base64url encoding; dist/main/utils/constants.js: DEFAULT_COOKIE_OPTIONS).
// Plain JS so that the page's script (which writes the cookie) and the
// frontend's server (which reads it) run this one module; types in the .d.ts.

/** Longest encodeURIComponent(value) one cookie holds before the value is chunked. */
export const MAX_CHUNK_SIZE = 3180;

const BASE64_PREFIX = "base64-";
const CHUNK_LIKE = /^(.*)[.](0|[1-9][0-9]*)$/;
// DEFAULT_COOKIE_OPTIONS: path "/", sameSite "lax", httpOnly false, maxAge 400 days;
// the order is the one the `cookie` package's serialize writes.
const KEEP = `Max-Age=${400 * 24 * 60 * 60}; Path=/; SameSite=Lax`;
const REMOVE = "Max-Age=0; Path=/; SameSite=Lax";

/** supabase-js's default storage key: `sb-<first DNS label of the project's host>-auth-token`. */
export function storageKey(supabaseUrl) {
  return `sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

function toBase64Url(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(encoded) {
  const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The stored value: "base64-" + base64url(JSON of the session). */
export function encodeSession(session) {
  return BASE64_PREFIX + toBase64Url(JSON.stringify(session));
}

/** The session in a stored value (base64 or, as older releases wrote, plain JSON); null if unreadable. */
export function decodeSession(value) {
  try {
    const json = value.startsWith(BASE64_PREFIX)
      ? fromBase64Url(value.slice(BASE64_PREFIX.length))
      : value;
    const session = JSON.parse(json);
    return typeof session === "object" && session !== null ? session : null;
  } catch {
    return null;
  }
}

/** createChunks: the value under `name`, or in `name.0`, `name.1`, … when it is too long. */
export function chunkCookies(name, value, chunkSize = MAX_CHUNK_SIZE) {
  let encoded = encodeURIComponent(value);
  if (encoded.length <= chunkSize) return [{ name, value }];
  const chunks = [];
  while (encoded.length > 0) {
    let head = encoded.slice(0, chunkSize);
    // Never cut an escape sequence (%XX), nor a character's UTF-8 bytes, in two.
    const lastEscape = head.lastIndexOf("%");
    if (lastEscape > chunkSize - 3) head = head.slice(0, lastEscape);
    let decoded;
    for (;;) {
      try {
        decoded = decodeURIComponent(head);
        break;
      } catch (error) {
        if (!(error instanceof URIError) || head.at(-3) !== "%" || head.length <= 3) throw error;
        head = head.slice(0, -3);
      }
    }
    chunks.push(decoded);
    encoded = encoded.slice(head.length);
  }
  return chunks.map((chunk, index) => ({ name: `${name}.${index}`, value: chunk }));
}

/** A Cookie header or document.cookie as name → value (the first of a repeated name wins). */
export function parseCookies(header) {
  const cookies = new Map();
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    if (name === "" || cookies.has(name)) continue;
    const raw = pair
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** combineChunks: the whole value from `name` or its chunks, or null. */
export function combineChunks(cookies, name) {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks = [];
  for (let index = 0; cookies.get(`${name}.${index}`); index++) {
    chunks.push(cookies.get(`${name}.${index}`));
  }
  return chunks.length > 0 ? chunks.join("") : null;
}

/** The session stored under `name` in a Cookie header, or null. */
export function readSession(header, name) {
  const value = combineChunks(parseCookies(header), name);
  return value === null ? null : decodeSession(value);
}

const isChunkLike = (cookieName, name) =>
  cookieName === name || cookieName.match(CHUNK_LIKE)?.[1] === name;

/**
 * What to assign to document.cookie (or send as Set-Cookie) to store
 * `session` under `name`: its cookies, then removals of the chunks of an
 * earlier, longer value still present in `header`.
 */
export function sessionCookieWrites(name, session, header) {
  const writes = chunkCookies(name, encodeSession(session));
  const written = new Set(writes.map((cookie) => cookie.name));
  const stale = [...parseCookies(header).keys()].filter(
    (cookieName) => isChunkLike(cookieName, name) && !written.has(cookieName),
  );
  return [
    ...writes.map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}; ${KEEP}`),
    ...stale.map((cookieName) => `${cookieName}=; ${REMOVE}`),
  ];
}

/** What removes every cookie of the session under `name` found in `header`. */
export function sessionCookieRemovals(name, header) {
  return [...parseCookies(header).keys()]
    .filter((cookieName) => isChunkLike(cookieName, name))
    .map((cookieName) => `${cookieName}=; ${REMOVE}`);
}
