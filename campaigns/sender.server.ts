// The sender: one run sends a campaign's due messages in batches (docs/decisions/0019, 0022).
// A batch is claimed (in_flight under the run's token, committed) before any provider call, sent
// concurrently within each channel's rate, and its outcomes written by one statement per outcome;
// a few batches are under way at once, so the database's work overlaps the provider calls. A run
// that dies leaves its rows in flight; the next run marks them unknown once the lease has passed,
// and never sends them again on its own.
import { performance } from "node:perf_hooks";
import type { Transaction } from "sequelize";
import type { Database } from "../models/db";
import type { CampaignRow } from "../models/campaign-models";
import { CHANNELS, SendFailure, type ChannelName, type ChannelSender, type OutgoingMessage, type RenderedMessage } from "./channels/channel";
import { isOutboxSender, type OutboxSender } from "./channels/outbox.server";
import { ChannelThrottles } from "./throttle";
import { claimDueDeliveries, hasClaimable, heldClaims, markAbandonedUnknown, pendingTimes, sendingTransaction, settleClaimed, type ClaimedDelivery, type ClaimOutcome } from "./delivery-sql";
import { cancelQueued } from "./send.server";
import { msg } from "../models/messages";

/** A claim older than this belongs to a run that died: the send job's lock lifetime. */
export const SEND_LEASE_MS = 2 * 60_000;
/** Claims of a "certainly not sent" message before it is failed. */
export const MAX_SEND_ATTEMPTS = 5;
/** A batch holds about this long's worth of the slowest channel's rate, so a pause takes effect soon. */
const BATCH_SECONDS = 2;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 15 * 60_000;
/** Claims in a row that found nothing while rows looked claimable, before a lane gives up. */
const CLAIM_RETRIES = 4;
/** A run that stops with due messages held by another run looks again after this long. */
const RECHECK_MS = 1_000;

/** What the render step gives for a delivery: the message, or why it cannot be made. */
export type RenderOutcome = RenderedMessage | { problem: { message: string } };

/** Renders the messages of a claimed batch, keyed by delivery id. */
export type RenderDeliveries = (campaign: CampaignRow, deliveries: ClaimedDelivery[]) => Promise<Map<number, RenderOutcome>>;

export interface SenderLog {
  info(detail: object, message: string): void;
  warn(detail: object, message: string): void;
}

/** The parts a sender run works with, each built by its own module (senders, templates) or the process. */
export interface SenderDeps {
  db: Database;
  senders: Record<ChannelName, ChannelSender>;
  render: RenderDeliveries;
  /** Messages per second allowed on the channel now (its settings, else the provider's default). */
  ratePerSecond(channel: ChannelName): number;
  /** Asked before each batch is claimed: brings `senders` and `ratePerSecond` in line with the channels' settings. */
  refreshChannels?: () => Promise<void>;
  /** The process's throttles, shared by the campaigns it sends; a run of its own when absent. */
  throttles?: ChannelThrottles;
  clock: () => Date;
  log: SenderLog;
}

export interface SenderOptions {
  /** The most rows one claim takes (fewer on a slow channel). */
  batchSize: number;
  /** The run stops claiming after this long and asks to be run again at once. */
  maxRunMs: number;
  /** See SEND_LEASE_MS. */
  leaseMs?: number;
  /** Provider calls in flight at once (default 64). */
  concurrency?: number;
  /** Batches under way at once per channel of the chain (default 3): claimed, sent and written each on its own. */
  lanes?: number;
  /** Called after each batch is sent: the job keeps its lock. */
  onBatch?: () => Promise<void>;
}

export interface SenderRun {
  /**
   * finished: nothing left to send; paused / cancelled: stopped by the marketer; waiting: messages
   * due later (or held by another run); continuing: out of time with more to send; not_sending:
   * not started or gone.
   */
  state: "finished" | "paused" | "cancelled" | "waiting" | "continuing" | "not_sending";
  /** When the send job should run again; null when nothing is left for it. */
  nextRunAt: Date | null;
  counts: { claimed: number; sent: number; failed: number; retried: number; unknown: number; abandoned: number };
}

type Outcome =
  | { id: number; status: "sent"; providerMessageId: string }
  /** For the outbox: stored in the transaction that writes the batch's outcomes, with "sent" (0019, rule 4). */
  | { id: number; status: "store"; sender: OutboxSender; message: OutgoingMessage }
  | { id: number; status: "failed" | "unknown"; error: string }
  | { id: number; status: "queued"; error: string | null; dueAt: Date };

const isChannel = (name: string): name is ChannelName => (CHANNELS as readonly string[]).includes(name);
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

/** Sends the campaign's due messages until none is due, the campaign stops, or the run's time is up. */
export async function runSender(deps: SenderDeps, campaignId: number, runToken: string, options: SenderOptions): Promise<SenderRun> {
  const { db } = deps;
  const started = performance.now();
  const leaseMs = options.leaseMs ?? SEND_LEASE_MS;
  const counts: SenderRun["counts"] = { claimed: 0, sent: 0, failed: 0, retried: 0, unknown: 0, abandoned: 0 };
  const campaign = await db.models.Campaign.findByPk(campaignId, { raw: true });
  if (!campaign || !["sending", "paused", "cancelled"].includes(campaign.status)) return { state: "not_sending", nextRunAt: null, counts };

  const at = deps.clock();
  counts.abandoned = await markAbandonedUnknown(db, campaignId, runToken, new Date(at.getTime() - leaseMs), at, msg("campaigns.sender.abandoned"));
  if (counts.abandoned > 0) deps.log.warn({ campaignId, rows: counts.abandoned }, "messages cut off by a stopped sender marked unknown");

  const throttles = deps.throttles ?? new ChannelThrottles();
  const calls = new Slots(options.concurrency ?? 64);
  let outOfTime = false;
  let failed = false;
  // Each lane claims, sends and writes its own batches of one channel; with several, one lane's
  // database round trips overlap another's provider calls, which share one pool of `concurrency`
  // calls. A channel of its own per lane: a slow channel of the fallback chain (an SMS number's one
  // message a second) holds back only its own messages.
  const lane = async (channel: ChannelName | null) => {
    let misses = 0;
    try {
      while (!failed) {
        if (performance.now() - started >= options.maxRunMs) {
          outOfTime = true;
          return;
        }
        await deps.refreshChannels?.();
        const limit = claimLimit(channel === null ? chainOf(campaign) : [channel], deps, options.batchSize);
        const now = deps.clock();
        const claimed = await claimDueDeliveries(db, { campaignId, runToken, now, limit, channel });
        if (claimed.length === 0) {
          if (misses < CLAIM_RETRIES && (await hasClaimable(db, { campaignId, now, channel }))) {
            await new Promise((resolve) => setTimeout(resolve, 5 * ++misses));
            continue;
          }
          return;
        }
        misses = 0;
        counts.claimed += claimed.length;
        const outcomes = await sendBatch(deps, campaign, claimed, runToken, throttles, calls);
        await writeOutcomes(db, runToken, outcomes, deps.clock(), counts);
        await options.onBatch?.();
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const chain = chainOf(campaign);
  // every queued row has a channel of the chain; null (any) only for a chain that names none
  const channels: Array<ChannelName | null> = chain.length ? chain : [null];
  const lanes = await Promise.allSettled(channels.flatMap((channel) => Array.from({ length: Math.max(1, options.lanes ?? 3) }, () => lane(channel))));
  const failure = lanes.find((l): l is PromiseRejectedResult => l.status === "rejected");
  if (failure) throw failure.reason;

  const status = await settleCampaign(db, campaignId, deps.clock());
  if (status !== "sending") return { state: status === "finished" || status === "paused" || status === "cancelled" ? status : "not_sending", nextRunAt: null, counts };
  const now = deps.clock().getTime();
  if (outOfTime) return { state: "continuing", nextRunAt: new Date(now), counts };
  const pending = await pendingTimes(db, campaignId, chain);
  const times = [pending.nextDueAt?.getTime(), pending.oldestClaimAt ? pending.oldestClaimAt.getTime() + leaseMs + 1 : undefined];
  let next = Math.min(...times.filter((t): t is number => t !== undefined));
  // due rows this run could not claim are being claimed by another run right now
  if (!Number.isFinite(next) || next <= now) next = now + RECHECK_MS;
  return { state: "waiting", nextRunAt: new Date(next), counts };
}

/**
 * The rate of each channel: its settings' rate when an admin set one, else its sender's default
 * (the provider's documented limit).
 */
export async function channelRates(db: Database, senders: Record<ChannelName, ChannelSender>): Promise<(channel: ChannelName) => number> {
  const rows = await db.models.ChannelSettings.findAll({ attributes: ["channel", "ratePerSecond"], raw: true });
  const set = new Map(rows.filter((row) => row.ratePerSecond !== null && row.ratePerSecond > 0).map((row) => [row.channel, Number(row.ratePerSecond)]));
  return (channel) => set.get(channel) ?? senders[channel]?.defaultRatePerSecond ?? 1;
}

/** The channels of the campaign's fallback chain, in order. */
function chainOf(campaign: CampaignRow): ChannelName[] {
  return [...new Set(campaign.channels.split(",").map((name) => name.trim()).filter(isChannel))];
}

/** The channel's rate, or one message a second when what its settings give is not a positive number. */
function rateOf(deps: SenderDeps, channel: ChannelName): number {
  const rate = deps.ratePerSecond(channel);
  return Number.isFinite(rate) && rate > 0 ? rate : 1;
}

/** A claim's size: the batch size, or less when the slowest of the channels would take longer than BATCH_SECONDS to send it. */
function claimLimit(channels: ChannelName[], deps: SenderDeps, batchSize: number): number {
  const rates = channels.map((channel) => rateOf(deps, channel));
  const slowest = rates.length ? Math.min(...rates) : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(batchSize, Math.ceil(slowest * BATCH_SECONDS)));
}

async function sendBatch(
  deps: SenderDeps,
  campaign: CampaignRow,
  claimed: ClaimedDelivery[],
  runToken: string,
  throttles: ChannelThrottles,
  calls: Slots,
): Promise<Outcome[]> {
  let rendered: Map<number, RenderOutcome>;
  try {
    rendered = await deps.render(campaign, claimed);
  } catch (error) {
    // nothing of the batch reached a provider: back in line as they were, then the run fails
    const now = deps.clock();
    await settleClaimed(deps.db, runToken, { status: "queued", rows: claimed.map((d) => ({ id: d.id, error: null, dueAt: now })) }, now);
    throw error;
  }
  const outcomes: Outcome[] = [];
  let next = 0;
  const sendNext = async () => {
    while (next < claimed.length) {
      const delivery = claimed[next++];
      await calls.take();
      try {
        outcomes.push(await sendOne(deps, campaign, delivery, rendered.get(delivery.id), throttles));
      } finally {
        calls.give();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(calls.size, claimed.length) }, sendNext));
  return outcomes;
}

/** The message's deterministic key: per customer for a campaign; per delivery row (one per firing) for an automation's. */
function deliveryKeyOf(campaign: CampaignRow, delivery: ClaimedDelivery): string {
  return campaign.automationId ? `automation-${campaign.automationId}-delivery-${delivery.id}` : `campaign-${campaign.id}-customer-${delivery.customerId}`;
}

async function sendOne(deps: SenderDeps, campaign: CampaignRow, delivery: ClaimedDelivery, message: RenderOutcome | undefined, throttles: ChannelThrottles): Promise<Outcome> {
  const { id } = delivery;
  if (!message) return { id, status: "failed", error: msg("campaigns.sender.notMade") };
  if ("problem" in message) return { id, status: "failed", error: msg("campaigns.sender.template", { problem: message.problem.message }).slice(0, 2000) };
  const sender = deps.senders[delivery.channel];
  if (!sender) return { id, status: "failed", error: msg("campaigns.sender.noSender", { channel: delivery.channel }) };
  await throttles.for(delivery.channel, rateOf(deps, delivery.channel)).acquire();
  const outgoing: OutgoingMessage = { deliveryKey: deliveryKeyOf(campaign, delivery), deliveryId: id, customerId: delivery.customerId, to: delivery.address, message };
  if (isOutboxSender(sender)) return { id, status: "store", sender, message: outgoing };
  try {
    const result = await sender.send(outgoing);
    return { id, status: "sent", providerMessageId: result.providerMessageId };
  } catch (error) {
    if (!(error instanceof SendFailure) || error.kind === "maybe_sent") {
      return { id, status: "unknown", error: msg("campaigns.sender.answerLost", { reason: reason(error) }).slice(0, 2000) };
    }
    if (error.kind === "rejected") return { id, status: "failed", error: reason(error) };
    if (delivery.attempts >= MAX_SEND_ATTEMPTS) return { id, status: "failed", error: msg("campaigns.sender.gaveUp", { count: delivery.attempts, reason: reason(error) }).slice(0, 2000) };
    const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (delivery.attempts - 1));
    return { id, status: "queued", error: reason(error), dueAt: new Date(deps.clock().getTime() + Math.max(backoff, error.retryAfterMs ?? 0)) };
  }
}

/** A count of provider calls that may be under way at once, shared by a run's lanes. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    this.free = Math.max(1, size);
  }

  take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * A batch's outcomes, one statement per kind, in one transaction (one commit, not four). Messages for
 * the outbox are stored in it too, so a stored message and its delivery's "sent" commit together; if
 * the transaction fails, those rows go back in line (certainly not stored) before the error goes on.
 */
async function writeOutcomes(db: Database, runToken: string, outcomes: Outcome[], now: Date, counts: SenderRun["counts"]): Promise<void> {
  const of = <S extends Outcome["status"]>(status: S) => outcomes.filter((o): o is Extract<Outcome, { status: S }> => o.status === status);
  const toStore = of("store");
  let took: number[];
  try {
    took = await sendingTransaction(db, async (transaction) => {
      const batches: ClaimOutcome[] = [
        { status: "sent", rows: [...of("sent"), ...(await storeInOutbox(db, runToken, toStore, transaction))] },
        { status: "failed", rows: of("failed") },
        { status: "unknown", rows: of("unknown") },
        { status: "queued", rows: of("queued") },
      ];
      const changed: number[] = [];
      for (const batch of batches) changed.push(await settleClaimed(db, runToken, batch, now, transaction));
      return changed;
    });
  } catch (error) {
    if (toStore.length) await settleClaimed(db, runToken, { status: "queued", rows: toStore.map((o) => ({ id: o.id, error: null, dueAt: now })) }, now);
    throw error;
  }
  counts.sent += took[0];
  counts.failed += took[1];
  counts.unknown += took[2];
  counts.retried += took[3];
}

/** Stores the outbox's messages of rows this run still holds (locked until the outcomes commit); returns them as sent. */
async function storeInOutbox(db: Database, runToken: string, toStore: Array<Extract<Outcome, { status: "store" }>>, transaction: Transaction) {
  if (toStore.length === 0) return [];
  const held = await heldClaims(db, runToken, toStore.map((o) => o.id), transaction);
  const sent: Array<{ id: number; providerMessageId: string }> = [];
  for (const o of toStore) {
    if (!held.has(o.id)) continue;
    const result = await o.sender.send(o.message, transaction);
    sent.push({ id: o.id, providerMessageId: result.providerMessageId });
  }
  return sent;
}

/**
 * After a run: a sending campaign with nothing queued or in flight is finished; a cancelled one
 * cancels what a retry put back in line after the cancel. Returns the campaign's status.
 */
async function settleCampaign(db: Database, campaignId: number, now: Date): Promise<CampaignRow["status"] | "gone"> {
  // the look for pending rows sees what committed while this waited for the lock (sendingTransaction)
  return sendingTransaction(db, async (transaction) => {
    // locked first: a resend that puts rows back in line commits before this looks, or after it
    const campaign = await db.models.Campaign.findOne({ where: { id: campaignId }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    if (!campaign) return "gone";
    if (campaign.status === "cancelled") {
      await cancelQueued(db, campaignId, now, transaction);
      return "cancelled";
    }
    if (campaign.status !== "sending") return campaign.status;
    const pending = await db.models.CampaignDelivery.findOne({ attributes: ["id"], where: { campaignId, status: ["queued", "in_flight"] }, transaction, raw: true });
    if (pending) return "sending";
    await db.models.Campaign.update({ status: "finished", finishedAt: now, updatedAt: now }, { where: { id: campaignId }, transaction });
    return "finished";
  });
}
