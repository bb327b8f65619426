import path from "node:path";
import { fileURLToPath } from "node:url";

/** Per-run files of the setup project: the signed-in state the browser reuses, and who to delete. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = path.join(ROOT, ".auth", process.env.SYNTHETIC_RUN_ID ?? "run");
export const STORAGE_STATE_FILE = path.join(DIR, "user.json");
export const SETUP_USER_FILE = path.join(DIR, "setup-user.json");
