import { accessTokens, type PlatformAccess } from "./env.ts";
import { scrub } from "./http.ts";
import { RenderClient } from "./render.ts";
import { SupabaseManagementClient } from "./supabase.ts";
import type {
  PlatformGap,
  PlatformName,
  PlatformSnapshot,
  RenderData,
  SupabaseData,
  VercelData,
} from "./types.ts";
import { markSuperseded, VercelClient } from "./vercel.ts";

// What the platforms' APIs say, taken once before a run's tests: every
// configured platform at once, each request bounded by the timeout. Never
// throws: a platform that cannot be read becomes a gap with its reason, a
// part that cannot be read (a token without the scope for it) a gap beside
// the rest of that platform's data. A platform without a token is no gap.

export interface CollectOptions {
  /** Epoch ms for `takenAt`. */
  now?: () => number;
  /** One line per platform read and per gap. */
  log?: (line: string) => void;
  /** Deployments/deploys to read per platform (default 10). */
  limit?: number;
}

export type PlatformCollection = Omit<PlatformSnapshot, "probes">;

interface Part<T> {
  data?: T;
  gaps: PlatformGap[];
}

export async function collectPlatform(
  access: PlatformAccess,
  options: CollectOptions = {},
): Promise<PlatformCollection> {
  const takenAt = (options.now ?? Date.now)();
  const limit = options.limit ?? 10;
  const [vercel, render, supabase] = await Promise.all([
    access.vercel ? guarded("vercel", () => readVercel(access, limit)) : undefined,
    access.render ? guarded("render", () => readRender(access, limit)) : undefined,
    access.supabase ? guarded("supabase", () => readSupabase(access)) : undefined,
  ]);
  const tokens = accessTokens(access);
  const gaps = [vercel, render, supabase]
    .flatMap((part) => part?.gaps ?? [])
    .map((gap) => ({ ...gap, reason: scrub(gap.reason, ...tokens) }));

  const collection: PlatformCollection = { takenAt, gaps };
  if (vercel?.data) collection.vercel = vercel.data;
  if (render?.data) collection.render = render.data;
  if (supabase?.data) collection.supabase = supabase.data;

  const log = options.log;
  if (log) {
    // Gaps are not logged here: the run says each once (its summary's Platforms block).
    for (const line of summary(collection)) log(line);
  }
  return collection;
}

async function readVercel(access: PlatformAccess, limit: number): Promise<Part<VercelData>> {
  const vercelAccess = access.vercel as NonNullable<PlatformAccess["vercel"]>;
  const client = new VercelClient(vercelAccess, access.timeoutMs);
  const [live, recent] = await Promise.allSettled([
    client.liveDeployment(),
    client.recentDeployments(limit),
  ]);
  if (live.status === "rejected" && recent.status === "rejected") {
    return { gaps: [gap("vercel", live.reason)] };
  }
  const recentList = recent.status === "fulfilled" ? recent.value : [];
  // The recent list holds the live one when it is recent; a failed live read falls back to it.
  const liveDeploy =
    live.status === "fulfilled"
      ? live.value
      : recentList.find((deploy) => deploy.target === "production" && deploy.status === "READY");
  const data: VercelData = {
    projectId: vercelAccess.projectId,
    recent: markSuperseded(recentList, liveDeploy),
  };
  if (liveDeploy) data.live = liveDeploy;
  const gaps = [live, recent]
    .filter((result) => result.status === "rejected")
    .map((result) => gap("vercel", result.reason, "the rest of Vercel's data was read"));
  return { data, gaps };
}

async function readRender(access: PlatformAccess, limit: number): Promise<Part<RenderData>> {
  const client = new RenderClient(
    access.render as NonNullable<PlatformAccess["render"]>,
    access.timeoutMs,
  );
  const [service, deploys] = await Promise.allSettled([client.service(), client.deploys(limit)]);
  // Without the service there is nothing to hang the deploys on (and no way to say it is suspended).
  if (service.status === "rejected") return { gaps: [gap("render", service.reason)] };
  const list = deploys.status === "fulfilled" ? deploys.value : [];
  const data: RenderData = { service: service.value, deploys: list };
  const live = list.find((deploy) => deploy.status === "live");
  if (live) data.live = live;
  const gaps =
    deploys.status === "rejected"
      ? [gap("render", deploys.reason, "the service itself was read")]
      : [];
  return { data, gaps };
}

async function readSupabase(access: PlatformAccess): Promise<Part<SupabaseData>> {
  const client = new SupabaseManagementClient(
    access.supabase as NonNullable<PlatformAccess["supabase"]>,
    access.timeoutMs,
  );
  const [project, health, limits] = await Promise.allSettled([
    client.project(),
    client.health(),
    client.authConfig(),
  ]);
  if (project.status === "rejected") return { gaps: [gap("supabase", project.reason)] };
  const data: SupabaseData = {
    ref: project.value.ref,
    status: project.value.status,
    services: health.status === "fulfilled" ? health.value : [],
  };
  if (limits.status === "fulfilled") data.authRateLimits = limits.value;
  const gaps = [health, limits]
    .filter((result) => result.status === "rejected")
    .map((result) => gap("supabase", result.reason, "the rest of Supabase's data was read"));
  return { data, gaps };
}

/** A platform's read that throws anyway (a bug of ours) is a gap too, never the run's failure. */
async function guarded<T>(platform: PlatformName, read: () => Promise<Part<T>>): Promise<Part<T>> {
  try {
    return await read();
  } catch (error) {
    return { gaps: [gap(platform, error)] };
  }
}

function gap(platform: PlatformName, error: unknown, rest?: string): PlatformGap {
  const message = error instanceof Error ? error.message : String(error);
  const sentence = message.replace(/[.\s]+$/, "").replace(/\s*\n\s*/g, "; ");
  return { platform, reason: rest ? `${sentence}; ${rest}` : sentence };
}

function summary(collection: PlatformCollection): string[] {
  const lines: string[] = [];
  const { vercel, render, supabase } = collection;
  if (vercel) {
    const live = vercel.live;
    lines.push(
      live
        ? `platform vercel: live ${live.id}${live.commit ? ` (commit ${live.commit.sha.slice(0, 7)})` : ""}, ${vercel.recent.length} recent`
        : `platform vercel: no READY production deployment, ${vercel.recent.length} recent`,
    );
  }
  if (render) {
    const state = render.service.suspended ? "suspended" : "running";
    lines.push(
      `platform render: ${render.service.name} ${state}, live ${render.live?.id ?? "none"}, ${render.deploys.length} deploys`,
    );
  }
  if (supabase) {
    const unhealthy = supabase.services.filter((service) => !service.healthy).map((s) => s.name);
    lines.push(
      `platform supabase: ${supabase.status}${unhealthy.length > 0 ? `, unhealthy: ${unhealthy.join(", ")}` : ""}`,
    );
  }
  return lines;
}
