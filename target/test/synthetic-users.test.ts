import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  isSyntheticUser,
  parseSyntheticEmail,
  syntheticEmail,
  syntheticPassword,
} from "../synthetic-users.ts";

const identity = { prefix: "synthetic", runId: "abc123", workerIndex: 3, domain: "example.com" };

describe("synthetic user naming", () => {
  test("addresses carry prefix, run id and worker, and are unique", () => {
    const emails = new Set(Array.from({ length: 200 }, () => syntheticEmail(identity)));
    assert.equal(emails.size, 200);
    for (const email of emails) {
      assert.match(email, /^synthetic-abc123-w3-[a-f0-9]{12}@example\.com$/);
      assert.deepEqual(parseSyntheticEmail(email, "synthetic"), {
        runId: "abc123",
        workerIndex: 3,
      });
    }
  });

  test("other addresses and other prefixes are not synthetic", () => {
    assert.equal(parseSyntheticEmail("alice@example.com", "synthetic"), undefined);
    assert.equal(
      parseSyntheticEmail(syntheticEmail({ ...identity, prefix: "probe" }), "synthetic"),
      undefined,
    );
    assert.equal(parseSyntheticEmail("synthetic-abc123-w3@example.com", "synthetic"), undefined);
  });

  test("a sweeper needs the address, and either the metadata or the synthetic domain", () => {
    const naming = { prefix: "synthetic", domain: "example.com" };
    const email = syntheticEmail(identity);
    const elsewhere = syntheticEmail({ ...identity, domain: "company.com" });
    assert.equal(isSyntheticUser({ email, user_metadata: { synthetic: true } }, naming), true);
    // Registered through the app's own sign-up: no metadata of ours, so the domain decides.
    assert.equal(isSyntheticUser({ email, user_metadata: { full_name: "S" } }, naming), true);
    assert.equal(isSyntheticUser({ email: elsewhere, user_metadata: {} }, naming), false);
    assert.equal(
      isSyntheticUser({ email: elsewhere, user_metadata: { synthetic: true } }, naming),
      true,
    );
    assert.equal(
      isSyntheticUser({ email: "real@example.com", user_metadata: { synthetic: true } }, naming),
      false,
    );
  });

  test("passwords are strong and different", () => {
    const a = syntheticPassword();
    assert.ok(a.length >= 16);
    assert.notEqual(a, syntheticPassword());
  });
});
