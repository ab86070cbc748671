// What an automation is, as the automations form and the API take it: a trigger (a customer enters
// or leaves a segment), an optional delay, one action with its settings, a per-customer cap and
// firing hours. This file only says what is well-formed; automations.server.ts checks what needs
// the store (the segments and users exist). Browser-safe: zod only.
import { z } from "../models/zod";
import { freeText, oneLine } from "../models/ingest/text";
import { zmsg } from "../models/messages";
import { CampaignTemplates, ChannelChain, TimeOfDay, checkChainTemplates, mustBeText } from "../campaigns/definition";

export const AUTOMATION_NAME_MAX = 200;
export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 20_000;
/** A delay of at most a year, in any unit. */
export const DELAY_MAX = { minutes: 525_600, hours: 8_760, days: 365 } as const;

/** An id of a row; `reason` is the catalogue key of what a value that cannot be one is told. */
const Id = (reason: string) => {
  const error = zmsg(reason);
  return z.number(error).int(error).positive(error).max(2_147_483_647, error);
};

const mustBeNumber = zmsg("generic.type.number");

export const AutomationTrigger = z
  .strictObject({
    segmentId: Id("campaigns.ids.segment"),
    kind: z.enum(["entered", "left"], zmsg("campaigns.automation.triggerKind")),
  })
  .meta({ description: "Fires for each customer who enters (or leaves) the segment after the automation is made." });

export const AutomationDelay = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("none") }),
      z.strictObject({ kind: z.literal("minutes"), amount: z.number(mustBeNumber).int().min(1).max(DELAY_MAX.minutes) }),
      z.strictObject({ kind: z.literal("hours"), amount: z.number(mustBeNumber).int().min(1).max(DELAY_MAX.hours) }),
      z.strictObject({ kind: z.literal("days"), amount: z.number(mustBeNumber).int().min(1).max(DELAY_MAX.days) }),
      z.strictObject({ kind: z.literal("next_day_at"), time: TimeOfDay }),
    ],
    zmsg("campaigns.automation.delayKind"),
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
        title: oneLine(z.string(mustBeText).trim().min(1).max(TASK_TITLE_MAX)),
        description: freeText(z.string(mustBeText).trim().max(TASK_DESCRIPTION_MAX)).default(""),
        dueInHours: z
          .number(zmsg("campaigns.automation.hours"))
          .int(zmsg("campaigns.automation.wholeHours"))
          .min(0, zmsg("campaigns.automation.negative"))
          .max(8_760, zmsg("campaigns.automation.atMostAYear"))
          .nullable()
          .default(24),
        fallbackUserId: Id("campaigns.ids.user").nullable().default(null).meta({ description: "Who gets the task when the customer has no manager." }),
      }),
      z.strictObject({ kind: z.literal("notify"), userId: Id("campaigns.ids.user") }),
      z.strictObject({ kind: z.literal("add_to_segment"), segmentId: Id("campaigns.ids.segment") }),
      z.strictObject({ kind: z.literal("remove_from_segment"), segmentId: Id("campaigns.ids.segment") }),
    ],
    zmsg("campaigns.automation.actionKind"),
  )
  .superRefine((action, ctx) => {
    if (action.kind === "message") checkChainTemplates(action.channels, action.templates, ctx, ["templates"]);
  })
  .meta({ description: "What happens for the customer." });
export type AutomationAction = z.output<typeof AutomationAction>;

export const AutomationCap = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("none") }),
      z.strictObject({ kind: z.literal("once") }),
      z.strictObject({ kind: z.literal("days"), days: z.number(zmsg("campaigns.automation.days")).int(zmsg("campaigns.automation.wholeDays")).min(1).max(3_650) }),
    ],
    zmsg("campaigns.automation.capKind"),
  )
  .meta({ description: "Per customer: every time, once ever, or at most once in any `days` days." });

export const FiringHours = z
  .strictObject({ start: TimeOfDay, end: TimeOfDay })
  .refine((h) => h.start !== h.end, { ...zmsg("campaigns.form.endIsStart"), path: ["end"] })
  .meta({ description: "Actions due outside start–end (the store's zone) wait for the next start. Over midnight when start > end." });

const fields = {
  name: oneLine(z.string(mustBeText).trim().min(1).max(AUTOMATION_NAME_MAX)),
  trigger: AutomationTrigger,
  delay: AutomationDelay,
  action: AutomationAction,
  cap: AutomationCap,
  firingHours: FiringHours.nullable(),
  isActive: z.boolean(),
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
  body: freeText(z.string(mustBeText).trim().min(1).max(5_000)),
});
