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
  // STACK_APP and STACK_MIGRATIONS describe the stack, not the target: a run pointed at a
  // booted stack would only be told they are ignored.
  const { STACK_APP: _app, STACK_MIGRATIONS: _migrations, ...target } = stack.env;
  const vars: Record<string, string> = { ...target };
  if (!env.SYNTHETIC_MAILBOX?.trim()) {
    vars.SYNTHETIC_MAILBOX = "mailpit";
    vars.SYNTHETIC_MAILBOX_URL = stack.urls.mailApi;
  }
  vars.SYNTHETIC_ENV = env.SYNTHETIC_ENV?.trim() || "local";
  return vars;
}
