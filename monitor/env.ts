import path from "node:path";
import { z } from "zod";

// The monitor's environment, parsed once: a bad value stops it (exit 2) naming
// the variable. The suite's own variables (targets, alerts) are read by the
// cycles themselves, unchanged.

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const schema = z.object({
  MONITOR_CONFIG: optional,
  MONITOR_SCHEDULE: optional,
  MONITOR_DATABASE_URL: optional.refine(
    (v) => v === undefined || (/^postgres(ql)?:\/\//.test(v) && URL.canParse(v)),
    "must be a postgres:// or postgresql:// URL (percent-encode special characters in the password)",
  ),
  MONITOR_DIR: optional.transform((v) => v ?? ".monitor"),
  MONITOR_PORT: optional
    .refine((v) => v === undefined || /^\d+$/.test(v), "must be a port number (0 for none)")
    .transform((v) => (v === undefined ? 9464 : Number(v)))
    .refine((v) => v <= 65_535, "must be a port number (0 for none)"),
  MONITOR_HOST: optional.transform((v) => v ?? "127.0.0.1"),
  MONITOR_HEARTBEAT_URL: optional.refine(
    (v) => v === undefined || /^https?:\/\//.test(v),
    "must be an http:// or https:// URL",
  ),
  MONITOR_LOCATION: optional
    .refine(
      (v) => v === undefined || /^[a-z0-9][a-z0-9._-]{0,62}$/i.test(v),
      "must be a short name like eu-west or office-1",
    )
    .transform((v) => v ?? "default"),
  SYNTHETIC_ENV: optional.transform((v) => v ?? "local"),
});

export interface MonitorEnv {
  configPath?: string | undefined;
  schedule?: string | undefined;
  databaseUrl?: string | undefined;
  /** Absolute: where the embedded history database, the spool and cycle artifacts live. */
  dir: string;
  /** 0: no HTTP endpoint. */
  port: number;
  host: string;
  heartbeatUrl?: string | undefined;
  location: string;
  environment: string;
}

export class MonitorEnvError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "MonitorEnvError";
  }
}

export function monitorEnv(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): MonitorEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new MonitorEnvError(
      parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`),
    );
  }
  const v = parsed.data;
  return {
    configPath: v.MONITOR_CONFIG,
    schedule: v.MONITOR_SCHEDULE,
    databaseUrl: v.MONITOR_DATABASE_URL,
    dir: path.resolve(root, v.MONITOR_DIR),
    port: v.MONITOR_PORT,
    host: v.MONITOR_HOST,
    heartbeatUrl: v.MONITOR_HEARTBEAT_URL,
    location: v.MONITOR_LOCATION,
    environment: v.SYNTHETIC_ENV,
  };
}
