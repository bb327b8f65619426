import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { collectPlatform } from "./collect.ts";
import type { PlatformAccess } from "./env.ts";
import { probeCertificates, probeFirstRequest } from "./probe.ts";
import type { PlatformSnapshot } from "./types.ts";

// A run's platform snapshot: taken once before its tests (what the APIs say,
// the backend's first request, the certificates), written to a file whose
// path the run's workers and reporters find in SYNTHETIC_PLATFORM_FILE.

export const PLATFORM_FILE_VARIABLE = "SYNTHETIC_PLATFORM_FILE";
export const COLD_START_BUDGET_VARIABLE = "RENDER_COLD_START_BUDGET_MS";

/** A wake-up this long is measured; longer, the run goes on (a hung backend's checks fail on their own). */
const FIRST_REQUEST_TIMEOUT_MS = 60_000;

export class ColdStartBudgetError extends Error {}

/** RENDER_COLD_START_BUDGET_MS: the spin-up a team accepts (default 0: none). */
export function coldStartBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[COLD_START_BUDGET_VARIABLE]?.trim();
  if (!raw) return 0;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new ColdStartBudgetError(
      `${COLD_START_BUDGET_VARIABLE} must be a whole number of milliseconds, got "${raw}"`,
    );
  }
  return value;
}

export interface SnapshotTargets {
  /** The backend's health URL: the run's first request to it tells a cold start. */
  backendHealthUrl?: string;
  /** Every origin the run talks to; the https ones get their certificates read. */
  origins: string[];
}

export async function takePlatformSnapshot(
  access: PlatformAccess,
  targets: SnapshotTargets,
  options: { budgetMs: number; log?: (line: string) => void },
): Promise<PlatformSnapshot> {
  const [collection, backend, certificates] = await Promise.all([
    collectPlatform(access, { log: options.log }),
    targets.backendHealthUrl
      ? probeFirstRequest(targets.backendHealthUrl, {
          budgetMs: options.budgetMs,
          timeoutMs: FIRST_REQUEST_TIMEOUT_MS,
        })
      : undefined,
    probeCertificates(targets.origins, options.log ? { log: options.log } : {}),
  ]);
  return { ...collection, probes: { ...(backend ? { backend } : {}), certificates } };
}

const cache = new Map<string, PlatformSnapshot | undefined>();

export async function writePlatformSnapshot(
  file: string,
  snapshot: PlatformSnapshot,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(snapshot, null, 2)}\n`);
  // The runner's reporters read it from memory: a cleaned output folder does not lose it.
  cache.set(file, snapshot);
}

/** The run's snapshot, or undefined when none was taken or it cannot be read. */
export function readPlatformSnapshot(
  env: NodeJS.ProcessEnv = process.env,
): PlatformSnapshot | undefined {
  const file = env[PLATFORM_FILE_VARIABLE];
  if (!file) return undefined;
  if (!cache.has(file)) {
    try {
      cache.set(file, JSON.parse(readFileSync(file, "utf8")) as PlatformSnapshot);
    } catch {
      cache.set(file, undefined);
    }
  }
  return cache.get(file);
}
