import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Observation } from "../observation.ts";
import { type DiagnoseInput, diagnose, whereOf } from "../signatures.ts";
import type { Deploy, PlatformSnapshot } from "../types.ts";

const target: DiagnoseInput["target"] = {
  frontendUrl: "https://app.example.com",
  backendUrl: "https://api.example.com",
  supabaseUrl: "https://abcdefghijklmnopqrst.supabase.co",
  bypassConfigured: false,
};

const seen = (
  url: string,
  status: number | undefined,
  extra: Partial<Observation> = {},
): Observation => ({
  method: "GET",
  url,
  ...(status === undefined ? {} : { status }),
  headers: {},
  ...extra,
});

const snapshot = (part: Partial<PlatformSnapshot> = {}): PlatformSnapshot => ({
  takenAt: Date.UTC(2026, 11, 3, 10, 0),
  gaps: [],
  probes: { certificates: [] },
  ...part,
});

const input = (part: Partial<DiagnoseInput>): DiagnoseInput => ({
  project: "api",
  errors: [],
  observations: [],
  platform: undefined,
  target,
  about: [],
  ...part,
});

const renderDeploy = (part: Partial<Deploy>): Deploy => ({
  platform: "render",
  id: "dep-abc",
  status: "live",
  phase: "live",
  createdAt: Date.UTC(2026, 11, 3, 9, 55),
  commit: { sha: "abc1234def5678" },
  ...part,
});

const render = (suspended: boolean, deploys: Deploy[] = []): PlatformSnapshot["render"] => ({
  service: { id: "srv-1", name: "api", suspended },
  deploys,
});

describe("failure signatures", () => {
  it("a paused Supabase project: HTTP 540 from the project", () => {
    const found = diagnose(
      input({
        project: "supabase",
        observations: [seen(`${target.supabaseUrl}/auth/v1/token?grant_type=password`, 540)],
        platform: snapshot({
          supabase: { ref: "abcdefghijklmnopqrst", status: "INACTIVE", services: [] },
        }),
      }),
    );
    assert.equal(found?.tier, "Supabase auth");
    assert.equal(found?.cause, "project paused");
    assert.match(found?.line ?? "", /INACTIVE/);
    assert.match(found?.line ?? "", /answered 540/);
  });

  it("a paused project on the Data API is the database's", () => {
    const found = diagnose(
      input({
        project: "schema",
        observations: [seen(`${target.supabaseUrl}/rest/v1/profiles`, 540)],
      }),
    );
    assert.equal(found?.tier, "database");
    assert.equal(found?.cause, "project paused");
  });

  it("Supabase Auth rate-limiting the suite, with the project's allowance", () => {
    const found = diagnose(
      input({
        project: "supabase",
        observations: [
          seen(`${target.supabaseUrl}/auth/v1/signup`, 429, {
            method: "POST",
            body: '{"code":429,"error_code":"over_email_send_rate_limit","msg":"email rate limit exceeded"}',
          }),
        ],
        platform: snapshot({
          supabase: {
            ref: "abcdefghijklmnopqrst",
            status: "ACTIVE_HEALTHY",
            services: [],
            authRateLimits: { rate_limit_email_sent: 2 },
          },
        }),
      }),
    );
    assert.equal(found?.tier, "Supabase auth");
    assert.equal(found?.cause, "rate-limited by the target");
    assert.equal(
      found?.line,
      "Supabase auth · rate-limited by the target: 429 over_email_send_rate_limit on POST /auth/v1/signup (the project allows 2 emails an hour)",
    );
  });

  it("a suspended Render service", () => {
    const found = diagnose(
      input({
        observations: [seen(`${target.backendUrl}/health`, 503)],
        platform: snapshot({ render: render(true) }),
      }),
    );
    assert.equal(found?.tier, "backend on Render");
    assert.equal(found?.cause, "service suspended");
  });

  it("a Render deploy in progress while the backend answers 503", () => {
    const building = renderDeploy({
      id: "dep-new",
      status: "update_in_progress",
      phase: "building",
    });
    const found = diagnose(
      input({
        observations: [seen(`${target.backendUrl}/health`, 503)],
        platform: snapshot({ render: render(false, [building]) }),
      }),
    );
    assert.equal(found?.cause, "deploy in progress");
    assert.match(
      found?.line ?? "",
      /dep-new of commit abc1234 \(update_in_progress\) started 09:55 UTC/,
    );
  });

  it("a deploy in progress is no cause while the backend answers", () => {
    const building = renderDeploy({ status: "build_in_progress", phase: "building" });
    const found = diagnose(
      input({
        observations: [seen(`${target.backendUrl}/users/me`, 500)],
        platform: snapshot({ render: render(false, [building]) }),
      }),
    );
    assert.equal(found?.cause, undefined);
    assert.equal(found?.line, "backend on Render: GET /users/me answered 500");
  });

  it("a cold start over the budget, for the check about it", () => {
    const probe = {
      url: `${target.backendUrl}/health`,
      firstMs: 5200,
      firstStatus: 200,
      secondMs: 40,
      secondStatus: 200,
      coldStartMs: 5160,
      budgetMs: 1000,
    };
    const found = diagnose(
      input({
        about: ["cold-start"],
        platform: snapshot({ probes: { backend: probe, certificates: [] } }),
      }),
    );
    assert.equal(found?.cause, "cold start");
    assert.match(
      found?.line ?? "",
      /first request took 5\.2 s, its re-check 40 ms: a spin-up of 5\.2 s, over the budget of 1\.0 s/,
    );
    const within = diagnose(
      input({
        about: ["cold-start"],
        platform: snapshot({
          probes: { backend: { ...probe, budgetMs: 10_000 }, certificates: [] },
        }),
      }),
    );
    assert.notEqual(within?.cause, "cold start");
  });

  it("Vercel Deployment Protection refusing the suite, with or without a bypass secret", () => {
    const refused = seen(target.frontendUrl, 401, {
      headers: { "x-vercel-id": "fra1::abc", "set-cookie": "_vercel_sso_nonce" },
    });
    const without = diagnose(input({ project: "browser", observations: [refused] }));
    assert.equal(without?.tier, "frontend on Vercel");
    assert.equal(without?.cause, "protection refused");
    assert.match(without?.line ?? "", /no VERCEL_PROTECTION_BYPASS is set/);
    const rotated = diagnose(
      input({
        project: "browser",
        observations: [refused],
        target: { ...target, bypassConfigured: true },
      }),
    );
    assert.match(rotated?.line ?? "", /was refused \(rotated\?\)/);
  });

  it("a 401 that is not Vercel's is no protection signature", () => {
    const found = diagnose(
      input({ project: "browser", observations: [seen(`${target.frontendUrl}/api/me`, 401)] }),
    );
    assert.notEqual(found?.cause, "protection refused");
  });

  it("a Vercel function timeout, by its x-vercel-error code", () => {
    const found = diagnose(
      input({
        project: "browser",
        observations: [
          seen(`${target.frontendUrl}/login`, 504, {
            headers: { "x-vercel-error": "FUNCTION_INVOCATION_TIMEOUT", "x-vercel-id": "iad1::x" },
          }),
        ],
      }),
    );
    assert.equal(
      found?.line,
      "frontend on Vercel · function timeout: GET /login answered 504 with x-vercel-error FUNCTION_INVOCATION_TIMEOUT",
    );
  });

  it("an unhealthy Supabase service", () => {
    const found = diagnose(
      input({
        project: "supabase",
        platform: snapshot({
          supabase: {
            ref: "abcdefghijklmnopqrst",
            status: "ACTIVE_HEALTHY",
            services: [{ name: "auth", healthy: false, status: "UNHEALTHY", error: "timeout" }],
          },
        }),
      }),
    );
    assert.equal(
      found?.line,
      "Supabase auth · service unhealthy: Supabase reports auth UNHEALTHY: timeout",
    );
  });

  it("a TLS certificate close to expiry, on a TLS failure", () => {
    const found = diagnose(
      input({
        errors: ["Error: certificate has expired"],
        platform: snapshot({
          probes: {
            certificates: [
              { url: target.frontendUrl, validTo: Date.UTC(2026, 11, 6), daysLeft: 3 },
            ],
          },
        }),
      }),
    );
    assert.equal(found?.tier, "network");
    assert.equal(found?.cause, "TLS certificate expiring");
    assert.match(
      found?.line ?? "",
      /app\.example\.com's certificate expires 2026-12-06 \(3 days left\)/,
    );
  });

  it("network failures by kind, naming the part of the target", () => {
    const found = diagnose(
      input({
        observations: [
          seen(`${target.backendUrl}/health`, undefined, {
            error: "connect ECONNREFUSED 10.0.0.1:443",
          }),
        ],
      }),
    );
    assert.equal(found?.line, "network · connection refused: reaching api.example.com (backend)");
    const dns = diagnose(
      input({
        observations: [
          seen(target.frontendUrl, undefined, { error: "net::ERR_NAME_NOT_RESOLVED" }),
        ],
      }),
    );
    assert.equal(dns?.cause, "DNS lookup failed");
  });

  it("without a signature, the first failing answer's tier, else the project's", () => {
    const found = diagnose(
      input({ observations: [seen(`${target.supabaseUrl}/auth/v1/user`, 500)] }),
    );
    assert.equal(found?.line, "Supabase auth: GET /auth/v1/user answered 500");
    assert.equal(diagnose(input({ project: "schema" }))?.line, "database");
    assert.equal(diagnose(input({ project: "security" })), undefined);
  });

  it("the app's own 401 on Vercel is no protection, an asset's NOT_FOUND no cause", () => {
    const backend500 = seen(`${target.backendUrl}/api/auth/login`, 500, { method: "POST" });
    const own401 = seen(`${target.frontendUrl}/api/me`, 401, {
      headers: { "x-vercel-id": "fra1::x" },
    });
    const favicon = seen(`${target.frontendUrl}/favicon.ico`, 404, {
      headers: { "x-vercel-error": "NOT_FOUND", "x-vercel-id": "fra1::y" },
    });
    const found = diagnose(
      input({ project: "browser", observations: [own401, favicon, backend500] }),
    );
    assert.equal(found?.line, "backend on Render: POST /api/auth/login answered 500");
  });

  it("a paused project is named for the backend's failures too", () => {
    const found = diagnose(
      input({
        observations: [seen(`${target.backendUrl}/health`, 503)],
        platform: snapshot({
          supabase: { ref: "abcdefghijklmnopqrst", status: "INACTIVE", services: [] },
        }),
      }),
    );
    assert.equal(found?.line, "database · project paused: Management API status INACTIVE");
  });

  it("an unhealthy service is named only where the failure depends on it", () => {
    const services = [{ name: "storage", healthy: false, status: "UNHEALTHY" }];
    const found = diagnose(
      input({
        project: "supabase",
        observations: [seen(`${target.supabaseUrl}/auth/v1/token`, 500, { method: "POST" })],
        platform: snapshot({
          supabase: { ref: "abcdefghijklmnopqrst", status: "ACTIVE_HEALTHY", services },
        }),
      }),
    );
    assert.equal(found?.line, "Supabase auth: POST /auth/v1/token answered 500");
  });

  it("a cold start at the run's start is not blamed for a later failure", () => {
    const probe = { url: "", firstMs: 30_000, secondMs: 40, coldStartMs: 29_960, budgetMs: 0 };
    const found = diagnose(
      input({
        observations: [seen(`${target.backendUrl}/users`, 503)],
        platform: snapshot({ probes: { backend: probe, certificates: [] } }),
      }),
    );
    assert.equal(found?.line, "backend on Render: GET /users answered 503");
  });

  it("tells the target's parts apart by origin and path", () => {
    assert.equal(whereOf(`${target.supabaseUrl}/auth/v1/signup`, target), "auth");
    assert.equal(whereOf(`${target.supabaseUrl}/rest/v1/x`, target), "database");
    assert.equal(whereOf(`${target.backendUrl}/health`, target), "backend");
    assert.equal(whereOf(`${target.frontendUrl}/_next/app.js`, target), "frontend");
    assert.equal(whereOf("https://fonts.example.net/a.css", target), "elsewhere");
    assert.equal(whereOf("not a url", target), "elsewhere");
  });
});
