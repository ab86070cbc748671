// The parts of campaign sending that the worker takes from the modules beside it: the channel
// senders (campaigns/channels/senders.server.ts), the audience (campaigns/audience.server.ts) and
// the templates (campaigns/templates/render.server.ts, through campaigns/render-deliveries.server.ts).
// This is the one place they are put together; tests hand their own to startWorker.
import { CHANNELS, SendFailure, type ChannelName, type ChannelSender } from "../campaigns/channels/channel";
import type { RenderDeliveries } from "../campaigns/sender.server";
import type { ResolveAudience } from "../jobs/start-campaign";
import type { ConsoleServices } from "../models/context";

export interface CampaignWiring {
  senders: Record<ChannelName, ChannelSender>;
  resolveAudience: ResolveAudience;
  renderDeliveries: RenderDeliveries;
}

const notInThisBuild = (part: string) => new Error(`${part} is not part of this build yet`);

/**
 * The campaign parts of this process's worker: those `given` (tests aim senders at stand-ins), the
 * rest made here. `ownsSenders`: the senders were made here, and the worker closes them.
 */
export async function campaignWiring(_services: ConsoleServices, given: Partial<CampaignWiring> = {}): Promise<CampaignWiring & { ownsSenders: boolean }> {
  // Until the channels, audience and templates modules are merged, a campaign cannot start and a
  // message cannot be made; nothing is handed to a provider.
  const senders =
    given.senders ??
    (Object.fromEntries(
      CHANNELS.map((channel): [ChannelName, ChannelSender] => [
        channel,
        {
          channel,
          provider: "outbox",
          defaultRatePerSecond: 1,
          send: () => Promise.reject(new SendFailure("not_sent", `the ${channel} sender ${notInThisBuild("campaigns/channels/senders.server.ts").message}`)),
          close: async () => {},
        },
      ]),
    ) as Record<ChannelName, ChannelSender>);
  return {
    senders,
    ownsSenders: !given.senders,
    resolveAudience: given.resolveAudience ?? (() => Promise.reject(notInThisBuild("campaigns/audience.server.ts"))),
    renderDeliveries: given.renderDeliveries ?? (() => Promise.reject(notInThisBuild("campaigns/templates/render.server.ts"))),
  };
}
