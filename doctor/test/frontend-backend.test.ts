import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { judgeBackend, judgeCors } from "../checks/backend.ts";
import { isVercelProtected, judgeFrontend } from "../checks/frontend.ts";
import type { Probe } from "../http.ts";
import { answered, refused } from "./support.ts";

const VERCEL_401 = answered({
  status: 401,
  headers: { server: "Vercel", "x-vercel-id": "fra1::abc" },
  body: "<title>Authentication Required</title> Vercel Authentication",
});

describe("frontend", () => {
  test("a plain 200 is ok", () => {
    const row = judgeFrontend({ plain: answered(), bypassed: undefined });
    assert.equal(row.status, "ok");
    assert.match(row.found, /200 in 20 ms/);
  });

  test("Vercel Deployment Protection without a bypass says to set VERCEL_PROTECTION_BYPASS", () => {
    const row = judgeFrontend({ plain: VERCEL_401, bypassed: undefined });
    assert.equal(row.status, "fail");
    assert.match(row.found, /401: Vercel Deployment Protection/);
    assert.match(row.means, /set VERCEL_PROTECTION_BYPASS/);
  });

  test("a bypass that works, and one that is refused", () => {
    const works = judgeFrontend({ plain: VERCEL_401, bypassed: answered({ ms: 31 }) });
    assert.equal(works.status, "ok");
    assert.match(works.found, /with the bypass 200 in 31 ms/);
    const refusedBypass = judgeFrontend({ plain: VERCEL_401, bypassed: VERCEL_401 });
    assert.equal(refusedBypass.status, "fail");
    assert.match(refusedBypass.means, /bypass secret is refused/);
  });

  test("a bypass that is not needed is said so, and stays ok", () => {
    const row = judgeFrontend({ plain: answered(), bypassed: answered() });
    assert.equal(row.status, "ok");
    assert.match(row.found, /VERCEL_PROTECTION_BYPASS is not needed/);
  });

  test("Vercel's SSO page after redirects counts as protection; an app's own 401 does not", () => {
    assert.ok(isVercelProtected(answered({ url: "https://vercel.com/sso-api?url=x" }).answer));
    assert.ok(!isVercelProtected(answered({ status: 401, body: "sign in first" }).answer));
  });

  test("no answer and an error page fail", () => {
    assert.equal(judgeFrontend({ plain: refused, bypassed: undefined }).status, "fail");
    const broken = judgeFrontend({ plain: answered({ status: 500 }), bypassed: undefined });
    assert.equal(broken.status, "fail");
    assert.match(broken.found, /answered 500/);
  });
});

describe("backend", () => {
  const seen = (first: Probe, second: Probe = first) => ({
    backendUrl: "https://api.example.com",
    healthPath: "/health",
    declared: true,
    first,
    second,
  });

  test("no BACKEND_URL: fine for an app without a backend, a finding when the profile has one", () => {
    const base = { backendUrl: undefined, healthPath: "/health" };
    assert.equal(judgeBackend({ ...base, declared: false }).status, "ok");
    const row = judgeBackend({ ...base, declared: true });
    assert.equal(row.status, "warn");
    assert.match(row.found, /BACKEND_URL is not set/);
  });

  test("two quick answers are ok", () => {
    const row = judgeBackend(seen(answered({ ms: 90 }), answered({ ms: 12 })));
    assert.equal(row.status, "ok");
    assert.match(row.found, /200 in 90 ms, again in 12 ms/);
  });

  test("a first answer much slower than the second, or none, looks like a Render instance waking up", () => {
    const slow = judgeBackend(seen(answered({ ms: 9_000 }), answered({ ms: 40 })));
    assert.equal(slow.status, "warn");
    assert.match(slow.means, /Render free instance waking up/);
    const timedOut = judgeBackend(
      seen({ error: "no answer within 10 s", timedOut: true, ms: 10_000 }, answered()),
    );
    assert.match(timedOut.means, /waking up/);
  });

  test("502/503 from the platform: deploy, suspended or sleeping; from the app: which check fails", () => {
    const platform = judgeBackend(
      seen(answered({ status: 503, body: "<html>Service Unavailable" })),
    );
    assert.equal(platform.status, "fail");
    assert.match(platform.means, /deploy in progress, suspended or sleeping/);
    const app = judgeBackend(
      seen(
        answered({ status: 503, body: '{"checks":{"database":{"ok":true},"auth":{"ok":false}}}' }),
      ),
    );
    assert.match(app.found, /reports auth failing/);
  });

  test("a refused connection and a wrong health path fail", () => {
    assert.match(judgeBackend(seen(refused)).found, /no answer: ECONNREFUSED/);
    assert.match(judgeBackend(seen(answered({ status: 404 }))).means, /backend\.health/);
  });
});

describe("backend CORS", () => {
  const origin = "https://app.example.com";
  test("the frontend's origin allowed is ok; missing is the cors-refused finding", () => {
    const allowed = answered({ status: 204, headers: { "access-control-allow-origin": origin } });
    assert.equal(judgeCors({ origin, path: "/api/login", preflight: allowed }).status, "ok");
    const row = judgeCors({ origin, path: "/api/login", preflight: answered({ status: 204 }) });
    assert.equal(row.status, "fail");
    assert.match(row.means, /does not allow the frontend's origin/);
    assert.match(row.found, /Access-Control-Allow-Origin missing/);
  });

  test("no answer is not judged", () => {
    assert.equal(judgeCors({ origin, path: "/x", preflight: refused }).status, "warn");
  });
});
