// A plain model of who gets what, when: the rules of campaigns/audience.server.ts over plain rows
// (segment memberships given as sets), for tests to hold resolveAudience to.
import type { DeliveryStatus, SkipReason } from "../models/campaign-models";
import type { ChannelName } from "./channels/channel";
import { referenceDue } from "./schedule-reference";
import type { FrequencyCap, QuietHours, Schedule } from "./schedule";

export interface PlainCustomer {
  id: number;
  acceptsMarketing: boolean;
  timeZone: string | null;
  lastInteractionAt: Date | null;
  channels: Partial<Record<ChannelName, { address: string | null; isSubscribed: boolean }>>;
}

export interface PlainDelivery {
  campaignId: number;
  customerId: number;
  status: DeliveryStatus;
  sentAt: Date | null;
  claimedAt: Date | null;
}

export interface PlainCampaign {
  id: number;
  chain: ChannelName[];
  schedule: Schedule;
  quietHours: QuietHours | null;
}

export interface PlainOutcome {
  customerId: number;
  channel: ChannelName | null;
  address: string | null;
  skipReason: SkipReason | null;
  dueAt: Date;
  movedByQuietHours: boolean;
}

const DAY = 86_400_000;

/** Messages of other campaigns that may have reached the customer in the cap's window up to `now`. */
function messagesInWindow(deliveries: PlainDelivery[], campaignId: number, customerId: number, now: Date, cap: FrequencyCap): number {
  return deliveries.filter((d) => {
    if (d.customerId !== customerId || d.campaignId === campaignId) return false;
    if (!["sent", "delivered", "read", "in_flight", "unknown"].includes(d.status)) return false;
    const when = d.sentAt ?? d.claimedAt;
    return when !== null && when.getTime() > now.getTime() - cap.days * DAY && when.getTime() <= now.getTime();
  }).length;
}

export function referenceAudience(input: {
  customers: PlainCustomer[];
  included: Set<number>[];
  excluded: Set<number>[];
  deliveries: PlainDelivery[];
  campaign: PlainCampaign;
  storeTimeZone: string;
  cap: FrequencyCap | null;
  now: Date;
}): PlainOutcome[] {
  const { campaign, now } = input;
  const out: PlainOutcome[] = [];
  const customers = [...input.customers].sort((a, b) => a.id - b.id);
  for (const customer of customers) {
    if (!input.included.some((s) => s.has(customer.id))) continue;
    if (input.excluded.some((s) => s.has(customer.id))) continue;
    const due = referenceDue({ schedule: campaign.schedule, quietHours: campaign.quietHours, storeTimeZone: input.storeTimeZone, startedAt: now }, customer.timeZone);
    const skip = (skipReason: SkipReason): PlainOutcome => ({ customerId: customer.id, channel: null, address: null, skipReason, ...due });
    if (!customer.acceptsMarketing) {
      out.push(skip("no_consent"));
      continue;
    }
    const reasons: SkipReason[] = [];
    let reached: { channel: ChannelName; address: string } | null = null;
    for (const channel of campaign.chain) {
      const identity = customer.channels[channel];
      if (!identity || identity.address === null) reasons.push("no_address");
      else if (!identity.isSubscribed) reasons.push("unsubscribed");
      else if (channel === "messenger" && (customer.lastInteractionAt === null || customer.lastInteractionAt.getTime() <= due.dueAt.getTime() - DAY)) reasons.push("messenger_window");
      else {
        reached = { channel, address: identity.address };
        break;
      }
    }
    if (!reached) out.push(skip(reasons[0]));
    else if (input.cap && messagesInWindow(input.deliveries, campaign.id, customer.id, now, input.cap) >= input.cap.count) out.push(skip("frequency_cap"));
    else out.push({ customerId: customer.id, ...reached, skipReason: null, ...due });
  }
  return out;
}
