import type pg from "pg";
import type { SigningKey } from "../signing-key.ts";
import type { SchemaCache } from "./schema-cache.ts";

/** What the Data API's handlers need. */
export interface RestDeps {
  /** Superuser pool; each request switches to its own role inside a transaction. */
  readonly pool: pg.Pool;
  readonly cache: SchemaCache;
  /** The keys bearer tokens are verified with: the JWT secret, and the public key if any. */
  readonly signingKey: SigningKey;
}
