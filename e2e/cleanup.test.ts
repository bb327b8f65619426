import assert from "node:assert/strict";
import path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { SupabaseClient } from "@supabase/supabase-js";
import pg from "pg";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import {
  createSyntheticUser,
  deleteUser,
  type SyntheticUser,
  sweepSyntheticUsers,
} from "../target/synthetic-users.ts";
import type { OwnedTable } from "../target/user-cleanup.ts";

// The incident: an app table references auth.users without `on delete
// cascade`, so Auth cannot delete a user that still owns a row there. Cleanup
// must clear the rows of declared tables first, and otherwise say which table
// and constraint are in the way.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROBE: OwnedTable = { schema: "public", name: "cleanup_probe", ownerColumn: "id" };
const CONSTRAINT = "cleanup_probe_id_fkey";
const PREFIX = "cleanupprobe";

describe("deleting a user who owns a row in a table without on delete cascade", () => {
  let stack: RunningStack;
  let db: pg.Client;
  let admin: SupabaseClient;
  // Users a test left undeletable on purpose: their rows go, then they do.
  const blocked: string[] = [];

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    db = new pg.Client(stack.env.SUPABASE_DB_URL);
    await db.connect();
    // The stand-in's Data API reloads its schema cache when a request names a
    // table it does not know (stack/src/supabase/rest/schema-cache.ts), so the
    // new table is visible on first use.
    await db.query(`
      create table public.cleanup_probe (id uuid primary key references auth.users(id), note text);
      grant select, insert, delete on public.cleanup_probe to service_role;`);
    admin = newSupabaseClient(stack.urls.supabase, stack.keys.serviceRoleKey);
  });
  afterEach(async () => {
    for (const id of blocked.splice(0)) {
      await db.query("delete from public.cleanup_probe where id = $1", [id]);
      await deleteUser(admin, id);
    }
  });
  after(async () => {
    await db?.end();
    await stack?.stop();
  });

  async function ownerOfProbeRow(): Promise<SyntheticUser> {
    const user = await createSyntheticUser(admin, {
      prefix: PREFIX,
      runId: "cleanup",
      workerIndex: 0,
      domain: "example.com",
    });
    await db.query("insert into public.cleanup_probe (id, note) values ($1, 'owned')", [user.id]);
    return user;
  }
  const userExists = async (id: string) => (await admin.auth.admin.getUserById(id)).error === null;
  const rowExists = async (id: string) =>
    (await db.query("select 1 from public.cleanup_probe where id = $1", [id])).rowCount === 1;

  /** deleteUser's error message; fails the test if it did not throw. */
  async function deleteError(id: string, options: Parameters<typeof deleteUser>[2]) {
    blocked.push(id);
    const error = await deleteUser(admin, id, options).then(
      () => assert.fail("deleteUser succeeded although a row references the user"),
      (failure: Error) => failure,
    );
    assert.ok(await userExists(id), "the user is still there");
    assert.doesNotMatch(error.message, /failed: 500\s+\{\}$/, "a bare 500 {}");
    assert.ok(!error.message.includes(stack.keys.serviceRoleKey), "the service key was printed");
    assert.ok(!error.message.includes(stack.env.SUPABASE_DB_URL ?? "?"), "the DB URL was printed");
    return error.message;
  }

  test("with the table declared, its row is deleted first, then the user", async () => {
    const user = await ownerOfProbeRow();
    await deleteUser(admin, user.id, { tables: [PROBE] });
    assert.equal(await userExists(user.id), false, "the user should be gone");
    assert.equal(await rowExists(user.id), false, "the user's row should be gone");
  });

  test("a declared table the Data API cannot reach is named with the PostgREST error", async () => {
    const user = await ownerOfProbeRow();
    const message = await deleteError(user.id, {
      tables: [{ ...PROBE, name: "cleanup_probes" }],
    });
    assert.match(message, /public\.cleanup_probes/);
    assert.match(message, /PGRST205/, message);
    assert.ok(await rowExists(user.id));
  });

  test("a declared table that is gone (an erased schema) does not stop the user's deletion", async () => {
    const user = await createSyntheticUser(admin, {
      prefix: PREFIX,
      runId: "gone0",
      workerIndex: 0,
      domain: "example.com",
    });
    await deleteUser(admin, user.id, { tables: [{ ...PROBE, name: "no_such_table" }] });
    assert.equal(await userExists(user.id), false, "the user is deleted all the same");
  });

  test("not declared, with the database URL: the error names the table and constraint", async () => {
    const user = await ownerOfProbeRow();
    const message = await deleteError(user.id, { dbUrl: stack.env.SUPABASE_DB_URL });
    assert.match(message, new RegExp(`public\\.cleanup_probe \\(${CONSTRAINT}, id\\)`), message);
    assert.match(message, /on delete cascade/, message);
    assert.match(message, /tables/, "it says where to declare the table");
    assert.match(message, /500/, "it keeps Auth's answer");
    // profiles references auth.users with on delete cascade: never a suspect.
    assert.doesNotMatch(message, /public\.profiles/, message);
  });

  test("not declared, no database URL: the error explains the likely cause", async () => {
    const user = await ownerOfProbeRow();
    const message = await deleteError(user.id, {});
    assert.match(message, /500/, "it keeps Auth's answer");
    assert.match(message, /references auth\.users without on delete cascade/, message);
    assert.match(message, /SUPABASE_DB_URL/, message);
    assert.match(message, /tables/, message);
  });

  test("sweep reports a user it cannot delete with the reason, goes on, and exits 1", async () => {
    const stuck = await ownerOfProbeRow();
    blocked.push(stuck.id);
    const free = await createSyntheticUser(admin, {
      prefix: PREFIX,
      runId: "cleanup",
      workerIndex: 1,
      domain: "example.com",
    });
    const inherited = Object.entries(process.env).filter(
      ([key]) => !/^(FRONTEND|BACKEND|SUPABASE|SYNTHETIC|VERCEL)_/.test(key),
    );
    const result = await runProcess(
      process.execPath,
      ["--import", "tsx", "scripts/sweep.ts", "--older-than", "0"],
      {
        cwd: ROOT,
        env: {
          ...Object.fromEntries(inherited),
          ...stack.env,
          SYNTHETIC_ENV: "local",
          SYNTHETIC_EMAIL_PREFIX: PREFIX,
          CI: "",
        },
      },
    );
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 1, output);
    assert.match(result.stdout, /deleted 1 synthetic user older than 0 min/, output);
    assert.match(result.stderr, new RegExp(`${stuck.email}.*public\\.cleanup_probe`), output);
    assert.match(result.stderr, new RegExp(CONSTRAINT), output);
    assert.match(result.stderr, /1 synthetic user could not be deleted/, output);
    assert.equal(await userExists(free.id), false, "the sweep stopped at the stuck user");
    assert.ok(await userExists(stuck.id));
    assert.ok(!output.includes(stack.keys.serviceRoleKey), "the service key was printed");
    assert.ok(!output.includes(stack.env.SUPABASE_DB_URL ?? "?"), "the DB URL was printed");
  });

  test("sweeping with the table declared deletes the row and the user", async () => {
    const user = await ownerOfProbeRow();
    const result = await sweepSyntheticUsers(admin, {
      prefix: PREFIX,
      domain: "example.com",
      olderThanMinutes: 0,
      cleanup: { tables: [PROBE], dbUrl: stack.env.SUPABASE_DB_URL },
    });
    assert.deepEqual(result.failures, []);
    assert.equal(result.deleted, 1);
    assert.equal(await userExists(user.id), false, "the user should be gone");
    assert.equal(await rowExists(user.id), false, "the user's row should be gone");
  });
});
