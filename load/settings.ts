import path from "node:path";
import { z } from "zod";
import { ConfigError, envFlag } from "../target/config.ts";
import { ROOT } from "./paths.ts";
import type { Profile } from "./profile.ts";

/**
 * The load run's own variables, parsed once. A bad value, or one past the
 * profile's caps, stops the run naming the variable (exit 2), before any
 * request is sent.
 */

export interface LoadSettings {
  allowRemote: boolean;
  /** Scenario files to run; every file under load/scenarios when not set. */
  scenarios: string[];
  durationSeconds: number;
  rateFactor: number;
  regressionRatio: number | undefined;
  /** Artillery's raw reports and the run summary. */
  resultsDir: string;
  baselineDir: string;
}

export function parseLoadSettings(
  env: NodeJS.ProcessEnv,
  profile: Profile,
  available: readonly string[],
): LoadSettings {
  const { limits } = profile;
  const schema = z.object({
    LOAD_ALLOW_REMOTE: envFlag,
    LOAD_SCENARIOS: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? "")
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .refine((names) => names.every((name) => available.includes(name)), {
        message: `must list scenarios among ${available.join(", ")}`,
      }),
    LOAD_DURATION_SECONDS: z.coerce
      .number()
      .int("must be a whole number of seconds")
      .positive()
      .max(
        limits.maxDurationSeconds,
        `must be at most ${limits.maxDurationSeconds} (limits.maxDurationSeconds in load/profile.json)`,
      )
      .optional(),
    LOAD_RATE_FACTOR: z.coerce.number().positive().optional(),
    LOAD_REGRESSION_RATIO: z.coerce.number().gt(1, "must be above 1").optional(),
    LOAD_RESULTS_DIR: z.string().trim().min(1).optional(),
    LOAD_BASELINE_DIR: z.string().trim().min(1).optional(),
  });
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key]?.trim() ? env[key] : undefined]),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`),
    );
  }
  const value = result.data;
  const scenarios = value.LOAD_SCENARIOS.length > 0 ? value.LOAD_SCENARIOS : [...available];
  const rateFactor = value.LOAD_RATE_FACTOR ?? 1;
  const tooFast = scenarios.filter(
    (name) => (profile.ratePerSecond[name] ?? 0) * rateFactor > limits.maxRatePerSecond,
  );
  if (tooFast.length > 0) {
    throw new ConfigError([
      `LOAD_RATE_FACTOR would drive ${tooFast.join(", ")} past ${limits.maxRatePerSecond}/s (limits.maxRatePerSecond in load/profile.json)`,
    ]);
  }
  const missing = scenarios.filter((name) => profile.ratePerSecond[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError([`load/profile.json has no rate for ${missing.join(", ")}`]);
  }
  return {
    allowRemote: value.LOAD_ALLOW_REMOTE,
    scenarios,
    durationSeconds: value.LOAD_DURATION_SECONDS ?? profile.durationSeconds,
    rateFactor,
    regressionRatio: value.LOAD_REGRESSION_RATIO,
    resultsDir: path.resolve(ROOT, value.LOAD_RESULTS_DIR ?? path.join("test-results", "load")),
    baselineDir: path.resolve(ROOT, value.LOAD_BASELINE_DIR ?? path.join("load", "baselines")),
  };
}
