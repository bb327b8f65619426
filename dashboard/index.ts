// The dashboard's front door: the monitor mounts its routes; the export and
// the tests build its data through the same functions.

export { isLoopback } from "./auth.ts";
export { checkPage } from "./check.ts";
export { DashboardEnvError, dashboardToken } from "./env.ts";
export { exportDashboard } from "./export.ts";
export { incidents } from "./incidents.ts";
export { overview, publicStatus } from "./overview.ts";
export { createDashboard, type DashboardHandler, type DashboardOptions } from "./routes.ts";
export { slaCsv, slaFigures } from "./sla.ts";
export { alertsSource, type DashboardSource } from "./source.ts";
export { TIERS, tierOf } from "./tiers.ts";
export { timings } from "./timings.ts";
