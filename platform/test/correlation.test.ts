import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deployBeforeLine, liveLine, rollbackLine, runDeploysOf } from "../correlation.ts";
import type { Deploy, PlatformSnapshot } from "../types.ts";

const MIN = 60_000;
const T = Date.UTC(2026, 11, 3, 10, 0);

const vercel = (id: string, part: Partial<Deploy>): Deploy => ({
  platform: "vercel",
  id,
  status: "READY",
  phase: "live",
  createdAt: T - 30 * MIN,
  target: "production",
  ...part,
});

const snapshot = (recent: Deploy[], live?: Deploy): PlatformSnapshot => ({
  takenAt: T,
  gaps: [],
  probes: { certificates: [] },
  vercel: { projectId: "prj_x", recent, ...(live ? { live } : {}) },
});

describe("deploy correlation", () => {
  it("relates a failure to the production deploy that went live last before it, never a preview", () => {
    const production = vercel("dpl_prod", { liveAt: T - 20 * MIN, commit: { sha: "abc1234ffff" } });
    const preview = vercel("dpl_preview", { liveAt: T - 2 * MIN, target: "preview" });
    const deploys = runDeploysOf(snapshot([preview, production], production));
    assert.equal(
      deployBeforeLine(deploys, T),
      "20 min after Vercel deployment dpl_prod (commit abc1234) went live at 09:40 UTC",
    );
    assert.equal(deployBeforeLine(deploys, T - 25 * MIN), undefined, "nothing went live before");
    assert.equal(
      liveLine(deploys),
      "Live: Vercel deployment dpl_prod (commit abc1234) live since 09:40 UTC",
    );
  });

  it("a resolve with an older deploy live again is a rollback; a newer one is not", () => {
    const before = [{ platform: "vercel" as const, id: "dpl_new", createdAt: T - 10 * MIN }];
    const older = vercel("dpl_old", { createdAt: T - 60 * MIN, liveAt: T - 55 * MIN });
    assert.match(
      rollbackLine(before, runDeploysOf(snapshot([older], older))) ?? "",
      /^after a rollback: Vercel deployment dpl_old is live again in place of dpl_new$/,
    );
    const fix = vercel("dpl_fix", { createdAt: T - 1 * MIN, liveAt: T });
    assert.equal(rollbackLine(before, runDeploysOf(snapshot([fix], fix))), undefined);
  });
});
