// What an automation is, as the automations form and the API take it: a trigger (a customer enters
// or leaves a segment), an optional delay, one action with its settings, a per-customer cap and
// firing hours. This file only says what is well-formed; automations.server.ts checks what needs
// the store (the segments and users exist). Browser-safe: zod only.
import { z } from "../models/zod";
import { freeText, oneLine } from "../models/ingest/text";
import { CampaignTemplates, ChannelChain, TimeOfDay, CAMPAIGN_CHANNELS } from "../campaigns/definition";

export const AUTOMATION_NAME_MAX = 200;
export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 20_000;
/** A delay of at most a year, in any unit. */
export const DELAY_MAX = { minutes: 525_600, hours: 8_760, days: 365 } as const;

const Id = (what: string) => z.number({ error: `must be ${what} id` }).int(`must be ${what} id`).positive(`must be ${what} id`).max(2_147_483_647, `must be ${what} id`);

export const AutomationTrigger = z
  .strictObject({
    segmentId: Id("a segment"),
    kind: z.enum(["entered", "left"], { error: "must be entered or left" }),
  })
  .meta({ description: "Fires for each customer who enters (or leaves) the segment after the automation is made." });

export const AutomationDelay = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("none") }),
      z.strictObject({ kind: z.literal("minutes"), amount: z.number({ error: "must be a number" }).int("must be whole").min(1, "must be at least 1").max(DELAY_MAX.minutes, `must be at most ${DELAY_MAX.minutes}`) }),
      z.strictObject({ kind: z.literal("hours"), amount: z.number({ error: "must be a number" }).int("must be whole").min(1, "must be at least 1").max(DELAY_MAX.hours, `must be at most ${DELAY_MAX.hours}`) }),
      z.strictObject({ kind: z.literal("days"), amount: z.number({ error: "must be a number" }).int("must be whole").min(1, "must be at least 1").max(DELAY_MAX.days, `must be at most ${DELAY_MAX.days}`) }),
      z.strictObject({ kind: z.literal("next_day_at"), time: TimeOfDay }),
    ],
    { error: "must be none, minutes, hours, days or next_day_at" },
  )
  .meta({ description: "How long after the event the action waits (re-checking then that the customer is still in, or still out). next_day_at: that time the next day on the customer's clock." });
export type AutomationDelay = z.output<typeof AutomationDelay>;

export const AutomationAction = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({
        kind: z.literal("message"),
        channels: ChannelChain,
        templates: CampaignTemplates,
      }),
      z.strictObject({
        kind: z.literal("task"),
        title: oneLine(z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(TASK_TITLE_MAX, `must be at most ${TASK_TITLE_MAX} characters`)),
        description: freeText(z.string({ error: "must be text" }).trim().max(TASK_DESCRIPTION_MAX, `must be at most ${TASK_DESCRIPTION_MAX} characters`)).default(""),
        dueInHours: z.number({ error: "must be a number of hours" }).int("must be whole hours").min(0, "must not be negative").max(8_760, "must be at most 8760 (a year)").nullable().default(24),
        fallbackUserId: Id("a user").nullable().default(null).meta({ description: "Who gets the task when the customer has no manager." }),
      }),
      z.strictObject({ kind: z.literal("notify"), userId: Id("a user") }),
      z.strictObject({ kind: z.literal("add_to_segment"), segmentId: Id("a segment") }),
      z.strictObject({ kind: z.literal("remove_from_segment"), segmentId: Id("a segment") }),
    ],
    { error: "must be message, task, notify, add_to_segment or remove_from_segment" },
  )
  .superRefine((action, ctx) => {
    if (action.kind !== "message") return;
    for (const channel of action.channels) {
      if (!action.templates[channel]) ctx.addIssue({ code: "custom", message: "is required: every channel of the chain needs its message", path: ["templates", channel] });
    }
    for (const channel of CAMPAIGN_CHANNELS) {
      if (action.templates[channel] && !action.channels.includes(channel)) ctx.addIssue({ code: "custom", message: `is for a channel that is not in the chain (${action.channels.join(", ")})`, path: ["templates", channel] });
    }
  })
  .meta({ description: "What happens for the customer." });
export type AutomationAction = z.output<typeof AutomationAction>;

export const AutomationCap = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("none") }),
      z.strictObject({ kind: z.literal("once") }),
      z.strictObject({ kind: z.literal("days"), days: z.number({ error: "must be a number of days" }).int("must be whole days").min(1, "must be at least 1").max(3_650, "must be at most 3650") }),
    ],
    { error: "must be none, once or days" },
  )
  .meta({ description: "Per customer: every time, once ever, or at most once in any `days` days." });

export const FiringHours = z
  .strictObject({ start: TimeOfDay, end: TimeOfDay })
  .refine((h) => h.start !== h.end, { message: "must differ from start", path: ["end"] })
  .meta({ description: "Actions due outside start–end (the store's zone) wait for the next start. Over midnight when start > end." });

const fields = {
  name: oneLine(z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(AUTOMATION_NAME_MAX, `must be at most ${AUTOMATION_NAME_MAX} characters`)),
  trigger: AutomationTrigger,
  delay: AutomationDelay,
  action: AutomationAction,
  cap: AutomationCap,
  firingHours: FiringHours.nullable(),
  isActive: z.boolean({ error: "must be true or false" }),
};

/** A whole automation: what the form posts and POST /api/v1/automations takes. */
export const AutomationInput = z
  .strictObject({
    ...fields,
    delay: fields.delay.default({ kind: "none" }),
    cap: fields.cap.default({ kind: "once" }),
    firingHours: fields.firingHours.default(null),
    isActive: fields.isActive.default(true),
  })
  .meta({ description: "An automation. Errors name the field: trigger.segmentId, action.templates.sms, delay.amount." });
export type AutomationInput = z.output<typeof AutomationInput>;
/** What callers may hand in before defaults apply. */
export type AutomationInputIn = z.input<typeof AutomationInput>;

/** Some fields of an automation (PATCH): each given field replaces the saved one whole. */
export const AutomationPatch = z.strictObject(fields).partial().meta({ description: "The fields to change; the others keep their values." });
export type AutomationPatch = z.output<typeof AutomationPatch>;

export const TaskComment = z.strictObject({
  body: freeText(z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(5_000, "must be at most 5000 characters")),
});
