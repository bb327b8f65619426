import type { FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { singularityError } from "./errors.ts";
import { authenticate } from "./jwt.ts";
import { appliedPreferences, negotiateMedia, parsePreferences } from "./preferences.ts";
import { parseQueryParams } from "./query-params.ts";
import { contentRange, pageRange, readStatus } from "./ranges.ts";
import { checkProfile, rawQuery, requestContext } from "./request.ts";
import type { RestDeps } from "./rest-deps.ts";
import { findTable } from "./schema-cache.ts";
import type { Statement } from "./sql-fragments.ts";
import { readStatements } from "./sql-read.ts";
import { inRequestTransaction, Rollback } from "./transaction.ts";

/** Supabase's `db-max-rows`: above it an estimated count falls back to the planner's guess. */
const ESTIMATE_THRESHOLD = 1000;

interface ReadResult {
  readonly total: number | undefined;
  readonly pageTotal: number;
  readonly body: string | null;
}

/** GET and HEAD /rest/v1/<table>. */
export async function readTable(
  deps: RestDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tableName: string,
): Promise<void> {
  const profiled = checkProfile(request);
  const auth = await authenticate(request.supabaseBearer, deps.signingKey);
  const query = parseQueryParams(rawQuery(request));
  const media = negotiateMedia(request.headers.accept);
  const preferences = parsePreferences(request.headers.prefer);
  const rangeHeader = request.method === "GET" ? request.headers.range : undefined;
  const range = pageRange(query, rangeHeader);
  const headersOnly = request.method === "HEAD";
  const count = preferences.count;

  const result = await deps.cache.withSnapshot(async (snapshot) => {
    const table = findTable(snapshot, tableName);
    const statements = readStatements(table, query, range, media, {
      exactCount: count === "exact" || count === "estimated",
      headersOnly,
    });
    return inRequestTransaction(
      deps.pool,
      requestContext(request, auth),
      async (client): Promise<ReadResult> => {
        const row = (await client.query(statements.read.text, [...statements.read.values]))
          .rows[0] as {
          total: string | null;
          page_total: string;
          body: string | null;
        };
        let total = row.total === null ? undefined : Number(row.total);
        if (count === "planned" || (count === "estimated" && (total ?? 0) > ESTIMATE_THRESHOLD)) {
          total = await plannedRows(client, statements.plan);
        }
        const pageTotal = Number(row.page_total);
        if (media.singular && pageTotal !== 1) throw new Rollback(singularityError(pageTotal));
        return { total, pageTotal, body: row.body };
      },
    );
  });

  const status = readStatus(range.offset, result.pageTotal, result.total);
  reply.code(status);
  reply.header("Content-Range", contentRange(range.offset, result.pageTotal, result.total));
  reply.header("Content-Location", `/${tableName}${query.canonical ? `?${query.canonical}` : ""}`);
  reply.header("Content-Type", media.contentType);
  const applied = appliedPreferences(preferences, ["count"]);
  if (applied) reply.header("Preference-Applied", applied);
  if (profiled) reply.header("Content-Profile", "public");
  return reply.send(headersOnly ? undefined : result.body);
}

async function plannedRows(client: pg.PoolClient, plan: Statement): Promise<number> {
  const result = await client.query(plan.text, [...plan.values]);
  const explained = result.rows[0]?.["QUERY PLAN"] as
    | Array<{ Plan?: { "Plan Rows"?: number } }>
    | undefined;
  return Math.round(explained?.[0]?.Plan?.["Plan Rows"] ?? 0);
}
