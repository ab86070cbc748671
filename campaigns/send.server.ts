// Starting and steering a campaign's sending (docs/decisions/0019, 0022). Each change of a
// campaign's status locks the campaign row first and happens in one transaction with the delivery
// rows it changes and the job it makes necessary; the sender's claims take the same row's lock
// (shared), so a pause or cancel is never overtaken by a claim that started before it committed.
import { Op, type Transaction } from "sequelize";
import { findMarketerCampaignRow, statusName } from "./campaigns.server";
import { msg } from "../models/messages";
import type { Database } from "../models/db";
import { DELIVERY_STATUSES, type CampaignRow, type CampaignStatus, type DeliveryStatus, type SkipReason } from "../models/campaign-models";
import { JOB_NAMES, type CampaignJobData } from "../jobs/job-names";
import { jobOf, type JobQueue } from "../jobs/job-queue";
import type { ChannelName } from "./channels/channel";
import { insertDeliveries, NOT_REACHED, sendingTransaction, upsertResendDeliveries, type NewDelivery } from "./delivery-sql";

/**
 * One customer of the audience as sending needs them: the channel of the chain that reaches them
 * and their address on it, or why they get nothing; and the first instant their message may go.
 * campaigns/audience.server.ts's AudienceRecipient is one.
 */
export interface SendRecipient {
  customerId: number;
  channel: ChannelName | null;
  address: string | null;
  skipReason: SkipReason | null;
  dueAt: Date;
}

export type ControlResult = { ok: true; status: CampaignStatus } | { ok: false; reason: string };
export type ResendResult = { ok: true; queued: number } | { ok: false; reason: string };

/** The earliest a UTC offset reaches on Earth (+14:00, Line Islands): where a wall time comes first. */
const EARLIEST_OFFSET_MS = 14 * 3_600_000;

/**
 * When a campaign's audience is fixed: now; its send time; or, in each customer's own zone, the
 * first moment any zone reaches the wall time. Null when an "at" campaign has no time.
 */
export function firstStartInstant(campaign: Pick<CampaignRow, "scheduleKind" | "timeZoneMode" | "sendAt" | "localSendAt">, now: Date): Date | null {
  if (campaign.scheduleKind === "now") return now;
  let at: number;
  if (campaign.timeZoneMode === "customer") {
    const wall = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(campaign.localSendAt ?? "");
    if (!wall) return null;
    const [, y, mo, d, h, mi] = wall.map(Number);
    at = Date.UTC(y, mo - 1, d, h, mi) - EARLIEST_OFFSET_MS;
  } else {
    if (!campaign.sendAt) return null;
    at = new Date(campaign.sendAt).getTime();
  }
  return new Date(Math.max(at, now.getTime()));
}

/**
 * The campaign's row, locked until the transaction ends (MariaDB; SQLite's write transaction holds the whole file).
 * An automation's hidden campaign is not one a marketer controls: it is not found here.
 */
async function lockCampaign(db: Database, campaignId: number, transaction: Transaction): Promise<CampaignRow | null> {
  return findMarketerCampaignRow(db, campaignId, transaction);
}

/** The campaign's one send job (unique by campaign): saved again, it runs at `at` (or on at once if it is running). */
export function saveSendJob(queue: JobQueue, campaignId: number, at: Date, transaction?: Transaction) {
  return queue.save(jobOf<CampaignJobData>(JOB_NAMES.sendCampaign, { campaignId }, at, { unique: { "data.campaignId": campaignId } }), transaction);
}

export function saveStartJob(queue: JobQueue, campaignId: number, at: Date, transaction: Transaction) {
  return queue.save(jobOf<CampaignJobData>(JOB_NAMES.startCampaign, { campaignId }, at, { unique: { "data.campaignId": campaignId } }), transaction);
}

/** A refusal for the campaign's state; `key` says what cannot be done in a whole sentence with {{status}}. */
const isNot = (status: CampaignStatus, key: string) => ({ ok: false as const, reason: msg(key, { status: statusName(status) }) });
const missing = () => ({ ok: false as const, reason: msg("campaigns.control.noSuchCampaign") });

/** Puts a draft (or scheduled) campaign in line to start: status "scheduled" and a start-campaign job at the schedule's first instant (now for "now"), in one transaction. Twice is a no-op. */
export async function requestStart(db: Database, queue: JobQueue, campaignId: number, now: Date): Promise<ControlResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (campaign.status !== "draft" && campaign.status !== "scheduled") return isNot(campaign.status, "campaigns.control.cannotStart");
    const at = firstStartInstant(campaign, now);
    if (!at) return { ok: false as const, reason: msg("campaigns.control.noSendTime") };
    if (campaign.status === "draft") await db.models.Campaign.update({ status: "scheduled", updatedAt: now }, { where: { id: campaignId, status: "draft" }, transaction });
    // saved again for a scheduled campaign: an edited send time moves its start (the same time changes nothing)
    await saveStartJob(queue, campaignId, at, transaction);
    return { ok: true as const, status: "scheduled" as const };
  });
}

/** The rows a list of recipients makes, one per customer (the first wins): queued with an address, else skipped with a reason. */
function deliveriesOf(recipients: SendRecipient[]): NewDelivery[] {
  const seen = new Set<number>();
  const rows: NewDelivery[] = [];
  for (const r of recipients) {
    if (seen.has(r.customerId)) continue;
    seen.add(r.customerId);
    const reachable = r.skipReason === null && r.channel !== null && r.address !== null && r.address !== "";
    rows.push({
      customerId: r.customerId,
      channel: r.channel,
      address: r.address || null,
      status: reachable ? "queued" : "skipped",
      // a recipient with neither an address nor a reason has no address
      skipReason: reachable ? null : (r.skipReason ?? "no_address"),
      dueAt: r.dueAt,
    });
  }
  return rows;
}

/** When the first queued row is due (not before now); now when nothing is queued. */
function earliestDue(rows: NewDelivery[], now: Date): Date {
  let first = Number.POSITIVE_INFINITY;
  for (const row of rows) if (row.status === "queued") first = Math.min(first, row.dueAt.getTime());
  return new Date(Number.isFinite(first) ? Math.max(first, now.getTime()) : now.getTime());
}

/** Fixes the audience: campaign → sending, one delivery row per recipient, the send job, one transaction. Twice is a no-op. */
export async function startCampaign(db: Database, queue: JobQueue, campaignId: number, recipients: SendRecipient[], now: Date): Promise<{ started: boolean }> {
  const rows = deliveriesOf(recipients);
  return sendingTransaction(db, async (transaction) => {
    const [moved] = await db.models.Campaign.update(
      { status: "sending", startedAt: now, updatedAt: now },
      { where: { id: campaignId, status: { [Op.in]: ["draft", "scheduled"] } }, transaction },
    );
    if (moved === 0) return { started: false };
    await insertDeliveries(db, campaignId, rows, now, transaction);
    // with nothing queued the first run finds nothing to send and finishes the campaign
    await saveSendJob(queue, campaignId, earliestDue(rows, now), transaction);
    return { started: true };
  });
}

/** Stops claiming new messages: those already handed to a provider finish, the rest wait for a resume. */
export async function pauseCampaign(db: Database, _queue: JobQueue, campaignId: number, now: Date): Promise<ControlResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (campaign.status === "paused") return { ok: true as const, status: "paused" as const };
    if (campaign.status !== "sending") return isNot(campaign.status, "campaigns.control.cannotPause");
    await db.models.Campaign.update({ status: "paused", pausedAt: now, updatedAt: now }, { where: { id: campaignId }, transaction });
    return { ok: true as const, status: "paused" as const };
  });
}

/** Sends on from where a pause stopped, with the send job due now. */
export async function resumeCampaign(db: Database, queue: JobQueue, campaignId: number, now: Date): Promise<ControlResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (campaign.status === "sending") return { ok: true as const, status: "sending" as const };
    if (campaign.status !== "paused") return isNot(campaign.status, "campaigns.control.cannotResume");
    await db.models.Campaign.update({ status: "sending", pausedAt: null, updatedAt: now }, { where: { id: campaignId }, transaction });
    await saveSendJob(queue, campaignId, now, transaction);
    return { ok: true as const, status: "sending" as const };
  });
}

/** Ends a campaign that has not finished: its queued messages are cancelled; those already handed to a provider finish. */
export async function cancelCampaign(db: Database, _queue: JobQueue, campaignId: number, now: Date): Promise<ControlResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (campaign.status === "cancelled") return { ok: true as const, status: "cancelled" as const };
    if (!["scheduled", "sending", "paused"].includes(campaign.status)) return isNot(campaign.status, "campaigns.control.cannotCancel");
    await db.models.Campaign.update({ status: "cancelled", cancelledAt: now, updatedAt: now }, { where: { id: campaignId }, transaction });
    await cancelQueued(db, campaignId, now, transaction);
    return { ok: true as const, status: "cancelled" as const };
  });
}

/** Marks a campaign's queued rows cancelled (at cancel, and for retries that came back after it). */
export async function cancelQueued(db: Database, campaignId: number, now: Date, transaction?: Transaction): Promise<number> {
  const [changed] = await db.models.CampaignDelivery.update({ status: "cancelled", updatedAt: now }, { where: { campaignId, status: "queued" }, transaction });
  return changed;
}

/**
 * Sends a finished (or cancelled) campaign again to its audience now, minus everyone it already
 * reached or may have reached (unknown: see resendUnknown). Customers new to the audience get a row;
 * rows that failed, were skipped or cancelled are put back in line.
 */
export async function resendToNotReached(db: Database, queue: JobQueue, campaignId: number, recipients: SendRecipient[], now: Date): Promise<ResendResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (campaign.status !== "finished" && campaign.status !== "cancelled") return isNot(campaign.status, "campaigns.control.cannotResendNotReached");
    const existing = await db.models.CampaignDelivery.findAll({ attributes: ["customerId", "status"], where: { campaignId }, raw: true, transaction });
    const statusOf = new Map(existing.map((row) => [Number(row.customerId), row.status]));
    const rows = deliveriesOf(recipients).filter((row) => {
      const status = statusOf.get(row.customerId);
      // in flight, sent, delivered, read or unknown: the customer has the message, or may have it
      return status === undefined || NOT_REACHED.includes(status);
    });
    await upsertResendDeliveries(db, campaignId, rows, now, transaction);
    const queued = rows.filter((row) => row.status === "queued");
    if (queued.length > 0) {
      await db.models.Campaign.update({ status: "sending", finishedAt: null, cancelledAt: null, updatedAt: now }, { where: { id: campaignId }, transaction });
      await saveSendJob(queue, campaignId, earliestDue(queued, now), transaction);
    }
    return { ok: true as const, queued: queued.length };
  });
}

/**
 * Puts the messages whose outcome is unknown back in line, because the marketer asked: the
 * customer may get the message twice. A paused campaign sends them when it is resumed.
 */
export async function resendUnknown(db: Database, queue: JobQueue, campaignId: number, now: Date): Promise<ResendResult> {
  return sendingTransaction(db, async (transaction) => {
    const campaign = await lockCampaign(db, campaignId, transaction);
    if (!campaign) return missing();
    if (!["sending", "paused", "finished"].includes(campaign.status)) return isNot(campaign.status, "campaigns.control.cannotResendUnknown");
    const [queued] = await db.models.CampaignDelivery.update(
      { status: "queued", dueAt: now, claimedBy: null, claimedAt: null, error: null, updatedAt: now },
      { where: { campaignId, status: "unknown" }, transaction },
    );
    if (queued > 0 && campaign.status !== "paused") {
      if (campaign.status === "finished") await db.models.Campaign.update({ status: "sending", finishedAt: null, updatedAt: now }, { where: { id: campaignId }, transaction });
      await saveSendJob(queue, campaignId, now, transaction);
    }
    return { ok: true as const, queued };
  });
}

/** How many of the campaign's deliveries are in each status (every status present, zeros included). */
export async function campaignProgress(db: Database, campaignId: number): Promise<Record<DeliveryStatus, number>> {
  const rows = (await db.models.CampaignDelivery.findAll({
    attributes: ["status", [db.sequelize.fn("COUNT", db.sequelize.col("id")), "count"]],
    where: { campaignId },
    group: ["status"],
    raw: true,
  })) as unknown as Array<{ status: DeliveryStatus; count: number | string }>;
  const progress = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const row of rows) progress[row.status] = Number(row.count);
  return progress;
}
