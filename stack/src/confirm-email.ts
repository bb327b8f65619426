// STACK_CONFIRM_EMAIL: whether the stand-in's Auth runs with "Confirm email" on.

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["", "0", "false", "no", "off"]);

/** Whether STACK_CONFIRM_EMAIL asks for emailed confirmation (off when unset); throws naming the variable. */
export function confirmEmailFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = (env.STACK_CONFIRM_EMAIL ?? "").trim().toLowerCase();
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new Error(
    `STACK_CONFIRM_EMAIL: expected 1 or 0 (true/false), got "${env.STACK_CONFIRM_EMAIL}"`,
  );
}
