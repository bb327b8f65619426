import type pg from "pg";
import type { SchemaCache } from "./schema-cache.ts";

/** What the Data API's handlers need. */
export interface RestDeps {
  /** Superuser pool; each request switches to its own role inside a transaction. */
  readonly pool: pg.Pool;
  readonly cache: SchemaCache;
  readonly jwtSecret: string;
}
