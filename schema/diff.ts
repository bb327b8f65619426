import type {
  Aspect,
  Grants,
  InspectedSchema,
  SchemaSnapshot,
  SnapshotFunction,
  SnapshotPolicy,
  SnapshotTable,
} from "./snapshot.ts";

/**
 * What a difference risks, riskiest first: access wider than intended, sign-up
 * (the trigger on auth.users or what it runs), the app's queries failing, the
 * integrity of data, then speed.
 */
export const RISKS = ["security", "sign-up", "app", "data", "performance"] as const;
export type Risk = (typeof RISKS)[number];

export interface Drift {
  /** e.g. "policy changed", "trigger disabled", "constraint missing" */
  kind: string;
  /** The object it belongs to, reports group by it: public.profiles, public.handle_new_user() */
  object: string;
  /** What exactly differs: policy "Owner reads" on public.profiles */
  subject: string;
  expected: string;
  found: string;
  risk: Risk;
}

/** Hand-written exceptions to the snapshot: objects not to compare, differences that are fine. */
export interface SchemaOverrides {
  /** Subjects (or objects) never compared; `*` matches any text: "table public.audit_*", "public.legacy". */
  ignore?: string[];
  /** Differences accepted: by subject, optionally only one kind, or only this found value. */
  accept?: Array<{ subject: string; kind?: string; found?: string }>;
}

/**
 * Every difference between the expected schema and what an inspection found,
 * riskiest first. Aspects the inspection could not see give no difference:
 * they are reported as unchecked instead.
 */
export function diffSchema(
  expected: SchemaSnapshot,
  found: InspectedSchema,
  overrides: SchemaOverrides = {},
): Drift[] {
  const drift: Drift[] = [];
  const seen = (aspect: Aspect) => found.unchecked[aspect] === undefined;
  const signUpFunctions = new Set(
    Object.values(expected.triggers)
      .filter((trigger) => trigger.table === "auth.users")
      .map((trigger) => trigger.function),
  );
  const add = (item: Drift) => drift.push(item);

  for (const [name, table] of Object.entries(expected.tables)) {
    const actual = found.tables[name];
    if (!actual) {
      if (seen("tables"))
        add({
          kind: "table missing",
          object: name,
          subject: `table ${name}`,
          expected: "table exists",
          found: "no such table",
          risk: "app",
        });
      continue;
    }
    diffTable(name, table, actual, found, add);
  }
  // A table made outside the migrations: exposed to the API roles by Supabase's
  // default grants, readable by anyone when its row level security is off.
  if (found.source === "Postgres catalogs" && seen("tables"))
    for (const [name, table] of Object.entries(found.tables)) {
      if (expected.tables[name]) continue;
      const open = seen("rls") && !table.rls.enabled;
      add({
        kind: "table unexpected",
        object: name,
        subject: `table ${name}`,
        expected: "no such table (not in the migrations)",
        found: open ? "table with row level security disabled" : "table",
        risk: open ? "security" : "data",
      });
    }

  for (const [name, view] of Object.entries(expected.views)) {
    const actual = found.views[name];
    if (!seen("views")) break;
    if (!actual) {
      add(missing("view", name, name, "app"));
    } else if (found.source === "Postgres catalogs" && actual.definition !== view.definition) {
      add({
        kind: "view changed",
        object: name,
        subject: `view ${name}`,
        expected: view.definition,
        found: actual.definition,
        risk: "app",
      });
    }
    if (actual && seen("grants")) diffGrants(name, `view ${name}`, view.grants, actual.grants, add);
  }

  if (seen("grants")) {
    for (const [name, sequence] of Object.entries(expected.sequences)) {
      const actual = found.sequences[name];
      if (actual) diffGrants(name, `sequence ${name}`, sequence.grants, actual.grants, add);
    }
  }

  if (seen("functions")) {
    for (const [name, fn] of Object.entries(expected.functions)) {
      const signUp = signUpFunctions.has(name.replace(/\(.*$/, ""));
      diffFunction(name, fn, found.functions[name], signUp, seen("grants"), add);
    }
  }

  if (seen("triggers")) {
    for (const [name, trigger] of Object.entries(expected.triggers)) {
      const actual = found.triggers[name];
      const risk: Risk = trigger.table === "auth.users" ? "sign-up" : "data";
      const subject = `trigger ${name}`;
      if (!actual) {
        add({
          kind: "trigger missing",
          object: trigger.table,
          subject,
          expected: trigger.definition,
          found: "no such trigger",
          risk,
        });
        continue;
      }
      if (actual.enabled !== trigger.enabled)
        add({
          kind: trigger.enabled === "enabled" ? "trigger disabled" : "trigger enabled state",
          object: trigger.table,
          subject,
          expected: trigger.enabled,
          found: actual.enabled,
          risk,
        });
      if (actual.definition !== trigger.definition)
        add({
          kind: "trigger changed",
          object: trigger.table,
          subject,
          expected: trigger.definition,
          found: actual.definition,
          risk,
        });
    }
    // Any other trigger on auth.users runs at every sign-up.
    for (const [name, trigger] of Object.entries(found.triggers)) {
      if (trigger.table === "auth.users" && !expected.triggers[name])
        add({
          kind: "trigger unexpected",
          object: "auth.users",
          subject: `trigger ${name}`,
          expected: "no such trigger",
          found: trigger.definition,
          risk: "sign-up",
        });
    }
  }

  if (seen("enums")) {
    for (const [name, labels] of Object.entries(expected.enums)) {
      const actual = found.enums[name];
      if (!actual) add(missing("enum", name, name, "app"));
      else if (actual.join(",") !== labels.join(","))
        add({
          kind: "enum changed",
          object: name,
          subject: `enum ${name}`,
          expected: labels.join(", "),
          found: actual.join(", "),
          risk: "app",
        });
    }
  }

  if (seen("extensions")) {
    for (const name of Object.keys(expected.extensions)) {
      if (found.extensions[name] === undefined)
        add(missing("extension", name, `extension ${name}`, "app"));
    }
  }

  return rank(drift.filter((item) => !overridden(item, overrides)));
}

function diffTable(
  name: string,
  table: SnapshotTable,
  actual: SnapshotTable,
  found: InspectedSchema,
  add: (item: Drift) => void,
): void {
  const seen = (aspect: Aspect) => found.unchecked[aspect] === undefined;
  const catalogs = found.source === "Postgres catalogs";
  for (const [column, want] of Object.entries(table.columns)) {
    const have = actual.columns[column];
    const subject = `column ${name}.${column}`;
    if (!seen("columns")) break;
    if (!have) {
      add({
        kind: "column missing",
        object: name,
        subject,
        expected: `${want.type} column`,
        found: "no such column",
        risk: "app",
      });
      continue;
    }
    // The Data API names types without modifiers (character varying, not (200)).
    const type = catalogs ? want.type : want.type.replace(/\(.*\)/, "");
    if (have.type && have.type !== type)
      add({
        kind: "column type",
        object: name,
        subject,
        expected: type,
        found: have.type,
        risk: "app",
      });
    if (have.nullable !== want.nullable)
      add({
        kind: "column nullability",
        object: name,
        subject,
        expected: want.nullable ? "nullable" : "not null",
        found: have.nullable ? "nullable" : "not null",
        risk: want.nullable ? "app" : "data",
      });
    if (catalogs && seen("defaults") && have.default !== want.default)
      add({
        kind: "column default",
        object: name,
        subject,
        expected: want.default ?? "no default",
        found: have.default ?? "no default",
        risk: "data",
      });
    if (catalogs && (have.identity !== want.identity || have.generated !== want.generated))
      add({
        kind: "column generation",
        object: name,
        subject,
        expected: generation(want),
        found: generation(have),
        risk: "data",
      });
  }
  if (seen("columns"))
    for (const [column, have] of Object.entries(actual.columns)) {
      if (table.columns[column]) continue;
      // Inserts that do not name it (the sign-up trigger's, the app's) fail.
      const required =
        catalogs && !have.nullable && !have.default && !have.identity && !have.generated;
      add({
        kind: "column unexpected",
        object: name,
        subject: `column ${name}.${column}`,
        expected: "no such column (not in the migrations)",
        found: `${have.type} column${required ? ", not null without a default" : ""}`,
        risk: required ? "app" : "data",
      });
    }
  if (!catalogs) return;
  if (seen("constraints")) {
    for (const [constraint, want] of Object.entries(table.constraints)) {
      const have = actual.constraints[constraint];
      const subject = `constraint ${constraint} on ${name}`;
      if (!have)
        add({
          kind: "constraint missing",
          object: name,
          subject,
          expected: want.definition,
          found: "no such constraint",
          risk: "data",
        });
      else if (have.definition !== want.definition)
        add({
          kind: "constraint changed",
          object: name,
          subject,
          expected: want.definition,
          found: have.definition,
          risk: "data",
        });
    }
    for (const [constraint, have] of Object.entries(actual.constraints)) {
      if (!table.constraints[constraint])
        add({
          kind: "constraint unexpected",
          object: name,
          subject: `constraint ${constraint} on ${name}`,
          expected: "no such constraint",
          found: have.definition,
          risk: "app",
        });
    }
  }
  if (seen("indexes")) {
    for (const [index, definition] of Object.entries(table.indexes)) {
      const have = actual.indexes[index];
      const unique = /^CREATE UNIQUE/.test(definition);
      if (have !== definition)
        add({
          kind: have ? "index changed" : "index missing",
          object: name,
          subject: `index ${index} on ${name}`,
          expected: definition,
          found: have ?? "no such index",
          risk: unique ? "data" : "performance",
        });
    }
  }
  if (seen("rls")) {
    if (actual.rls.enabled !== table.rls.enabled)
      add({
        kind: table.rls.enabled ? "rls disabled" : "rls unexpected",
        object: name,
        subject: `row level security on ${name}`,
        expected: table.rls.enabled ? "enabled" : "disabled",
        found: actual.rls.enabled ? "enabled" : "disabled",
        risk: table.rls.enabled ? "security" : "app",
      });
    if (actual.rls.forced !== table.rls.forced)
      add({
        kind: table.rls.forced ? "rls not forced" : "rls forced",
        object: name,
        subject: `forced row level security on ${name}`,
        expected: table.rls.forced ? "forced (applies to the table owner too)" : "not forced",
        found: actual.rls.forced ? "forced" : "not forced",
        risk: table.rls.forced ? "security" : "app",
      });
  }
  if (seen("policies")) diffPolicies(name, table.policies, actual.policies, add);
  if (seen("grants")) diffGrants(name, `table ${name}`, table.grants, actual.grants, add);
}

function diffPolicies(
  table: string,
  expected: Record<string, SnapshotPolicy>,
  found: Record<string, SnapshotPolicy>,
  add: (item: Drift) => void,
): void {
  for (const [name, want] of Object.entries(expected)) {
    const have = found[name];
    const subject = `policy "${name}" on ${table}`;
    if (!have) {
      // A missing permissive policy denies; a missing restrictive one allows.
      add({
        kind: "policy missing",
        object: table,
        subject,
        expected: describePolicy(want),
        found: "no such policy",
        risk: want.permissive ? "app" : "security",
      });
      continue;
    }
    const wanted = describePolicy(want);
    const got = describePolicy(have);
    if (wanted !== got)
      add({
        kind: "policy changed",
        object: table,
        subject,
        expected: wanted,
        found: got,
        risk: "security",
      });
  }
  for (const [name, have] of Object.entries(found)) {
    if (!expected[name])
      add({
        kind: "policy unexpected",
        object: table,
        subject: `policy "${name}" on ${table}`,
        expected: "no such policy",
        found: describePolicy(have),
        risk: have.permissive ? "security" : "app",
      });
  }
}

/** A policy in one line, as Postgres prints its parts: FOR SELECT TO authenticated USING (…) */
export function describePolicy(policy: SnapshotPolicy): string {
  return [
    policy.permissive ? "" : "AS RESTRICTIVE",
    `FOR ${policy.command}`,
    `TO ${policy.roles.join(", ")}`,
    policy.using !== undefined ? `USING ${policy.using}` : "",
    policy.withCheck !== undefined ? `WITH CHECK ${policy.withCheck}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function diffGrants(
  object: string,
  on: string,
  expected: Grants,
  found: Grants,
  add: (item: Drift) => void,
): void {
  const roles = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  for (const role of roles) {
    const want = expected[role] ?? [];
    const have = found[role] ?? [];
    const lost = want.filter((privilege) => !have.includes(privilege));
    const gained = have.filter((privilege) => !want.includes(privilege));
    const subject = `grants on ${on.replace(/^\w+ /, "")} to ${role}`;
    const list = (items: string[]) => (items.length > 0 ? items.join(", ") : "none");
    if (lost.length > 0)
      add({
        kind: "grant missing",
        object,
        subject,
        expected: list(want),
        found: `${list(have)} (${lost.join(", ")} revoked)`,
        risk: "app",
      });
    if (gained.length > 0)
      add({
        kind: "grant unexpected",
        object,
        subject,
        expected: list(want),
        found: `${list(have)} (${gained.join(", ")} granted)`,
        risk: "security",
      });
  }
}

function diffFunction(
  name: string,
  want: SnapshotFunction,
  have: SnapshotFunction | undefined,
  signUp: boolean,
  grants: boolean,
  add: (item: Drift) => void,
): void {
  const subject = `function ${name}`;
  const risk: Risk = signUp ? "sign-up" : "app";
  if (!have) {
    add({
      kind: "function missing",
      object: name,
      subject,
      expected: `returns ${want.result}`,
      found: "no such function",
      risk,
    });
    return;
  }
  const change = (kind: string, expected: string, found: string, changeRisk: Risk) => {
    if (expected !== found) add({ kind, object: name, subject, expected, found, risk: changeRisk });
  };
  const security = (fn: SnapshotFunction) =>
    fn.securityDefiner ? "security definer" : "security invoker";
  change("function security", security(want), security(have), "security");
  change(
    "function settings",
    want.config.join(", ") || "none",
    have.config.join(", ") || "none",
    "security",
  );
  change("function result", want.result, have.result, risk);
  change("function language", want.language, have.language, risk);
  change("function volatility", want.volatility, have.volatility, "app");
  change(
    "function body",
    `body sha256 ${want.bodyHash.slice(0, 12)}`,
    `body sha256 ${have.bodyHash.slice(0, 12)}`,
    risk,
  );
  if (grants) diffGrants(name, `function ${name}`, want.grants, have.grants, add);
}

function missing(kind: string, object: string, subject: string, risk: Risk): Drift {
  return {
    kind: `${kind} missing`,
    object,
    subject: subject.startsWith(kind) ? subject : `${kind} ${subject}`,
    expected: `${kind} exists`,
    found: `no such ${kind}`,
    risk,
  };
}

function generation(column: { identity?: string; generated?: string }): string {
  if (column.identity) return `identity (generated ${column.identity})`;
  if (column.generated) return `generated always as ${column.generated}`;
  return "plain column";
}

/** Several inspections' differences as one list: each difference once, riskiest first. */
export function mergeDrift(...lists: Drift[][]): Drift[] {
  const seen = new Set<string>();
  const all: Drift[] = [];
  for (const item of lists.flat()) {
    const key = `${item.kind}|${item.subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(item);
  }
  return rank(all);
}

function rank(drift: Drift[]): Drift[] {
  return drift
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        RISKS.indexOf(a.item.risk) - RISKS.indexOf(b.item.risk) ||
        a.item.object.localeCompare(b.item.object) ||
        a.index - b.index,
    )
    .map(({ item }) => item);
}

function matches(pattern: string, text: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(text);
}

function overridden(item: Drift, overrides: SchemaOverrides): boolean {
  if (
    overrides.ignore?.some(
      (pattern) => matches(pattern, item.subject) || matches(pattern, item.object),
    )
  )
    return true;
  return (
    overrides.accept?.some(
      (rule) =>
        matches(rule.subject, item.subject) &&
        (rule.kind === undefined || rule.kind === item.kind) &&
        (rule.found === undefined || rule.found === item.found),
    ) ?? false
  );
}

/**
 * A drift report a person can read in a terminal, an alert or a report
 * attachment: the riskiest difference on the first line, then every
 * difference grouped by object, then what could not be checked.
 */
export function formatDrift(
  drift: Drift[],
  found: Pick<InspectedSchema, "source" | "unchecked">,
): string {
  const unchecked = Object.entries(found.unchecked);
  const byReason = new Map<string, string[]>();
  for (const [aspect, reason] of unchecked)
    byReason.set(reason, [...(byReason.get(reason) ?? []), aspect]);
  const notChecked =
    unchecked.length === 0
      ? ""
      : `\n\nNot checked (${unchecked.length} aspect${unchecked.length === 1 ? "" : "s"}):\n${[
          ...byReason,
        ]
          .map(([reason, aspects]) => `  - ${aspects.join(", ")}: ${reason}`)
          .join("\n")}`;
  if (drift.length === 0)
    return `Schema matches the snapshot (${found.source})${unchecked.length > 0 ? ", in what could be checked" : ""}.${notChecked}`;
  const first = drift[0] as Drift;
  const groups = new Map<string, Drift[]>();
  for (const item of drift) groups.set(item.object, [...(groups.get(item.object) ?? []), item]);
  let n = 0;
  const body = [...groups]
    .map(
      ([object, items]) =>
        `${object}\n${items
          .map(
            (item) =>
              `  ${++n}. [${item.risk}] ${item.kind}: ${item.subject}\n     expected: ${item.expected}\n     found:    ${item.found}`,
          )
          .join("\n")}`,
    )
    .join("\n\n");
  return `Schema drift: ${drift.length} difference${drift.length === 1 ? "" : "s"} (${found.source}); riskiest: [${first.risk}] ${first.kind}: ${first.subject}\n\n${body}${notChecked}`;
}
