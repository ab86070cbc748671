// The one applier of what comes back from providers and unsubscribe links. Each event is applied
// once: its row in delivery_events, unique by (provider, event_key), is written in the transaction
// that applies it, so a provider's retry (or the same callback twice at once) finds the row and
// changes nothing. Opt-outs and opt-ins go through the API's own subscription write
// (changeSubscriptions), which appends to the change log in the same transaction: segments on
// "subscribed" follow within seconds.
import { Op, UniqueConstraintError, type Transaction, type WhereOptions } from "sequelize";
import type { Database } from "../../models/db";
import type { CampaignDelivery } from "../../models/campaign-models";
import { changeSubscriptions } from "../../models/ingest/subscriptions.server";
import { readTimestamp } from "../../models/sql/bulk";
import type { ChannelName } from "../channels/channel";
import { progressAfter, statusesMovedBy, type DeliveryProgress } from "./delivery-progress";
import type { InboundEvent, InboundProvider, StatusEvent, SubscriptionEvent, WatermarkEvent } from "./events";

export interface ApplyResult {
  /** Events applied now (whether or not they found a delivery or an identity to change). */
  applied: number;
  /** Events applied before: a provider's retry. */
  duplicates: number;
}

class AlreadyApplied extends Error {}

/** Applies each event once, each in its own transaction; `now` stands in for events that carry no time. */
export async function applyInboundEvents(db: Database, events: InboundEvent[], now: Date): Promise<ApplyResult> {
  const result: ApplyResult = { applied: 0, duplicates: 0 };
  for (const event of events) {
    const outcome = await applyOnce(db, (t) => applyEvent(db, event, now, t));
    result[outcome === "applied" ? "applied" : "duplicates"]++;
  }
  return result;
}

async function applyOnce(db: Database, work: (t: Transaction) => Promise<void>): Promise<"applied" | "duplicate"> {
  try {
    await db.sequelize.transaction(work);
    return "applied";
  } catch (error) {
    if (error instanceof AlreadyApplied) return "duplicate";
    throw error;
  }
}

function applyEvent(db: Database, event: InboundEvent, now: Date, t: Transaction): Promise<void> {
  switch (event.kind) {
    case "status":
      return applyStatus(db, event, now, t);
    case "watermark":
      return applyWatermark(db, event, now, t);
    case "subscription":
      return applySubscription(db, event, now, t);
  }
}

interface RecordedEvent {
  provider: InboundProvider;
  eventKey: string;
  type: string;
  deliveryId: number | null;
  occurredAt: Date;
  payload: unknown;
}

/** Writes the event's row and returns its id; throws AlreadyApplied when its (provider, key) is there already. */
async function recordEvent(db: Database, event: RecordedEvent, now: Date, t: Transaction): Promise<number> {
  try {
    const row = await db.models.DeliveryEvent.create(
      {
        deliveryId: event.deliveryId,
        provider: event.provider,
        eventKey: event.eventKey,
        type: event.type,
        occurredAt: event.occurredAt,
        payload: JSON.stringify(event.payload),
        createdAt: now,
      },
      { transaction: t },
    );
    return Number(row.id);
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new AlreadyApplied();
    throw error;
  }
}

type DeliveryRow = Pick<CampaignDelivery, "id" | "status" | "deliveredAt" | "readAt" | "failedAt" | "error">;
const DELIVERY_COLUMNS = ["id", "status", "deliveredAt", "readAt", "failedAt", "error"];

/** The deliveries a report names, locked (MariaDB) so that two reports on one message apply one after the other. */
async function findDeliveries(db: Database, where: WhereOptions<CampaignDelivery>, t: Transaction): Promise<DeliveryRow[]> {
  const rows = await db.models.CampaignDelivery.findAll({
    where,
    attributes: DELIVERY_COLUMNS,
    order: [["id", "ASC"]],
    transaction: t,
    lock: db.dialect === "mysql" ? t.LOCK.UPDATE : undefined,
    raw: true,
  });
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
    deliveredAt: readTimestamp(r.deliveredAt),
    readAt: readTimestamp(r.readAt),
    failedAt: readTimestamp(r.failedAt),
    error: r.error,
  }));
}

async function moveDeliveries(db: Database, rows: DeliveryRow[], event: StatusEvent | WatermarkEvent, at: Date, now: Date, t: Transaction): Promise<void> {
  for (const row of rows) {
    const current: DeliveryProgress = { status: row.status, deliveredAt: row.deliveredAt, readAt: row.readAt, failedAt: row.failedAt, error: row.error };
    const next = progressAfter(current, event.report, at, event.kind === "status" ? event.error : null);
    if (!next) continue;
    await db.models.CampaignDelivery.update(
      { status: next.status, deliveredAt: next.deliveredAt, readAt: next.readAt, failedAt: next.failedAt, error: next.error, updatedAt: now },
      { where: { id: row.id, status: row.status }, transaction: t, silent: true },
    );
  }
}

/**
 * A delivery report's row once, then the deliveries it found moved by it. `payload`: what the report
 * named, with the ids of the deliveries it found.
 */
async function applyReport(
  db: Database,
  event: StatusEvent | WatermarkEvent,
  rows: DeliveryRow[],
  payload: (deliveries: number[]) => unknown,
  now: Date,
  t: Transaction,
): Promise<void> {
  const at = event.occurredAt ?? now;
  // a report that finds no delivery is kept all the same (delivery_id empty), with the ids it names
  const deliveryId = rows.length === 1 ? rows[0].id : null;
  await recordEvent(db, { provider: event.provider, eventKey: event.eventKey, type: event.report, deliveryId, occurredAt: at, payload: payload(rows.map((r) => r.id)) }, now, t);
  await moveDeliveries(db, rows, event, at, now, t);
}

/**
 * A subscription change's row once, then the customers' identities on the channel changed through the
 * API's own write: identity and change log together, and a change older than the stored state is ignored.
 */
async function applySubscriptionChange(
  db: Database,
  change: { provider: InboundProvider; eventKey: string; channel: ChannelName; isSubscribed: boolean; customers: Array<{ id: number; externalId: string }>; at: Date },
  now: Date,
  t: Transaction,
): Promise<void> {
  const { channel, isSubscribed, customers, at } = change;
  const eventId = await recordEvent(
    db,
    {
      provider: change.provider,
      eventKey: change.eventKey,
      type: isSubscribed ? "subscribed" : "unsubscribed",
      deliveryId: null,
      occurredAt: at,
      payload: { channel, customerIds: customers.map((c) => c.id) },
    },
    now,
    t,
  );
  if (customers.length === 0) return;
  const outcome = await changeSubscriptions(
    db,
    customers.map((c) => ({ customerExternalId: c.externalId, channel, subscribed: isSubscribed, at })),
    // the consent record points at the event's row, which names the provider and its event
    { source: "webhook", transaction: t, now, consent: { source: change.provider === "unsubscribe-link" ? "unsubscribe_link" : "webhook", reference: `delivery_event:${eventId}` } },
  );
  if (!outcome.ok) throw new Error(`subscription change refused: ${outcome.errors.map((e) => `${e.field} ${e.reason}`).join("; ")}`);
}

/** The customers with an identity at this address on this channel. */
async function customerIdsAt(db: Database, channel: ChannelName, address: string, t: Transaction): Promise<number[]> {
  const identities = await db.models.ChannelIdentity.findAll({ where: { channel, address }, attributes: ["customerId"], transaction: t, raw: true });
  return identities.map((i) => i.customerId);
}

async function applyStatus(db: Database, event: StatusEvent, now: Date, t: Transaction): Promise<void> {
  const where: WhereOptions<CampaignDelivery> = { providerMessageId: { [Op.in]: event.providerMessageIds }, channel: event.channel };
  if (event.address) Object.assign(where, { address: event.address });
  const rows = await findDeliveries(db, where, t);
  await applyReport(db, event, rows, (deliveries) => ({ providerMessageIds: event.providerMessageIds, deliveries, error: event.error }), now, t);
}

async function applyWatermark(db: Database, event: WatermarkEvent, now: Date, t: Transaction): Promise<void> {
  const customerIds = await customerIdsAt(db, event.channel, event.address, t);
  const named: WhereOptions<CampaignDelivery>[] = [];
  if (event.providerMessageIds.length) named.push({ providerMessageId: { [Op.in]: event.providerMessageIds } });
  if (customerIds.length) {
    // the watermark covers every message to this person sent up to it; through the customer (indexed), not the address
    named.push({
      customerId: { [Op.in]: customerIds },
      address: event.address,
      status: { [Op.in]: [...statusesMovedBy(event.report)] },
      sentAt: { [Op.lte]: event.watermark },
    });
  }
  const rows = named.length ? await findDeliveries(db, { channel: event.channel, [Op.or]: named }, t) : [];
  await applyReport(db, event, rows, (deliveries) => ({ watermark: event.watermark.toISOString(), providerMessageIds: event.providerMessageIds, deliveries }), now, t);
}

async function applySubscription(db: Database, event: SubscriptionEvent, now: Date, t: Transaction): Promise<void> {
  const customerIds = await customerIdsAt(db, event.channel, event.address, t);
  const customers = customerIds.length
    ? await db.models.Customer.findAll({ where: { id: { [Op.in]: customerIds } }, attributes: ["id", "externalId"], order: [["id", "ASC"]], transaction: t, raw: true })
    : [];
  const change = { provider: event.provider, eventKey: event.eventKey, channel: event.channel, isSubscribed: event.isSubscribed, customers, at: event.occurredAt ?? now };
  await applySubscriptionChange(db, change, now, t);
}

export type LinkUnsubscribe = { ok: true; changed: boolean } | { ok: false; reason: "unknown_customer" };

/**
 * The customer of an unsubscribe link leaves the channel it names: their identity there is
 * unsubscribed (made, unsubscribed, if they had none), with a delivery event and a change-log entry.
 * Already unsubscribed: nothing changes.
 */
export async function unsubscribeByLink(db: Database, link: { customerId: number; channel: ChannelName }, now: Date): Promise<LinkUnsubscribe> {
  let answer: LinkUnsubscribe = { ok: true, changed: false };
  const outcome = await applyOnce(db, async (t) => {
    // the customer's row is the lock that puts two clicks (or a click and a webhook's opt-in) in line
    const lock = db.dialect === "mysql" ? t.LOCK.UPDATE : undefined;
    const customer = await db.models.Customer.findByPk(link.customerId, { attributes: ["id", "externalId"], transaction: t, lock, raw: true });
    if (!customer) {
      answer = { ok: false, reason: "unknown_customer" };
      return;
    }
    const identity = await db.models.ChannelIdentity.findOne({
      where: { customerId: link.customerId, channel: link.channel },
      attributes: ["isSubscribed", "subscriptionChangedAt"],
      transaction: t,
      lock,
      raw: true,
    });
    if (identity && !identity.isSubscribed) return;
    // one unsubscribe per subscription: the key names the state it ends, so two clicks at once apply once
    const since = readTimestamp(identity?.subscriptionChangedAt)?.getTime() ?? "never";
    const change = { provider: "unsubscribe-link" as const, eventKey: `${link.customerId}:${link.channel}:${since}`, channel: link.channel, isSubscribed: false, customers: [customer], at: now };
    await applySubscriptionChange(db, change, now, t);
    answer = { ok: true, changed: true };
  });
  return outcome === "duplicate" ? { ok: true, changed: false } : answer;
}

export type LinkState = { ok: true; channel: ChannelName; isUnsubscribed: boolean } | { ok: false; reason: "unknown_customer" };

/** What the unsubscribe page shows before anything changes: the channel, and whether the customer has left it already. */
export async function unsubscribeLinkState(db: Database, link: { customerId: number; channel: ChannelName }): Promise<LinkState> {
  const customer = await db.models.Customer.findByPk(link.customerId, { attributes: ["id"], raw: true });
  if (!customer) return { ok: false, reason: "unknown_customer" };
  const identity = await db.models.ChannelIdentity.findOne({ where: { customerId: link.customerId, channel: link.channel }, attributes: ["isSubscribed"], raw: true });
  return { ok: true, channel: link.channel, isUnsubscribed: identity ? !identity.isSubscribed : false };
}
