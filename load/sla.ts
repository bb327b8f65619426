import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * The one SLA file (load/sla.json): per endpoint p95/p99 in ms, maximum error
 * rate, minimum throughput. Artillery's `ensure` conditions, the load verdict
 * and the Playwright journeys' timing checks all read it through this module.
 */

export const SLA_FILE = fileURLToPath(new URL("./sla.json", import.meta.url));

const endpointName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, "endpoint names look like part.name");

const endpointSla = z
  .object({
    scenario: z.string().regex(/^[a-z][a-z0-9-]*$/, "a scenario file name without .yml"),
    what: z.string().min(1),
    p95Ms: z.number().positive(),
    p99Ms: z.number().positive(),
    maxErrorRate: z.number().min(0).max(1),
    minThroughputRps: z.number().min(0),
    /** A single timed request slower than this (but within p95Ms) is degraded: recorded and warned, never failed. */
    degradedMs: z.number().positive().optional(),
  })
  .strict()
  .refine((value) => value.p99Ms >= value.p95Ms, {
    message: "p99Ms must not be below p95Ms",
    path: ["p99Ms"],
  })
  .refine((value) => value.degradedMs === undefined || value.degradedMs < value.p95Ms, {
    message: "degradedMs must be below p95Ms (the failing budget)",
    path: ["degradedMs"],
  });

/** A journey's own timing (a page's TTFB or LCP): degraded above degradedMs, failed above failMs. */
const journeySla = z
  .object({
    what: z.string().min(1),
    degradedMs: z.number().positive(),
    failMs: z.number().positive().optional(),
  })
  .strict()
  .refine((value) => value.failMs === undefined || value.degradedMs < value.failMs, {
    message: "degradedMs must be below failMs",
    path: ["degradedMs"],
  });

const slaSchema = z
  .object({
    endpoints: z
      .record(endpointName, endpointSla)
      .refine((value) => Object.keys(value).length > 0, {
        message: "lists no endpoint",
      }),
    journeys: z.record(endpointName, journeySla).default({}),
    regression: z
      .object({
        /** A percentile regresses when it exceeds baseline × ratio … */
        ratio: z.number().gt(1),
        /** … and baseline + minDeltaMs, so a few ms of noise on fast endpoints is no regression. */
        minDeltaMs: z.number().min(0),
        maxErrorRateIncrease: z.number().min(0).max(1),
        /**
         * Requests both runs need before a percentile is compared: with fewer,
         * p95 or p99 is just the slowest request, and noise alone "regresses".
         */
        minSamples: z
          .object({
            p50: z.number().int().min(1),
            p95: z.number().int().min(1),
            p99: z.number().int().min(1),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();

export type Sla = z.infer<typeof slaSchema>;
export type EndpointSla = Sla["endpoints"][string];

export class SlaFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} is invalid:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "SlaFileError";
  }
}

export function parseSla(input: unknown, file = SLA_FILE): Sla {
  const result = slaSchema.safeParse(input);
  if (!result.success) {
    throw new SlaFileError(
      file,
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  return result.data;
}

export function readSla(file = SLA_FILE): Sla {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SlaFileError(file, [(error as Error).message]);
  }
  return parseSla(raw, file);
}

let cached: Sla | undefined;

export function sla(): Sla {
  cached ??= readSla();
  return cached;
}

export function endpointSlaOf(endpoint: string, from: Sla = sla()): EndpointSla {
  const entry = from.endpoints[endpoint];
  if (!entry) throw new Error(`load/sla.json has no endpoint named ${endpoint}`);
  return entry;
}

/**
 * The budget for one timed request in a Playwright journey: the endpoint's
 * p95, so a single answer slower than 95% of what the SLA allows fails.
 */
export function timingBudgetMs(endpoint: string): number {
  return endpointSlaOf(endpoint).p95Ms;
}

/** A timing's two budgets: over `failMs` fails the check, over `degradedMs` marks it degraded. */
export interface TimingBudget {
  failMs?: number | undefined;
  degradedMs?: number | undefined;
}

/** An endpoint's budgets for one timed request in a journey: fail at p95Ms, degraded at degradedMs. */
export function endpointBudget(endpoint: string): TimingBudget {
  const entry = endpointSlaOf(endpoint);
  return { failMs: entry.p95Ms, degradedMs: entry.degradedMs };
}

/** A journey timing's budgets (load/sla.json `journeys`), or none when it has no entry. */
export function journeyBudget(name: string, from: Sla = sla()): TimingBudget {
  const entry = from.journeys[name];
  return entry ? { failMs: entry.failMs, degradedMs: entry.degradedMs } : {};
}

/** The SLA endpoints a scenario file measures. */
export function endpointsOfScenario(scenario: string, from: Sla = sla()): string[] {
  return Object.entries(from.endpoints)
    .filter(([, entry]) => entry.scenario === scenario)
    .map(([name]) => name);
}
