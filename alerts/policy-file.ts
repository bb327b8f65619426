import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import defaultPolicy from "./policy.ts";
import { definePolicy, type Policy } from "./policy-schema.ts";

/**
 * The policy a run uses: the module at `path` (its default export, written
 * with definePolicy), resolved against `baseDir`, or the project's default.
 * A missing module or an invalid policy throws naming the file.
 */
export async function loadPolicy(path: string | undefined, baseDir: string): Promise<Policy> {
  if (!path) return defaultPolicy;
  const file = resolve(baseDir, path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new Error(`alert policy ${path} could not be loaded: ${(error as Error).message}`);
  }
  return definePolicy(module.default as Parameters<typeof definePolicy>[0]);
}
