// The dashboard's one setting, parsed once: a bad value stops the monitor naming it.
import { z } from "zod";

const schema = z.object({
  MONITOR_DASHBOARD_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .refine((v) => v === undefined || !/\s/.test(v), "must not contain spaces")
    // It guards error text and reports: long enough that guessing it is hopeless.
    .refine(
      (v) => v === undefined || v.length >= 20,
      "must be at least 20 characters (e.g. openssl rand -hex 24)",
    ),
});

export class DashboardEnvError extends Error {
  override name = "DashboardEnvError";
}

/** MONITOR_DASHBOARD_TOKEN, or undefined (private pages on loopback only). */
export function dashboardToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new DashboardEnvError(
      `Invalid configuration:\n${parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`).join("\n")}`,
    );
  return parsed.data.MONITOR_DASHBOARD_TOKEN;
}
