// What the dashboard reads: the run history, the monitor's own view of its
// schedule, its maintenance windows and the alert journal and state. The
// server and the static export build one of these; tests build their own.
import path from "node:path";
import type { AlertConfig } from "../alerts/config.ts";
import type { Silence } from "../alerts/policy-schema.ts";
import type { Maintenance } from "../monitor/config-schema.ts";
import type { HistoryStore } from "../monitor/history/index.ts";
import type { HealthView } from "../monitor/server.ts";

export interface DashboardSource {
  history: Pick<HistoryStore, "run">;
  /** The monitor config's windows (their scopes say which tiers they cover). */
  maintenance: readonly Maintenance[];
  /** The running scheduler's view; absent in the static export. */
  health?: (() => HealthView) | undefined;
  alerts?:
    | {
        journalPath: string;
        state: AlertConfig["state"];
        silences: readonly Silence[];
      }
    | undefined;
  /** Where cycle directories live (`<dir>/cycles/<run id>`), for report links. */
  monitorDir?: string | undefined;
  now?: (() => number) | undefined;
  /** A query that failed for a reason other than the database being away. */
  onError?: ((error: unknown) => void) | undefined;
}

export const nowOf = (source: DashboardSource): number => source.now?.() ?? Date.now();

/** The alert settings the incidents page reads, paths resolved against `root`. */
export function alertsSource(config: AlertConfig, root: string): DashboardSource["alerts"] {
  return {
    journalPath: path.resolve(root, config.journalPath),
    state:
      config.state.kind === "file"
        ? { kind: "file", path: path.resolve(root, config.state.path) }
        : config.state,
    silences: config.silences,
  };
}
