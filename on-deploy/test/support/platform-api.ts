import type { Received, Reply, Responder } from "../../../alerts/test/support/receivers.ts";

// A loopback stand-in for the parts of Vercel's REST API on-deploy calls
// (GET /v13/deployments/{id}, the Checks API) and for GitHub's commit
// statuses, answering as they do. One responder serves both: their paths differ.

export interface FakeDeployment {
  id: string;
  /** The host, no scheme, as Vercel gives it. */
  url: string;
  readyState: string;
  sha?: string;
}

export function platformApi(deployments: FakeDeployment[]): Responder {
  const checks = new Map<string, Record<string, unknown>>();
  return (request: Received): Reply => {
    const pathname = new URL(request.path, "http://localhost").pathname;
    const read = pathname.match(/^\/v13\/deployments\/([^/]+)$/);
    if (read) {
      const key = decodeURIComponent(read[1] ?? "");
      const found = deployments.find((d) => d.id === key || d.url === key);
      if (!found)
        return json(404, { error: { code: "not_found", message: "Deployment not found" } });
      return json(200, {
        id: found.id,
        url: found.url,
        readyState: found.readyState,
        createdAt: Date.now() - 60_000,
        ready: Date.now() - 30_000,
        target: "production",
        meta: found.sha ? { githubCommitSha: found.sha, githubCommitRef: "main" } : {},
      });
    }
    const create = pathname.match(/^\/v1\/deployments\/([^/]+)\/checks$/);
    if (create) {
      const id = `chk_${checks.size + 1}`;
      const check = {
        ...(JSON.parse(request.body) as Record<string, unknown>),
        id,
        status: "registered",
        deploymentId: decodeURIComponent(create[1] ?? ""),
      };
      checks.set(id, check);
      return json(200, check);
    }
    const update = pathname.match(/^\/v1\/deployments\/[^/]+\/checks\/([^/]+)$/);
    if (update) {
      const check = checks.get(decodeURIComponent(update[1] ?? ""));
      if (!check) return json(404, { error: { message: "Check not found" } });
      Object.assign(check, JSON.parse(request.body));
      return json(200, check);
    }
    if (/^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]+$/.test(pathname))
      return json(201, { id: 1, ...(JSON.parse(request.body) as object) });
    return json(404, { message: "Not Found" });
  };
}

function json(status: number, body: unknown): Reply {
  return { status, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}
