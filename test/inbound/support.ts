// A store for the inbound tests: customers with channel identities, one campaign whose deliveries
// went out through the providers, and the signatures the providers would put on their callbacks.
import crypto from "node:crypto";
import twilio from "twilio";
import type { Database } from "../../models/db";
import type { Channel } from "../../models/models";
import type { DeliveryStatus } from "../../models/campaign-models";
import type { WebhookSecrets } from "../../campaigns/inbound/secrets";
import { rowCounts } from "../support/db";
import { startTestApp } from "../support/app";
import { addCampaignRow } from "../support/campaign-row";

export const SECRETS: WebhookSecrets = {
  twilioAuthToken: "0123456789abcdef0123456789abcdef",
  messengerAppSecret: "messenger-app-secret-of-the-tests",
  messengerVerifyToken: "verify-token-of-the-tests",
  viberAuthToken: "4a9d1f0c2e6b7d3a-8c5e9f1a2b3c4d5e",
};

/** The console's public address in the test app (startTestApp): what Twilio signs. */
export const PUBLIC_URL = "http://127.0.0.1";

export function startInboundApp(secrets: WebhookSecrets = SECRETS) {
  return startTestApp({ config: { webhooks: secrets } });
}

/** X-Twilio-Signature for these form parameters posted to `path`, computed by the twilio library itself. */
export function twilioSignature(params: Record<string, string>, path = "/webhooks/twilio", token = SECRETS.twilioAuthToken!): string {
  return twilio.getExpectedTwilioSignature(token, `${PUBLIC_URL}${path}`, params);
}

export function hexHmac(secret: string, body: string): string {
  return crypto.createHmac("sha256", secret).update(body, "utf8").digest("hex");
}

export async function addCampaign(db: Database, name = "Spring sale"): Promise<number> {
  return (await addCampaignRow(db, new Date("2025-03-01T09:00:00Z"), { name, status: "sending", channels: "viber,sms" })).id;
}

export interface DeliverySpec {
  channel: Channel;
  address: string;
  providerMessageId: string | null;
  status?: DeliveryStatus;
  sentAt?: Date | null;
}

let campaigns = 0;

/** A delivery of a campaign of its own (a campaign has one delivery per customer). */
export async function addDelivery(db: Database, customerId: number, spec: DeliverySpec): Promise<number> {
  const campaignId = await addCampaign(db, `Campaign ${++campaigns}`);
  const sentAt = spec.sentAt === undefined ? new Date("2025-03-01T09:00:05Z") : spec.sentAt;
  const row = await db.models.CampaignDelivery.create({
    campaignId,
    customerId,
    channel: spec.channel,
    address: spec.address,
    status: spec.status ?? "sent",
    skipReason: null,
    dueAt: new Date("2025-03-01T09:00:00Z"),
    providerMessageId: spec.providerMessageId,
    sentAt,
    createdAt: new Date("2025-03-01T09:00:00Z"),
    updatedAt: new Date("2025-03-01T09:00:05Z"),
  });
  return Number(row.id);
}

export async function delivery(db: Database, id: number) {
  const row = await db.models.CampaignDelivery.findByPk(id, { raw: true });
  if (!row) throw new Error(`no delivery ${id}`);
  const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
  return { status: row.status, deliveredAt: iso(row.deliveredAt), readAt: iso(row.readAt), failedAt: iso(row.failedAt), error: row.error };
}

export async function identity(db: Database, customerId: number, channel: Channel) {
  const row = await db.models.ChannelIdentity.findOne({ where: { customerId, channel }, raw: true });
  return row ? { address: row.address, isSubscribed: Boolean(row.isSubscribed), changedAt: row.subscriptionChangedAt ? new Date(row.subscriptionChangedAt as unknown as string).toISOString() : null } : null;
}

/** Every row the inbound side may touch, and the row count of every table: equal before and after means nothing changed. */
export async function snapshot(db: Database) {
  const deliveries = await db.models.CampaignDelivery.findAll({ order: [["id", "ASC"]], raw: true });
  const identities = await db.models.ChannelIdentity.findAll({ order: [["id", "ASC"]], raw: true });
  return {
    counts: await rowCounts(db),
    deliveries: deliveries.map((d) => JSON.stringify(d)),
    identities: identities.map((i) => JSON.stringify({ ...i, isSubscribed: Boolean(i.isSubscribed) })),
  };
}

export async function changesOf(db: Database, customerId: number) {
  const rows = await db.models.CustomerChange.findAll({ where: { customerId, kind: "channel" }, order: [["id", "ASC"]], raw: true });
  return rows.map((r) => ({ source: r.source, fields: JSON.parse(r.fields ?? "null") as unknown }));
}

export async function eventsOf(db: Database, provider: string) {
  const rows = await db.models.DeliveryEvent.findAll({ where: { provider }, order: [["id", "ASC"]], raw: true });
  return rows.map((r) => ({ eventKey: r.eventKey, type: r.type, deliveryId: r.deliveryId === null ? null : Number(r.deliveryId) }));
}
