import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readApiKey } from "../../target/config.ts";
import { judgeAuthSettings, readAuthSettings } from "../checks/auth-settings.ts";
import { judgeKeys, judgeSupabase } from "../checks/supabase.ts";
import { answered, refused } from "./support.ts";

const jwt = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;

describe("Supabase health", () => {
  test("up, paused, unreachable, refused key", () => {
    const up = judgeSupabase(answered({ body: '{"version":"v2.170.0","name":"GoTrue"}' }));
    assert.equal(up.status, "ok");
    assert.match(up.found, /v2\.170\.0/);
    for (const status of [540, 503]) {
      const paused = judgeSupabase(answered({ status }));
      assert.equal(paused.status, "fail");
      assert.match(paused.means, /paused project/);
    }
    assert.match(judgeSupabase(refused).means, /paused or wrong URL/);
    const key = judgeSupabase(answered({ status: 401, body: '{"message":"Invalid API key"}' }));
    assert.match(key.means, /SUPABASE_ANON_KEY is not a key of this project/);
  });
});

describe("API keys", () => {
  const keys = {
    anon: readApiKey(jwt({ role: "anon", ref: "abcdefghijklmnopqrst" })),
    service: readApiKey(jwt({ role: "service_role", ref: "abcdefghijklmnopqrst" })),
    urlRef: "abcdefghijklmnopqrst",
  };

  test("roles and project as found, confirmed by the admin API", () => {
    const row = judgeKeys({ ...keys, admin: answered({ body: '{"users":[]}' }) });
    assert.equal(row.status, "ok");
    assert.match(row.found, /SUPABASE_ANON_KEY is an anon key \(role "anon"\)/);
    assert.match(row.found, /project abcdefghijklmnopqrst, as SUPABASE_URL/);
  });

  test("the admin API refusing the service-role key fails, naming it", () => {
    const row = judgeKeys({
      ...keys,
      admin: answered({ status: 403, body: '{"code":403,"error_code":"not_admin","msg":"x"}' }),
    });
    assert.equal(row.status, "fail");
    assert.match(row.found, /refuses SUPABASE_SERVICE_ROLE_KEY \(403 "not_admin"\)/);
  });

  test("opaque keys and a local URL say what cannot be read", () => {
    const row = judgeKeys({
      anon: readApiKey("sb_publishable_x"),
      service: readApiKey("sb_secret_y"),
      urlRef: undefined,
      admin: refused,
    });
    assert.equal(row.status, "warn");
    assert.match(row.found, /a publishable key \(sb_publishable_…\)/);
    assert.match(row.found, /projects not compared/);
  });
});

describe("Auth settings", () => {
  const settings = (fields: object) =>
    answered({
      body: JSON.stringify({
        external: { email: true, google: true, github: false },
        disable_signup: false,
        mailer_autoconfirm: true,
        phone_autoconfirm: false,
        ...fields,
      }),
    });

  test("open sign-ups without confirmation are ok, with the providers listed", () => {
    const row = judgeAuthSettings(settings({}));
    assert.equal(row.status, "ok");
    assert.equal(row.found, "sign-ups open · email confirmation off · providers: email, google");
  });

  test("sign-ups disabled fail the registration journeys", () => {
    const row = judgeAuthSettings(settings({ disable_signup: true }));
    assert.equal(row.status, "fail");
    assert.match(row.means, /registration journeys cannot pass/);
  });

  test("email confirmation on: no session after sign-up, an email link instead", () => {
    const row = judgeAuthSettings(settings({ mailer_autoconfirm: false }));
    assert.equal(row.status, "warn");
    assert.match(row.means, /no session: the user must follow an email link/);
  });

  test("the email provider off fails", () => {
    const row = judgeAuthSettings(settings({ external: { email: false } }));
    assert.equal(row.status, "fail");
    assert.match(row.found, /providers: none/);
  });

  test("an answer that is not GoTrue's settings is not read", () => {
    assert.equal(readAuthSettings(answered({ body: "<html>" })), undefined);
    assert.equal(judgeAuthSettings(answered({ status: 503 })).status, "warn");
  });
});
