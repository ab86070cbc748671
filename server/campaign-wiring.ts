// The parts of campaign sending that the worker takes from the modules beside it: the channel
// senders (campaigns/channels/senders.server.ts), the audience (campaigns/audience.server.ts) and
// the templates (campaigns/templates/render.server.ts, through campaigns/render-deliveries.server.ts).
// This is the one place they are put together; tests hand their own to startWorker.
import type { ChannelName, ChannelSender } from "../campaigns/channels/channel";
import { currentSenders, fixedSenders, type SenderSet } from "../campaigns/channels/current-senders.server";
import { resolveAudience } from "../campaigns/audience.server";
import { campaignRenderer } from "../campaigns/render-deliveries.server";
import { renderForCustomers } from "../campaigns/templates/render.server";
import { unsubscribeToken } from "../campaigns/inbound/unsubscribe-token";
import type { RenderDeliveries } from "../campaigns/sender.server";
import type { ResolveAudience } from "../jobs/start-campaign";
import type { ConsoleServices } from "../models/context";

export interface CampaignWiring {
  senders: Record<ChannelName, ChannelSender>;
  resolveAudience: ResolveAudience;
  renderDeliveries: RenderDeliveries;
}

/** The link in a message that unsubscribes its customer on its channel (signed; see campaigns/inbound). */
export function unsubscribeLinks(services: Pick<ConsoleServices, "config">) {
  const base = services.config.publicUrl.replace(/\/+$/, "");
  return (customerId: number, channel: ChannelName) => `${base}/unsubscribe/${unsubscribeToken(services.config.sessionSecret, customerId, channel)}`;
}

/**
 * The campaign parts of this process's worker: those `given` (tests aim senders at stand-ins), the
 * rest made here: each channel's provider from the channels page or the environment (the outbox
 * without credentials), rebuilt when an admin saves a channel's settings; the audience through the
 * segment engine; and messages rendered from the campaign's templates with a signed unsubscribe
 * link. `channels.close()` closes only the senders made here.
 */
export async function campaignWiring(
  services: ConsoleServices,
  given: Partial<CampaignWiring> = {},
  clock: () => Date = () => new Date(),
): Promise<Omit<CampaignWiring, "senders"> & { channels: SenderSet }> {
  const channels = given.senders ? fixedSenders(given.senders) : await currentSenders(services.db, services.config.channels ?? {}, services.config.sessionSecret);
  return {
    channels,
    resolveAudience: given.resolveAudience ?? resolveAudience,
    renderDeliveries: given.renderDeliveries ?? campaignRenderer(services.db, renderForCustomers, unsubscribeLinks(services), clock),
  };
}
