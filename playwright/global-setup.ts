import type { FullConfig } from "@playwright/test";
import { type AppName, bootStack, FREE_PORTS, type JwtAlg } from "../stack/index.ts";
import { ConfigError, hasNoTarget, parseMailboxConfig } from "../target/config.ts";
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
