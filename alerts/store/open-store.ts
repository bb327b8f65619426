import type { AlertConfig } from "../config.ts";
import { FileStateStore } from "./file-store.ts";
import { PostgresStateStore } from "./postgres-store.ts";
import type { StateStore } from "./state-store.ts";

export function openStore(state: AlertConfig["state"], writer: string): StateStore {
  return state.kind === "postgres"
    ? new PostgresStateStore(state.url, state.key, writer)
    : new FileStateStore(state.path, writer);
}
