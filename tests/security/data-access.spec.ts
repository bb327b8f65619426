import type { TestStepInfo } from "@playwright/test";
import type { SupabaseClient } from "@supabase/supabase-js";
import { app, type TableProfile } from "../../contract/index.ts";
import { expect, test } from "../../fixtures/index.ts";
import type { SyntheticUser } from "../../target/synthetic-users.ts";
import {
  ensureRow,
  ownedRow,
  readRows,
  signedIn,
  tableName,
  tryInsert,
  tryUpdate,
  updateColumn,
  type WriteOutcome,
} from "./table-access.ts";

// Row level security as the app profile declares it, table by table
// (`tables[].access`): a table readable by everyone on purpose is no
// finding, a private one the anon key reads is. Every user the checks look
// at is given a row first, so no check passes for want of data.

const TOO_WIDE = "row level security is off or a policy is too wide";

/** `public.notes is declared "owner", but <observed>: <why>` */
function finding(table: TableProfile, observed: string, why: string): string {
  return `${tableName(table)} is declared "${table.access}", but ${observed}: ${why}`;
}

function refused(table: TableProfile, outcome: WriteOutcome, attempt: string): void {
  const past = outcome.allowed && outcome.failedOnly;
  const seen = past
    ? `${attempt} got past privileges and policies and failed only on ${past}`
    : `${attempt} succeeded`;
  expect.soft(outcome.allowed, finding(table, seen, TOO_WIDE)).toBe(false);
}

const rowsRead = (who: string, count: number) =>
  `${who} read ${count} row${count === 1 ? "" : "s"}`;

function observed(description: string): void {
  test.info().annotations.push({ type: "observed", description });
}

/** Skips the step; its reason goes on the test too, where reports show it. */
function skipStep(step: TestStepInfo, reason: string): void {
  test.info().annotations.push({ type: "skipped step", description: reason });
  step.skip(true, reason);
}

async function userWithRow(
  users: { create(): Promise<SyntheticUser> },
  admin: SupabaseClient,
  table: TableProfile,
): Promise<SyntheticUser> {
  const user = await users.create();
  await ensureRow(admin, table, user);
  return user;
}

const noUpdateColumn = (table: TableProfile) =>
  `${tableName(table)} declares no writableColumn and its seed has no text column, so there is nothing to try to update`;

/** The insert and update steps: `who` may write no row of `user`'s (`whose` row, in messages). */
async function writesNothing(
  client: SupabaseClient,
  admin: SupabaseClient,
  table: TableProfile,
  user: SyntheticUser,
  who: string,
  whose: string,
): Promise<void> {
  await test.step("insert", async () => {
    const outcome = await tryInsert(client, table, ownedRow(table, user));
    refused(table, outcome, `${who}'s insert`);
  });
  await test.step("update", async (step) => {
    const column = updateColumn(table);
    if (column === undefined) return skipStep(step, noUpdateColumn(table));
    const outcome = await tryUpdate(client, admin, table, column, user.id);
    refused(table, outcome, `${who}'s update of ${column} in ${whose} row`);
  });
}

if (app.tables.length === 0) {
  test("declared tables", () => test.skip(true, "the app profile declares no tables"));
}

for (const table of app.tables) {
  const { access } = table;

  test.describe(`data access to ${tableName(table)}, declared "${access}"`, {
    tag: ["@critical"],
  }, () => {
    const anonReads = access === "public-read" ? "may read" : "reads nothing";
    test(`the anon key ${anonReads} and writes nothing`, async ({
      users,
      admin,
      newAnonClient,
    }) => {
      const owner = await test.step("a user with a row", () => userWithRow(users, admin, table));
      const anon = newAnonClient();
      await test.step("read", async () => {
        const rows = await readRows(anon, table);
        if (access === "public-read")
          return observed(`${rowsRead("the anon key", rows)}, as "public-read" allows`);
        expect.soft(rows, finding(table, rowsRead("the anon key", rows), TOO_WIDE)).toBe(0);
      });
      await writesNothing(anon, admin, table, owner, "the anon key", "a user's");
    });

    if (access === "owner") {
      test("user A reads their own row, not user B's", async ({ users, admin, newAnonClient }) => {
        const [alice, bob] = await test.step("users A and B, each with a row", () =>
          Promise.all([userWithRow(users, admin, table), userWithRow(users, admin, table)]));
        const client = await signedIn(newAnonClient, alice);
        await test.step("A reads their own row", async () => {
          const rows = await readRows(client, table, alice.id);
          expect
            .soft(
              rows,
              finding(
                table,
                "user A read none of their own rows",
                `its select policy is narrower than declared, or ownerColumn "${table.ownerColumn}" does not hold the owner's id`,
              ),
            )
            .toBeGreaterThan(0);
        });
        await test.step("A reads B's row", async () => {
          const rows = await readRows(client, table, bob.id);
          expect.soft(rows, finding(table, "user A read user B's row", TOO_WIDE)).toBe(0);
        });
      });
    }

    if (access === "authenticated-read") {
      test("user A reads user B's row", async ({ users, admin, newAnonClient }) => {
        const [alice, bob] = await test.step("user A, and user B with a row", () =>
          Promise.all([users.create(), userWithRow(users, admin, table)]));
        const client = await signedIn(newAnonClient, alice);
        const rows = await readRows(client, table, bob.id);
        expect(
          rows,
          finding(
            table,
            "user A read none of user B's rows",
            "its select policy is narrower than declared",
          ),
        ).toBeGreaterThan(0);
      });
    }

    if (access === "none") {
      test("a signed-in user reads nothing and writes nothing", async ({
        users,
        admin,
        newAnonClient,
      }) => {
        const alice = await test.step("a user with a row", () => userWithRow(users, admin, table));
        const client = await signedIn(newAnonClient, alice);
        await test.step("read", async () => {
          const rows = await readRows(client, table);
          expect.soft(rows, finding(table, rowsRead("a signed-in user", rows), TOO_WIDE)).toBe(0);
        });
        await writesNothing(client, admin, table, alice, "a signed-in user", "their own");
      });
    } else {
      test("user A cannot update user B's row", async ({ users, admin, newAnonClient }) => {
        const column = updateColumn(table);
        test.skip(column === undefined, noUpdateColumn(table));
        if (column === undefined) return;
        const [alice, bob] = await test.step("user A, and user B with a row", () =>
          Promise.all([users.create(), userWithRow(users, admin, table)]));
        const client = await signedIn(newAnonClient, alice);
        const outcome = await tryUpdate(client, admin, table, column, bob.id);
        refused(table, outcome, `user A's update of ${column} in user B's row`);
      });
    }
  });
}
