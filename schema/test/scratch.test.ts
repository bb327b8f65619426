// A scratch database has Supabase's storage schema, so migrations that make
// buckets and storage policies (Supabase's user-management example) apply,
// and what the schema check reads of it stays the app's schemas.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { inspectCatalog } from "../catalog.ts";
import { withScratchDatabase } from "../scratch.ts";

const AVATARS = `
create table public.profiles (
  id uuid not null primary key references auth.users on delete cascade,
  username text unique,
  avatar_url text
);
alter table public.profiles enable row level security;

insert into storage.buckets (id, name) values ('avatars', 'avatars');
create policy "Avatar images are publicly accessible." on storage.objects
  for select using (bucket_id = 'avatars');
create policy "Anyone can upload an avatar." on storage.objects
  for insert with check (bucket_id = 'avatars');
create policy "Anyone can update their own avatar." on storage.objects
  for update using ((select auth.uid()) = owner) with check (bucket_id = 'avatars');
`;

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "scratch-storage-"));
  await writeFile(path.join(dir, "20250601000000_user_management.sql"), AVATARS);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("withScratchDatabase applies a migration that makes a bucket and storage policies", async () => {
  await withScratchDatabase(dir, async (db) => {
    assert.deepEqual(db.migrations, ["20250601000000_user_management.sql"]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const buckets = await client.query("select id, name, public from storage.buckets");
      assert.deepEqual(buckets.rows, [{ id: "avatars", name: "avatars", public: false }]);
      const policies = await client.query<{ policyname: string; cmd: string }>(
        "select policyname, cmd from pg_policies where schemaname = 'storage' and tablename = 'objects' order by cmd",
      );
      assert.deepEqual(
        policies.rows.map((row) => row.cmd),
        ["INSERT", "SELECT", "UPDATE"],
      );
      const helpers = await client.query(
        "select storage.foldername('u1/photos/cat.png') as folders, storage.filename('u1/photos/cat.png') as file, storage.extension('u1/photos/cat.png') as ext",
      );
      assert.deepEqual(helpers.rows, [{ folders: ["u1", "photos"], file: "cat.png", ext: "png" }]);
      const {
        source: _s,
        unchecked: _u,
        ...read
      } = await inspectCatalog(client, {
        schemas: ["public"],
      });
      assert.deepEqual(Object.keys(read.tables), ["public.profiles"], "storage is not the app's");
      assert.ok(
        !JSON.stringify(read).includes("storage."),
        "nothing of the storage schema in what the schema check compares",
      );
    } finally {
      await client.end();
    }
  });
});
