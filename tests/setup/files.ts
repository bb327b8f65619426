import path from "node:path";
import { fileURLToPath } from "node:url";

/** Per-run files of the setup project: the signed-in state the browser reuses, and who to delete. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const AUTH_DIR = path.join(ROOT, ".auth", process.env.SYNTHETIC_RUN_ID ?? "run");
export const STORAGE_STATE_FILE = path.join(AUTH_DIR, "user.json");
export const SETUP_USER_FILE = path.join(AUTH_DIR, "setup-user.json");
