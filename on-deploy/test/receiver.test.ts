import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Trigger } from "../events.ts";
import { Journal } from "../journal.ts";
import { RunQueue } from "../queue.ts";
import { MAX_BODY_BYTES, type Receiver, startReceiver } from "../receiver.ts";
import { signRender, signVercel } from "../signatures.ts";

// The receiver's routes over a real socket, with runs that only record what they were given.

const VERCEL_SECRET = "vercel-unit-secret";
const RENDER_SECRET = `whsec_${Buffer.from("render unit signing key").toString("base64")}`;

const deployment = (id: string, project = "prj_shop") =>
  JSON.stringify({
    id,
    type: "deployment.succeeded",
    payload: { deployment: { id: "dpl_1", url: "shop.vercel.app" }, project: { id: project } },
  });

describe("the receiver", () => {
  let dir: string;
  let journal: Journal;
  let receiver: Receiver;
  let bare: Receiver;
  const started: Trigger[] = [];
  let release: () => void = () => {};

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "on-deploy-receiver-"));
    journal = new Journal(dir);
    // Each run waits until released, so a second one visibly waits behind the first.
    const queue = new RunQueue<Trigger>((trigger) => {
      started.push(trigger);
      return {
        done: new Promise<void>((resolve) => (release = resolve)),
        interrupt: () => release(),
      };
    });
    const options = {
      host: "127.0.0.1",
      port: 0,
      only: { vercelProjectId: "prj_shop", renderServiceId: "srv-api" },
      journal,
      accept: (trigger: Trigger) => queue.offer(`${trigger.source}:${trigger.deliveryId}`, trigger),
      health: () => ({ status: "ok", queued: queue.waiting }),
    };
    receiver = await startReceiver({
      ...options,
      secrets: { vercel: VERCEL_SECRET, render: RENDER_SECRET },
    });
    bare = await startReceiver({ ...options, secrets: {} });
  });
  after(async () => {
    release();
    await Promise.all([receiver?.close(), bare?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const post = (to: Receiver, route: string, body: string, headers: Record<string, string>) =>
    fetch(`${to.url}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const lines = async () =>
    (await readFile(journal.file, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  test("a signed delivery is queued (202), its redelivery is a duplicate (200), one run", async () => {
    const body = deployment("dlv_a");
    const headers = { "x-vercel-signature": signVercel(body, VERCEL_SECRET) };
    assert.equal((await post(receiver, "/webhooks/vercel", body, headers)).status, 202);
    const again = await post(receiver, "/webhooks/vercel", body, headers);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { verdict: "duplicate", deliveryId: "dlv_a" });
    assert.deepEqual(
      started.map((t) => t.deliveryId),
      ["dlv_a"],
    );

    // A second delivery waits for the first run to end.
    const next = deployment("dlv_b");
    assert.equal(
      (
        await post(receiver, "/webhooks/vercel", next, {
          "x-vercel-signature": signVercel(next, VERCEL_SECRET),
        })
      ).status,
      202,
    );
    assert.deepEqual(await (await fetch(`${receiver.url}/healthz`)).json(), {
      status: "ok",
      queued: 1,
    });
    assert.equal(started.length, 1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      started.map((t) => t.deliveryId),
      ["dlv_a", "dlv_b"],
    );
  });

  test("a forged or unsigned delivery gets 401 and a journal line without the signature", async () => {
    const body = deployment("dlv_forged");
    const forgedSignature = signVercel(body, "guessed-secret");
    const forged = await post(receiver, "/webhooks/vercel", body, {
      "x-vercel-signature": forgedSignature,
    });
    assert.equal(forged.status, 401);
    assert.equal((await post(receiver, "/webhooks/vercel", body, {})).status, 401);
    const refused = (await lines()).filter((line) => line.verdict === "unauthorized");
    assert.deepEqual(
      refused.map((line) => [line.platform, line.deliveryId, line.reason]),
      [
        ["vercel", "dlv_forged", "bad signature"],
        ["vercel", "dlv_forged", "missing signature"],
      ],
    );
    assert.ok(refused.every((line) => typeof line.time === "string"));
    const text = await readFile(journal.file, "utf8");
    assert.ok(!text.includes(forgedSignature) && !text.includes("shop.vercel.app"));
    assert.ok(!started.some((t) => t.deliveryId === "dlv_forged"));
  });

  test("a Render delivery is verified as Standard Webhooks; a replayed old one is refused", async () => {
    const body = JSON.stringify({
      type: "deploy_ended",
      data: { id: "evt-1", serviceId: "srv-api", status: "succeeded" },
    });
    const now = Math.floor(Date.now() / 1000);
    const signed = (id: string, at: number) => ({
      "webhook-id": id,
      "webhook-timestamp": String(at),
      "webhook-signature": signRender(body, RENDER_SECRET, id, at),
    });
    assert.equal(
      (await post(receiver, "/webhooks/render", body, signed("msg_r1", now))).status,
      202,
    );
    const old = await post(receiver, "/webhooks/render", body, signed("msg_r2", now - 3600));
    assert.equal(old.status, 401);
    const verdicts = (await lines())
      .filter((line) => line.platform === "render")
      .map((line) => [line.deliveryId, line.verdict]);
    assert.deepEqual(verdicts, [
      ["msg_r1", "queued"],
      ["msg_r2", "unauthorized"],
    ]);
  });

  test("ignored events answer 200, bad JSON 400, an oversized body 413, unknown routes 404", async () => {
    const other = deployment("dlv_other", "prj_blog");
    const ignored = await post(receiver, "/webhooks/vercel", other, {
      "x-vercel-signature": signVercel(other, VERCEL_SECRET),
    });
    assert.equal(ignored.status, 200);
    assert.equal(((await ignored.json()) as { verdict: string }).verdict, "ignored");
    const broken = "{not json";
    assert.equal(
      (
        await post(receiver, "/webhooks/vercel", broken, {
          "x-vercel-signature": signVercel(broken, VERCEL_SECRET),
        })
      ).status,
      400,
    );
    const big = "x".repeat(MAX_BODY_BYTES + 1);
    assert.equal(
      (
        await post(receiver, "/webhooks/vercel", big, {
          "x-vercel-signature": signVercel(big, VERCEL_SECRET),
        })
      ).status,
      413,
    );
    assert.equal((await fetch(`${receiver.url}/webhooks/vercel`)).status, 405);
    assert.equal((await fetch(`${receiver.url}/nothing`)).status, 404);
  });

  test("an unset secret answers 503 naming the variable", async () => {
    const body = deployment("dlv_c");
    const vercel = await post(bare, "/webhooks/vercel", body, {
      "x-vercel-signature": signVercel(body, VERCEL_SECRET),
    });
    assert.equal(vercel.status, 503);
    assert.match(
      ((await vercel.json()) as { error: string }).error,
      /VERCEL_WEBHOOK_SECRET is not set/,
    );
    const render = await post(bare, "/webhooks/render", "{}", {});
    assert.match(
      ((await render.json()) as { error: string }).error,
      /RENDER_WEBHOOK_SECRET is not set/,
    );
  });
});

test("the queue stops: the waiting runs are dropped, the current one interrupted", async () => {
  const interrupted: string[] = [];
  const queue = new RunQueue<string>((item) => {
    let end: () => void = () => {};
    const done = new Promise<void>((resolve) => (end = resolve));
    const interrupt = () => {
      interrupted.push(item);
      end();
    };
    return { done, interrupt };
  });
  assert.equal(queue.offer("a", "a"), "queued");
  assert.equal(queue.offer("b", "b"), "queued");
  assert.deepEqual(await queue.stop(), { interrupted: "a", dropped: ["b"] });
  assert.deepEqual(interrupted, ["a"]);
  assert.equal(queue.offer("c", "c"), "stopping");
});
