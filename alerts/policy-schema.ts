import { z } from "zod";
import { GROUP_LABELS } from "./identity.ts";
import { MATCH_LABELS } from "./matchers.ts";
import { CHANNEL_NAMES } from "./types.ts";

const channelName = z.enum(CHANNEL_NAMES);
const matchValue = z.union([z.string(), z.array(z.string()), z.instanceof(RegExp)]);
const matcher = z.strictObject(
  Object.fromEntries(MATCH_LABELS.map((name) => [name, matchValue.optional()])) as Record<
    (typeof MATCH_LABELS)[number],
    z.ZodOptional<typeof matchValue>
  >,
);
const instant = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.number()])
  .transform((value) => new Date(value).getTime());

const threshold = z.strictObject({
  /** Consecutive failed runs before the alert fires. */
  failures: z.number().int().min(1),
  /** Or this many minutes of continuous failure, whichever comes first. */
  minutes: z.number().positive().optional(),
  /** Consecutive passing runs before a firing alert resolves. */
  passesToResolve: z.number().int().min(1).default(1),
});
const thresholdsBySeverity = z.strictObject({ critical: threshold, warning: threshold });

const escalationStep = z
  .strictObject({
    afterMinutes: z.number().positive().optional(),
    afterRuns: z.number().int().min(1).optional(),
    channels: z.array(channelName).min(1),
  })
  .refine((step) => step.afterMinutes !== undefined || step.afterRuns !== undefined, {
    message: "an escalation step needs afterMinutes or afterRuns",
  });

const route = z.strictObject({
  match: matcher.optional(),
  channels: z.array(channelName),
  /** Keep evaluating the routes below after this one matched. */
  continue: z.boolean().default(false),
  escalate: z.array(escalationStep).default([]),
});

const reminders = z.strictObject({
  intervalMinutes: z.number().positive(),
  /** How many reminders at most while the firing set stays the same; 0 = none. */
  amount: z.number().int().min(0),
});

const channelPolicy = z.strictObject({
  sendResolved: z.boolean().default(true),
  reminders: reminders.optional(),
  /** Carries a critical group's message when this channel is broken. */
  fallback: channelName.optional(),
});

const inhibitRule = z.strictObject({
  /** A check matching this that failed in its latest run mutes… */
  source: matcher,
  /** …the firing checks matching this… */
  target: matcher.default({}),
  /** …that have the same values for these labels. */
  equal: z.array(z.enum(GROUP_LABELS)).default(["environment"]),
});

export const silenceSchema = z
  .strictObject({
    id: z.string().optional(),
    matchers: matcher,
    startsAt: instant,
    endsAt: instant,
    comment: z.string().default(""),
    createdBy: z.string().optional(),
  })
  .refine((silence) => silence.endsAt > silence.startsAt, {
    message: "a silence must end after it starts",
  });

const byRunKind = <T extends z.ZodType>(schema: T) =>
  z.strictObject({ acceptance: schema, scheduled: schema });

export const policySchema = z
  .strictObject({
    groupBy: z.array(z.enum(GROUP_LABELS)).min(1).default(["environment", "tier"]),
    thresholds: byRunKind(thresholdsBySeverity),
    flapping: z
      .strictObject({ low: z.number().min(0).max(100), high: z.number().min(0).max(100) })
      .refine((f) => f.low < f.high, { message: "flapping.low must be below flapping.high" })
      .default({ low: 25, high: 50 }),
    routes: z.array(route).min(1),
    channels: z.partialRecord(channelName, channelPolicy).default({}),
    reminders: reminders.default({ intervalMinutes: 240, amount: 3 }),
    inhibit: z.array(inhibitRule).default([]),
    silences: z.array(silenceSchema).default([]),
    digest: z.strictObject({
      channels: z.array(channelName),
      intervalMinutes: byRunKind(z.number().min(0)),
    }),
    notifier: z.strictObject({ channels: z.array(channelName) }),
    delivery: z
      .strictObject({
        budgetMs: z.number().int().min(100).max(120_000).default(10_000),
        attemptTimeoutMs: z.number().int().min(50).max(60_000).default(3_000),
        maxAttempts: z.number().int().min(1).max(10).default(4),
        backoffMs: z.number().int().min(1).max(10_000).default(250),
      })
      .default({ budgetMs: 10_000, attemptTimeoutMs: 3_000, maxAttempts: 4, backoffMs: 250 }),
    /** A check not seen for this long is dropped from state (renamed or deleted tests). */
    forgetAfterDays: z.number().positive().default(30),
  })
  .superRefine((policy, ctx) => {
    for (const paging of ["sms", "pagerduty"] as const) {
      if (policy.digest.channels.includes(paging)) {
        ctx.addIssue({
          code: "custom",
          path: ["digest", "channels"],
          message: `the low-priority digest must never page: remove "${paging}"`,
        });
      }
    }
    for (const [name, settings] of Object.entries(policy.channels)) {
      if (settings?.fallback === name) {
        ctx.addIssue({
          code: "custom",
          path: ["channels", name, "fallback"],
          message: "a channel cannot fall back to itself",
        });
      }
    }
  });

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type Silence = z.output<typeof silenceSchema>;
export type Threshold = z.output<typeof threshold>;
export type Route = Policy["routes"][number];
export type InhibitRule = Policy["inhibit"][number];
export type ChannelPolicy = z.output<typeof channelPolicy>;

/** Validates a policy; a bad one stops the run with every problem and where it is. */
export function definePolicy(input: PolicyInput): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid alert policy:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
