// The outbox: every message the console sends is written here first, in the transaction that
// decides to send it, and a job delivers it. With no provider configured it stays here, "stored",
// for people to read in the console. Campaigns will put their messages here too.
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { OutboxStatus } from "../notification-models";

export interface EmailDraft {
  recipient: string;
  subject: string;
  text: string;
  html?: string | null;
  /** Why it is sent: "notification", later "campaign", "automation". */
  purpose: string;
  userId?: number | null;
  customerId?: number | null;
}

export interface OutboxMessageView {
  id: number;
  channel: string;
  purpose: string;
  recipient: string;
  subject: string | null;
  status: OutboxStatus;
  attempts: number;
  error: string | null;
  providerMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export interface OutboxMessageDetail extends OutboxMessageView {
  textBody: string | null;
  htmlBody: string | null;
}

/** Writes an email to the outbox as queued; returns its id for the delivery job. */
export async function queueEmail(db: Database, draft: EmailDraft, now: Date, transaction?: Transaction): Promise<number> {
  const row = await db.models.OutboxMessage.create(
    {
      channel: "email",
      purpose: draft.purpose,
      recipient: draft.recipient,
      userId: draft.userId ?? null,
      customerId: draft.customerId ?? null,
      subject: draft.subject.slice(0, 500),
      textBody: draft.text,
      htmlBody: draft.html ?? null,
      status: "queued",
      createdAt: now,
      updatedAt: now,
    },
    { transaction },
  );
  return Number(row.id);
}

const toView = (r: OutboxMessageDetail): OutboxMessageView => ({
  id: Number(r.id),
  channel: r.channel,
  purpose: r.purpose,
  recipient: r.recipient,
  subject: r.subject,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  providerMessageId: r.providerMessageId,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  sentAt: r.sentAt ? new Date(r.sentAt) : null,
});

/** The outbox, newest first, a page at a time, optionally of one status. */
export async function listOutbox(
  db: Database,
  page: { before?: number; limit: number; status?: OutboxStatus },
): Promise<{ messages: OutboxMessageView[]; olderCursor: number | null }> {
  const rows = (await db.models.OutboxMessage.findAll({
    attributes: { exclude: ["textBody", "htmlBody"] },
    where: { ...(page.before !== undefined ? { id: { [Op.lt]: page.before } } : {}), ...(page.status ? { status: page.status } : {}) },
    order: [["id", "DESC"]],
    limit: page.limit + 1,
    raw: true,
  })) as unknown as OutboxMessageDetail[];
  const messages = rows.slice(0, page.limit).map(toView);
  return { messages, olderCursor: rows.length > page.limit ? messages[messages.length - 1].id : null };
}

export async function getOutboxMessage(db: Database, id: number): Promise<OutboxMessageDetail | null> {
  const row = (await db.models.OutboxMessage.findByPk(id, { raw: true })) as unknown as OutboxMessageDetail | null;
  return row ? { ...toView(row), textBody: row.textBody, htmlBody: row.htmlBody } : null;
}
