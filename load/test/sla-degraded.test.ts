import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { slaCsv } from "../../fixtures/attachments/sla.ts";
import { journeyBudget, parseSla, SLA_FILE, SlaFileError } from "../sla.ts";

const repoSla = () => JSON.parse(readFileSync(SLA_FILE, "utf8"));

const refuses = (input: unknown, ...patterns: RegExp[]) =>
  assert.throws(
    () => parseSla(input, "sla.json"),
    (error: Error) => {
      assert.ok(error instanceof SlaFileError, `expected an SlaFileError: ${error}`);
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );

describe("load/sla.json's degraded budgets", () => {
  test("the repo's own file is accepted, degraded budgets and journeys included", () => {
    const sla = parseSla(repoSla());
    for (const [name, endpoint] of Object.entries(sla.endpoints)) {
      if (endpoint.degradedMs !== undefined)
        assert.ok(endpoint.degradedMs < endpoint.p95Ms, `${name}: degraded below failing`);
    }
    assert.ok(Object.keys(sla.journeys).length > 0, "load/sla.json lists journey timings");
  });

  test("an endpoint's degradedMs at or above its p95Ms is refused, naming the path", () => {
    const input = repoSla();
    input.endpoints["backend.health"].degradedMs = input.endpoints["backend.health"].p95Ms;
    refuses(input, /endpoints\.backend\.health\.degradedMs: degradedMs must be below p95Ms/);
  });

  test("a journey's degradedMs at or above its failMs is refused, naming the path", () => {
    const input = repoSla();
    input.journeys["home.ttfb"] = { what: "TTFB", degradedMs: 900, failMs: 600 };
    refuses(input, /journeys\.home\.ttfb\.degradedMs: degradedMs must be below failMs/);
    input.journeys["home.ttfb"] = { what: "TTFB", degradedMs: 600, failMs: 600 };
    refuses(input, /journeys\.home\.ttfb\.degradedMs/);
  });

  test("journeys are optional, and journeyBudget of an unknown name is no budget", () => {
    const input = repoSla();
    delete input.journeys;
    const sla = parseSla(input);
    assert.deepEqual(sla.journeys, {});
    assert.deepEqual(journeyBudget("home.ttfb", sla), {});
  });

  test("journeyBudget of a known name gives its budgets", () => {
    const input = repoSla();
    input.journeys["home.lcp"] = { what: "LCP", degradedMs: 2_500, failMs: 4_000 };
    const sla = parseSla(input);
    assert.deepEqual(journeyBudget("home.lcp", sla), { failMs: 4_000, degradedMs: 2_500 });
    assert.deepEqual(journeyBudget("home.ttfb", sla), {
      failMs: undefined,
      degradedMs: sla.journeys["home.ttfb"]?.degradedMs,
    });
    assert.deepEqual(journeyBudget("checkout.ttfb", sla), {});
  });
});

describe("slaCsv verdicts", () => {
  const verdictOf = (row: Parameters<typeof slaCsv>[0][number]) =>
    slaCsv([row]).trim().split("\n")[1]?.split(",").at(-1);

  test("over degradedMs but within budgetMs: degraded", () => {
    assert.equal(
      verdictOf({ check: "home", measuredMs: 900, budgetMs: 1_000, degradedMs: 750 }),
      "degraded",
    );
    assert.equal(verdictOf({ check: "home", measuredMs: 900, degradedMs: 750 }), "degraded");
  });

  test("over budgetMs: over budget, whatever degradedMs says", () => {
    assert.equal(
      verdictOf({ check: "home", measuredMs: 1_200, budgetMs: 1_000, degradedMs: 750 }),
      "over budget",
    );
  });

  test("at or under degradedMs: within; no budgets: no budget", () => {
    assert.equal(
      verdictOf({ check: "home", measuredMs: 750, budgetMs: 1_000, degradedMs: 750 }),
      "within",
    );
    assert.equal(verdictOf({ check: "home", measuredMs: 1_000, budgetMs: 1_000 }), "within");
    assert.equal(verdictOf({ check: "home", measuredMs: 5 }), "no budget");
  });

  test("the table has its header and one line per row", () => {
    assert.equal(
      slaCsv([
        { check: "backend.health, p95", measuredMs: 800, budgetMs: 1_000, degradedMs: 750 },
        { check: "home.ttfb", measuredMs: 12 },
      ]),
      'check,measured ms,budget ms,verdict\n"backend.health, p95",800,1000,degraded\nhome.ttfb,12,,no budget\n',
    );
  });
});
