import type { FastifyReply, FastifyRequest } from "fastify";
import type { Routine, SchemaSnapshot } from "./catalog.ts";
import { EXPOSED_SCHEMA } from "./catalog.ts";
import { invalidBody, notImplemented, RestError, singularityError } from "./errors.ts";
import { authenticate } from "./jwt.ts";
import { negotiateMedia, type ResponseMedia } from "./preferences.ts";
import { parseQueryParams } from "./query-params.ts";
import { contentRange } from "./ranges.ts";
import { checkProfile, rawQuery, requestContext } from "./request.ts";
import type { RestDeps } from "./rest-deps.ts";
import { closestName, findRoutine } from "./schema-cache.ts";
import { ident, qualifiedName, type Statement } from "./sql-fragments.ts";
import { inRequestTransaction, Rollback } from "./transaction.ts";

/** POST /rest/v1/rpc/<fn> with named arguments in a JSON object; GET/HEAD with them in the query. */
export async function callRoutine(
  deps: RestDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
): Promise<void> {
  const profiled = checkProfile(request);
  const auth = await authenticate(request.supabaseBearer, deps.signingKey);
  const isPost = request.method === "POST";
  const query = parseQueryParams(rawQuery(request), { rpc: !isPost });
  if (
    query.conditions.length > 0 ||
    query.order.length > 0 ||
    query.select.some((item) => item.kind !== "star")
  ) {
    throw notImplemented(
      "select, filters and order on function results are not supported by this stand-in",
    );
  }
  const args = isPost ? readArguments(request) : argumentsFromQuery(query.rpcArgs);
  const media = negotiateMedia(request.headers.accept);

  const result = await deps.cache.withSnapshot(async (snapshot) => {
    const routine = matchRoutine(snapshot, name, args.keys, isPost);
    const statement = callStatement(routine, args, media);
    return inRequestTransaction(deps.pool, requestContext(request, auth), async (client) => {
      const row = (await client.query(statement.text, [...statement.values])).rows[0] as {
        page_total: string;
        body: string;
      };
      const pageTotal = Number(row.page_total);
      if (media.singular && routine.returnsSet && pageTotal !== 1) {
        throw new Rollback(singularityError(pageTotal));
      }
      return { routine, pageTotal, body: row.body };
    });
  });

  if (result.routine.returnsVoid) return reply.code(204).send();
  reply.code(200);
  reply.header("Content-Range", contentRange(0, result.pageTotal, undefined));
  reply.header("Content-Type", media.contentType);
  if (profiled) reply.header("Content-Profile", EXPOSED_SCHEMA);
  return reply.send(request.method === "HEAD" ? undefined : result.body);
}

/** Named arguments as a JSON object's text (kept as sent, so numbers stay exact) and its keys. */
interface Arguments {
  readonly raw: string;
  readonly keys: string[];
}

function readArguments(request: FastifyRequest): Arguments {
  const raw = typeof request.body === "string" ? request.body : "";
  if (raw.trim() === "") return { raw: "{}", keys: [] };
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value))
      return { raw, keys: Object.keys(value) };
  } catch {
    // answered below
  }
  throw invalidBody("Empty or invalid json");
}

function argumentsFromQuery(pairs: ReadonlyArray<readonly [string, string]>): Arguments {
  const args = Object.fromEntries(pairs);
  return { raw: JSON.stringify(args), keys: Object.keys(args) };
}

/** The function must exist and take exactly these named arguments (defaults may be left out). */
function matchRoutine(
  snapshot: SchemaSnapshot,
  name: string,
  keys: string[],
  isPost: boolean,
): Routine {
  const routine = findRoutine(snapshot, name);
  const names = new Set(routine?.params.map((param) => param.name));
  const fits =
    routine &&
    keys.every((key) => names.has(key)) &&
    routine.params.every((param) => param.hasDefault || keys.includes(param.name));
  if (routine && fits) return routine;
  const qualified = `${EXPOSED_SCHEMA}.${name}`;
  const listed = keys.length
    ? ` with parameter${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`
    : " without parameters";
  const suggestion = routine ? undefined : closestName(name, snapshot.routines.keys(), 0.75);
  throw new RestError(
    404,
    "PGRST202",
    `Could not find the function ${qualified}${keys.length ? `(${keys.join(", ")})` : " without parameters"} in the schema cache`,
    `Searched for the function ${qualified}${listed}${isPost ? " or with a single unnamed json/jsonb parameter" : ""}, but no matches were found in the schema cache.`,
    suggestion ? `Perhaps you meant to call the function ${EXPOSED_SCHEMA}.${suggestion}` : null,
  );
}

function callStatement(routine: Routine, args: Arguments, media: ResponseMedia): Statement {
  const passed = routine.params.filter((param) => args.keys.includes(param.name));
  const values: unknown[] = [];
  const fn = qualifiedName(routine);
  let from: string;
  const scalar = !routine.returnsComposite;
  const callAlias = scalar ? "pgrst_call(pgrst_scalar)" : "pgrst_call";
  if (passed.length === 0) {
    from = `${fn}() ${callAlias}`;
  } else {
    values.push(args.raw);
    // Types are the function's own, as Postgres prints them from the catalog.
    const columns = passed.map((param) => `${ident(param.name)} ${param.type}`).join(", ");
    const named = passed
      .map((param) => `${ident(param.name)} := pgrst_body.${ident(param.name)}`)
      .join(", ");
    from = `json_to_record($1::json) AS pgrst_body(${columns}), LATERAL ${fn}(${named}) ${callAlias}`;
  }
  const item = scalar ? "_postgrest_t.pgrst_scalar" : "_postgrest_t";
  const single = !routine.returnsSet || media.singular;
  const body = routine.returnsVoid
    ? "null::text"
    : single
      ? `coalesce((json_agg(${item})->0)::text, 'null')`
      : `coalesce(json_agg(${item}), '[]')::text`;
  return {
    text: `SELECT pg_catalog.count(*) AS page_total, ${body} AS body FROM (SELECT * FROM ${from}) _postgrest_t`,
    values,
  };
}
