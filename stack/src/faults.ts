/**
 * Faults the reference stack can switch on, so that every check of the suite
 * can be shown to fail when its fault is present. Parts read the switches per
 * request through `FaultSwitches`; the stack's control API flips them.
 */
export const FAULT_NAMES = [
  "schema-erased",
  "column-missing",
  "trigger-missing",
  "rls-disabled",
  "trigger-disabled",
  "policy-widened",
  "grant-revoked",
  "constraints-dropped",
  "auth-503",
  "register-500",
  "auth-links-expired",
  "mail-down",
  "recovery-disabled",
  "backend-latency",
  "backend-down",
  "frontend-js-error",
  "cors-refused",
  "key-leaked",
  "render-cold-start",
  "render-deploying",
  "render-suspended",
  "vercel-function-timeout",
  "vercel-protection",
  "supabase-paused",
  "supabase-rate-limited",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export const FAULT_DESCRIPTIONS: Record<FaultName, string> = {
  "schema-erased": "public.profiles, its trigger and function are dropped (ssr: public.notes too)",
  "column-missing": "column public.profiles.full_name is dropped",
  "trigger-missing": "trigger on_auth_user_created on auth.users is dropped",
  "rls-disabled": "row level security is disabled on public.profiles (ssr: on public.notes)",
  "trigger-disabled": "trigger on_auth_user_created on auth.users is disabled (still there)",
  "policy-widened":
    "the owner-only select policy is replaced by one of the same name that lets every signed-in user read every row (ssr: on public.notes)",
  "grant-revoked": "select on public.profiles is revoked from authenticated (ssr: on public.notes)",
  "constraints-dropped":
    "public.profiles loses its unique and check constraints and the cascade of its foreign key (ssr: profiles' unique username, notes' cascade)",
  "auth-503": "Supabase Auth (/auth/v1) answers 503 to every request",
  "register-500": "POST /api/auth/register answers 500 (ssr: Supabase Auth's POST /auth/v1/signup)",
  "auth-links-expired":
    "Supabase Auth treats every emailed link and code as expired (403 otp_expired; GET /auth/v1/verify redirects with it in the fragment)",
  "mail-down":
    "the mail sink refuses Supabase Auth's mail (SMTP 451 to MAIL FROM noreply@auth.local), so Auth answers 500 \"Error sending … email\"; other senders' mail (alerts) still arrives",
  "recovery-disabled":
    "POST /auth/v1/recover answers {} as for an unknown address and mails nothing: a recovery flow that stopped silently",
  "backend-latency": "every backend response is delayed by N ms (value, default 1500)",
  "backend-down": "the backend stops listening",
  "frontend-js-error": "every frontend page throws an uncaught JavaScript error",
  "cors-refused": "the backend's CORS refuses the frontend's origin",
  "key-leaked": "the service-role key is embedded in the frontend's JavaScript",
  "render-cold-start":
    "the backend is a spun-down Render free instance: asleep when switched on, the next request (and any arriving while it wakes) is answered after N ms (value, default 5000); asleep again after 20 s without requests",
  "render-deploying":
    "a new deploy appears in the Render API (build_in_progress, then update_in_progress) and the backend answers 503 for N s (value, default 20); then the deploy is live with a new commit (the previous one deactivated), /health reports it and the fault switches itself off; cleared earlier, the deploy is canceled",
  "render-suspended":
    'the Render API reports the backend\'s service suspended ("suspended", suspenders ["user"]) and the backend answers 503 (a "Service Suspended" page) to every request',
  "vercel-function-timeout":
    "the frontend's HTML pages (404 pages too) answer 504 with x-vercel-error: FUNCTION_INVOCATION_TIMEOUT and Vercel's plain error body (assets are still served)",
  "vercel-protection":
    "Deployment Protection is on and the bypass secret was rotated: the frontend answers Vercel Authentication's 401 to every request without the new secret in x-vercel-protection-bypass (or the _vercel_jwt cookie such a request with x-vercel-set-bypass-cookie got); VERCEL_PROTECTION_BYPASS is refused",
  "supabase-paused":
    "the Supabase project is paused: the Management API reports INACTIVE (services unhealthy) and every request to the project (/auth/v1, /rest/v1, …) answers HTTP 540",
  "supabase-rate-limited":
    "Supabase Auth answers 429 to requests without the service-role key: over_email_send_rate_limit on signup, recover, otp and resend, over_request_rate_limit elsewhere (not /health, /settings, the JWKS)",
};

export const DEFAULT_LATENCY_MS = 1500;

/** Values a fault takes when none is given. */
export const FAULT_DEFAULT_VALUES: Partial<Record<FaultName, number>> = {
  "backend-latency": DEFAULT_LATENCY_MS,
  "render-cold-start": 5000,
  "render-deploying": 20,
};

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** What the parts see: whether a fault is on, and its numeric value if any. */
export interface FaultSwitches {
  on(name: FaultName): boolean;
  value(name: FaultName): number | undefined;
}

export class FaultState implements FaultSwitches {
  readonly #active = new Map<FaultName, number | undefined>();

  on(name: FaultName): boolean {
    return this.#active.has(name);
  }

  value(name: FaultName): number | undefined {
    return this.#active.get(name);
  }

  set(name: FaultName, value?: number): void {
    this.#active.set(name, value);
  }

  clear(name: FaultName): void {
    this.#active.delete(name);
  }

  list(): Array<{ name: FaultName; value?: number }> {
    return [...this.#active].map(([name, value]) =>
      value === undefined ? { name } : { name, value },
    );
  }
}

/**
 * Parses `name` or `name=value` items, as given by `--fault` flags or the
 * comma-separated STACK_FAULTS variable. Throws naming the bad item.
 */
export function parseFaultSpec(spec: string): { name: FaultName; value?: number } {
  const [rawName = "", rawValue] = spec.split("=", 2);
  const name = rawName.trim();
  if (!isFaultName(name)) {
    throw new Error(`unknown fault "${name}"; known faults: ${FAULT_NAMES.join(", ")}`);
  }
  if (rawValue === undefined || rawValue.trim() === "") return { name };
  const value = Number(rawValue);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`fault "${name}" takes a non-negative number, got "${rawValue}"`);
  }
  return { name, value };
}

/** The faults STACK_FAULTS asks for (comma-separated specs), checked; throws naming the bad item. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const specs = (env.STACK_FAULTS ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const spec of specs) {
    try {
      parseFaultSpec(spec);
    } catch (error) {
      throw new Error(`STACK_FAULTS: ${(error as Error).message}`);
    }
  }
  return specs;
}
