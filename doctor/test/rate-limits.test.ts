import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AUTH_REQUESTS_PER_RUN,
  demand,
  judgeRateLimits,
  parseEvery,
} from "../checks/rate-limits.ts";

const confirmationOff = {
  disableSignup: false,
  mailerAutoconfirm: true,
  phoneAutoconfirm: false,
  providers: ["email"],
};
const confirmationOn = { ...confirmationOff, mailerAutoconfirm: false };

test("--every takes minutes, seconds and hours", () => {
  assert.equal(parseEvery("10m"), 10);
  assert.equal(parseEvery("10"), 10);
  assert.equal(parseEvery("1h"), 60);
  assert.equal(parseEvery("90s"), 1.5);
  assert.equal(parseEvery("0m"), undefined);
  assert.equal(parseEvery("soon"), undefined);
});

test("demand: a run's burst, or runs adding up inside the window", () => {
  assert.equal(demand(11, 10, 5), 11);
  assert.equal(demand(11, 1, 5), 55);
  assert.equal(demand(3, 10, 60), 18);
});

test("the default schedule fits the sign-in bucket with confirmation off", () => {
  const row = judgeRateLimits(10, false, confirmationOff);
  const { signUps, passwordGrants } = AUTH_REQUESTS_PER_RUN.full;
  assert.equal(row.status, "ok");
  assert.match(row.found, new RegExp(`^${signUps + passwordGrants} sign-ups and sign-ins per run`));
  assert.match(row.found, /no emails/);
});

test("a schedule too tight for the sign-in bucket says how often it may run", () => {
  const row = judgeRateLimits(1, false, confirmationOff);
  assert.equal(row.status, "fail");
  assert.match(row.means, /over_request_rate_limit: run every \d+(\.\d)?m or less often/);
});

test("confirmation on with the built-in SMTP: 2 emails an hour do not fit", () => {
  const row = judgeRateLimits(10, false, confirmationOn);
  assert.equal(row.status, "fail");
  assert.match(row.found, /3 confirmation emails per run: 18 per hour \(built-in SMTP limit 2\)/);
  assert.match(row.means, /custom SMTP/);
});

test("a read-only (production) run asks less; unknown settings leave emails unchecked", () => {
  const row = judgeRateLimits(60, true, undefined);
  assert.equal(row.status, "warn");
  assert.match(row.found, /per read-only run/);
  assert.match(row.found, /emails unknown/);
});
