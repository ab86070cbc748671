// The outbox as a channel: with no credentials for a channel, its messages are kept in the console
// (outbox_messages, status "stored"), readable and searchable there, so a store with nothing
// configured still sends campaigns end to end. The write can join the caller's transaction, so the
// sender marks the delivery sent in the same commit that stores the message (decision 0019, rule 4).
import type { Transaction } from "sequelize";
import type { Database } from "../../models/db";
import type { ChannelName, ChannelSender, OutgoingMessage, SendResult } from "./channel";

/**
 * Nothing leaves the machine, so no provider limits it; this keeps a campaign on the outbox from
 * crowding the database's writes out (a few thousand customers take seconds).
 */
export const OUTBOX_RATE = 500;

export interface OutboxSender extends ChannelSender {
  readonly provider: "outbox";
  /** Stores the message; inside `transaction` when one is given (it commits with the caller's work). */
  send(message: OutgoingMessage, transaction?: Transaction): Promise<SendResult>;
}

export function isOutboxSender(sender: ChannelSender): sender is OutboxSender {
  return sender.provider === "outbox";
}

export interface OutboxSenderOptions {
  /** Why the message is sent: "campaign" (default), or "test" for the admin page's test message. */
  purpose?: string;
  ratePerSecond?: number;
  /** The time stored on the row; the message's own clock, so tests can fix it. */
  clock?: () => Date;
}

export function createOutboxSender(db: Database, channel: ChannelName, options: OutboxSenderOptions = {}): OutboxSender {
  const clock = options.clock ?? (() => new Date());
  return {
    channel,
    provider: "outbox",
    defaultRatePerSecond: options.ratePerSecond ?? OUTBOX_RATE,
    async send(outgoing, transaction) {
      const now = clock();
      const { message } = outgoing;
      const row = await db.models.OutboxMessage.create(
        {
          channel,
          purpose: options.purpose ?? "campaign",
          recipient: outgoing.to.slice(0, 320),
          userId: null,
          customerId: outgoing.customerId ?? null,
          deliveryId: outgoing.deliveryId ?? null,
          subject: message.subject ? message.subject.slice(0, 500) : null,
          textBody: message.text,
          htmlBody: message.html ?? null,
          status: "stored",
          providerMessageId: null,
          createdAt: now,
          updatedAt: now,
        },
        { transaction },
      );
      const providerMessageId = `outbox-${row.id}`;
      await db.models.OutboxMessage.update({ providerMessageId }, { where: { id: row.id }, transaction });
      return { providerMessageId, provider: "outbox" };
    },
    async close() {},
  };
}
