// Keeps stack/ a separate part: code outside it enters only through
// stack/index.ts, and code inside it imports nothing of the suite's (packages
// are fine). Scans the import specifiers of every .ts/.mjs file git knows
// (tracked, plus untracked ones not ignored, so a new file is checked before
// its first commit). TypeScript's own pre-processor finds the specifiers, so
// text in comments and template strings (inline test files) does not count.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FRONT_DOOR = "stack/index.ts";

/** Static `from "…"`, side-effect `import "…"` and dynamic `import("…")` specifiers. */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

function sourceFiles(): string[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.ts", "*.mjs"],
    { cwd: ROOT, encoding: "utf8" },
  );
  return [...new Set(listed.split("\0").filter((file) => file !== ""))].sort();
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(path.join(ROOT, file), "utf8");
  } catch (error) {
    // Deleted in the work tree but still in the index.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const inStack = (file: string) => file.startsWith("stack/");

/** Where a file's relative imports lead, as paths from the repository root. */
function targets(file: string, source: string): Array<{ specifier: string; target: string }> {
  return (
    specifiers(source)
      // Bare specifiers (node:…, packages) are not part of the tree.
      .filter((specifier) => specifier.startsWith(".") || specifier.startsWith("/"))
      .map((specifier) => ({
        specifier,
        target: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)),
      }))
  );
}

/** One line per import that crosses the boundary the wrong way. */
function violations(file: string, source: string): string[] {
  const found: string[] = [];
  for (const { specifier, target } of targets(file, source)) {
    if (!inStack(file) && inStack(target) && target !== FRONT_DOOR) {
      found.push(
        `${file}: imports "${specifier}" (${target}); outside stack/ import ${FRONT_DOOR}`,
      );
    }
    if (inStack(file) && !inStack(target)) {
      found.push(`${file}: imports "${specifier}" (${target}); stack/ must not import the suite`);
    }
  }
  return found;
}

describe("the stack's boundary", () => {
  test("the scanner sees all three import forms, and not comments or strings", () => {
    const source = [
      'import a from "./a.ts";',
      'import "./b.ts";',
      'export { c } from "./c.ts";',
      'const d = await import("./d.ts");',
      '// import e from "./e.ts";',
      'const f = `import f from "./f.ts"`;',
    ].join("\n");
    assert.deepEqual(specifiers(source).sort(), ["./a.ts", "./b.ts", "./c.ts", "./d.ts"]);
  });

  test("the rules flag a reach past the front door and a stack file importing the suite", () => {
    assert.deepEqual(violations("e2e/x.test.ts", 'import "../stack/index.ts";'), []);
    assert.match(
      violations("e2e/x.test.ts", 'import("../stack/src/stack.ts");').join(),
      /e2e\/x\.test\.ts: imports "\.\.\/stack\/src\/stack\.ts"/,
    );
    assert.match(
      violations("stack/src/x.ts", 'import { a } from "../../target/config.ts";').join(),
      /stack\/src\/x\.ts: imports "\.\.\/\.\.\/target\/config\.ts"/,
    );
    assert.deepEqual(violations("stack/src/x.ts", 'import pg from "pg";'), []);
  });

  test("outside stack/ only stack/index.ts is imported; inside, nothing of the suite", () => {
    const files = sourceFiles();
    assert.ok(files.includes(FRONT_DOOR), `git should list ${FRONT_DOOR}`);
    const found: string[] = [];
    let doorUsers = 0;
    for (const file of files) {
      const source = readIfPresent(file);
      if (source === undefined) continue;
      found.push(...violations(file, source));
      if (!inStack(file) && targets(file, source).some((t) => t.target === FRONT_DOOR)) {
        doorUsers++;
      }
    }
    assert.ok(doorUsers > 0, "some file outside stack/ should import stack/index.ts");
    assert.deepEqual(found, [], `imports across the stack's boundary:\n${found.join("\n")}`);
  });
});
