import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import {
  createHeartbeat,
  type HeartbeatFailure,
  type HeartbeatOptions,
  heartbeatBody,
  parseHeartbeatUrl,
  pingUrlOf,
  runIdAsUuid,
} from "../heartbeat.ts";
import type { CycleRecord } from "../types.ts";

const CHECK_UUID = "5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278";
const RUN_UUID = "123e4567-e89b-12d3-a456-426614174000";

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

// A healthchecks.io stand-in on loopback: records each ping, answers as `reply` says.
let received: Received[] = [];
let reply: (request: Received, response: ServerResponse) => void;
const receiver = createServer((request: IncomingMessage, response: ServerResponse) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => {
    body += chunk;
  });
  request.on("end", () => {
    const url = new URL(request.url ?? "/", "http://receiver.invalid");
    const ping = {
      method: request.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      body,
    };
    received.push(ping);
    reply(ping, response);
  });
});
let origin = "";

const ok = (_: Received, response: ServerResponse) => response.end("OK");

before(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(
  () =>
    new Promise<void>((resolve) => {
      receiver.close(() => resolve());
      receiver.closeAllConnections();
    }),
);
beforeEach(() => {
  received = [];
  reply = ok;
});

function cycle(status: CycleRecord["status"]): CycleRecord {
  const result = {
    project: "browser",
    file: "tests/login.spec.ts",
    tier: "journeys",
    severity: "critical" as const,
    tags: [],
    durationMs: 1_000,
    retries: 0,
    timings: {},
  };
  return {
    runId: RUN_UUID,
    location: "eu-1",
    environment: "staging",
    job: "default",
    startedAt: "2026-12-02T10:00:00.000Z",
    endedAt: "2026-12-02T10:01:30.000Z",
    status,
    exitCode: status === "passed" ? 0 : 1,
    versions: {},
    maintenance: [],
    results: [
      { ...result, checkId: "a", title: "login", status: "passed" },
      {
        ...result,
        checkId: "b",
        title: "checkout",
        status: status === "passed" ? "passed" : "failed",
        error: "expected https://app.example.test/api to answer; token=abc",
      },
    ],
  };
}

function heartbeat(options: Partial<HeartbeatOptions> & { url: string }) {
  const failures: HeartbeatFailure[] = [];
  const beat = createHeartbeat({
    timeoutMs: 500,
    backoffMs: 5,
    onFailure: (failure) => failures.push(failure),
    ...options,
  });
  return { beat, failures };
}

test("start, success and fail go to <url>/start, <url> and <url>/fail with the run id", async () => {
  const { beat, failures } = heartbeat({ url: `${origin}/${CHECK_UUID}` });
  assert.deepEqual(await beat.start(RUN_UUID), { ok: true, status: 200, attempts: 1 });
  assert.equal((await beat.success(cycle("passed"))).ok, true);
  assert.equal((await beat.fail(cycle("failed"))).ok, true);

  assert.deepEqual(
    received.map((r) => [r.method, r.path, r.query.get("rid")]),
    [
      ["POST", `/${CHECK_UUID}/start`, RUN_UUID],
      ["POST", `/${CHECK_UUID}`, RUN_UUID],
      ["POST", `/${CHECK_UUID}/fail`, RUN_UUID],
    ],
  );
  assert.equal(failures.length, 0);
  const [start, success, fail] = received;
  assert.match(start?.body ?? "", new RegExp(`cycle ${RUN_UUID}: started`));
  assert.match(success?.body ?? "", /: passed\n/);
  assert.match(success?.body ?? "", /checks: 2 passed, 0 failed, 0 flaky/);
  assert.match(fail?.body ?? "", /: failed\n/);
  assert.match(fail?.body ?? "", /1 passed, 1 failed/);
  assert.match(fail?.body ?? "", /exit code 1, 90\.0 s/);
});

test("the body holds counts and ids, never a check's error text or its URLs", () => {
  const body = heartbeatBody(cycle("failed"));
  assert.doesNotMatch(body, /https?:|token|expected/);
  assert.ok(body.length < 400, "short enough for any ping log");
});

test("a query string stays a query and a trailing slash is not doubled", async () => {
  const { beat } = heartbeat({ url: `${origin}/ping/${CHECK_UUID}/?create=1#frag` });
  await beat.start("run-7");
  await beat.fail(cycle("errored"));
  const [start, fail] = received;
  assert.equal(start?.path, `/ping/${CHECK_UUID}/start`);
  assert.equal(start?.query.get("create"), "1", "the URL's own query is kept");
  assert.equal(fail?.path, `/ping/${CHECK_UUID}/fail`);
  assert.equal(
    pingUrlOf(parseHeartbeatUrl(`${origin}/${CHECK_UUID}/?rid=old`), "success", RUN_UUID),
    `${origin}/${CHECK_UUID}?rid=${RUN_UUID}`,
    "success is the bare URL; our rid replaces one in the URL",
  );
});

test("a run id that is not a UUID maps to the same UUID every time", async () => {
  const rid = runIdAsUuid("2026-12-02T10-00-00Z-eu-1");
  assert.match(rid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(runIdAsUuid("2026-12-02T10-00-00Z-eu-1"), rid);
  assert.notEqual(runIdAsUuid("2026-12-02T10-05-00Z-eu-1"), rid);
  assert.equal(runIdAsUuid(RUN_UUID.toUpperCase()), RUN_UUID);

  const { beat } = heartbeat({ url: `${origin}/${CHECK_UUID}` });
  await beat.start("2026-12-02T10-00-00Z-eu-1");
  await beat.success({ ...cycle("passed"), runId: "2026-12-02T10-00-00Z-eu-1" });
  assert.deepEqual(
    received.map((r) => r.query.get("rid")),
    [rid, rid],
    "start and end pair up",
  );
});

test("a 503 is retried, then the ping succeeds", async () => {
  let calls = 0;
  reply = (_, response) => {
    calls += 1;
    response.statusCode = calls < 3 ? 503 : 200;
    response.end(calls < 3 ? "busy" : "OK");
  };
  const { beat, failures } = heartbeat({ url: `${origin}/${CHECK_UUID}` });
  assert.deepEqual(await beat.success(cycle("passed")), { ok: true, status: 200, attempts: 3 });
  assert.equal(received.length, 3);
  assert.equal(failures.length, 0);
});

test("a 404 is final: one attempt, ok false, onFailure told", async () => {
  reply = (_, response) => {
    response.statusCode = 404;
    response.end("not found");
  };
  const { beat, failures } = heartbeat({ url: `${origin}/${CHECK_UUID}` });
  const result = await beat.success(cycle("passed"));
  assert.equal(result.ok, false);
  assert.equal(result.status, 404);
  assert.equal(received.length, 1);
  assert.equal(failures[0]?.status, 404);
});

test("a receiver that never answers times out; the error names no part of the URL", async () => {
  reply = () => {};
  const { beat, failures } = heartbeat({
    url: `${origin}/${CHECK_UUID}?create=1`,
    timeoutMs: 150,
    attempts: 2,
  });
  const started = Date.now();
  const result = await beat.fail(cycle("failed"));
  assert.ok(Date.now() - started < 2_000, "bounded by timeout × attempts");
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 2);
  assert.equal(received.length, 2, "a timeout is retried");
  assert.match(result.error ?? "", /fail ping to the heartbeat URL failed after 2 attempts/);
  assert.match(result.error ?? "", /no answer within 150 ms/);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]?.signal, "fail");
  assert.equal(failures[0]?.runId, RUN_UUID);
  for (const told of [JSON.stringify(result), JSON.stringify(failures)]) {
    assert.ok(!told.includes(CHECK_UUID), "the check's UUID is the secret");
    assert.ok(!told.includes(origin), "nor the host it lives on");
  }
});

test("nothing listening: ok false after the attempts, without throwing", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const { beat, failures } = heartbeat({ url: `http://127.0.0.1:${port}/${CHECK_UUID}` });
  const result = await beat.start(RUN_UUID);
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 3);
  assert.match(result.error ?? "", /ECONNREFUSED/);
  assert.ok(!JSON.stringify([result, failures]).includes(CHECK_UUID));
  assert.equal(failures.length, 1);
});

test("a callback that throws does not make the ping throw", async () => {
  reply = (_, response) => {
    response.statusCode = 400;
    response.end();
  };
  const beat = createHeartbeat({
    url: `${origin}/${CHECK_UUID}`,
    onFailure: () => {
      throw new Error("logger broke");
    },
  });
  assert.equal((await beat.start(RUN_UUID)).ok, false);
});

test("a bad URL stops at creation, naming the variable and not the value", () => {
  for (const url of [
    `not a url ${CHECK_UUID}`,
    `ftp://hc/${CHECK_UUID}`,
    `https://u:p@hc/${CHECK_UUID}`,
  ]) {
    assert.throws(
      () => createHeartbeat({ url }),
      (error: Error) =>
        error.message.startsWith("MONITOR_HEARTBEAT_URL: ") && !error.message.includes(CHECK_UUID),
    );
  }
});
