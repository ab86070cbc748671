// The sender renders each claimed batch from the campaign's templates. The rendering itself is
// campaigns/templates/render.server.ts's renderForCustomers; this fits it to the sender: the
// campaign's templates, one call for the batch's customers, each delivery's message on its channel.
import type { Database } from "../models/db";
import { msg } from "../models/messages";
import type { CampaignRow } from "../models/campaign-models";
import type { ChannelName } from "./channels/channel";
import type { ClaimedDelivery } from "./delivery-sql";
import type { RenderDeliveries, RenderOutcome } from "./sender.server";

/** A template as renderForCustomers takes it. */
export interface CampaignTemplate {
  channel: ChannelName;
  subject?: string | null;
  htmlBody?: string | null;
  textBody?: string | null;
}

/** campaigns/templates/render.server.ts's renderForCustomers, as the sender calls it. */
export type RenderForCustomers = (
  db: Database,
  templates: CampaignTemplate[],
  customerIds: number[],
  options: { now: Date; unsubscribeUrl: (customerId: number, channel: ChannelName) => string },
) => Promise<Map<number, Map<ChannelName, RenderOutcome>>>;

/** The sender's render step over renderForCustomers and the campaign's templates. */
export function campaignRenderer(
  db: Database,
  renderForCustomers: RenderForCustomers,
  unsubscribeUrl: (customerId: number, channel: ChannelName) => string,
  clock: () => Date,
): RenderDeliveries {
  return async (campaign: CampaignRow, deliveries: ClaimedDelivery[]) => {
    // an automation's hidden campaign sends the automation's own templates (decision 0031)
    const owner = campaign.automationId ? { ownerKind: "automation" as const, ownerId: campaign.automationId } : { ownerKind: "campaign" as const, ownerId: campaign.id };
    const rows = await db.models.MessageTemplate.findAll({ where: owner, raw: true });
    const templates = rows.map((t) => ({ channel: t.channel as ChannelName, subject: t.subject, htmlBody: t.htmlBody, textBody: t.textBody }));
    const byCustomer = await renderForCustomers(db, templates, [...new Set(deliveries.map((d) => d.customerId))], { now: clock(), unsubscribeUrl });
    const messages = new Map<number, RenderOutcome>();
    for (const d of deliveries) {
      const message = byCustomer.get(d.customerId)?.get(d.channel);
      messages.set(d.id, message ?? { problem: { message: msg("campaigns.sender.noTemplate", { channel: d.channel }) } });
    }
    return messages;
  };
}
