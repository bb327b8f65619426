// `npm run doctor`: before the first run against a configured target, ask each
// part what it is and what that means for the journeys, without changing
// anything (GET and OPTIONS requests only), and propose a starting app profile.

import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppProfile } from "../contract/profile.ts";
import { parseCommandLine } from "../scripts/command-line.ts";
import { Redactor } from "../secrets/redactor.ts";
import { configuredSecrets } from "../secrets/variables.ts";
import {
  ConfigError,
  hasNoTarget,
  loadDotenv,
  parseConfig,
  type TargetConfig,
} from "../target/config.ts";
import { exitCode, type Row, TIMEOUT_MS } from "./check.ts";
import {
  judgeAuthSettings,
  observeAuthSettings,
  readAuthSettings,
} from "./checks/auth-settings.ts";
import { judgeBackend, judgeCors, observeBackend, observeCors } from "./checks/backend.ts";
import { judgeFrontend, observeFrontend } from "./checks/frontend.ts";
import { judgeRateLimits, parseEvery } from "./checks/rate-limits.ts";
import { judgeKeys, judgeSupabase, observeKeys, observeSupabase } from "./checks/supabase.ts";
import { judgeProfile, observePages } from "./profile/pages.ts";
import { propose, renderSkeleton } from "./profile/proposal.ts";
import { readProfileState } from "./profile/state.ts";
import { renderTable } from "./table.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `Usage: npm run doctor -- [--every DURATION] [--write PATH]

Checks the configured target (the variables a run reads, .env and
.env.<SYNTHETIC_ENV> included) with read-only requests, each bounded to
${TIMEOUT_MS / 1000} s, and prints a table: check, status (ok/warn/fail), what
it found, what that means for the journeys. Then prints an app profile
proposed from the forms in the frontend's HTML.

  --every DURATION  the schedule the monitor will run on, for the rate-limit
                    check: 10m (default), 1h, 90s
  --write PATH      also write the proposed profile to PATH (a new file)

Exit 0 when every check is ok, 1 with findings, 2 for bad configuration.`;

function fail(message: string): never {
  process.stderr.write(`doctor: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const values = parseCommandLine("doctor", USAGE, {
    every: { type: "string" },
    write: { type: "string" },
    help: { type: "boolean" },
  });
  const everyMinutes = parseEvery(values.every ?? "10m");
  if (everyMinutes === undefined)
    fail(`--every must be a duration such as 10m, 1h or 90s, got "${values.every}"`);
  const writeTo = values.write ? path.resolve(values.write) : undefined;
  if (writeTo && existsSync(writeTo)) fail(`--write: ${values.write} exists; name a new file`);

  loadDotenv();
  if (hasNoTarget()) {
    fail(
      "no target configured. Start the reference stack with `npm run stack` and load its variables " +
        "(set -a; . .stack/stack.env; set +a), or set FRONTEND_URL, SUPABASE_URL, SUPABASE_ANON_KEY, " +
        "SUPABASE_SERVICE_ROLE_KEY (and BACKEND_URL if the app has a backend), in the environment or .env",
    );
  }
  let config: TargetConfig;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  // Belt and braces: nothing below prints a key, but answers are quoted in places.
  const redactor = new Redactor(
    [...configuredSecrets(), { name: "SUPABASE_ANON_KEY", value: config.anonKey }],
    { label: "plain" },
  );
  const print = (text: string) => process.stdout.write(redactor.text(text));

  // Unset, there is no profile of the user's to judge: the default describes the reference app.
  const profile = await readProfileState();
  const loaded: AppProfile | undefined = profile && "name" in profile ? profile : undefined;
  print(
    `Doctor for the ${config.env} target ${config.frontendUrl}: read-only checks, ${TIMEOUT_MS / 1000} s each.\n\n`,
  );

  const { rows, skeleton } = await examine(config, loaded, profile, everyMinutes, writeTo);
  // A terminal's width; piped, COLUMNS as shells set it, else 120.
  const width = process.stdout.columns ?? (Number(process.env.COLUMNS) || 120);
  print(`${renderTable(rows, Math.max(80, width))}\n\n`);
  if (writeTo) {
    await writeFile(writeTo, redactor.text(skeleton), { flag: "wx" });
    print(`Wrote the proposed app profile to ${path.relative(process.cwd(), writeTo)}.\n`);
  } else {
    print(
      `Proposed app profile, for a file in contract/ (write it with --write PATH):\n\n${skeleton}\n`,
    );
  }
  const findings = rows.filter((row) => row.status !== "ok").length;
  print(
    findings === 0
      ? "Every check is ok.\n"
      : `${findings} finding${findings === 1 ? "" : "s"}: see the rows marked warn or fail.\n`,
  );
  process.exitCode = exitCode(rows);
}

async function examine(
  config: TargetConfig,
  loaded: AppProfile | undefined,
  profile: AppProfile | { problem: string } | undefined,
  everyMinutes: number,
  writeTo: string | undefined,
): Promise<{ rows: Row[]; skeleton: string }> {
  const healthPath = loaded?.backend?.health ?? "/health";
  const backendApi = loaded?.backend;
  const corsPath =
    backendApi?.login?.path ??
    backendApi?.register?.path ??
    backendApi?.protected?.path ??
    healthPath;
  const bypass = config.vercelBypass
    ? { "x-vercel-protection-bypass": config.vercelBypass }
    : ({} as Record<string, string>);
  const [frontend, backend, cors, supabase, keys, settings, pages] = await Promise.all([
    observeFrontend(config.frontendUrl, config.vercelBypass),
    observeBackend(config.backendUrl, healthPath, loaded?.backend !== undefined),
    config.backendUrl ? observeCors(config.backendUrl, corsPath, config.frontendUrl) : undefined,
    observeSupabase(config),
    observeKeys(config),
    observeAuthSettings(config),
    observePages(config.frontendUrl, bypass, loaded),
  ]);
  const rows = [
    judgeFrontend(frontend),
    judgeBackend(backend),
    ...(cors ? [judgeCors(cors)] : []),
    judgeSupabase(supabase),
    judgeKeys(keys),
    judgeAuthSettings(settings),
    judgeRateLimits(everyMinutes, config.readOnly, readAuthSettings(settings)),
    judgeProfile(profile, pages),
  ];
  const profileModule = path.join(ROOT, "contract", "profile.ts");
  const fromFile = path.relative(
    path.dirname(writeTo ?? path.join(ROOT, "contract", "x.ts")),
    profileModule,
  );
  const skeleton = renderSkeleton(propose(pages), {
    frontendUrl: config.frontendUrl,
    supabaseUrl: config.supabaseUrl,
    backend: config.backendUrl ? { health: healthPath } : undefined,
    profileImport: fromFile.startsWith(".") ? fromFile : `./${fromFile}`,
  });
  return { rows, skeleton };
}

main().catch((error: unknown) => {
  process.stderr.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
