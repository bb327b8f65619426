// `npm run bench`: wall time of a full suite run against the reference stack,
// and a lower bound measured in the same process: the same journeys as bare
// HTTP requests plus one bare Chromium page flow, without the test framework.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import spa from "../contract/app.ts";
import { parseProfile } from "../contract/profile.ts";
import { locate } from "../fixtures/app-ui.ts";
import { pagePaths } from "../journeys/frontend.ts";
import { CHROMIUM_ARGS, chromiumExecutable } from "../playwright/chromium.ts";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";

// The bench measures the reference app (spa), whose backend has every endpoint.
const app = parseProfile(spa, "contract/app.ts");
const { register, login, protected: guarded } = app.backend ?? {};
if (!app.backend || !register || !login || !guarded)
  throw new Error("contract/app.ts lost its backend");
const api = {
  health: app.backend.health,
  register: register.path,
  login: login.path,
  me: guarded.path,
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function timed<T>(
  label: string,
  into: Record<string, number>,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const result = await work();
  into[label] = (into[label] ?? 0) + performance.now() - started;
  return result;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  if (!response.ok && response.status >= 500)
    throw new Error(`${response.url} answered ${response.status}`);
  return (await response.json().catch(() => ({}))) as Record<string, unknown>;
}

/** The suite's journeys as plain requests, sequential: what the work costs without a framework. */
async function bareHttp(stack: RunningStack, parts: Record<string, number>): Promise<void> {
  const { urls, keys } = stack;
  const admin = {
    apikey: keys.serviceRoleKey,
    authorization: `Bearer ${keys.serviceRoleKey}`,
    "content-type": "application/json",
  };
  const anon = {
    apikey: keys.anonKey,
    authorization: `Bearer ${keys.anonKey}`,
    "content-type": "application/json",
  };
  const post = (
    url: string,
    body: unknown,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) => fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const created: string[] = [];
  const newUser = async () => {
    const email = `bench-${crypto.randomUUID()}@example.com`;
    const user = await json(
      await post(
        `${urls.supabase}/auth/v1/admin/users`,
        {
          email,
          password: "bench-password-1",
          email_confirm: true,
          user_metadata: { full_name: "Bench" },
        },
        admin,
      ),
    );
    created.push(String(user.id));
    return { email, id: String(user.id) };
  };

  await timed("api", parts, async () => {
    await json(await fetch(`${urls.backend}${api.health}`));
    const email = `bench-${crypto.randomUUID()}@example.com`;
    const registered = await json(
      await post(`${urls.backend}${api.register}`, {
        email,
        password: "bench-password-1",
        full_name: "Bench",
      }),
    );
    created.push(String((registered.user as { id: string }).id));
    await json(
      await fetch(
        `${urls.supabase}/rest/v1/profiles?select=*&id=eq.${(registered.user as { id: string }).id}`,
        { headers: admin },
      ),
    );
    await post(`${urls.backend}${api.register}`, {
      email,
      password: "bench-password-1",
      full_name: "Bench",
    });
    await post(`${urls.backend}${api.register}`, {
      email: "x",
      password: "bench-password-1",
      full_name: "Bench",
    });
    const other = await newUser();
    await post(`${urls.backend}${api.login}`, {
      email: other.email,
      password: "wrong-password",
    });
    const login = await json(
      await post(`${urls.backend}${api.login}`, {
        email: other.email,
        password: "bench-password-1",
      }),
    );
    await json(
      await fetch(`${urls.backend}${api.me}`, {
        headers: { authorization: `Bearer ${login.access_token}` },
      }),
    );
    for (const origin of [urls.frontend, "https://evil.example"]) {
      await fetch(`${urls.backend}${api.login}`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    }
  });
  await timed("supabase", parts, async () => {
    const email = `bench-${crypto.randomUUID()}@example.com`;
    const session = await json(
      await post(`${urls.supabase}/auth/v1/signup`, { email, password: "bench-password-1" }, anon),
    );
    created.push(String((session.user as { id: string }).id));
    const signIn = await json(
      await post(
        `${urls.supabase}/auth/v1/token?grant_type=password`,
        { email, password: "bench-password-1" },
        anon,
      ),
    );
    const bearer = { ...anon, authorization: `Bearer ${signIn.access_token}` };
    await json(await fetch(`${urls.supabase}/auth/v1/user`, { headers: bearer }));
    const refreshed = await json(
      await post(
        `${urls.supabase}/auth/v1/token?grant_type=refresh_token`,
        { refresh_token: signIn.refresh_token },
        anon,
      ),
    );
    const fresh = { ...anon, authorization: `Bearer ${refreshed.access_token}` };
    await json(
      await fetch(`${urls.supabase}/auth/v1/user`, {
        method: "PUT",
        headers: fresh,
        body: JSON.stringify({ data: { nickname: "b" } }),
      }),
    );
    await fetch(`${urls.supabase}/auth/v1/logout`, { method: "POST", headers: fresh });
    await post(
      `${urls.supabase}/auth/v1/token?grant_type=refresh_token`,
      { refresh_token: refreshed.refresh_token },
      anon,
    );
    await post(
      `${urls.supabase}/auth/v1/token?grant_type=password`,
      { email, password: "wrong" },
      anon,
    );
    await json(
      await fetch(`${urls.supabase}/auth/v1/admin/users?page=1&per_page=50`, { headers: admin }),
    );
  });
  await timed("schema", parts, async () => {
    await json(await fetch(`${urls.supabase}/rest/v1/`, { headers: admin }));
    await json(
      await fetch(
        `${urls.supabase}/rest/v1/profiles?select=id,email,full_name,created_at,updated_at&limit=0`,
        { headers: admin },
      ),
    );
  });
  await timed("security", parts, async () => {
    await newUser();
    await json(
      await fetch(`${urls.supabase}/rest/v1/profiles?select=id&limit=5`, { headers: anon }),
    );
    for (const path of pagePaths(app)) await (await fetch(`${urls.frontend}${path}`)).text();
    await fetch(`${urls.backend}${api.me}`);
  });
  for (const id of created)
    await fetch(`${urls.supabase}/auth/v1/admin/users/${id}`, { method: "DELETE", headers: admin });
}

/** One browser flow without the test runner: launch, register through the form, see the dashboard. */
async function bareChromium(stack: RunningStack): Promise<void> {
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ baseURL: stack.urls.frontend });
    const { signUp } = app.forms;
    await page.goto(signUp.path);
    const person = {
      email: `bench-${crypto.randomUUID()}@example.com`,
      password: "bench-password-1",
      fullName: "Bench",
    };
    for (const field of signUp.fields) {
      const value = typeof field.value === "object" ? field.value.constant : person[field.value];
      await locate(page, field.locator).fill(value);
    }
    await locate(page, signUp.submit).click();
    const proof = app.signedIn.proofs.find((item) => item.shows === "email");
    if (proof) await locate(page, proof.locator).filter({ hasText: person.email }).waitFor();
  } finally {
    await browser.close();
  }
}

const stack = await bootStack({ ports: FREE_PORTS, envFile: false });
try {
  const env = { ...process.env, ...stack.env, SYNTHETIC_ENV: "local", CI: "" };
  const started = performance.now();
  // Asynchronous on purpose: the stack serves from this process, so a blocking spawn would starve it.
  const { code: status } = await runProcess(
    "npx",
    ["playwright", "test", "--reporter=dot", "--retries=0"],
    { cwd: ROOT, env },
  );
  const suiteMs = performance.now() - started;
  if (status !== 0)
    process.stderr.write(
      `warning: the suite run failed (exit ${status}); figures below are still printed\n`,
    );

  const parts: Record<string, number> = {};
  const t0 = performance.now();
  await bareHttp(stack, parts);
  const httpMs = performance.now() - t0;
  const t1 = performance.now();
  await bareChromium(stack);
  const chromiumMs = performance.now() - t1;
  const lowerBound = httpMs + chromiumMs;

  process.stdout.write(
    [
      "Suite run against the reference stack (stack booted beforehand, not counted)",
      `  full suite (npx playwright test, every project): ${(suiteMs / 1000).toFixed(2)} s`,
      `  lower bound, same process:                     ${(lowerBound / 1000).toFixed(2)} s`,
      `    bare HTTP journeys: ${(httpMs / 1000).toFixed(2)} s (${Object.entries(parts)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(", ")})`,
      `    bare Chromium flow (launch + register → dashboard): ${(chromiumMs / 1000).toFixed(2)} s`,
      `  ratio: ${(suiteMs / lowerBound).toFixed(2)}x (goal <= 1.5x), under 20 s: ${suiteMs < 20_000 ? "yes" : "no"}`,
      "",
    ].join("\n"),
  );
} finally {
  await stack.stop();
}
