import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chunkCookies,
  decodeSession,
  encodeSession,
  MAX_CHUNK_SIZE,
  readSession,
  sessionCookieRemovals,
  sessionCookieWrites,
  storageKey,
} from "../src/frontend/ssr/session-cookie.js";

const NAME = "sb-127-auth-token";

function session(padding = 0) {
  return {
    access_token: "header.payload.signature",
    token_type: "bearer",
    expires_in: 3600,
    expires_at: 1_900_000_000,
    refresh_token: "abcdefghijkl",
    user: {
      id: "00000000-0000-4000-8000-000000000001",
      email: "ada@example.test",
      bio: "é".repeat(padding),
    },
  };
}

/** What a browser sends back after those assignments to document.cookie: name=value pairs. */
function cookieHeader(writes: string[]): string {
  return writes
    .map((write) => write.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

describe("the @supabase/ssr session cookie", () => {
  test("is named after the first DNS label of the project's host", () => {
    assert.equal(storageKey("http://127.0.0.1:54321"), NAME);
    assert.equal(
      storageKey("https://abcdefghijklmnop.supabase.co"),
      "sb-abcdefghijklmnop-auth-token",
    );
  });

  test('holds "base64-" + base64url(JSON of the session)', () => {
    const value = encodeSession(session());
    assert.match(value, /^base64-[A-Za-z0-9_-]+$/);
    const json = Buffer.from(value.slice("base64-".length), "base64url").toString("utf8");
    assert.deepEqual(JSON.parse(json), session());
    assert.deepEqual(decodeSession(value), session());
    assert.deepEqual(decodeSession(JSON.stringify(session())), session(), "older plain JSON too");
    assert.equal(decodeSession("base64-!!!"), null);
  });

  test("a short session is one cookie under the plain name, path /, SameSite=Lax, not HttpOnly", () => {
    const writes = sessionCookieWrites(NAME, session(), "");
    assert.equal(writes.length, 1);
    const [pair, ...attributes] = (writes[0] ?? "").split("; ");
    assert.equal(pair, `${NAME}=${encodeSession(session())}`);
    assert.ok(attributes.includes("Path=/"));
    assert.ok(attributes.includes("SameSite=Lax"));
    assert.ok(!attributes.some((attribute) => /httponly/i.test(attribute)));
    assert.deepEqual(readSession(cookieHeader(writes), NAME), session());
  });

  test("a session over 3180 encoded characters is chunked as name.0, name.1, … and read back", () => {
    const long = session(3000);
    const value = encodeSession(long);
    assert.ok(encodeURIComponent(value).length > MAX_CHUNK_SIZE);
    const writes = sessionCookieWrites(NAME, long, "");
    const names = writes.map((write) => write.split("=")[0]);
    assert.deepEqual(names, [`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    for (const write of writes) {
      const encoded = (write.split(";")[0] ?? "").slice(`${NAME}.0=`.length);
      assert.ok(
        encoded.length <= MAX_CHUNK_SIZE,
        "each chunk holds at most 3180 encoded characters",
      );
    }
    const header = `other=1; ${cookieHeader(writes)}`;
    assert.deepEqual(readSession(header, NAME), long);
    assert.equal(readSession(header, "sb-other-auth-token"), null, "another name reads nothing");
  });

  test("chunks never split an escape sequence or a character", () => {
    const value = `${"a".repeat(10)}€€€`;
    const chunks = chunkCookies(NAME, value, 12);
    assert.ok(chunks.length > 1);
    assert.equal(chunks.map((chunk) => chunk.value).join(""), value);
    for (const chunk of chunks) assert.ok(encodeURIComponent(chunk.value).length <= 12);
  });

  test("a shorter session removes the chunks of a longer one; removals clear every piece", () => {
    const before = cookieHeader(sessionCookieWrites(NAME, session(3000), ""));
    const writes = sessionCookieWrites(NAME, session(), before);
    assert.equal(writes[0]?.split("=")[0], NAME);
    assert.deepEqual(
      writes.slice(1).map((write) => write.split(";")[0]),
      [`${NAME}.0=`, `${NAME}.1=`, `${NAME}.2=`],
    );
    assert.ok(writes.slice(1).every((write) => write.includes("Max-Age=0")));
    const removals = sessionCookieRemovals(NAME, `${before}; ${NAME}=x; unrelated=1`);
    assert.deepEqual(
      removals.map((write) => write.split("=")[0]),
      [`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, NAME],
    );
  });
});
