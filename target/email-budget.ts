// The email budget: every @email journey sends real mail, and Supabase's
// built-in SMTP sends 2 emails an hour, so scheduled runs run them at most
// every `everyMinutes` (the profile's email.scheduledEveryMinutes). The run
// decides once, at its start, in the main process (playwright.config.ts), and
// hands the decision to its workers in SYNTHETIC_EMAIL_BUDGET; the first
// email journey of a due run records the run's start in the budget file.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export const DEFAULT_EMAIL_BUDGET_PATH = ".alerts/email-budget.json";

/** SYNTHETIC_EMAIL_BUDGET_PATH, or the default beside the alert state. */
export function emailBudgetPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SYNTHETIC_EMAIL_BUDGET_PATH?.trim() || DEFAULT_EMAIL_BUDGET_PATH;
}

/** What a run may do with its email journeys. */
export type EmailBudget =
  | { due: true; runStartedAt: string }
  | { due: false; reason: string; runStartedAt: string };

interface BudgetFile {
  /** Per target (its Supabase origin): when a run last ran the email journeys. */
  lastRun: Record<string, string>;
}

async function readBudget(path: string): Promise<BudgetFile | "damaged"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lastRun: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<BudgetFile>;
    const lastRun = parsed.lastRun;
    if (
      typeof lastRun !== "object" ||
      lastRun === null ||
      Object.values(lastRun).some((value) => typeof value !== "string" || !Date.parse(value))
    )
      return "damaged";
    return { lastRun };
  } catch {
    return "damaged";
  }
}

/** The key of a target in the budget file: its Supabase origin, or the stand-in's name. */
export function budgetKey(supabaseUrl: string | undefined): string {
  if (!supabaseUrl || !URL.canParse(supabaseUrl)) return "reference stack";
  return new URL(supabaseUrl).origin;
}

export interface BudgetQuestion {
  path: string;
  key: string;
  everyMinutes: number;
  scheduled: boolean;
  now?: Date;
}

/**
 * Whether this run's email journeys are due. Acceptance runs always are (a
 * release gate checks everything); a damaged budget file counts as "never
 * ran" and is left for `recordEmailRun` to replace.
 */
export async function decideEmailBudget(question: BudgetQuestion): Promise<EmailBudget> {
  const now = question.now ?? new Date();
  const runStartedAt = now.toISOString();
  if (!question.scheduled || question.everyMinutes === 0) return { due: true, runStartedAt };
  const file = await readBudget(question.path);
  const last = file === "damaged" ? undefined : file.lastRun[question.key];
  if (last === undefined) return { due: true, runStartedAt };
  const next = Date.parse(last) + question.everyMinutes * 60_000;
  if (next <= now.getTime()) return { due: true, runStartedAt };
  return {
    due: false,
    runStartedAt,
    reason:
      `email budget: scheduled runs send the email journeys' mail at most every ${question.everyMinutes} min ` +
      `(email.scheduledEveryMinutes); last at ${last}, next from ${new Date(next).toISOString()}`,
  };
}

/** Records that a run ran the email journeys (written whole, then renamed over the old file). */
export async function recordEmailRun(path: string, key: string, at: string): Promise<void> {
  const file = await readBudget(path);
  const lastRun = file === "damaged" ? {} : file.lastRun;
  if (lastRun[key] === at) return;
  lastRun[key] = at;
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, `${JSON.stringify({ lastRun }, null, 2)}\n`);
  await rename(temp, path);
}

/** The decision as playwright.config.ts hands it to workers. */
export function encodeBudget(budget: EmailBudget): string {
  return JSON.stringify(budget);
}

/** The run's decision; a run started without one (a bare worker) runs its email journeys. */
export function budgetFromEnv(env: NodeJS.ProcessEnv = process.env): EmailBudget {
  const raw = env.SYNTHETIC_EMAIL_BUDGET;
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as EmailBudget;
      if (typeof parsed.due === "boolean" && typeof parsed.runStartedAt === "string") return parsed;
    } catch {
      // fall through: a mangled hand-over must not silence the journeys
    }
  }
  return { due: true, runStartedAt: new Date().toISOString() };
}
