// What a campaign's delivery rows say: counts by status and skip reason, and the recipients with
// their status a page at a time (the page's table, the API and the CSV download).
import { Op, QueryTypes, type WhereOptions } from "sequelize";
import type { Database } from "../models/db";
import type { CampaignDelivery, DeliveryStatus, SkipReason } from "../models/campaign-models";
import { readTimestamp } from "../models/sql/bulk";
import { stringify } from "csv-stringify/sync";
import { escapeFormula } from "../models/imports/error-report.server";
import { REASONS_OF_SKIPS, STATUSES_OF_DELIVERIES } from "./definition";

export interface DeliveryCounts {
  /** Every delivery status, zero where there is none. */
  byStatus: Record<DeliveryStatus, number>;
  /** Skipped rows by reason. */
  skipped: Record<SkipReason, number>;
  total: number;
}

/** The campaign's delivery rows counted by status and by skip reason, in one grouped read. */
export async function deliveryCounts(db: Database, campaignId: number): Promise<DeliveryCounts> {
  const rows = await db.sequelize.query<{ status: string; skipReason: string | null; n: number | string }>(
    "SELECT status, skip_reason AS skipReason, COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = :campaignId GROUP BY status, skip_reason",
    { replacements: { campaignId }, type: QueryTypes.SELECT },
  );
  const byStatus = Object.fromEntries(STATUSES_OF_DELIVERIES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  const skipped = Object.fromEntries(REASONS_OF_SKIPS.map((r) => [r, 0])) as Record<SkipReason, number>;
  let total = 0;
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    if (r.status in byStatus) byStatus[r.status as DeliveryStatus] += n;
    if (r.status === "skipped" && r.skipReason && r.skipReason in skipped) skipped[r.skipReason as SkipReason] += n;
  }
  return { byStatus, skipped, total };
}

export interface RecipientView {
  /** The delivery row's id: the paging cursor. */
  id: number;
  customerId: number;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  channel: string | null;
  address: string | null;
  status: DeliveryStatus;
  skipReason: SkipReason | null;
  dueAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  error: string | null;
  providerMessageId: string | null;
}

export interface RecipientQuery {
  status?: DeliveryStatus;
  /** Rows after this delivery id (the next page). */
  after?: number;
  limit: number;
}

/** The campaign's recipients in the order their rows were written, a page at a time (keyset on the delivery id). */
export async function listRecipients(db: Database, campaignId: number, query: RecipientQuery): Promise<{ recipients: RecipientView[]; nextAfter: number | null }> {
  const limit = Math.min(Math.max(query.limit, 1), 5000);
  const where: WhereOptions<CampaignDelivery> = {
    campaignId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.after !== undefined ? { id: { [Op.gt]: query.after } } : {}),
  };
  const rows = await db.models.CampaignDelivery.findAll({ where, order: [["id", "ASC"]], limit: limit + 1, raw: true });
  const page = rows.slice(0, limit);
  const customers = page.length
    ? await db.models.Customer.findAll({ attributes: ["id", "externalId", "firstName", "lastName"], where: { id: [...new Set(page.map((r) => r.customerId))] }, raw: true })
    : [];
  const byId = new Map(customers.map((c) => [c.id, c]));
  const recipients = page.map((r) => {
    const c = byId.get(r.customerId);
    return {
      id: Number(r.id),
      customerId: r.customerId,
      externalId: c?.externalId ?? null,
      firstName: c?.firstName ?? null,
      lastName: c?.lastName ?? null,
      channel: r.channel ?? null,
      address: r.address ?? null,
      status: r.status,
      skipReason: r.skipReason ?? null,
      dueAt: readTimestamp(r.dueAt)!,
      sentAt: readTimestamp(r.sentAt),
      deliveredAt: readTimestamp(r.deliveredAt),
      readAt: readTimestamp(r.readAt),
      failedAt: readTimestamp(r.failedAt),
      error: r.error ?? null,
      providerMessageId: r.providerMessageId ?? null,
    };
  });
  return { recipients, nextAfter: rows.length > limit ? recipients[recipients.length - 1].id : null };
}

/** Every recipient of the status, in pages of `batch`: a CSV of a 100k-recipient campaign never holds it whole. */
export async function* eachRecipient(db: Database, campaignId: number, status: DeliveryStatus | undefined, batch = 2000): AsyncGenerator<RecipientView> {
  let after: number | undefined;
  for (;;) {
    const page = await listRecipients(db, campaignId, { status, after, limit: batch });
    yield* page.recipients;
    if (page.nextAfter === null) return;
    after = page.nextAfter;
  }
}

export const RECIPIENTS_CSV_HEADER = ["external_id", "first_name", "last_name", "channel", "address", "status", "skip_reason", "due_at", "sent_at", "delivered_at", "read_at", "failed_at", "error"];

/**
 * The recipients as CSV text, a page of rows per chunk: a byte order mark (spreadsheets then read
 * Cyrillic and Greek as UTF-8), the header, then one line per recipient. A cell a spreadsheet
 * would run as a formula (= + - @, a leading tab or carriage return) gets a leading apostrophe.
 */
export async function* recipientsCsv(db: Database, campaignId: number, status: DeliveryStatus | undefined, batch = 2000): AsyncGenerator<string> {
  yield "\uFEFF" + stringify([RECIPIENTS_CSV_HEADER]);
  const iso = (d: Date | null) => d?.toISOString() ?? "";
  let lines: string[][] = [];
  for await (const r of eachRecipient(db, campaignId, status, batch)) {
    lines.push(
      [r.externalId ?? "", r.firstName ?? "", r.lastName ?? "", r.channel ?? "", r.address ?? "", r.status, r.skipReason ?? "", iso(r.dueAt), iso(r.sentAt), iso(r.deliveredAt), iso(r.readAt), iso(r.failedAt), r.error ?? ""].map(
        escapeFormula,
      ),
    );
    if (lines.length >= batch) {
      yield stringify(lines);
      lines = [];
    }
  }
  if (lines.length) yield stringify(lines);
}
