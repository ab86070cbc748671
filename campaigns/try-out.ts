// What the campaign form sends to try its messages before saving: the preview of the chain for a
// customer the marketer picks, and a test send of one channel's message to the marketer. The
// templates are drafts (an empty part is the template checker's problem, shown in the preview, not
// a refusal here). Browser-safe: zod only.
import { z } from "../models/zod";
import { freeText, oneLine } from "../models/ingest/text";
import { CampaignChannel, ChannelChain, HTML_BODY_MAX, SUBJECT_MAX, TEXT_BODY_MAX } from "./definition";

/** Test sends one marketer may make in a minute (the route's limiter). */
export const TEST_SENDS_PER_MINUTE = 5;

const draftText = (max: number) =>
  freeText(z.string({ error: "must be text" }).max(max, `must be at most ${max} characters`))
    .optional()
    .default("");

/** One channel's message as it stands in the form. */
export const MessageDraft = z.strictObject({
  subject: oneLine(z.string({ error: "must be text" }).max(SUBJECT_MAX, `must be at most ${SUBJECT_MAX} characters`))
    .optional()
    .default(""),
  htmlBody: draftText(HTML_BODY_MAX),
  textBody: draftText(TEXT_BODY_MAX),
});
export type MessageDraft = z.output<typeof MessageDraft>;

const CustomerId = z
  .number({ error: "must be a customer id" })
  .int("must be a customer id")
  .positive("must be a customer id")
  .max(2_147_483_647, "must be a customer id")
  .nullable();

const CampaignId = z.number({ error: "must be a campaign id" }).int("must be a campaign id").positive("must be a campaign id").max(2_147_483_647, "must be a campaign id").nullable();

/** The preview of every channel of the chain, for a customer (null: the sample customer). */
export const PreviewRequest = z
  .strictObject({
    customerId: CustomerId,
    channels: ChannelChain,
    templates: z.strictObject({ email: MessageDraft.optional(), sms: MessageDraft.optional(), messenger: MessageDraft.optional(), viber: MessageDraft.optional() }),
  })
  .superRefine((r, ctx) => {
    for (const channel of r.channels) {
      if (!r.templates[channel]) ctx.addIssue({ code: "custom", message: "is required: every channel of the chain needs its message", path: ["templates", channel] });
    }
  });
export type PreviewRequest = z.output<typeof PreviewRequest>;

/** Where a test message goes on each channel but email (which goes to the marketer's own address). */
export const TEST_ADDRESS: Record<Exclude<CampaignChannel, "email">, { pattern: RegExp; reason: string }> = {
  sms: { pattern: /^\+[1-9]\d{6,14}$/, reason: "must be a phone number in international form, + and 7 to 15 digits, e.g. +359888123456" },
  // a Page-scoped ID: digits
  messenger: { pattern: /^\d{5,30}$/, reason: "must be a Messenger page-scoped ID (PSID): 5 to 30 digits" },
  // a Viber user id: base64 text
  viber: { pattern: /^[A-Za-z0-9+/=_-]{8,100}$/, reason: "must be a Viber user ID: 8 to 100 letters, digits or + / = _ -" },
};

/** One channel's message, rendered for a customer (null: the sample), sent to the marketer. */
export const TestSendRequest = z
  .strictObject({
    channel: CampaignChannel,
    customerId: CustomerId,
    campaignId: CampaignId,
    /** Ignored for email: it goes to the signed-in user's own address. */
    to: z.string({ error: "must be text" }).trim().max(320, "must be at most 320 characters").optional().default(""),
    template: MessageDraft,
  })
  .superRefine((r, ctx) => {
    if (r.channel === "email") return;
    const rule = TEST_ADDRESS[r.channel];
    if (!r.to) ctx.addIssue({ code: "custom", message: `is required: ${rule.reason.replace(/^must be /, "")}`, path: ["to"] });
    else if (!rule.pattern.test(r.to)) ctx.addIssue({ code: "custom", message: rule.reason, path: ["to"] });
  });
export type TestSendRequest = z.output<typeof TestSendRequest>;
