import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * The traffic profile (load/profile.json): how long and how hard each
 * scenario runs by default, and the caps nothing may exceed, so no setting
 * can turn a smoke check into a flood.
 */

export const PROFILE_FILE = fileURLToPath(new URL("./profile.json", import.meta.url));

const profileSchema = z
  .object({
    durationSeconds: z.number().int().positive(),
    /**
     * A pause before the measured phase: scenario files run in parallel, one
     * Artillery process each, and none should measure while the others start.
     */
    warmupSeconds: z.number().int().min(0),
    ratePerSecond: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.number().positive()),
    limits: z
      .object({
        maxRatePerSecond: z.number().positive(),
        maxDurationSeconds: z.number().int().positive(),
        /** Artillery's maxVusers: a slow target cannot pile up more users than this. */
        maxConcurrentUsers: z.number().int().positive(),
        requestTimeoutSeconds: z.number().positive(),
        /** Time Artillery may take to start and stop around its phase before it is killed. */
        startupGraceSeconds: z.number().positive(),
      })
      .strict(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.durationSeconds > value.limits.maxDurationSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["durationSeconds"],
        message: `exceeds limits.maxDurationSeconds (${value.limits.maxDurationSeconds})`,
      });
    }
    for (const [scenario, rate] of Object.entries(value.ratePerSecond)) {
      if (rate > value.limits.maxRatePerSecond) {
        ctx.addIssue({
          code: "custom",
          path: ["ratePerSecond", scenario],
          message: `exceeds limits.maxRatePerSecond (${value.limits.maxRatePerSecond})`,
        });
      }
    }
  });

export type Profile = z.infer<typeof profileSchema>;
export type Limits = Profile["limits"];

export function readProfile(file = PROFILE_FILE): Profile {
  const result = profileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${file} is invalid:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** What one scenario will do in this run; the settings already kept it inside the caps. */
export interface ScenarioPlan {
  scenario: string;
  ratePerSecond: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Virtual users started over the phase, evenly spaced (Artillery's arrivalCount). */
  arrivals: number;
}

export function planScenario(
  profile: Profile,
  scenario: string,
  options: { durationSeconds: number; rateFactor: number; alone: boolean },
): ScenarioPlan {
  const base = profile.ratePerSecond[scenario];
  if (base === undefined) throw new Error(`load/profile.json has no rate for scenario ${scenario}`);
  const ratePerSecond = base * options.rateFactor;
  return {
    scenario,
    ratePerSecond,
    warmupSeconds: options.alone ? 0 : profile.warmupSeconds,
    durationSeconds: options.durationSeconds,
    arrivals: Math.max(1, Math.round(ratePerSecond * options.durationSeconds)),
  };
}
