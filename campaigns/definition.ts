// What a campaign is, as the campaign form and the API take it: a name, the fallback chain of
// channels, the audience (segments in, segments out), the schedule, quiet hours and one message
// template per channel of the chain. This file only says what is well-formed; campaigns.server.ts
// checks what needs the store (the segments exist, the time is not past). Browser-safe: zod only.
import { z } from "../models/zod";
import { msg, zmsg } from "../models/messages";
import { freeText, oneLine } from "../models/ingest/text";
import type { Channel } from "../models/models";
import type { CampaignStatus, DeliveryStatus, SkipReason } from "../models/campaign-models";

/** The channels in the order the form offers them (models/models.ts CHANNELS, which pulls in Sequelize). */
export const CAMPAIGN_CHANNELS = ["email", "sms", "messenger", "viber"] as const satisfies readonly Channel[];
/** The same lists as models/campaign-models.ts, here where the browser may import them. */
export const STATUSES_OF_CAMPAIGNS = ["draft", "scheduled", "sending", "paused", "finished", "cancelled"] as const satisfies readonly CampaignStatus[];
export const STATUSES_OF_DELIVERIES = ["queued", "in_flight", "sent", "delivered", "read", "failed", "skipped", "unknown", "cancelled"] as const satisfies readonly DeliveryStatus[];
export const REASONS_OF_SKIPS = ["no_consent", "no_address", "unsubscribed", "messenger_window", "frequency_cap"] as const satisfies readonly SkipReason[];

// the lists above cannot drift from the models' without failing the type check
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameLists: [
  Same<(typeof CAMPAIGN_CHANNELS)[number], Channel>,
  Same<(typeof STATUSES_OF_CAMPAIGNS)[number], CampaignStatus>,
  Same<(typeof STATUSES_OF_DELIVERIES)[number], DeliveryStatus>,
  Same<(typeof REASONS_OF_SKIPS)[number], SkipReason>,
] = [true, true, true, true];
void sameLists;

export const CAMPAIGN_NAME_MAX = 200;
export const SUBJECT_MAX = 500;
/** An email's HTML part; newsletters with inline styles run to tens of kilobytes. */
export const HTML_BODY_MAX = 200_000;
/** A text part or a whole SMS, Messenger or Viber message; each channel's own limit is the template checker's. */
export const TEXT_BODY_MAX = 20_000;
export const SEGMENTS_MAX = 20;

/** Campaigns in these states may still be changed (and a scheduled one only until it starts). */
export const EDITABLE_STATUSES = ["draft", "scheduled"] as const satisfies readonly CampaignStatus[];

/** "must be text", the words zod gives a string schema of its own. */
export const mustBeText = zmsg("generic.type.string");

export const CampaignChannel = z.enum(CAMPAIGN_CHANNELS, zmsg("campaigns.form.channel"));
export type CampaignChannel = z.infer<typeof CampaignChannel>;

/** A time of day, "21:00". */
export const TimeOfDay = z
  .string(zmsg("campaigns.form.timeOfDay"))
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, zmsg("campaigns.form.timeOfDayRange"))
  .meta({ example: "21:00" });

/** A wall-clock time without a zone, "2026-12-24T10:00", read in each customer's own zone. */
export const WallTime = z
  .string(zmsg("campaigns.form.wallTime"))
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, zmsg("campaigns.form.wallTime"))
  .refine((s) => {
    const [y, m, d] = s.slice(0, 10).split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 2000 && y < 2200 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, zmsg("campaigns.form.wallTimeReal"))
  .meta({ example: "2026-12-24T10:00" });

/** An instant with its offset, "2026-12-24T08:00:00Z". */
export const Instant = z
  .iso.datetime({ offset: true, ...zmsg("campaigns.form.instant") })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= Date.UTC(2000, 0, 1) && t < Date.UTC(2200, 0, 1);
  }, zmsg("campaigns.form.instantRange"))
  .meta({ example: "2026-12-24T08:00:00Z" });

/** Refuses an item that comes twice; `repeated` is the catalogue key of the reason. */
const uniqueItems = <T>(repeated: string) => (items: T[], ctx: z.RefinementCtx) => {
  items.forEach((item, i) => {
    if (items.indexOf(item) !== i) ctx.addIssue({ code: "custom", message: msg(repeated), path: [i] });
  });
};

/** The fallback chain: the first channel that reaches a customer carries the message. */
export const ChannelChain = z
  .array(CampaignChannel, zmsg("campaigns.form.channelList"))
  .min(1, zmsg("campaigns.form.needsChannel"))
  .max(CAMPAIGN_CHANNELS.length, zmsg("campaigns.form.tooManyChannels", { count: CAMPAIGN_CHANNELS.length }))
  .superRefine(uniqueItems("campaigns.form.channelTwice"))
  .meta({ description: "The fallback chain in order: each customer gets the message on the first channel that reaches them.", example: ["viber", "sms"] });

const notSegmentId = zmsg("campaigns.ids.segment");
const SegmentId = z.number(notSegmentId).int(notSegmentId).positive(notSegmentId).max(2_147_483_647, notSegmentId);

const segmentIds = (min: number) =>
  z
    .array(SegmentId, zmsg("campaigns.form.segmentList"))
    .min(min, zmsg("campaigns.form.needsSegment"))
    .max(SEGMENTS_MAX, zmsg("campaigns.form.tooManySegments", { count: SEGMENTS_MAX }))
    .superRefine(uniqueItems("campaigns.form.segmentTwice"));

export const CampaignSchedule = z
  .strictObject({
    kind: z.enum(["now", "at"], zmsg("campaigns.form.scheduleKind")).meta({ description: "now: as soon as it is started; at: at a date and time." }),
    timeZoneMode: z.enum(["store", "customer"], zmsg("campaigns.form.timeZoneMode")).default("store").meta({
      description: "at: the store's zone (sendAt, an instant) or each customer's own (localSendAt, a wall time; customers without a zone get the store's).",
    }),
    sendAt: Instant.nullable().optional(),
    localSendAt: WallTime.nullable().optional(),
  })
  .superRefine((s, ctx) => {
    const refuse = (field: "sendAt" | "localSendAt", key: string) => ctx.addIssue({ code: "custom", message: msg(key), path: [field] });
    if (s.kind === "now") {
      if (s.sendAt) refuse("sendAt", "campaigns.form.onlyForAt");
      if (s.localSendAt) refuse("localSendAt", "campaigns.form.onlyForAt");
    } else if (s.timeZoneMode === "store") {
      if (!s.sendAt) refuse("sendAt", "campaigns.form.sendAtRequired");
      if (s.localSendAt) refuse("localSendAt", "campaigns.form.onlyForCustomerZone");
    } else {
      if (!s.localSendAt) refuse("localSendAt", "campaigns.form.localSendAtRequired");
      if (s.sendAt) refuse("sendAt", "campaigns.form.onlyForStoreZone");
    }
  })
  .meta({ description: "When the campaign goes out." });
export type CampaignSchedule = z.output<typeof CampaignSchedule>;

export const QuietHours = z
  .strictObject({ start: TimeOfDay, end: TimeOfDay })
  .refine((q) => q.start !== q.end, { ...zmsg("campaigns.form.endIsStart"), path: ["end"] })
  .meta({ description: "No message goes out from start to end (in the customer's zone); one that would is moved to the end. Over midnight when start > end." });

export const EmailTemplate = z
  .strictObject({
    subject: oneLine(z.string(mustBeText).trim().min(1).max(SUBJECT_MAX)),
    htmlBody: freeText(z.string(mustBeText).trim().min(1).max(HTML_BODY_MAX)),
    textBody: freeText(z.string(mustBeText).trim().max(TEXT_BODY_MAX))
      .nullable()
      .optional()
      .meta({ description: "The plain-text part; empty or absent: made from the HTML." }),
  })
  .meta({ description: "An email: subject, HTML part and an optional text part, in Liquid." });

export const TextTemplate = z
  .strictObject({
    textBody: freeText(z.string(mustBeText).trim().min(1).max(TEXT_BODY_MAX)),
  })
  .meta({ description: "A text message (SMS, Messenger, Viber), in Liquid." });

export const CampaignTemplates = z
  .strictObject({ email: EmailTemplate.optional(), sms: TextTemplate.optional(), messenger: TextTemplate.optional(), viber: TextTemplate.optional() }, zmsg("campaigns.form.templatesObject"))
  .meta({ description: "One message per channel of the chain, by channel name." });
export type CampaignTemplates = z.output<typeof CampaignTemplates>;

const fields = {
  name: oneLine(z.string(mustBeText).trim().min(1).max(CAMPAIGN_NAME_MAX)),
  channels: ChannelChain,
  includeSegmentIds: segmentIds(1).meta({ description: "The audience: members of any of these segments when sending starts." }),
  excludeSegmentIds: segmentIds(0).meta({ description: "Members of any of these segments get nothing." }),
  schedule: CampaignSchedule,
  quietHours: QuietHours.nullable().meta({ description: "null: the store's default quiet hours (Admin → Store)." }),
  templates: CampaignTemplates,
};

/** The rules that look at more than one field. */
function checkWhole(c: { channels: readonly CampaignChannel[]; includeSegmentIds: number[]; excludeSegmentIds: number[]; templates: CampaignTemplates }, ctx: z.RefinementCtx) {
  c.excludeSegmentIds.forEach((id, i) => {
    if (c.includeSegmentIds.includes(id)) ctx.addIssue({ code: "custom", message: msg("campaigns.form.alsoIncluded"), path: ["excludeSegmentIds", i] });
  });
  checkChainTemplates(c.channels, c.templates, ctx, ["templates"]);
}

/** Every channel of the chain has its template, and no template is for a channel outside it (campaigns and automations' messages). */
export function checkChainTemplates(channels: readonly CampaignChannel[], templates: CampaignTemplates, ctx: z.RefinementCtx, at: string[]) {
  for (const channel of channels) {
    if (!templates[channel]) ctx.addIssue({ code: "custom", message: msg("campaigns.form.templateRequired"), path: [...at, channel] });
  }
  for (const channel of CAMPAIGN_CHANNELS) {
    if (templates[channel] && !channels.includes(channel)) ctx.addIssue({ code: "custom", message: msg("campaigns.form.templateNotInChain", { channels: channels.join(", ") }), path: [...at, channel] });
  }
}

/** A whole campaign: what the campaign form posts and what POST /api/v1/campaigns takes. */
export const CampaignInput = z
  .strictObject({
    ...fields,
    excludeSegmentIds: fields.excludeSegmentIds.default([]),
    schedule: fields.schedule.default({ kind: "now", timeZoneMode: "store" }),
    quietHours: fields.quietHours.default(null),
  })
  .superRefine(checkWhole)
  .meta({ description: "A campaign. Errors name the field: channels[1], templates.sms, schedule.sendAt." });
export type CampaignInput = z.output<typeof CampaignInput>;

/** Some fields of a campaign (PATCH): merged over the saved ones, the result is checked as a whole. */
export const CampaignPatch = z
  .strictObject(fields)
  .partial()
  .meta({ description: "The fields to change; the others keep their values. The campaign that results must be whole (a channel added to the chain needs its template)." });
export type CampaignPatch = z.output<typeof CampaignPatch>;
