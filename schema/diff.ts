import type { Drift, FoundSchema, SchemaManifest } from "./manifest.ts";

/** Every difference between what the manifest expects and what was found, in manifest order. */
export function diffSchema(expected: SchemaManifest, found: FoundSchema): Drift[] {
  const drift: Drift[] = [];
  for (const table of expected.tables) {
    const key = `${table.schema}.${table.name}`;
    const seen = found.tables[key];
    if (!seen) {
      drift.push({
        kind: "table missing",
        subject: key,
        expected: "table exists",
        found: "no such table",
      });
      continue;
    }
    for (const column of table.columns) {
      const subject = `${key}.${column.name}`;
      const actual = seen.columns[column.name];
      if (!actual) {
        drift.push({
          kind: "column missing",
          subject,
          expected: `${column.type} column`,
          found: "no such column",
        });
        continue;
      }
      if (actual.type !== undefined && actual.type !== column.type) {
        drift.push({ kind: "column type", subject, expected: column.type, found: actual.type });
      }
      if (actual.nullable !== undefined && actual.nullable !== column.nullable) {
        drift.push({
          kind: "column nullability",
          subject,
          expected: column.nullable ? "nullable" : "not null",
          found: actual.nullable ? "nullable" : "not null",
        });
      }
    }
    if (seen.rls !== undefined && seen.rls !== table.rls) {
      drift.push({
        kind: table.rls ? "rls disabled" : "rls unexpected",
        subject: key,
        expected: table.rls ? "row level security enabled" : "row level security disabled",
        found: seen.rls ? "enabled" : "disabled",
      });
    }
    if (seen.policies) {
      for (const policy of table.policies) {
        const command = seen.policies[policy.name];
        const subject = `policy "${policy.name}" on ${key}`;
        if (command === undefined) {
          drift.push({
            kind: "policy missing",
            subject,
            expected: `${policy.command} policy`,
            found: "no such policy",
          });
        } else if (command !== policy.command) {
          drift.push({ kind: "policy command", subject, expected: policy.command, found: command });
        }
      }
    }
  }
  if (found.functions) {
    for (const fn of expected.functions) {
      const key = `${fn.schema}.${fn.name}`;
      const seen = found.functions[key];
      if (!seen) {
        drift.push({
          kind: "function missing",
          subject: `${key}()`,
          expected: "function exists",
          found: "no such function",
        });
      } else if (seen.securityDefiner !== fn.securityDefiner) {
        drift.push({
          kind: "function security",
          subject: `${key}()`,
          expected: fn.securityDefiner ? "security definer" : "security invoker",
          found: seen.securityDefiner ? "security definer" : "security invoker",
        });
      }
    }
  }
  if (found.triggers) {
    for (const trigger of expected.triggers) {
      const seen = found.triggers[trigger.name];
      const subject = `trigger ${trigger.name} on ${trigger.table}`;
      const want = `${trigger.timing} ${trigger.event} on ${trigger.table} executing ${trigger.function}()`;
      if (!seen) {
        drift.push({ kind: "trigger missing", subject, expected: want, found: "no such trigger" });
        continue;
      }
      const have = `${seen.timing} ${seen.event} on ${seen.table} executing ${seen.function}()`;
      if (have !== want)
        drift.push({ kind: "trigger definition", subject, expected: want, found: have });
    }
  }
  return drift;
}

/** A plain-text drift report a person can read in a terminal, an alert or a report attachment. */
export function formatDrift(drift: Drift[], source: string): string {
  if (drift.length === 0) return `Schema matches the manifest (${source}).`;
  const lines = drift.map(
    (item, index) =>
      `${index + 1}. ${item.kind}: ${item.subject}\n   expected: ${item.expected}\n   found:    ${item.found}`,
  );
  return `Schema drift: ${drift.length} difference${drift.length === 1 ? "" : "s"} (${source})\n\n${lines.join("\n")}`;
}
