import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { type HttpReceiver, httpReceiver } from "../../alerts/test/support/receivers.ts";
import { VercelClient } from "../../platform/index.ts";
import { githubStatus, StatusReporters, vercelCheck } from "../status-reporters.ts";

const TOKEN = "ghp_secret-token-for-tests";

describe("status reporters", () => {
  let github: HttpReceiver;
  let vercelApi: HttpReceiver;
  before(async () => {
    github = await httpReceiver(() => ({
      status: 401,
      body: JSON.stringify({ message: "Bad credentials" }),
    }));
    vercelApi = await httpReceiver(() => ({
      status: 400,
      body: JSON.stringify({ error: { message: "integration token required" } }),
    }));
  });
  after(async () => {
    await Promise.all([github?.close(), vercelApi?.close()]);
  });

  test("a refused reporter is one line naming the variable, never the token, and the run goes on", async () => {
    const lines: string[] = [];
    const reporters = new StatusReporters(
      [
        githubStatus(
          { token: TOKEN, owner: "acme", repo: "shop", apiUrl: github.url },
          { frontendUrl: "https://shop.vercel.app", sha: "0123456789abcdef" },
        ),
      ],
      (line) => lines.push(line),
    );
    await reporters.started();
    await reporters.finished({ result: "passed", exitCode: 0 });
    assert.equal(lines.length, 2);
    assert.match(
      lines[0] ?? "",
      /^GitHub status \(0123456\) could not report the start: GitHub refused GITHUB_TOKEN \(HTTP 401\)/,
    );
    assert.ok(lines.every((line) => !line.includes(TOKEN) && !line.includes("\n")));
    const sent = JSON.parse(github.received[0]?.body ?? "{}");
    assert.deepEqual([sent.state, sent.context], ["pending", "synthetic-monitor/acceptance"]);
    assert.equal(github.received[0]?.headers.authorization, `Bearer ${TOKEN}`);
  });

  test("a check Vercel would not register is said once; the result then has nothing to complete", async () => {
    const lines: string[] = [];
    const client = new VercelClient(
      { token: "vercel-token-tests", projectId: "prj_shop", apiUrl: vercelApi.url },
      2000,
    );
    const reporters = new StatusReporters([vercelCheck(client, "dpl_1")], (line) =>
      lines.push(line),
    );
    await reporters.started();
    await reporters.finished({ result: "failed", exitCode: 1 });
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0] ?? "",
      /Vercel check on dpl_1 could not report the start: .*HTTP 400.*integration token required/,
    );
    assert.equal(vercelApi.received.length, 1);
  });

  test("an unreachable GitHub is one line too", async () => {
    const lines: string[] = [];
    const reporter = githubStatus(
      {
        token: TOKEN,
        owner: "acme",
        repo: "shop",
        apiUrl: `http://127.0.0.1:${await closedPort()}`,
      },
      { frontendUrl: "https://shop.vercel.app", sha: "0123456789abcdef" },
    );
    await new StatusReporters([reporter], (line) => lines.push(line)).finished({
      result: "failed",
      exitCode: 1,
    });
    assert.match(lines[0] ?? "", /GitHub could not be reached \(ECONNREFUSED\)/);
  });
});

/** A loopback port nothing listens on: one that was just free. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
