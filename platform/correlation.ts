import type { Deploy, PlatformSnapshot } from "./types.ts";

// Deploy correlation: which deployment of the frontend (Vercel) and of the
// backend (Render) was live during a run, which went live last before a
// failure began, and whether a recovery came with a rollback. Pure: the run
// hands over what its platform snapshot read, the messages call these.

/** The deploys a run knows of: what is live on each platform and the recent ones, newest first. */
export interface RunDeploys {
  live: Deploy[];
  recent: Deploy[];
}

const PLATFORM_NAME: Record<Deploy["platform"], string> = { vercel: "Vercel", render: "Render" };

export function runDeploysOf(snapshot: PlatformSnapshot | undefined): RunDeploys | undefined {
  if (!snapshot) return undefined;
  const live = [snapshot.vercel?.live, snapshot.render?.live].filter(
    (deploy): deploy is Deploy => deploy !== undefined,
  );
  // A preview deployment serves no production traffic: it is no deploy a failure follows.
  const production = (snapshot.vercel?.recent ?? []).filter(
    (deploy) => deploy.target !== "preview",
  );
  const recent = [...production, ...(snapshot.render?.deploys ?? [])].sort(
    (a, b) => b.createdAt - a.createdAt,
  );
  if (live.length === 0 && recent.length === 0) return undefined;
  return { live, recent };
}

/** "Render deploy dep-… (commit abc1234 "Fix login")". */
export function deployName(deploy: Deploy): string {
  const kind = deploy.platform === "vercel" ? "deployment" : "deploy";
  const sha = deploy.commit?.sha ? `commit ${deploy.commit.sha.slice(0, 7)}` : undefined;
  const message = deploy.commit?.message?.split("\n")[0]?.slice(0, 60);
  const commit = sha ? ` (${sha}${message ? ` "${message}"` : ""})` : "";
  return `${PLATFORM_NAME[deploy.platform]} ${kind} ${deploy.id}${commit}`;
}

/** One line for a run: what was live on each platform and since when. */
export function liveLine(deploys: RunDeploys | undefined): string | undefined {
  if (!deploys || deploys.live.length === 0) return undefined;
  const parts = deploys.live.map((deploy) => {
    const since = deploy.liveAt !== undefined ? ` live since ${clock(deploy.liveAt)}` : " live";
    return `${deployName(deploy)}${since}`;
  });
  return `Live: ${parts.join(" · ")}`;
}

/** The deploy that went live last at or before `at` (epoch ms). */
export function nearestDeployBefore(
  deploys: RunDeploys | undefined,
  at: number,
): Deploy | undefined {
  let nearest: Deploy | undefined;
  for (const deploy of deploys?.recent ?? []) {
    const wentLive = deploy.liveAt;
    if (wentLive === undefined || wentLive > at) continue;
    if (!nearest || wentLive > (nearest.liveAt ?? 0)) nearest = deploy;
  }
  return nearest;
}

/** "2 min after Render deploy dep-… (commit abc1234) went live at 10:01 UTC". */
export function deployBeforeLine(
  deploys: RunDeploys | undefined,
  failingSince: number,
): string | undefined {
  const deploy = nearestDeployBefore(deploys, failingSince);
  const wentLive = deploy?.liveAt;
  if (!deploy || wentLive === undefined) return undefined;
  return `${gap(failingSince - wentLive)} after ${deployName(deploy)} went live at ${clock(wentLive)}`;
}

/** What was live when an incident began, kept with the check until it resolves. */
export interface LiveAtFailure {
  platform: Deploy["platform"];
  id: string;
  createdAt: number;
}

export function liveAtFailureOf(deploys: RunDeploys | undefined): LiveAtFailure[] | undefined {
  if (!deploys || deploys.live.length === 0) return undefined;
  return deploys.live.map(({ platform, id, createdAt }) => ({ platform, id, createdAt }));
}

/**
 * A recovery that came with a rollback: on some platform the deploy live now
 * is older than the one live when the failure began, or Render says it was
 * started as a rollback.
 */
export function rollbackLine(
  before: LiveAtFailure[] | undefined,
  now: RunDeploys | undefined,
): string | undefined {
  for (const deploy of now?.live ?? []) {
    const then = before?.find((item) => item.platform === deploy.platform);
    if (!then || then.id === deploy.id) continue;
    if (deploy.createdAt < then.createdAt || /rollback/i.test(deploy.trigger ?? "")) {
      return `after a rollback: ${deployName(deploy)} is live again in place of ${then.id}`;
    }
  }
  return undefined;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

function gap(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
