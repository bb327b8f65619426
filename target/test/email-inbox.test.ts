// SYNTHETIC_EMAIL_INBOX: one real inbox that takes plus-addressing gives the
// synthetic users their addresses, and only those count as synthetic.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../config.ts";
import { isSyntheticUser, parseSyntheticEmail, syntheticEmail } from "../synthetic-users.ts";

const TARGET = {
  FRONTEND_URL: "https://app.example.com",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_ANON_KEY: "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  SUPABASE_SERVICE_ROLE_KEY:
    "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ",
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
}

describe("SYNTHETIC_EMAIL_INBOX", () => {
  test("parsed lower-cased; unset, the synthetic domain is used", () => {
    assert.equal(
      parseConfig({ ...TARGET, SYNTHETIC_EMAIL_INBOX: " Monitor@Team.Example " }).emailInbox,
      "monitor@team.example",
    );
    assert.equal(parseConfig({ ...TARGET }).emailInbox, undefined);
  });

  test("an address with a + or not an address is refused, naming the variable", () => {
    for (const value of ["monitor+x@example.com", "monitor", "@example.com", "a@b"]) {
      const found = problems({ ...TARGET, SYNTHETIC_EMAIL_INBOX: value });
      assert.equal(found.length, 1, `${value}: ${found.join("; ")}`);
      assert.match(found[0] ?? "", /^SYNTHETIC_EMAIL_INBOX /);
    }
  });

  test("users get plus-addresses on the inbox; they and only they are synthetic", () => {
    const email = syntheticEmail({
      prefix: "synthetic",
      runId: "run1",
      workerIndex: 2,
      domain: "example.com",
      inbox: "monitor@team.example",
    });
    assert.match(email, /^monitor\+synthetic-run1-w2-[a-z0-9]{6,}@team\.example$/);
    assert.deepEqual(parseSyntheticEmail(email, "synthetic"), { runId: "run1", workerIndex: 2 });
    const naming = { prefix: "synthetic", domain: "example.com", inbox: "monitor@team.example" };
    const user = (address: string) => ({ email: address, user_metadata: {} }) as never;
    assert.equal(isSyntheticUser(user(email), naming), true);
    assert.equal(
      isSyntheticUser(user("monitor@team.example"), naming),
      false,
      "the inbox itself is real",
    );
    assert.equal(
      isSyntheticUser(user(email.replace("monitor+", "someone+")), naming),
      false,
      "another inbox's plus-address is not ours",
    );
  });
});
