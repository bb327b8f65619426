import type { FullConfig } from "@playwright/test";
import { faultsFromEnv } from "../stack/src/faults.ts";
import { bootStack } from "../stack/src/stack.ts";
import { hasNoTarget } from "../target/config.ts";

/**
 * With no target configured, boots the reference stack on free ports (with
 * the faults of STACK_FAULTS, checked in playwright.config.ts) and points the
 * run at it through the same variables a real target uses.
 */
export default async function globalSetup(
  _config: FullConfig,
): Promise<(() => Promise<void>) | undefined> {
  if (!hasNoTarget()) return undefined;
  const faults = faultsFromEnv();
  const stack = await bootStack({
    ports: { frontend: 0, backend: 0, supabase: 0, db: 0, mailApi: 0, smtp: 0, control: 0 },
    envFile: false,
    faults,
  });
  for (const [name, value] of Object.entries(stack.env)) process.env[name] = value;
  process.env.SYNTHETIC_ENV ??= "local";
  process.stdout.write(
    `No target configured: booted the reference stack (${stack.urls.frontend})${faults.length > 0 ? ` with faults ${faults.join(", ")}` : ""}.\n`,
  );
  // The alert reporter delivers to the stack's mail sink after this teardown.
  return () => stack.stop({ keepMailSink: true });
}
