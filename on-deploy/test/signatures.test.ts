import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import {
  RENDER_TOLERANCE_SECONDS,
  renderSecretKey,
  signRender,
  signVercel,
  verifyRender,
  verifyVercel,
} from "../signatures.ts";

const BODY = Buffer.from(JSON.stringify({ id: "dlv_1", type: "deployment.succeeded" }));

describe("Vercel: x-vercel-signature", () => {
  const secret = "integration-secret";

  test("is the hex HMAC-SHA1 of the raw body", () => {
    const expected = createHmac("sha1", secret).update(BODY).digest("hex");
    assert.equal(signVercel(BODY, secret), expected);
    assert.deepEqual(verifyVercel(BODY, expected, secret), { ok: true });
    assert.deepEqual(verifyVercel(BODY, expected.toUpperCase(), secret), { ok: true });
  });

  test("a tampered body, a wrong secret, a malformed or missing header fail", () => {
    const signature = signVercel(BODY, secret);
    const tampered = Buffer.from(BODY.toString().replace("dlv_1", "dlv_2"));
    assert.deepEqual(verifyVercel(tampered, signature, secret), {
      ok: false,
      reason: "bad signature",
    });
    assert.deepEqual(verifyVercel(BODY, signVercel(BODY, "other-secret"), secret), {
      ok: false,
      reason: "bad signature",
    });
    assert.deepEqual(verifyVercel(BODY, "abc", secret), { ok: false, reason: "bad signature" });
    assert.deepEqual(verifyVercel(BODY, undefined, secret), {
      ok: false,
      reason: "missing signature",
    });
  });
});

describe("Render: Standard Webhooks", () => {
  const key = Buffer.from("a 24-byte signing key!!!");
  const secret = `whsec_${key.toString("base64")}`;
  const id = "msg_2abc";
  const now = 1_760_000_000;
  const headers = (signature: string, timestamp = now) => ({
    id,
    timestamp: String(timestamp),
    signature,
  });

  test("v1 is the base64 HMAC-SHA256 of id.timestamp.body with the key after whsec_", () => {
    const expected = createHmac("sha256", key)
      .update(`${id}.${now}.${BODY.toString()}`)
      .digest("base64");
    assert.equal(signRender(BODY, secret, id, now), `v1,${expected}`);
    assert.deepEqual(verifyRender(BODY, headers(`v1,${expected}`), secret, now * 1000), {
      ok: true,
    });
    assert.deepEqual(renderSecretKey(secret), key);
  });

  test("one matching signature among several (a rotated secret) is enough", () => {
    const good = signRender(BODY, secret, id, now);
    const other = signRender(
      BODY,
      `whsec_${Buffer.from("another key").toString("base64")}`,
      id,
      now,
    );
    assert.deepEqual(verifyRender(BODY, headers(`${other} ${good}`), secret, now * 1000), {
      ok: true,
    });
  });

  test("a tampered body or id, a wrong secret, another version fail", () => {
    const good = signRender(BODY, secret, id, now);
    const tampered = Buffer.from(BODY.toString().replace("dlv_1", "dlv_2"));
    const bad = { ok: false, reason: "bad signature" };
    assert.deepEqual(verifyRender(tampered, headers(good), secret, now * 1000), bad);
    assert.deepEqual(
      verifyRender(BODY, { ...headers(good), id: "msg_other" }, secret, now * 1000),
      bad,
    );
    const wrong = `whsec_${Buffer.from("not the key").toString("base64")}`;
    assert.deepEqual(verifyRender(BODY, headers(good), wrong, now * 1000), bad);
    assert.deepEqual(
      verifyRender(BODY, headers(good.replace("v1,", "v2,")), secret, now * 1000),
      bad,
    );
  });

  test("a timestamp outside the tolerance is refused even when signed, either way", () => {
    const old = now - RENDER_TOLERANCE_SECONDS - 1;
    assert.deepEqual(
      verifyRender(BODY, headers(signRender(BODY, secret, id, old), old), secret, now * 1000),
      {
        ok: false,
        reason: "expired timestamp",
      },
    );
    const future = now + RENDER_TOLERANCE_SECONDS + 1;
    assert.equal(
      verifyRender(BODY, headers(signRender(BODY, secret, id, future), future), secret, now * 1000)
        .ok,
      false,
    );
    const edge = now - RENDER_TOLERANCE_SECONDS;
    assert.deepEqual(
      verifyRender(BODY, headers(signRender(BODY, secret, id, edge), edge), secret, now * 1000),
      {
        ok: true,
      },
    );
  });

  test("missing headers are a missing signature; a non-numeric timestamp a bad one", () => {
    assert.deepEqual(verifyRender(BODY, { id, timestamp: undefined, signature: "v1,x" }, secret), {
      ok: false,
      reason: "missing signature",
    });
    assert.deepEqual(verifyRender(BODY, { id, timestamp: "soon", signature: "v1,x" }, secret), {
      ok: false,
      reason: "bad signature",
    });
  });
});
