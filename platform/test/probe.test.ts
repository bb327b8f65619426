import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { probeCertificates, probeFirstRequest, readCertificates } from "../index.ts";
import { selfSignedCertificate } from "./support/certificate.ts";
import { closedPort } from "./support/fake-api.ts";

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** A loopback server answering with `handler`, closed after the test. */
async function serve(
  t: { after: (fn: () => Promise<void>) => void },
  handler: RequestListener,
): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createHttpServer((req, res) => {
    count += 1;
    handler(req, res);
  });
  return listen(t, server, "http").then((url) => ({ url, requests: () => count }));
}

async function listen(
  t: { after: (fn: () => Promise<void>) => void },
  server: Server | ReturnType<typeof createTcpServer>,
  scheme: string,
): Promise<string> {
  // A connection nobody reads from never sees its end: close() would wait for it forever.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `${scheme}://localhost:${(server.address() as AddressInfo).port}`;
}

describe("probeFirstRequest", () => {
  test("a first request that waits 1.6 s, then fast ones: a cold start of about 1.6 s", async (t) => {
    let first = true;
    const target = await serve(t, async (_req, res) => {
      if (first) {
        first = false;
        await sleep(1_600);
      }
      res.end("ok");
    });
    const probe = await probeFirstRequest(`${target.url}/health`, { budgetMs: 1_000 });
    assert.equal(probe.url, `${target.url}/health`);
    assert.equal(probe.budgetMs, 1_000);
    assert.equal(probe.firstStatus, 200);
    assert.equal(probe.secondStatus, 200);
    assert.ok(probe.firstMs >= 1_590 && probe.firstMs < 2_500, `first took ${probe.firstMs} ms`);
    assert.ok((probe.secondMs ?? Infinity) < 300, `the re-check took ${probe.secondMs} ms`);
    const cold = probe.coldStartMs ?? 0;
    assert.ok(cold >= 1_300 && cold < 2_500, `cold start ${probe.coldStartMs} ms`);
    assert.equal(cold, probe.firstMs - (probe.secondMs ?? 0));
    assert.equal(target.requests(), 2);
  });

  test("a fast first request: no re-check, no cold start", async (t) => {
    const target = await serve(t, (_req, res) => res.end("ok"));
    const probe = await probeFirstRequest(target.url, { budgetMs: 0 });
    assert.equal(probe.firstStatus, 200);
    assert.ok(probe.firstMs < 1_500);
    assert.equal(probe.secondMs, undefined);
    assert.equal(probe.coldStartMs, undefined);
    assert.equal(target.requests(), 1, "one request only");
  });

  test("503 first, then 200: re-checked at once; a fast failure is no cold start", async (t) => {
    let answered = 0;
    const target = await serve(t, (_req, res) => {
      res.statusCode = answered++ === 0 ? 503 : 200;
      res.end();
    });
    const probe = await probeFirstRequest(target.url, { budgetMs: 0 });
    assert.equal(probe.firstStatus, 503);
    assert.equal(probe.secondStatus, 200);
    assert.equal(typeof probe.secondMs, "number");
    assert.equal(probe.coldStartMs, undefined);
  });

  test("a slow 502 then a fast 200: the wait was the spin-up", async (t) => {
    let answered = 0;
    const target = await serve(t, async (_req, res) => {
      if (answered++ === 0) {
        await sleep(500);
        res.statusCode = 502;
      }
      res.end();
    });
    const probe = await probeFirstRequest(target.url, { budgetMs: 0, slowMs: 300 });
    assert.equal(probe.firstStatus, 502);
    assert.equal(probe.secondStatus, 200);
    assert.ok((probe.coldStartMs ?? 0) >= 300, `cold start ${probe.coldStartMs} ms`);
  });

  test("slow every time: re-checked, but no cold start (the service is slow, not waking)", async (t) => {
    const target = await serve(t, async (_req, res) => {
      await sleep(400);
      res.end();
    });
    const probe = await probeFirstRequest(target.url, { budgetMs: 0, slowMs: 300 });
    assert.ok((probe.secondMs ?? 0) >= 390, `the re-check took ${probe.secondMs} ms`);
    assert.equal(probe.coldStartMs, undefined);
  });

  test("nothing listening: both errors recorded, nothing thrown", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/health`;
    const probe = await probeFirstRequest(url, { budgetMs: 0 });
    assert.match(probe.firstError ?? "", /^could not be reached \(ECONNREFUSED\)$/);
    assert.equal(probe.firstStatus, undefined);
    assert.equal(typeof probe.secondMs, "number", "a refused first is re-checked");
    assert.equal(probe.secondStatus, undefined);
    assert.equal(probe.coldStartMs, undefined);
  });

  test("no answer within the timeout: recorded after about the timeout", async (t) => {
    const target = await serve(t, async (_req, res) => {
      await sleep(2_000);
      res.end();
    });
    const probe = await probeFirstRequest(target.url, { budgetMs: 0, timeoutMs: 200 });
    assert.equal(probe.firstError, "no answer within 200 ms");
    assert.ok(probe.firstMs >= 190 && probe.firstMs < 600, `gave up after ${probe.firstMs} ms`);
    assert.equal(probe.coldStartMs, undefined);
  });

  test("a URL that cannot be fetched is an error, not a throw; credentials stay out", async () => {
    const bad = await probeFirstRequest("not a url", { budgetMs: 0 });
    assert.match(bad.firstError ?? "", /^could not be reached/);
    const withUser = await probeFirstRequest(
      `http://ptest:ptestpass@127.0.0.1:${await closedPort()}/`,
      {
        budgetMs: 0,
      },
    );
    assert.ok(!withUser.url.includes("ptestpass"), withUser.url);
    assert.ok(!JSON.stringify(withUser).includes("ptestpass"));
  });
});

describe("certificates", () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ptest-certs-"));
    ({ key, cert } = selfSignedCertificate(dir, 5));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a self-signed certificate for 5 days: its end and the days left; refused and http origins", async (t) => {
    const origin = await listen(
      t,
      createHttpsServer({ key, cert }, (_q, s) => s.end()),
      "https",
    );
    const refused = `https://localhost:${await closedPort()}`;
    const now = Date.now();
    const checks = await readCertificates(
      [`${origin}/health`, `${origin}/other?x=1`, "http://localhost:1/", "not a url", refused],
      { now, timeoutMs: 2_000 },
    );
    assert.equal(checks.length, 2, `one per https origin: ${JSON.stringify(checks)}`);
    const [read, failed] = checks;
    assert.ok(read && "validTo" in read, JSON.stringify(read));
    assert.equal(read.url, origin);
    assert.ok(
      Math.abs(read.validTo - (now + 5 * DAY_MS)) < 120_000,
      `ends in 5 days: ${read.validTo}`,
    );
    assert.ok(read.daysLeft === 4 || read.daysLeft === 5, `days left ${read.daysLeft}`);
    assert.deepEqual(failed, { url: refused, error: "TLS connection failed (ECONNREFUSED)" });

    const [later] = await readCertificates([origin], { now: read.validTo + DAY_MS / 2 });
    assert.ok(later && "daysLeft" in later && later.daysLeft === -1, "expired: negative days");
  });

  test("a server that never speaks TLS: a handshake timeout, recorded", async (t) => {
    const silent = await listen(
      t,
      createTcpServer(() => {}),
      "https",
    );
    const started = performance.now();
    const [check] = await readCertificates([silent], { timeoutMs: 200 });
    assert.deepEqual(check, { url: silent, error: "no TLS handshake within 200 ms" });
    assert.ok(performance.now() - started < 1_000);
  });

  test("probeCertificates keeps the readings for the snapshot and logs each failure", async (t) => {
    const origin = await listen(
      t,
      createHttpsServer({ key, cert }, (_q, s) => s.end()),
      "https",
    );
    const refused = `https://localhost:${await closedPort()}`;
    const lines: string[] = [];
    const probes = await probeCertificates([origin, refused], { log: (l) => lines.push(l) });
    assert.deepEqual(
      probes.map((p) => p.url),
      [origin],
    );
    assert.deepEqual(lines, [`certificate of ${refused}: TLS connection failed (ECONNREFUSED)`]);
    assert.deepEqual(await probeCertificates([]), []);
  });
});
