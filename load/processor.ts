/**
 * Artillery hooks for load/scenarios/*.yml. They only wire the shared
 * journeys (journeys/) into Artillery: which request to send, and
 * whether the answer was right. Artillery bundles this file (esbuild) into
 * each run, so it imports plain modules only.
 */
import {
  healthProblem,
  healthRequest,
  loginProblem,
  loginRequest,
  registerProblem,
  registerRequest,
} from "../journeys/backend.ts";
import { assetProblem, linkedAssets, pageProblem } from "../journeys/frontend.ts";
import type { Problem } from "../journeys/request.ts";
import { passwordGrantProblem, passwordGrantRequest } from "../journeys/supabase-auth.ts";
import { syntheticEmail, syntheticPassword } from "../target/synthetic-users.ts";
import { type AppPaths, readAppPaths, requirePath } from "./app-paths.ts";
import { failedCounter, requestsCounter } from "./metric-names.ts";

interface Context {
  vars: Record<string, unknown>;
}
interface Events {
  emit(type: "counter", name: string, value: number): void;
}
interface Request {
  name?: string;
  url: string;
  headers?: Record<string, string>;
}
interface Response {
  statusCode: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface Credentials {
  email: string;
  password: string;
}

let loginUsers: Credentials[] | undefined;
let nextUser = 0;
let paths: AppPaths | undefined;

/** The app's paths, from the profile through `npm run load` (see app-paths.ts). */
function app(): AppPaths {
  paths ??= readAppPaths();
  return paths;
}

/** Users made by `npm run load` before the run; passed in the environment, never on disk. */
function pickLoginUser(): Credentials {
  loginUsers ??= JSON.parse(process.env.LOAD_LOGIN_USERS ?? "[]") as Credentials[];
  const user = loginUsers[nextUser++ % Math.max(1, loginUsers.length)];
  if (!user) throw new Error("LOAD_LOGIN_USERS is empty: npm run load creates the login users");
  return user;
}

function parseJson(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function size(body: unknown): number {
  return typeof body === "string" ? body.length : Buffer.isBuffer(body) ? body.length : 0;
}

function header(res: Response, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const CHECKS: Record<string, (res: Response) => Problem> = {
  "backend.health": (res) => healthProblem(res.statusCode, parseJson(res.body)),
  "backend.login": (res) => loginProblem(res.statusCode, parseJson(res.body)),
  "backend.register": (res) => registerProblem(res.statusCode, parseJson(res.body)),
  "supabase.token": (res) => passwordGrantProblem(res.statusCode, parseJson(res.body)),
  "frontend.page": (res) => pageProblem(res.statusCode, header(res, "content-type")),
  "frontend.asset": (res) => assetProblem(res.statusCode, size(res.body)),
};

export async function prepareHealth(context: Context): Promise<void> {
  context.vars.request = healthRequest(requirePath(app(), "health"));
}

export async function prepareLogin(context: Context): Promise<void> {
  context.vars.request = loginRequest(requirePath(app(), "login"), pickLoginUser());
}

export async function prepareToken(context: Context): Promise<void> {
  context.vars.request = passwordGrantRequest(process.env.SUPABASE_ANON_KEY ?? "", pickLoginUser());
}

export async function prepareRegistration(context: Context): Promise<void> {
  const runId = process.env.SYNTHETIC_RUN_ID ?? "load";
  // Artillery's worker id keeps addresses of parallel workers apart, like Playwright's worker index.
  const workerIndex = Number(process.env.LOCAL_WORKER_ID ?? 0) % 1000;
  const email = syntheticEmail({
    prefix: process.env.SYNTHETIC_EMAIL_PREFIX ?? "synthetic",
    runId,
    workerIndex,
    domain: process.env.SYNTHETIC_EMAIL_DOMAIN ?? "example.com",
  });
  context.vars.request = registerRequest(
    requirePath(app(), "register"),
    { email, password: syntheticPassword(), fullName: `Synthetic ${runId} load` },
    app().nameKey,
  );
}

export async function preparePages(context: Context): Promise<void> {
  context.vars.pages = app().pages;
  context.vars.assets = [];
}

export async function countRequest(req: Request, _context: Context, events: Events) {
  if (!req.name) return;
  events.emit("counter", requestsCounter(req.name), 1);
  // A zero makes the counter exist, so `ensure` can divide by it on a clean run.
  events.emit("counter", failedCounter(req.name), 0);
}

/** Sends the Vercel protection bypass to the frontend only, as the suite does. */
export async function frontendBypass(req: Request): Promise<void> {
  const secret = process.env.VERCEL_PROTECTION_BYPASS;
  if (secret) req.headers = { ...req.headers, "x-vercel-protection-bypass": secret };
}

export async function checkResponse(
  req: Request,
  res: Response,
  context: Context,
  events: Events,
): Promise<void> {
  if (!req.name) return;
  const problem = CHECKS[req.name]?.(res) ?? (res.statusCode >= 400 ? "error status" : undefined);
  if (problem) events.emit("counter", failedCounter(req.name), 1);
  if (req.name === "frontend.page" && !problem && typeof res.body === "string") {
    const known = new Set(context.vars.assets as string[]);
    for (const asset of linkedAssets(res.body, req.url)) known.add(asset.path);
    context.vars.assets = [...known];
  }
}

/** Timeouts and refused connections never reach checkResponse; they fail the request all the same. */
export function countError(
  _error: Error,
  req: Request,
  _context: Context,
  events: Events,
  done: () => void,
): void {
  if (req.name) events.emit("counter", failedCounter(req.name), 1);
  done();
}
