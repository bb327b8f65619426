import { Cron } from "croner";
import { z } from "zod";
import { CHECK_PROJECTS } from "./selection.ts";

// The monitor's configuration as code (monitor/monitor.config.ts, or the module
// MONITOR_CONFIG names): what runs when, how failures are re-checked, and the
// maintenance windows. Written with defineMonitor, checked here; a bad field
// stops the monitor (exit 2) with the field's path.

const cronExpression = z.string().superRefine((expression, ctx) => {
  const fields = expression.trim().split(/\s+/).length;
  if (!expression.startsWith("@") && (fields < 5 || fields > 6)) {
    ctx.addIssue({
      code: "custom",
      message: `is not a cron expression: ${fields} fields, where 5 (minute hour day month weekday) or 6 (with seconds first) are expected`,
    });
    return;
  }
  try {
    new Cron(expression, { paused: true });
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `is not a cron expression (${(error as Error).message})`,
    });
  }
});

const timezone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "is not an IANA time zone (e.g. Europe/Berlin, UTC)" },
);

const instant = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.number()])
  .transform((value) => new Date(value).getTime());

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day like 02:30");

/** The default schedule and the tightened re-check of failing checks. */
export const RESERVED_JOB_NAMES = ["default", "recheck"];

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** Which checks something applies to: projects and/or tags (any of); empty means every check. */
const scope = z
  .strictObject({
    projects: z.array(z.enum(CHECK_PROJECTS as [string, ...string[]])).optional(),
    tags: z.array(z.string().regex(/^@[\w-]+$/, "tags look like @name")).optional(),
  })
  .default({});

const schedule = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, "names look like nightly-email"),
  /** Five fields (minute …) or six (second …), in `timezone` (default: the config's). */
  cron: cronExpression,
  timezone: timezone.optional(),
  /** Only these checks; the default schedule runs every check the other schedules do not. */
  only: scope,
});

const when = z.union([
  z
    .strictObject({ startsAt: instant, endsAt: instant })
    .refine((w) => w.endsAt > w.startsAt, { message: "a window must end after it starts" }),
  z.strictObject({
    /** Each occurrence opens a window of durationMinutes. */
    cron: cronExpression,
    durationMinutes: z.number().positive(),
    timezone: timezone.optional(),
  }),
  z.strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    from: clock,
    to: clock,
    timezone: timezone.optional(),
  }),
]);

const maintenance = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids look like db-upgrade"),
  /** pause: the checks do not run. silence: they run and are recorded, nobody is alerted. */
  effect: z.enum(["pause", "silence"]),
  scope,
  when,
  comment: z.string().default(""),
});

const monitorSchema = z
  .strictObject({
    /** The default schedule for every check (MONITOR_SCHEDULE overrides it). */
    every: cronExpression.default("*/5 * * * *"),
    timezone: timezone.default("UTC"),
    /** More schedules, each for some checks; they leave the default schedule. */
    schedules: z.array(schedule).default([]),
    /** Each cycle starts up to this many seconds after its time, so instances spread out. */
    jitterSeconds: z.number().min(0).max(300).default(5),
    /** A cycle still running after this is killed, recorded as timed out, alerted as a suite defect. */
    cycleTimeoutMinutes: z.number().positive().max(120).default(10),
    /** SIGTERM lets the running cycle finish for this long, then stops it. */
    stopGraceSeconds: z.number().min(0).max(600).default(60),
    /** A failing check is re-run within its cycle before the cycle's verdict. */
    recheck: z
      .strictObject({
        attempts: z.number().int().min(0).max(5).default(1),
        backoff: z.enum(["fixed", "linear", "exponential"]).default("exponential"),
        delaySeconds: z.number().min(0).max(300).default(5),
        /** Re-run only failures that look like the network (refused, reset, DNS, timeouts), as Checkly can. */
        networkOnly: z.boolean().default(false),
      })
      .default({ attempts: 1, backoff: "exponential", delaySeconds: 5, networkOnly: false }),
    /** While a check keeps failing it runs on this schedule too, until it passes `passes` times. */
    tighten: z
      .strictObject({
        cron: cronExpression.default("*/30 * * * * *"),
        passes: z.number().int().min(1).default(2),
      })
      .default({ cron: "*/30 * * * * *", passes: 2 }),
    maintenance: z.array(maintenance).default([]),
    /** History older than this is deleted, once a day. */
    retentionDays: z.number().int().min(1).max(3650).default(90),
    /** Several locations: a failure alerts only when at least `locations` of them saw it within `withinMinutes`. */
    quorum: z
      .strictObject({
        locations: z.number().int().min(1),
        withinMinutes: z.number().positive(),
      })
      .optional(),
  })
  // Schedules and windows without a time zone of their own take the config's.
  .transform((config) => ({
    ...config,
    schedules: config.schedules.map((s) => ({ ...s, timezone: s.timezone ?? config.timezone })),
    maintenance: config.maintenance.map((m) => ({
      ...m,
      when:
        "startsAt" in m.when ? m.when : { ...m.when, timezone: m.when.timezone ?? config.timezone },
    })),
  }));

export type MonitorConfigInput = z.input<typeof monitorSchema>;
export type MonitorConfig = z.output<typeof monitorSchema>;
export type Maintenance = MonitorConfig["maintenance"][number];
export type Scope = MonitorConfig["schedules"][number]["only"];
export type Schedule = MonitorConfig["schedules"][number];

export class MonitorConfigError extends Error {
  constructor(where: string, problems: string[]) {
    super(`${where} is invalid:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "MonitorConfigError";
  }
}

/** Checks a monitor configuration; throws MonitorConfigError naming each bad field. */
export function defineMonitor(
  input: MonitorConfigInput,
  where = "the monitor config",
): MonitorConfig {
  const parsed = monitorSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new MonitorConfigError(
      where,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const names = parsed.data.schedules.map((s) => s.name);
  const reserved = names.find((name) => RESERVED_JOB_NAMES.includes(name));
  if (reserved)
    throw new MonitorConfigError(where, [
      `schedules: the name "${reserved}" is reserved (${RESERVED_JOB_NAMES.join(" and ")} are the monitor's own jobs)`,
    ]);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new MonitorConfigError(where, [`schedules: the name "${twice}" is used twice`]);
  return parsed.data;
}
