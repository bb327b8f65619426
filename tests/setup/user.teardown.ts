import { readFile, rm } from "node:fs/promises";
import { app } from "../../contract/index.ts";
import { test } from "../../fixtures/index.ts";
import { deleteUser } from "../../target/synthetic-users.ts";
import { cleanupOptions } from "../../target/user-cleanup.ts";
import { AUTH_DIR, SETUP_USER_FILE } from "./files.ts";

test("delete the setup user", async ({ admin, target }) => {
  const saved = await readFile(SETUP_USER_FILE, "utf8").catch(() => undefined);
  test.skip(saved === undefined, "setup created no user");
  const { id } = JSON.parse(saved ?? "{}") as { id: string };
  await deleteUser(admin, id, cleanupOptions(target, app.tables));
  await rm(AUTH_DIR, { recursive: true, force: true });
});
