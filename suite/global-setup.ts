import type { FullConfig } from "@playwright/test";
import { bootStack } from "../stack/src/stack.ts";
import { hasNoTarget } from "./config.ts";

/**
 * With no target configured, boots the reference stack on free ports and
 * points the run at it through the same variables a real target uses.
 */
export default async function globalSetup(
  _config: FullConfig,
): Promise<(() => Promise<void>) | undefined> {
  if (!hasNoTarget()) return undefined;
  const stack = await bootStack({
    ports: { frontend: 0, backend: 0, supabase: 0, db: 0, mailApi: 0, smtp: 0, control: 0 },
    envFile: false,
  });
  for (const [name, value] of Object.entries(stack.env)) process.env[name] = value;
  process.env.SYNTHETIC_ENV ??= "local";
  process.stdout.write(
    `No target configured: booted the reference stack (${stack.urls.frontend}).\n`,
  );
  return () => stack.stop();
}
