import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { app } from "../contract/index.ts";
import {
  ColdStartBudgetError,
  coldStartBudgetFromEnv,
  PLATFORM_FILE_VARIABLE,
  PlatformConfigError,
  parsePlatformEnv,
  takePlatformSnapshot,
  writePlatformSnapshot,
} from "../platform/index.ts";
import { type AppName, bootStack, FREE_PORTS, type JwtAlg } from "../stack/index.ts";
import { ConfigError, hasNoTarget, parseConfig, parseMailboxConfig } from "../target/config.ts";
import { checkMailbox, MailboxError } from "../target/mailbox.ts";
import { stackTargetEnv } from "./stack-target.ts";

/**
 * With no target configured, boots the reference stack on free ports (the app
 * shape of STACK_APP, the faults of STACK_FAULTS, the token signing of
 * STACK_JWT_ALG and the "Confirm email" setting of STACK_CONFIRM_EMAIL, parsed and checked once
 * by playwright.config.ts and handed over in config.metadata) and points the
 * run at it through the same variables a real target uses.
 */
export default async function globalSetup(
  config: FullConfig,
): Promise<(() => Promise<void>) | undefined> {
  if (!hasNoTarget()) {
    await preflightMailbox();
    await snapshotPlatform(config);
    return undefined;
  }
  const faults: string[] = config.metadata.stackFaults ?? [];
  const app: AppName | undefined = config.metadata.stackApp;
  const jwtAlg: JwtAlg | undefined = config.metadata.stackJwtAlg;
  const confirmEmail: boolean = config.metadata.stackConfirmEmail ?? false;
  const stack = await bootStack({
    app,
    jwtAlg,
    confirmEmail,
    ports: FREE_PORTS,
    envFile: false,
    faults,
  });
  for (const [name, value] of Object.entries(stackTargetEnv(stack))) process.env[name] = value;
  process.stdout.write(
    `No target configured: booted the reference stack (app ${stack.app}, ${stack.urls.frontend}${jwtAlg && jwtAlg !== "HS256" ? `, ${jwtAlg} session tokens` : ""}${confirmEmail ? ", Confirm email on" : ""})${faults.length > 0 ? ` with faults ${faults.join(", ")}` : ""}.\n`,
  );
  await preflightMailbox();
  await snapshotPlatform(config);
  // The alert reporter delivers to the stack's mail sink after this teardown.
  return () => stack.stop({ keepMailSink: true });
}

/** A mailbox the email journeys cannot read stops the run before it starts (exit 2), naming the variable. */
async function preflightMailbox(): Promise<void> {
  try {
    const config = parseMailboxConfig();
    if (config) await checkMailbox(config);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof MailboxError)) throw error;
    process.stderr.write(`Invalid configuration:\n  - ${error.message}\n`);
    process.exit(2);
  }
}

/**
 * What the platforms' APIs say and how the backend answers its first request,
 * taken once before the tests (bounded by timeouts, never failing the run) and
 * left in the output folder, where workers and reporters find it through
 * SYNTHETIC_PLATFORM_FILE. A malformed platform variable stops the run (exit 2).
 */
async function snapshotPlatform(config: FullConfig): Promise<void> {
  let access: ReturnType<typeof parsePlatformEnv>;
  let budgetMs: number;
  try {
    access = parsePlatformEnv();
    budgetMs = coldStartBudgetFromEnv();
  } catch (error) {
    if (!(error instanceof PlatformConfigError || error instanceof ColdStartBudgetError))
      throw error;
    process.stderr.write(`Invalid configuration:\n  - ${error.message}\n`);
    process.exit(2);
  }
  const target = parseConfig();
  const backendHealthUrl =
    target.backendUrl && app.backend
      ? new URL(app.backend.health, `${target.backendUrl.replace(/\/?$/, "/")}`).toString()
      : undefined;
  const snapshot = await takePlatformSnapshot(
    access,
    {
      ...(backendHealthUrl ? { backendHealthUrl } : {}),
      origins: [target.frontendUrl, target.backendUrl, target.supabaseUrl].filter(
        (url): url is string => url !== undefined,
      ),
    },
    { budgetMs, log: (line) => process.stdout.write(`${line}\n`) },
  );
  const probe = snapshot.probes.backend;
  if (probe?.coldStartMs !== undefined) {
    process.stdout.write(
      `Backend: the first request took ${probe.firstMs} ms, the re-check ${probe.secondMs} ms: a cold start of about ${probe.coldStartMs} ms (budget ${budgetMs} ms).\n`,
    );
  }
  const outputDir = config.projects[0]?.outputDir ?? path.join(config.rootDir, "test-results");
  // Named by run: two runs sharing an output folder never read each other's snapshot.
  const file = path.join(outputDir, `platform-${process.env.SYNTHETIC_RUN_ID ?? "run"}.json`);
  await writePlatformSnapshot(file, snapshot);
  process.env[PLATFORM_FILE_VARIABLE] = file;
}
