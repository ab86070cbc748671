// Delivering one outbox email. The message is marked "sending" before the SMTP call and "sent"
// after it, so a delivery cut off in between (a worker killed mid-call) is found "sending" by the
// retry and marked "unknown": it may have gone out, and it is never sent a second time.
import type { Database } from "../db";
import type { Mailer } from "./mailer.server";
import { msg } from "../messages";

/** Attempts before a temporary failure (connection refused, 4xx) becomes "failed". */
export const MAX_DELIVERY_ATTEMPTS = 5;

export type DeliveryOutcome = "sent" | "stored" | "failed" | "unknown" | "skipped";

/** Thrown for a temporary failure with attempts left: the job runs again later. */
export class DeliveryDeferredError extends Error {}

function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500;
}

export async function deliverOutboxMessage(db: Database, mailer: Mailer | null, messageId: number, now: () => Date): Promise<DeliveryOutcome> {
  const { OutboxMessage } = db.models;
  const row = await OutboxMessage.findByPk(messageId, { raw: true });
  if (!row) return "skipped";
  if (row.status === "sending") {
    await OutboxMessage.update(
      { status: "unknown", error: msg("admin.deliveryCutOff"), updatedAt: now() },
      { where: { id: messageId, status: "sending" } },
    );
    return "unknown";
  }
  if (row.status !== "queued") return "skipped";
  if (!mailer) {
    const [kept] = await OutboxMessage.update({ status: "stored", updatedAt: now() }, { where: { id: messageId, status: "queued" } });
    return kept ? "stored" : "skipped";
  }
  const attempts = row.attempts + 1;
  const [claimed] = await OutboxMessage.update({ status: "sending", attempts, updatedAt: now() }, { where: { id: messageId, status: "queued" } });
  if (!claimed) return "skipped";
  try {
    const { messageId: providerMessageId } = await mailer.send({ to: row.recipient, subject: row.subject ?? "", text: row.textBody ?? "", html: row.htmlBody });
    const at = now();
    await OutboxMessage.update({ status: "sent", providerMessageId: providerMessageId.slice(0, 255), error: null, sentAt: at, updatedAt: at }, { where: { id: messageId } });
    return "sent";
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    if (isPermanent(error) || attempts >= MAX_DELIVERY_ATTEMPTS) {
      await OutboxMessage.update({ status: "failed", error: reason, updatedAt: now() }, { where: { id: messageId } });
      return "failed";
    }
    await OutboxMessage.update({ status: "queued", error: reason, updatedAt: now() }, { where: { id: messageId } });
    throw new DeliveryDeferredError(`email ${messageId} not delivered yet (attempt ${attempts} of ${MAX_DELIVERY_ATTEMPTS}): ${reason}`);
  }
}
