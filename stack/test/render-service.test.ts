// The Render service's cold start on a mocked clock: asleep when switched on,
// awake after the delay, asleep again after RENDER_IDLE_MS without requests.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import type { FastifyReply, FastifyRequest } from "fastify";
import { FaultState } from "../src/faults.ts";
import { RENDER_IDLE_MS, RenderService } from "../src/platforms/render-service.ts";

const COLD_START_MS = 800;

/** A reply that only records its headers; the service sends nothing while it is up. */
function fakeReply(): FastifyReply {
  const headers: Record<string, string> = {};
  return { header: (name: string, value: string) => (headers[name] = value) } as never;
}

describe("RenderService's cold start", () => {
  let faults: FaultState;
  let service: RenderService;

  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    faults = new FaultState();
    faults.set("render-cold-start", COLD_START_MS);
    service = new RenderService({
      backendUrl: "http://127.0.0.1:1",
      commit: "abc1234",
      bootedAt: Date.now(),
      faults,
    });
  });
  afterEach(() => {
    mock.timers.reset();
  });

  /** Whether a request is still held after `ms` on the clock. */
  async function heldAfter(ms: number): Promise<boolean> {
    let done = false;
    const request = service.onRequest({} as FastifyRequest, fakeReply()).then(() => {
      done = true;
    });
    await Promise.resolve();
    mock.timers.tick(ms);
    // Let the timer's promise chain settle.
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
    const held = !done;
    mock.timers.tick(COLD_START_MS);
    await request;
    return held;
  }

  test("a spun-down instance holds the request for the delay, then answers at once", async () => {
    service.spinDown();
    assert.equal(await heldAfter(COLD_START_MS - 1), true, "held while it wakes");
    assert.equal(await heldAfter(0), false, "awake: the next request is not held");
  });

  test("after RENDER_IDLE_MS without requests it is asleep again", async () => {
    service.spinDown();
    await heldAfter(COLD_START_MS - 1);
    mock.timers.tick(RENDER_IDLE_MS - 1000);
    assert.equal(await heldAfter(0), false, "still awake before the idle time");
    mock.timers.tick(RENDER_IDLE_MS + 1);
    assert.equal(await heldAfter(0), true, "asleep after the idle time");
  });

  test("without the fault nothing is held", async () => {
    faults.clear("render-cold-start");
    service.spinDown();
    assert.equal(await heldAfter(0), false);
  });
});
