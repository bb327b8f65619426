import type { FoundSchema, SchemaManifest } from "./manifest.ts";

export interface DataApiTarget {
  supabaseUrl: string;
  serviceRoleKey: string;
}

interface PostgrestError {
  code?: string;
  message?: string;
}

/**
 * Inspects tables and columns through the Data API with the service-role key:
 * `select=<columns>&limit=0` per table (PGRST205 = table missing, 42703 =
 * column missing, then each column is probed alone to name every missing one),
 * and types and nullability from the OpenAPI description when it is served.
 */
export async function inspectViaDataApi(
  manifest: SchemaManifest,
  target: DataApiTarget,
): Promise<FoundSchema> {
  const openApi = await fetchOpenApi(target);
  const found: FoundSchema = { tables: {} };
  for (const table of manifest.tables) {
    const names = table.columns.map((column) => column.name);
    const all = await probe(target, table.schema, table.name, names);
    if (all.kind === "table-missing") continue;
    let present = names;
    if (all.kind === "column-missing") {
      const each = await Promise.all(
        names.map((name) => probe(target, table.schema, table.name, [name])),
      );
      present = names.filter((_name, index) => each[index]?.kind === "ok");
    }
    const definition = openApi?.definitions?.[table.name];
    const columns: FoundSchema["tables"][string]["columns"] = {};
    for (const name of present) {
      const property = definition?.properties?.[name];
      columns[name] = definition
        ? { type: property?.format, nullable: !(definition.required ?? []).includes(name) }
        : {};
    }
    found.tables[`${table.schema}.${table.name}`] = { columns };
  }
  return found;
}

type ProbeResult =
  | { kind: "ok" }
  | { kind: "table-missing" }
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
