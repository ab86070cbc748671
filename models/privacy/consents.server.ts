// The consent history: every grant and withdrawal of a channel subscription or of the customer's
// marketing consent, appended in the transaction of the change itself (docs/decisions/0040). A
// record names no address: erasure leaves it as it is, and the table refuses UPDATE and DELETE.
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { ChangeSource } from "../change-log.server";
import { CONSENT_SUBJECTS, type ConsentSource, type ConsentSubject } from "../privacy-models";
import { bulkInsert, readTimestamp } from "../sql/bulk";

export { CONSENT_SOURCES, CONSENT_SUBJECTS, type ConsentSource, type ConsentSubject } from "../privacy-models";

export interface ConsentChange {
  customerId: number;
  subject: ConsentSubject;
  isGranted: boolean;
  occurredAt: Date;
}

/** Who wrote a consent change: its source, and a reference to what made it (no personal data). */
export interface ConsentOrigin {
  source: ConsentSource;
  reference?: string | null;
}

/** The consent source of a write whose caller named only its change-log source. */
export function consentSourceOf(source: ChangeSource): ConsentSource {
  if (source === "ui") return "admin";
  if (source === "seed") return "demo";
  return source;
}

/** Appends consent records in one multi-row statement; inside the transaction of the change. */
export async function appendConsents(db: Database, changes: ConsentChange[], origin: ConsentOrigin, transaction: Transaction, now: Date): Promise<void> {
  if (changes.length === 0) return;
  await bulkInsert(
    db,
    "consent_records",
    ["customer_id", "subject", "is_granted", "source", "reference", "occurred_at", "created_at"],
    changes.map((c) => [c.customerId, c.subject, c.isGranted, origin.source, origin.reference ?? null, c.occurredAt, now]),
    { transaction },
  );
}

export interface ConsentRecordView {
  id: number;
  subject: ConsentSubject;
  isGranted: boolean;
  source: ConsentSource;
  reference: string | null;
  /** ISO 8601. */
  occurredAt: string;
  recordedAt: string;
}

/** A customer's consent history, newest first (by when it happened, then by when it was written). */
export async function listConsentHistory(db: Database, customerId: number, options: { transaction?: Transaction } = {}): Promise<ConsentRecordView[]> {
  const rows = await db.models.ConsentRecord.findAll({
    where: { customerId, subject: { [Op.in]: [...CONSENT_SUBJECTS] } },
    order: [["occurredAt", "DESC"], ["id", "DESC"]],
    transaction: options.transaction,
    raw: true,
  });
  return rows.map((r) => ({
    id: Number(r.id),
    subject: r.subject,
    isGranted: Boolean(Number(r.isGranted)),
    source: r.source,
    reference: r.reference,
    occurredAt: readTimestamp(r.occurredAt)!.toISOString(),
    recordedAt: readTimestamp(r.createdAt)!.toISOString(),
  }));
}
