// "Your segment is ready": what the creator of a segment is told when its formation took long.
import type { Transaction } from "sequelize";
import type { Database } from "../db";
import { createNotification } from "./notifications.server";
import { queueEmail } from "./outbox.server";
import { intlLocale, languageOf, translator } from "../i18n.server";

export interface FormedSegment {
  segmentId: number;
  size: number;
  durationMs: number;
}

export const SEGMENT_FORMED = "segment.formed";

/**
 * Tells the segment's creator (if still an active user) in the app, and by email unless they turned
 * email off. Returns the outbox id of the email, for the caller to enqueue its delivery in the same
 * transaction, or null.
 */
export async function notifySegmentFormed(
  db: Database,
  formed: FormedSegment,
  options: { publicUrl: string; now: Date },
  transaction: Transaction,
): Promise<{ notificationId: number | null; emailId: number | null }> {
  const segment = await db.models.Segment.findByPk(formed.segmentId, { attributes: ["id", "name", "createdById"], raw: true, transaction });
  if (!segment?.createdById) return { notificationId: null, emailId: null };
  const user = await db.models.User.findByPk(segment.createdById, { attributes: ["id", "email", "isActive", "notifyByEmail", "locale"], raw: true, transaction });
  if (!user?.isActive) return { notificationId: null, emailId: null };
  const seconds = Math.round(formed.durationMs / 100) / 10;
  const link = `/segments/${segment.id}`;
  const notificationId = await createNotification(
    db,
    { userId: user.id, kind: SEGMENT_FORMED, params: { segmentId: segment.id, name: segment.name, size: formed.size, seconds }, link },
    options.now,
    transaction,
  );
  if (!user.notifyByEmail) return { notificationId, emailId: null };
  const url = new URL(link, options.publicUrl).toString();
  // in the creator's language, numbers as they write them
  const store = await db.models.StoreSettings.findByPk(1, { attributes: ["locale"], raw: true, transaction });
  const language = languageOf(user, store);
  const t = translator(language);
  const words = { count: formed.size, formatted: formed.size.toLocaleString(intlLocale(language, store?.locale)), name: segment.name, seconds: seconds.toLocaleString(intlLocale(language, store?.locale)) };
  const emailId = await queueEmail(
    db,
    {
      recipient: user.email,
      subject: t("segmentFormed.subject", words),
      text: [t("segmentFormed.body", words), "", t("openIt", { url }), "", t("segmentFormed.why")].join("\n"),
      purpose: "notification",
      userId: user.id,
    },
    options.now,
    transaction,
  );
  return { notificationId, emailId };
}
