// What the campaign form sends to try its messages before saving: the preview of the chain for a
// customer the marketer picks, and a test send of one channel's message to the marketer. The
// templates are drafts (an empty part is the template checker's problem, shown in the preview, not
// a refusal here). Browser-safe: zod only.
import { z } from "../models/zod";
import { freeText, oneLine } from "../models/ingest/text";
import { msg, zmsg } from "../models/messages";
import { CampaignChannel, ChannelChain, HTML_BODY_MAX, SUBJECT_MAX, TEXT_BODY_MAX, mustBeText } from "./definition";

/** Test sends one marketer may make in a minute (the route's limiter). */
export const TEST_SENDS_PER_MINUTE = 5;

const draftText = (max: number) =>
  freeText(z.string(mustBeText).max(max))
    .optional()
    .default("");

/** One channel's message as it stands in the form. */
export const MessageDraft = z.strictObject({
  subject: oneLine(z.string(mustBeText).max(SUBJECT_MAX))
    .optional()
    .default(""),
  htmlBody: draftText(HTML_BODY_MAX),
  textBody: draftText(TEXT_BODY_MAX),
});
export type MessageDraft = z.output<typeof MessageDraft>;

const notCustomerId = zmsg("campaigns.ids.customer");
const CustomerId = z.number(notCustomerId).int(notCustomerId).positive(notCustomerId).max(2_147_483_647, notCustomerId).nullable();

const notCampaignId = zmsg("campaigns.ids.campaign");
const CampaignId = z.number(notCampaignId).int(notCampaignId).positive(notCampaignId).max(2_147_483_647, notCampaignId).nullable();

/** The preview of every channel of the chain, for a customer (null: the sample customer). */
export const PreviewRequest = z
  .strictObject({
    customerId: CustomerId,
    channels: ChannelChain,
    templates: z.strictObject({ email: MessageDraft.optional(), sms: MessageDraft.optional(), messenger: MessageDraft.optional(), viber: MessageDraft.optional() }),
  })
  .superRefine((r, ctx) => {
    for (const channel of r.channels) {
      if (!r.templates[channel]) ctx.addIssue({ code: "custom", message: msg("campaigns.form.templateRequired"), path: ["templates", channel] });
    }
  });
export type PreviewRequest = z.output<typeof PreviewRequest>;

/**
 * Where a test message goes on each channel but email (which goes to the marketer's own address):
 * its form, and the catalogue keys of what a wrong one and a missing one are told.
 */
export const TEST_ADDRESS: Record<Exclude<CampaignChannel, "email">, { pattern: RegExp; wrong: string; missing: string }> = {
  sms: { pattern: /^\+[1-9]\d{6,14}$/, wrong: "campaigns.tryOut.phone", missing: "campaigns.tryOut.phoneMissing" },
  // a Page-scoped ID: digits
  messenger: { pattern: /^\d{5,30}$/, wrong: "campaigns.tryOut.psid", missing: "campaigns.tryOut.psidMissing" },
  // a Viber user id: base64 text
  viber: { pattern: /^[A-Za-z0-9+/=_-]{8,100}$/, wrong: "campaigns.tryOut.viberId", missing: "campaigns.tryOut.viberIdMissing" },
};

/** One channel's message, rendered for a customer (null: the sample), sent to the marketer. */
export const TestSendRequest = z
  .strictObject({
    channel: CampaignChannel,
    customerId: CustomerId,
    campaignId: CampaignId,
    /** Ignored for email: it goes to the signed-in user's own address. */
    to: z.string(mustBeText).trim().max(320).optional().default(""),
    template: MessageDraft,
  })
  .superRefine((r, ctx) => {
    if (r.channel === "email") return;
    const rule = TEST_ADDRESS[r.channel];
    if (!r.to) ctx.addIssue({ code: "custom", message: msg(rule.missing), path: ["to"] });
    else if (!rule.pattern.test(r.to)) ctx.addIssue({ code: "custom", message: msg(rule.wrong), path: ["to"] });
  });
export type TestSendRequest = z.output<typeof TestSendRequest>;
