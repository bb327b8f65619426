import type { Column, SchemaSnapshot, Table } from "./catalog.ts";

/** The PostgREST version the document claims, as a Supabase project of this era reports. */
const POSTGREST_VERSION = "12.2.3";

const MIME = [
  "application/json",
  "application/vnd.pgrst.object+json;nulls=stripped",
  "application/vnd.pgrst.object+json",
  "text/csv",
];

type JsonObject = Record<string, unknown>;

/** A Swagger 2.0 description of the exposed tables and functions, shaped like PostgREST's. */
export function openApiDocument(snapshot: SchemaSnapshot, host: string): JsonObject {
  const tables = [...snapshot.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  const paths: JsonObject = {
    "/": {
      get: {
        produces: ["application/openapi+json", "application/json"],
        responses: { "200": { description: "OK" } },
        summary: "OpenAPI description (this document)",
        tags: ["Introspection"],
      },
    },
  };
  for (const table of tables) paths[`/${table.name}`] = tablePaths(table);
  for (const routine of [...snapshot.routines.values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    paths[`/rpc/${routine.name}`] = {
      post: {
        parameters: [
          {
            in: "body",
            name: "args",
            required: true,
            schema: {
              type: "object",
              required: routine.params
                .filter((param) => !param.hasDefault)
                .map((param) => param.name),
              properties: Object.fromEntries(
                routine.params.map((param) => [
                  param.name,
                  { format: param.type, ...swaggerType(param.type) },
                ]),
              ),
            },
          },
          { $ref: "#/parameters/preferParams" },
        ],
        produces: ["application/json", "application/vnd.pgrst.object+json"],
        responses: { "200": { description: "OK" } },
        tags: [`(rpc) ${routine.name}`],
      },
    };
  }
  return {
    swagger: "2.0",
    info: {
      description: "",
      title: "standard public schema",
      version: POSTGREST_VERSION,
    },
    host,
    basePath: "/",
    schemes: ["http"],
    consumes: MIME,
    produces: MIME,
    paths,
    definitions: Object.fromEntries(tables.map((table) => [table.name, tableDefinition(table)])),
    parameters: { ...sharedParameters(), ...tableParameters(tables) },
    externalDocs: {
      description: "PostgREST Documentation",
      url: "https://postgrest.org/en/v12/references/api.html",
    },
  };
}

function tableDefinition(table: Table): JsonObject {
  const columns = [...table.columns.values()];
  return {
    type: "object",
    required: columns.filter((column) => !column.nullable).map((column) => column.name),
    properties: Object.fromEntries(
      columns.map((column) => [column.name, columnProperty(table, column)]),
    ),
  };
}

function columnProperty(table: Table, column: Column): JsonObject {
  const property: JsonObject = { format: column.type, ...swaggerType(column.type) };
  if (column.defaultExpr !== null) property.default = column.defaultExpr;
  if (table.primaryKey.includes(column.name))
    property.description = "Note:\nThis is a Primary Key.<pk/>";
  return property;
}

/** PostgREST's mapping of Postgres types to Swagger types (json/jsonb have none). */
function swaggerType(type: string): JsonObject {
  if (type.endsWith("[]")) return { type: "array", items: swaggerType(type.slice(0, -2)) };
  if (["smallint", "integer", "bigint"].includes(type)) return { type: "integer" };
  if (["numeric", "real", "double precision"].some((name) => type.startsWith(name)))
    return { type: "number" };
  if (type === "boolean") return { type: "boolean" };
  if (type === "json" || type === "jsonb") return {};
  return { type: "string" };
}

function tablePaths(table: Table): JsonObject {
  const rowFilters = [...table.columns.keys()].map((name) => ({
    $ref: `#/parameters/rowFilter.${table.name}.${name}`,
  }));
  const body = { $ref: `#/parameters/body.${table.name}` };
  const tags = [table.name];
  const read = {
    tags,
    parameters: [
      ...rowFilters,
      { $ref: "#/parameters/select" },
      { $ref: "#/parameters/order" },
      { $ref: "#/parameters/range" },
      { $ref: "#/parameters/rangeUnit" },
      { $ref: "#/parameters/offset" },
      { $ref: "#/parameters/limit" },
      { $ref: "#/parameters/preferCount" },
    ],
    responses: {
      "200": {
        description: "OK",
        schema: { type: "array", items: { $ref: `#/definitions/${table.name}` } },
      },
      "206": { description: "Partial Content" },
    },
  };
  if (table.kind === "view") return { get: read };
  return {
    get: read,
    post: {
      tags,
      parameters: [body, { $ref: "#/parameters/select" }, { $ref: "#/parameters/preferPost" }],
      responses: { "201": { description: "Created" } },
    },
    patch: {
      tags,
      parameters: [...rowFilters, body, { $ref: "#/parameters/preferReturn" }],
      responses: { "204": { description: "No Content" } },
    },
    delete: {
      tags,
      parameters: [...rowFilters, { $ref: "#/parameters/preferReturn" }],
      responses: { "204": { description: "No Content" } },
    },
  };
}

function sharedParameters(): JsonObject {
  const query = (name: string, description: string) => ({
    name,
    description,
    required: false,
    in: "query",
    type: "string",
  });
  const header = (name: string, description: string, values?: string[]) => ({
    name,
    description,
    required: false,
    in: "header",
    type: "string",
    ...(values ? { enum: values } : {}),
  });
  return {
    preferParams: header("Prefer", "Preference", ["params=single-object"]),
    preferReturn: header("Prefer", "Preference", [
      "return=representation",
      "return=minimal",
      "return=none",
    ]),
    preferCount: header("Prefer", "Preference", ["count=none"]),
    preferPost: header("Prefer", "Preference", [
      "return=representation",
      "return=minimal",
      "return=none",
      "resolution=ignore-duplicates",
      "resolution=merge-duplicates",
    ]),
    select: query("select", "Filtering Columns"),
    on_conflict: query("on_conflict", "On Conflict"),
    order: query("order", "Ordering"),
    range: header("Range", "Limiting and Pagination"),
    rangeUnit: { ...header("Range-Unit", "Limiting and Pagination"), default: "items" },
    offset: query("offset", "Limiting and Pagination"),
    limit: query("limit", "Limiting and Pagination"),
  };
}

/** Per-table parameters (`body.<t>`, `rowFilter.<t>.<col>`) the paths refer to. */
function tableParameters(tables: readonly Table[]): JsonObject {
  const parameters: JsonObject = {};
  for (const table of tables) {
    parameters[`body.${table.name}`] = {
      name: table.name,
      description: table.name,
      required: false,
      in: "body",
      schema: { $ref: `#/definitions/${table.name}` },
    };
    for (const column of table.columns.values()) {
      parameters[`rowFilter.${table.name}.${column.name}`] = {
        name: column.name,
        required: false,
        format: column.type,
        in: "query",
        type: "string",
      };
    }
  }
  return parameters;
}
