import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { EndpointStats } from "./stats.ts";
import type { BaselineEntry } from "./verdict.ts";

/**
 * Baselines: what an environment normally does, one file per environment
 * (load/baselines/<env>.json), written by `npm run load:baseline`.
 */

const entrySchema = z.object({
  p50Ms: z.number().optional(),
  p95Ms: z.number().optional(),
  p99Ms: z.number().optional(),
  errorRate: z.number().min(0).max(1),
  requests: z.number().int().min(0),
});

const baselineSchema = z.object({
  env: z.string(),
  recordedAt: z.string(),
  runId: z.string(),
  durationSeconds: z.number().positive(),
  /** Per endpoint; a baseline run of some scenarios keeps the others' entries. */
  endpoints: z.record(z.string(), entrySchema),
});

export type Baseline = z.infer<typeof baselineSchema>;

export function baselineFile(dir: string, env: string): string {
  return path.join(dir, `${env}.json`);
}

export async function readBaseline(file: string): Promise<Baseline | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = baselineSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${file} is not a baseline (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); record it again with npm run load:baseline`,
    );
  }
  return parsed.data;
}

export function baselineEntry(baseline: Baseline | undefined, endpoint: string) {
  const entry = baseline?.endpoints[endpoint];
  return entry
    ? ({
        p50Ms: entry.p50Ms,
        p95Ms: entry.p95Ms,
        p99Ms: entry.p99Ms,
        errorRate: entry.errorRate,
        requests: entry.requests,
      } satisfies BaselineEntry)
    : undefined;
}

export function mergeBaseline(
  previous: Baseline | undefined,
  run: { env: string; runId: string; durationSeconds: number; at: Date },
  stats: readonly EndpointStats[],
): Baseline {
  const endpoints = { ...previous?.endpoints };
  for (const item of stats) {
    endpoints[item.endpoint] = {
      p50Ms: round(item.p50Ms),
      p95Ms: round(item.p95Ms),
      p99Ms: round(item.p99Ms),
      errorRate: item.errorRate,
      requests: item.requests,
    };
  }
  return {
    env: run.env,
    recordedAt: run.at.toISOString(),
    runId: run.runId,
    durationSeconds: run.durationSeconds,
    endpoints: Object.fromEntries(Object.entries(endpoints).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Written whole or not at all: a killed run leaves the previous baseline. */
export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(baseline, null, 2)}\n`);
  await rename(temp, file);
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 10) / 10;
}
