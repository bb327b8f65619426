import type { RunningStack } from "../stack/index.ts";

/**
 * The variables that point the suite at a booted reference stack, as a real
 * target's would: the stack's own, the mail sink as the email journeys'
 * mailbox (unless SYNTHETIC_MAILBOX names another) and the environment name.
 */
export function stackTargetEnv(
  stack: Pick<RunningStack, "env" | "urls">,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const vars: Record<string, string> = { ...stack.env };
  if (!env.SYNTHETIC_MAILBOX?.trim()) {
    vars.SYNTHETIC_MAILBOX = "mailpit";
    vars.SYNTHETIC_MAILBOX_URL = stack.urls.mailApi;
  }
  vars.SYNTHETIC_ENV = env.SYNTHETIC_ENV?.trim() || "local";
  return vars;
}
