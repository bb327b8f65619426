import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the load files live, whatever the working directory. */
export const LOAD_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(LOAD_DIR, "..");
