import type { FastifyReply, FastifyRequest } from "fastify";
import { columnNotInSchema, RestError, singularityError } from "./errors.ts";
import { authenticate } from "./jwt.ts";
import {
  appliedPreferences,
  negotiateMedia,
  type Preferences,
  parsePreferences,
} from "./preferences.ts";
import { parseQueryParams } from "./query-params.ts";
import { checkProfile, rawQuery, readJsonPayload, requestContext } from "./request.ts";
import type { RestDeps } from "./rest-deps.ts";
import { findTable } from "./schema-cache.ts";
import {
  deleteStatement,
  insertStatement,
  type ReturnShape,
  updateStatement,
} from "./sql-write.ts";
import { inRequestTransaction, Rollback } from "./transaction.ts";

type WriteMethod = "POST" | "PATCH" | "DELETE";

interface WriteResult {
  readonly affected: number;
  readonly inserted: number | null;
  readonly body: string | null;
}

/** POST, PATCH and DELETE /rest/v1/<table>. */
export async function writeTable(
  deps: RestDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tableName: string,
): Promise<void> {
  const method = request.method as WriteMethod;
  const profiled = checkProfile(request);
  const auth = await authenticate(request.supabaseBearer, deps.signingKey);
  const query = parseQueryParams(rawQuery(request));
  const preferences = parsePreferences(request.headers.prefer);
  const media = negotiateMedia(request.headers.accept);
  const payload = method === "DELETE" ? undefined : readJsonPayload(request, query.columns);
  if (method !== "POST" && query.conditions.length === 0) {
    // Supabase loads pg-safeupdate for API requests: no filter, no bulk change.
    throw new RestError(
      400,
      "21000",
      `${method === "PATCH" ? "UPDATE" : "DELETE"} requires a WHERE clause`,
    );
  }
  const shape: ReturnShape = { representation: preferences.return === "representation", media };

  const result = await deps.cache.withSnapshot(async (snapshot) => {
    const table = findTable(snapshot, tableName);
    const columns = payload?.keys ?? [];
    for (const column of columns) {
      if (!table.columns.has(column)) throw columnNotInSchema(table.name, column);
    }
    const statement =
      method === "POST"
        ? insertStatement(table, query, { raw: payload?.raw ?? "[]", columns }, preferences, shape)
        : method === "PATCH"
          ? updateStatement(table, query, { raw: payload?.raw ?? "{}", columns }, shape)
          : deleteStatement(table, query, shape);
    return inRequestTransaction(
      deps.pool,
      requestContext(request, auth),
      async (client): Promise<WriteResult> => {
        const row = (await client.query(statement.text, [...statement.values])).rows[0] as {
          page_total: string;
          body: string | null;
          inserted: number | null;
        };
        const affected = Number(row.page_total);
        if (media.singular && affected !== 1) throw new Rollback(singularityError(affected));
        return { affected, inserted: row.inserted, body: row.body };
      },
    );
  });

  reply.code(writeStatus(method, preferences, shape, result));
  const total = preferences.count ? result.affected : undefined;
  reply.header("Content-Range", writeContentRange(method, result.affected, total));
  const applied = appliedPreferences(preferences, honoured(method));
  if (applied) reply.header("Preference-Applied", applied);
  if (!shape.representation) return reply.send();
  reply.header("Content-Type", media.contentType);
  if (profiled) reply.header("Content-Profile", "public");
  return reply.send(result.body);
}

/** Inserts answer 201 (200 when an upsert only merged); other writes 200 with a body, else 204. */
function writeStatus(
  method: WriteMethod,
  preferences: Preferences,
  shape: ReturnShape,
  result: WriteResult,
): number {
  if (method === "POST") {
    return preferences.resolution === "merge-duplicates" &&
      result.inserted !== null &&
      result.inserted <= 0
      ? 200
      : 201;
  }
  return shape.representation ? 200 : 204;
}

/** PostgREST reports no range for inserts and deletes, only for updates. */
function writeContentRange(
  method: WriteMethod,
  affected: number,
  total: number | undefined,
): string {
  const range = method === "PATCH" && affected > 0 && total !== 0 ? `0-${affected - 1}` : "*";
  return `${range}/${total ?? "*"}`;
}

function honoured(method: WriteMethod): Array<"resolution" | "missing" | "return" | "count"> {
  if (method === "POST") return ["resolution", "missing", "return", "count"];
  if (method === "PATCH") return ["missing", "return", "count"];
  return ["return", "count"];
}
