import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { silenceSchema } from "../../alerts/policy-schema.ts";
import { defineMonitor, type MonitorConfigInput } from "../config-schema.ts";
import { openSpan, openWindows, pausedScopes, silencesOf } from "../maintenance.ts";

type WindowInput = NonNullable<MonitorConfigInput["maintenance"]>[number];

/** One window as defineMonitor leaves it (defaults filled in, instants as ms). */
function windowOf(input: Partial<WindowInput> & Pick<WindowInput, "when">) {
  const [window] = defineMonitor({
    maintenance: [{ id: "test-window", effect: "pause", ...input }],
  }).maintenance;
  if (!window) throw new Error("defineMonitor lost the window");
  return window;
}

const at = (iso: string) => Date.parse(iso);
const spanOf = (window: ReturnType<typeof windowOf>, iso: string) => {
  const open = openSpan(window, at(iso));
  return (
    open && {
      startsAt: new Date(open.startsAt).toISOString(),
      endsAt: new Date(open.endsAt).toISOString(),
    }
  );
};

describe("openSpan: one-off windows", () => {
  const window = windowOf({
    when: { startsAt: "2026-05-02T09:00:00Z", endsAt: "2026-05-02T10:00:00Z" },
  });

  test("open inside, with the window's own span", () => {
    assert.deepEqual(spanOf(window, "2026-05-02T09:00:00.000Z"), {
      startsAt: "2026-05-02T09:00:00.000Z",
      endsAt: "2026-05-02T10:00:00.000Z",
    });
    assert.ok(spanOf(window, "2026-05-02T09:59:59.999Z"));
  });

  test("closed before it and at its end", () => {
    assert.equal(spanOf(window, "2026-05-02T08:59:59.999Z"), undefined);
    assert.equal(spanOf(window, "2026-05-02T10:00:00.000Z"), undefined, "the end is exclusive");
  });
});

describe("openSpan: cron-recurring windows", () => {
  const nightly = windowOf({ when: { cron: "0 2 * * *", durationMinutes: 30 } });

  test("open for durationMinutes after an occurrence", () => {
    assert.deepEqual(spanOf(nightly, "2026-03-04T02:10:00Z"), {
      startsAt: "2026-03-04T02:00:00.000Z",
      endsAt: "2026-03-04T02:30:00.000Z",
    });
  });

  test("open exactly on the occurrence (and within its second)", () => {
    assert.deepEqual(spanOf(nightly, "2026-03-04T02:00:00.000Z"), {
      startsAt: "2026-03-04T02:00:00.000Z",
      endsAt: "2026-03-04T02:30:00.000Z",
    });
    assert.equal(spanOf(nightly, "2026-03-04T02:00:00.500Z")?.startsAt, "2026-03-04T02:00:00.000Z");
  });

  test("closed before the occurrence and once the duration is over", () => {
    assert.equal(spanOf(nightly, "2026-03-04T01:59:59Z"), undefined);
    assert.equal(spanOf(nightly, "2026-03-04T02:30:00Z"), undefined);
    assert.equal(spanOf(nightly, "2026-03-04T12:00:00Z"), undefined);
  });

  test("the occurrence is in the window's timezone", () => {
    const newYork = windowOf({
      when: { cron: "0 2 * * *", durationMinutes: 30, timezone: "America/New_York" },
    });
    // 02:00 EST is 07:00 UTC.
    assert.equal(spanOf(newYork, "2026-03-04T02:10:00Z"), undefined);
    assert.deepEqual(spanOf(newYork, "2026-03-04T07:10:00Z"), {
      startsAt: "2026-03-04T07:00:00.000Z",
      endsAt: "2026-03-04T07:30:00.000Z",
    });
  });
});

describe("openSpan: weekly windows", () => {
  // 2026-03-06 is a Friday.
  const fridayNight = windowOf({ when: { days: ["fri"], from: "22:00", to: "02:00" } });

  test("a window past midnight opens on a listed day and is still open the next morning", () => {
    const span = {
      startsAt: "2026-03-06T22:00:00.000Z",
      endsAt: "2026-03-07T02:00:00.000Z",
    };
    assert.deepEqual(spanOf(fridayNight, "2026-03-06T22:00:00Z"), span);
    assert.deepEqual(spanOf(fridayNight, "2026-03-06T23:30:00Z"), span);
    assert.deepEqual(spanOf(fridayNight, "2026-03-07T01:59:00Z"), span, "Saturday morning");
    assert.equal(spanOf(fridayNight, "2026-03-07T02:00:00Z"), undefined, "the end is exclusive");
  });

  test("not open the morning after an unlisted day, nor on the listed day before it starts", () => {
    assert.equal(
      spanOf(fridayNight, "2026-03-06T01:00:00Z"),
      undefined,
      "Friday morning (after Thursday)",
    );
    assert.equal(
      spanOf(fridayNight, "2026-03-08T01:00:00Z"),
      undefined,
      "Sunday morning (after Saturday)",
    );
    assert.equal(spanOf(fridayNight, "2026-03-06T21:59:00Z"), undefined);
    assert.equal(spanOf(fridayNight, "2026-03-07T22:30:00Z"), undefined, "Saturday night");
  });

  test("a window within one day", () => {
    const mornings = windowOf({ when: { days: ["mon", "wed"], from: "09:00", to: "10:00" } });
    assert.deepEqual(spanOf(mornings, "2026-03-04T09:15:30Z"), {
      startsAt: "2026-03-04T09:00:00.000Z",
      endsAt: "2026-03-04T10:00:00.000Z",
    });
    assert.equal(spanOf(mornings, "2026-03-03T09:15:00Z"), undefined, "Tuesday");
    assert.equal(spanOf(mornings, "2026-03-04T10:00:00Z"), undefined);
  });

  test("the days and clock are the window's timezone's, not UTC's", () => {
    const utc = windowOf({ when: { days: ["mon"], from: "09:00", to: "10:00" } });
    const newYork = windowOf({
      when: { days: ["mon"], from: "09:00", to: "10:00", timezone: "America/New_York" },
    });
    // 2026-03-02 is a Monday; New York is on EST (UTC-5) until 2026-03-08.
    assert.ok(spanOf(utc, "2026-03-02T09:30:00Z"));
    assert.equal(spanOf(newYork, "2026-03-02T09:30:00Z"), undefined);
    assert.equal(spanOf(utc, "2026-03-02T14:30:00Z"), undefined);
    assert.deepEqual(spanOf(newYork, "2026-03-02T14:30:00Z"), {
      startsAt: "2026-03-02T14:00:00.000Z",
      endsAt: "2026-03-02T15:00:00.000Z",
    });
  });

  test("a New York Friday night is Saturday in UTC", () => {
    const friday = windowOf({
      when: { days: ["fri"], from: "22:00", to: "23:00", timezone: "America/New_York" },
    });
    assert.deepEqual(spanOf(friday, "2026-03-07T03:30:00Z"), {
      startsAt: "2026-03-07T03:00:00.000Z",
      endsAt: "2026-03-07T04:00:00.000Z",
    });
  });
});

test("a weekly window across the end of summer time lasts as long as the clocks say", () => {
  // Europe/Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET, so 01:00–04:00 local is four hours.
  const window = windowOf({
    when: { days: ["sun"], from: "01:00", to: "04:00", timezone: "Europe/Berlin" },
  });
  assert.deepEqual(spanOf(window, "2026-10-25T02:30:00Z"), {
    startsAt: "2026-10-24T23:00:00.000Z",
    endsAt: "2026-10-25T03:00:00.000Z",
  });
  assert.equal(spanOf(window, "2026-10-25T03:00:00Z"), undefined, "closed at 04:00 CET");
});

describe("what open windows mean for a cycle", () => {
  const now = at("2026-05-02T09:30:00Z");
  const oneOff = { startsAt: "2026-05-02T09:00:00Z", endsAt: "2026-05-02T10:00:00Z" };
  const config = defineMonitor({
    maintenance: [
      { id: "db-upgrade", effect: "pause", scope: { projects: ["schema"] }, when: oneOff },
      { id: "smoke-off", effect: "pause", scope: { tags: ["@smoke"] }, when: oneOff },
      {
        id: "auth-move",
        effect: "silence",
        scope: { projects: ["supabase", "api"] },
        when: oneOff,
        comment: "moving auth",
      },
      { id: "email-quiet", effect: "silence", scope: { tags: ["@email"] }, when: oneOff },
      { id: "everything", effect: "silence", when: oneOff },
      {
        id: "later",
        effect: "pause",
        when: { startsAt: "2026-05-03T09:00:00Z", endsAt: "2026-05-03T10:00:00Z" },
      },
    ],
  });
  const open = openWindows(config.maintenance, now);

  test("only the windows open now count", () => {
    assert.deepEqual(
      open.map((o) => o.window.id),
      ["db-upgrade", "smoke-off", "auth-move", "email-quiet", "everything"],
    );
  });

  test("pausedScopes: the scopes of the pausing windows", () => {
    assert.deepEqual(pausedScopes(open), [{ projects: ["schema"] }, { tags: ["@smoke"] }]);
    assert.deepEqual(pausedScopes([]), []);
  });

  test("silencesOf: one silence per silencing window, which the alert policy accepts", () => {
    const silences = silencesOf(open);
    assert.deepEqual(
      silences.map((s) => [s.id, s.matchers]),
      [
        ["maintenance-auth-move", { project: ["supabase", "api"] }],
        ["maintenance-email-quiet", { tag: ["@email"] }],
        ["maintenance-everything", {}],
      ],
    );
    for (const silence of silences) {
      const parsed = silenceSchema.parse(silence);
      assert.equal(parsed.startsAt, at(oneOff.startsAt), "the silence starts with the window");
      assert.equal(parsed.endsAt, at(oneOff.endsAt), "and ends with it");
      assert.match(parsed.comment, /^maintenance /);
    }
    assert.equal(silences[0]?.comment, "maintenance auth-move: moving auth");
  });

  test("silencesOf: a recurring window's silence spans its current occurrence", () => {
    const window = windowOf({
      effect: "silence",
      scope: { projects: ["api"], tags: ["@critical"] },
      when: { cron: "0 9 * * *", durationMinutes: 45 },
    });
    const [silence, ...more] = silencesOf(openWindows([window], now));
    assert.equal(more.length, 0);
    const parsed = silenceSchema.parse(silence);
    assert.deepEqual(parsed.matchers, { project: ["api"], tag: ["@critical"] });
    assert.equal(parsed.startsAt, at("2026-05-02T09:00:00Z"));
    assert.equal(parsed.endsAt, at("2026-05-02T09:45:00Z"));
  });
});
