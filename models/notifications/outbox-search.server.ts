// The outbox as the console's Outbox page reads it: every message (notifications and campaign
// messages alike), newest first, searched by recipient, subject or text and filtered by channel
// and purpose.
import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import type { OutboxStatus } from "../notification-models";
import { readTimestamp } from "../sql/bulk";

export interface OutboxQuery {
  /** A part of the recipient, the subject or the text, in any case. */
  search?: string;
  channel?: string;
  purpose?: string;
  /** Messages older than this id (the next page). */
  before?: number;
  limit: number;
}

export interface OutboxLine {
  id: number;
  channel: string;
  purpose: string;
  recipient: string;
  customerId: number | null;
  subject: string | null;
  /** The first line of the text, for messages without a subject (SMS, Messenger, Viber). */
  firstLine: string | null;
  status: OutboxStatus;
  createdAt: Date;
  sentAt: Date | null;
  deliveryId: number | null;
}

const FIRST_LINE_MAX = 140;

/** The first line with text in it, shortened to fit a table cell. */
export function firstLineOf(text: string | null): string | null {
  const line = text?.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
  if (!line) return null;
  return line.length > FIRST_LINE_MAX ? `${line.slice(0, FIRST_LINE_MAX - 1)}…` : line;
}

/** A LIKE pattern that finds `text` anywhere, with LIKE's own characters taken literally (escaped with "!"). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * A page of the outbox. The search compares lower-cased text with LIKE: a scan, but pages are cut
 * by id from the newest, so a common word stops early. SQLite lower-cases only ASCII, so there a
 * Cyrillic or Greek word matches in the case it was typed (MariaDB folds it).
 */
export async function searchOutbox(db: Database, query: OutboxQuery): Promise<{ messages: OutboxLine[]; olderCursor: number | null }> {
  const limit = Math.min(Math.max(query.limit, 1), 200);
  const conditions: string[] = [];
  const replacements: Record<string, unknown> = { limit: limit + 1 };
  if (query.channel) {
    conditions.push("channel = :channel");
    replacements.channel = query.channel;
  }
  if (query.purpose) {
    conditions.push("purpose = :purpose");
    replacements.purpose = query.purpose;
  }
  if (query.before !== undefined) {
    conditions.push("id < :before");
    replacements.before = query.before;
  }
  const search = query.search?.trim();
  if (search) {
    // lower-cased on both sides; and as typed, for the letters SQLite's LOWER leaves alone
    const columns = ["recipient", "subject", "text_body"];
    conditions.push(`(${columns.map((c) => `LOWER(${c}) LIKE :lower ESCAPE '!' OR ${c} LIKE :typed ESCAPE '!'`).join(" OR ")})`);
    replacements.lower = containsPattern(search.toLowerCase());
    replacements.typed = containsPattern(search);
  }
  const rows = await db.sequelize.query<Record<string, unknown>>(
    `SELECT id, channel, purpose, recipient, customer_id AS customerId, subject, SUBSTR(text_body, 1, 1000) AS textStart, status, created_at AS createdAt, sent_at AS sentAt, delivery_id AS deliveryId
     FROM outbox_messages ${conditions.length ? `WHERE ${conditions.join(" AND ")}` : ""} ORDER BY id DESC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  const messages = rows.slice(0, limit).map((r) => ({
    id: Number(r.id),
    channel: String(r.channel),
    purpose: String(r.purpose),
    recipient: String(r.recipient),
    customerId: r.customerId === null ? null : Number(r.customerId),
    subject: (r.subject as string | null) ?? null,
    firstLine: firstLineOf((r.textStart as string | null) ?? null),
    status: r.status as OutboxStatus,
    createdAt: readTimestamp(r.createdAt)!,
    sentAt: readTimestamp(r.sentAt),
    deliveryId: r.deliveryId === null || r.deliveryId === undefined ? null : Number(r.deliveryId),
  }));
  return { messages, olderCursor: rows.length > limit ? messages[messages.length - 1].id : null };
}

/** The campaign a delivery belongs to, for the message page's link back. */
export async function campaignOfDelivery(db: Database, deliveryId: number): Promise<{ id: number; name: string } | null> {
  const delivery = await db.models.CampaignDelivery.findByPk(deliveryId, { attributes: ["campaignId"], raw: true });
  if (!delivery) return null;
  const campaign = await db.models.Campaign.findByPk(delivery.campaignId, { attributes: ["id", "name"], raw: true });
  return campaign ? { id: campaign.id, name: campaign.name } : null;
}

export interface OutboxEntry extends OutboxLine {
  textBody: string | null;
  htmlBody: string | null;
  error: string | null;
  providerMessageId: string | null;
}

/** One message of the outbox with its text and HTML, for the message page. */
export async function getOutboxEntry(db: Database, id: number): Promise<OutboxEntry | null> {
  const r = await db.models.OutboxMessage.findByPk(id, { raw: true });
  if (!r) return null;
  return {
    id: Number(r.id),
    channel: r.channel,
    purpose: r.purpose,
    recipient: r.recipient,
    customerId: r.customerId ?? null,
    subject: r.subject ?? null,
    firstLine: firstLineOf(r.textBody ?? null),
    status: r.status,
    createdAt: readTimestamp(r.createdAt)!,
    sentAt: readTimestamp(r.sentAt),
    deliveryId: r.deliveryId === null || r.deliveryId === undefined ? null : Number(r.deliveryId),
    textBody: r.textBody ?? null,
    htmlBody: r.htmlBody ?? null,
    error: r.error ?? null,
    providerMessageId: r.providerMessageId ?? null,
  };
}
