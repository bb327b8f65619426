import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanupOptions, deleteFailureMessage } from "../user-cleanup.ts";

const ID = "6f1c1d7e-0000-4000-8000-000000000001";
const BARE = { status: 500, message: "{}" };
const probe = {
  schema: "public",
  table: "orders",
  constraint: "orders_user_id_fkey",
  column: "user_id",
};

describe("why a user could not be deleted", () => {
  test("Auth's answer is kept as it came, even an empty body", () => {
    const message = deleteFailureMessage(ID, BARE, { kind: "no-db-url" });
    assert.match(
      message,
      new RegExp(`^admin deleteUser ${ID} failed: Auth answered 500 "\\{\\}"\\. `),
    );
    const coded = deleteFailureMessage(
      ID,
      { status: 500, code: "unexpected_failure", message: "Database error deleting user" },
      { kind: "no-db-url" },
    );
    assert.match(coded, /Auth answered 500 unexpected_failure "Database error deleting user"/);
  });

  test("without a database URL it names the usual cause and both ways out", () => {
    const message = deleteFailureMessage(ID, BARE, { kind: "no-db-url" });
    assert.match(message, /a table that references auth\.users without on delete cascade/);
    assert.match(message, /app profile's tables/);
    assert.match(message, /set SUPABASE_DB_URL/);
  });

  test("each table in the way is named with its constraint and column", () => {
    const message = deleteFailureMessage(ID, BARE, {
      kind: "looked-up",
      blockers: [probe, { ...probe, table: "invoices", constraint: "invoices_owner_fkey" }],
    });
    assert.match(message, /public\.orders \(orders_user_id_fkey, user_id\) holds a row/);
    assert.match(message, /public\.invoices \(invoices_owner_fkey, user_id\) holds a row/);
    assert.match(message, /or add on delete cascade to the constraint/);
  });

  test("a table that could not be read is a suspect, with the reason", () => {
    const message = deleteFailureMessage(ID, BARE, {
      kind: "looked-up",
      blockers: [{ ...probe, unchecked: "42501 permission denied for table orders" }],
    });
    assert.match(message, /public\.orders \(orders_user_id_fkey, user_id\) may hold one/);
    assert.match(message, /42501 permission denied/);
  });

  test("nothing in the way, or no answer from the database, is said as such", () => {
    assert.match(
      deleteFailureMessage(ID, BARE, { kind: "looked-up", blockers: [] }),
      /No table referencing auth\.users without on delete cascade holds a row of this user/,
    );
    const failed = deleteFailureMessage(ID, BARE, {
      kind: "lookup-failed",
      reason: '28P01 password authentication failed for user "postgres"',
    });
    assert.match(failed, /through SUPABASE_DB_URL failed \(28P01 password authentication/);
    assert.match(failed, /The usual cause is a row in a table/);
  });

  test("callers pass the target's database URL and the declared tables", () => {
    const tables = [{ schema: "public", name: "orders", ownerColumn: "user_id" }];
    assert.deepEqual(cleanupOptions({ dbUrl: undefined }), { tables: [], dbUrl: undefined });
    assert.deepEqual(cleanupOptions({ dbUrl: "postgres://db" }, tables), {
      tables,
      dbUrl: "postgres://db",
    });
  });
});
