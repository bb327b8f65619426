import type { Aspect, InspectedSchema, SchemaSnapshot } from "./snapshot.ts";

export interface DataApiTarget {
  supabaseUrl: string;
  serviceRoleKey: string;
}

interface PostgrestError {
  code?: string;
  message?: string;
}

/** What the Data API cannot show, and so what a check without SUPABASE_DB_URL does not compare. */
const CATALOG_ONLY: Aspect[] = [
  "defaults",
  "constraints",
  "indexes",
  "rls",
  "policies",
  "grants",
  "functions",
  "triggers",
  "enums",
  "extensions",
];

/**
 * Inspects the expected tables and views through the Data API with the
 * service-role key, as the app reaches them: `select=<columns>&limit=0` per
 * relation (PGRST205 = missing, 42703 = a column missing, then each column
 * alone to name every missing one), and types and nullability from the
 * OpenAPI description when it is served. Everything else is unchecked.
 */
export async function inspectViaDataApi(
  expected: SchemaSnapshot,
  target: DataApiTarget,
): Promise<InspectedSchema> {
  const openApi = await fetchOpenApi(target);
  const found: InspectedSchema = {
    schemas: expected.schemas,
    tables: {},
    views: {},
    functions: {},
    sequences: {},
    triggers: {},
    enums: {},
    extensions: {},
    source: "Data API",
    unchecked: Object.fromEntries(
      CATALOG_ONLY.map((aspect) => [
        aspect,
        "the Data API does not show them (set SUPABASE_DB_URL)",
      ]),
    ),
  };
  const notExposed: string[] = [];
  for (const [key, table] of Object.entries(expected.tables)) {
    const [schema = "public", name = key] = key.split(/\.(.*)/s);
    const names = Object.keys(table.columns);
    const all = await probe(target, schema, name, names);
    if (all.kind === "table-missing") continue;
    if (all.kind === "not-exposed") {
      notExposed.push(schema);
      found.tables[key] = { ...table };
      continue;
    }
    let present = names;
    if (all.kind === "column-missing") {
      const each = await Promise.all(names.map((column) => probe(target, schema, name, [column])));
      present = names.filter((_name, index) => each[index]?.kind === "ok");
    }
    // OpenAPI describes the first exposed schema; others are named schema.table there, if at all.
    const definition =
      openApi?.definitions?.[schema === "public" ? name : key] ?? openApi?.definitions?.[key];
    const columns: InspectedSchema["tables"][string]["columns"] = {};
    for (const column of present) {
      const want = table.columns[column];
      if (!want) continue;
      const property = definition?.properties?.[column];
      columns[column] = definition
        ? {
            type: property?.format ?? "",
            nullable: !(definition.required ?? []).includes(column),
          }
        : { type: "", nullable: want.nullable };
    }
    found.tables[key] = { ...table, columns };
  }
  for (const [key, view] of Object.entries(expected.views)) {
    const [schema = "public", name = key] = key.split(/\.(.*)/s);
    const result = await probe(target, schema, name, ["*"]);
    if (result.kind !== "table-missing") found.views[key] = view;
  }
  if (notExposed.length > 0) {
    found.unchecked.tables = `schema ${[...new Set(notExposed)].join(", ")} is not exposed through the Data API`;
  }
  return found;
}

type ProbeResult =
  | { kind: "ok" }
  | { kind: "table-missing" }
  | { kind: "not-exposed" }
  | { kind: "column-missing"; message: string };

async function probe(
  target: DataApiTarget,
  schema: string,
  table: string,
  columns: string[],
): Promise<ProbeResult> {
  const url = new URL(`${target.supabaseUrl}/rest/v1/${encodeURIComponent(table)}`);
  url.searchParams.set("select", columns.join(","));
  url.searchParams.set("limit", "0");
  const response = await fetch(url, { headers: headers(target, { "Accept-Profile": schema }) });
  if (response.ok) {
    await response.body?.cancel();
    return { kind: "ok" };
  }
  const body = (await response.json().catch(() => ({}))) as PostgrestError;
  if (body.code === "PGRST205" || body.code === "42P01") return { kind: "table-missing" };
  if (body.code === "PGRST106") return { kind: "not-exposed" };
  if (body.code === "42703") return { kind: "column-missing", message: body.message ?? "" };
  throw new Error(
    `Data API answered ${response.status}${body.code ? ` ${body.code}` : ""} for ${schema}.${table}: ${body.message ?? "no message"}`,
  );
}

interface OpenApi {
  definitions?: Record<
    string,
    { required?: string[]; properties?: Record<string, { format?: string }> }
  >;
}

async function fetchOpenApi(target: DataApiTarget): Promise<OpenApi | undefined> {
  const response = await fetch(`${target.supabaseUrl}/rest/v1/`, {
    headers: headers(target, { Accept: "application/openapi+json" }),
  }).catch(() => undefined);
  if (!response?.ok) {
    await response?.body?.cancel();
    return undefined;
  }
  return (await response.json().catch(() => undefined)) as OpenApi | undefined;
}

function headers(target: DataApiTarget, extra: Record<string, string>): Record<string, string> {
  return {
    apikey: target.serviceRoleKey,
    Authorization: `Bearer ${target.serviceRoleKey}`,
    ...extra,
  };
}
