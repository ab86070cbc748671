// The raw SQL of sending, both dialects side by side (docs/decisions/0022). Everything else about
// deliveries goes through Sequelize. Raw here because:
// - claiming a batch must be one step that two sender runs can never both win: SQLite has
//   UPDATE … RETURNING; MariaDB has no RETURNING and Sequelize's mysql dialect cannot write SKIP
//   LOCKED, so a short transaction of SELECT … FOR UPDATE SKIP LOCKED, then UPDATE;
// - a batch's outcomes are written by one statement per outcome (a CASE over the batch's ids for
//   the values that differ per row), not by a statement per row: at 5,000 messages a second the
//   round trips are what costs.
// Every write to a claimed row is guarded by `status = 'in_flight' AND claimed_by = <run token>`:
// a run that lost its claim (declared abandoned, its rows marked unknown) writes nothing.
import { QueryTypes, Transaction } from "sequelize";
import type { Database } from "../models/db";
import { bulkInsert, readTimestamp, sqlLiteral, type SqlValue } from "../models/sql/bulk";
import type { DeliveryStatus, SkipReason } from "../models/campaign-models";
import { withDeadlockRetry } from "../jobs/deadlock-retry";
import type { ChannelName } from "./channels/channel";

const TABLE = "campaign_deliveries";

/**
 * A transaction for the writes of sending. On MariaDB at READ COMMITTED: its range scans (queued
 * rows to cancel, in-flight rows to declare abandoned) then take no gap locks, which would otherwise
 * meet a claim or an outcome moving rows into that range and deadlock; and a read after a lock sees
 * what committed while it waited. SQLite's write transactions run one at a time anyway.
 */
export function sendingTransaction<T>(db: Database, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  if (db.dialect !== "mysql") return db.sequelize.transaction(work);
  return withDeadlockRetry(() => db.sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, work));
}

/** A delivery row as the sender holds it between claim and outcome. */
export interface ClaimedDelivery {
  id: number;
  customerId: number;
  channel: ChannelName;
  address: string;
  /** Claims so far, this one included. */
  attempts: number;
}

/** A row of the audience as startCampaign writes it. */
export interface NewDelivery {
  customerId: number;
  channel: ChannelName | null;
  address: string | null;
  status: "queued" | "skipped";
  skipReason: SkipReason | null;
  dueAt: Date;
}

const NEW_COLUMNS = ["campaign_id", "customer_id", "channel", "address", "status", "skip_reason", "due_at", "attempts", "created_at", "updated_at"];

const newRow = (campaignId: number, d: NewDelivery, now: Date): SqlValue[] => [campaignId, d.customerId, d.channel, d.address, d.status, d.skipReason, d.dueAt, 0, now, now];

/** Writes a starting campaign's audience, a row per customer (the caller has made them unique). */
export async function insertDeliveries(db: Database, campaignId: number, rows: NewDelivery[], now: Date, transaction: Transaction): Promise<void> {
  await bulkInsert(db, TABLE, NEW_COLUMNS, rows.map((d) => newRow(campaignId, d, now)), { transaction });
}

/**
 * Writes the rows of a resend: new customers are inserted, and rows the caller found not reached
 * (failed, skipped, cancelled) take the new channel, address, status and due time, as if new.
 */
export async function upsertResendDeliveries(db: Database, campaignId: number, rows: NewDelivery[], now: Date, transaction: Transaction): Promise<void> {
  const columns = [...NEW_COLUMNS, "error", "claimed_by", "claimed_at"];
  await bulkInsert(
    db,
    TABLE,
    columns,
    rows.map((d) => [...newRow(campaignId, d, now), null, null, null]),
    { transaction, conflict: { keys: ["campaign_id", "customer_id", "firing_id"], update: ["channel", "address", "status", "skip_reason", "due_at", "error", "claimed_by", "claimed_at", "updated_at"] } },
  );
}

export interface ClaimRequest {
  campaignId: number;
  runToken: string;
  now: Date;
  limit: number;
  /** Only rows of this channel (null or absent: any). */
  channel?: ChannelName | null;
}

/**
 * Claims up to `limit` due queued rows of a campaign that is sending: each becomes in_flight under
 * the run's token, with one more attempt. Nothing is claimed once the campaign is paused or
 * cancelled, however close the pause came to the claim.
 */
export async function claimDueDeliveries(db: Database, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  const rows = db.dialect === "mysql" ? await claimMariaDb(db, request) : await claimSqlite(db, request);
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
}

interface ClaimedColumns {
  id: number | string;
  customer_id: number | string;
  channel: string;
  address: string;
  attempts: number | string;
}

const toClaimed = (r: ClaimedColumns): ClaimedDelivery => ({
  id: Number(r.id),
  customerId: Number(r.customer_id),
  channel: r.channel as ChannelName,
  address: r.address,
  attempts: Number(r.attempts),
});

const claimSet = (db: Database, r: ClaimRequest) =>
  `status = 'in_flight', claimed_by = ${sqlLiteral(r.runToken, db)}, claimed_at = ${sqlLiteral(r.now, db)}, attempts = attempts + 1, updated_at = ${sqlLiteral(r.now, db)}`;

// a claim reads its channel's rows in order on the (campaign_id, status, channel, due_at, id) index
// (migration 0015), without touching, and on MariaDB locking, the other channels' rows
const dueQueuedWhere = (db: Database, r: ClaimRequest) =>
  `campaign_id = ${Number(r.campaignId)} AND status = 'queued' AND due_at <= ${sqlLiteral(r.now, db)}${r.channel ? ` AND channel = ${sqlLiteral(r.channel, db)}` : ""}`;

const dueQueued = (db: Database, r: ClaimRequest) =>
  `SELECT id FROM ${TABLE} WHERE ${dueQueuedWhere(db, r)} ORDER BY due_at, id LIMIT ${Math.max(1, Math.floor(r.limit))}`;

async function claimSqlite(db: Database, r: ClaimRequest): Promise<ClaimedColumns[]> {
  // One statement under SQLite's single write lock: no other process can claim a row between the
  // choice and the update, nor pause the campaign between its check and the claim.
  return db.sequelize.transaction((transaction) =>
    db.sequelize.query<ClaimedColumns>(
      `UPDATE ${TABLE} SET ${claimSet(db, r)}
       WHERE id IN (${dueQueued(db, r)})
         AND EXISTS (SELECT 1 FROM campaigns WHERE id = ${Number(r.campaignId)} AND status = 'sending')
       RETURNING id, customer_id, channel, address, attempts`,
      { type: QueryTypes.SELECT, transaction },
    ),
  );
}

async function claimMariaDb(db: Database, r: ClaimRequest): Promise<ClaimedColumns[]> {
  // READ COMMITTED (sendingTransaction): each read sees the latest committed state, and the locking
  // reads take no gap locks that would hold up the outcome writes of other runs
  return sendingTransaction(db, async (transaction) => {
    // a shared lock on the campaign: a pause or cancel waits for this claim to commit, and a claim
    // that comes after one sees it
    const [campaign] = await db.sequelize.query<{ status: string }>(`SELECT status FROM campaigns WHERE id = ${Number(r.campaignId)} LOCK IN SHARE MODE`, {
      type: QueryTypes.SELECT,
      transaction,
    });
    if (campaign?.status !== "sending") return [];
    const rows = await db.sequelize.query<ClaimedColumns>(
      // named: left alone, MariaDB's optimizer ranges over the channel only and filters due_at,
      // reading on through every row not yet due
      `SELECT id, customer_id, channel, address, attempts FROM ${TABLE}${r.channel ? " FORCE INDEX (campaign_deliveries_next_by_channel)" : ""}
       WHERE ${dueQueuedWhere(db, r)}
       ORDER BY due_at, id LIMIT ${Math.max(1, Math.floor(r.limit))} FOR UPDATE SKIP LOCKED`,
      { type: QueryTypes.SELECT, transaction },
    );
    if (rows.length === 0) return [];
    await db.sequelize.query(`UPDATE ${TABLE} SET ${claimSet(db, r)} WHERE id IN (${rows.map((row) => Number(row.id)).join(",")})`, {
      type: QueryTypes.UPDATE,
      transaction,
    });
    return rows.map((row) => ({ ...row, attempts: Number(row.attempts) + 1 }));
  });
}

/**
 * Whether a claim like this one would find rows if nothing were locked: a plain read of due queued
 * rows of a sending campaign. A MariaDB claim that found nothing may have skipped rows another claim
 * held only for a moment (InnoDB locks the first row past a range while it reads it, even at READ
 * COMMITTED): the sender then tries again before it gives the rows up to a later run.
 */
export async function hasClaimable(db: Database, r: Omit<ClaimRequest, "runToken" | "limit">): Promise<boolean> {
  const rows = await db.sequelize.query(
    `SELECT 1 AS found FROM ${TABLE} WHERE ${dueQueuedWhere(db, { ...r, runToken: "", limit: 1 })}
       AND EXISTS (SELECT 1 FROM campaigns WHERE id = ${Number(r.campaignId)} AND status = 'sending') LIMIT 1`,
    { type: QueryTypes.SELECT },
  );
  return rows.length > 0;
}

/** What became of claimed rows, one kind per statement. */
export type ClaimOutcome =
  | { status: "sent"; rows: Array<{ id: number; providerMessageId: string }> }
  | { status: "failed"; rows: Array<{ id: number; error: string }> }
  | { status: "unknown"; rows: Array<{ id: number; error: string }> }
  /** Certainly not sent: back in line at `dueAt` (a later try, or never tried at all). */
  | { status: "queued"; rows: Array<{ id: number; error: string | null; dueAt: Date }> };

/**
 * Writes one outcome for claimed rows that are still this run's. Returns how many rows took it
 * (fewer when a row was meanwhile declared abandoned by another run).
 */
export async function settleClaimed(db: Database, runToken: string, outcome: ClaimOutcome, now: Date, transaction?: Transaction): Promise<number> {
  if (outcome.rows.length === 0) return 0;
  const at = sqlLiteral(now, db);
  const ids = outcome.rows.map((row) => Number(row.id));
  const perRow = <R extends { id: number }>(rows: R[], value: (row: R) => SqlValue) =>
    `CASE id ${rows.map((row) => `WHEN ${Number(row.id)} THEN ${sqlLiteral(value(row), db)}`).join(" ")} END`;
  let set: string;
  switch (outcome.status) {
    case "sent":
      set = `status = 'sent', provider_message_id = ${perRow(outcome.rows, (r) => r.providerMessageId.slice(0, 255))}, sent_at = ${at}, error = NULL`;
      break;
    case "failed":
      set = `status = 'failed', error = ${perRow(outcome.rows, (r) => r.error)}, failed_at = ${at}`;
      break;
    case "unknown":
      set = `status = 'unknown', error = ${perRow(outcome.rows, (r) => r.error)}`;
      break;
    case "queued":
      set = `status = 'queued', error = ${perRow(outcome.rows, (r) => r.error)}, due_at = ${perRow(outcome.rows, (r) => r.dueAt)}, claimed_by = NULL, claimed_at = NULL`;
      break;
  }
  return affected(
    db,
    `UPDATE ${TABLE} SET ${set}, updated_at = ${at}
     WHERE id IN (${ids.join(",")}) AND status = 'in_flight' AND claimed_by = ${sqlLiteral(runToken, db)}`,
    transaction,
  );
}

/** Which of these rows are still in flight under this run's claim, locked (MariaDB) until `transaction` ends. */
export async function heldClaims(db: Database, runToken: string, ids: number[], transaction: Transaction): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.sequelize.query<{ id: number | string }>(
    `SELECT id FROM ${TABLE} WHERE id IN (${ids.map(Number).join(",")}) AND status = 'in_flight' AND claimed_by = ${sqlLiteral(runToken, db)}${db.dialect === "mysql" ? " FOR UPDATE" : ""}`,
    { type: QueryTypes.SELECT, transaction },
  );
  return new Set(rows.map((row) => Number(row.id)));
}

/**
 * Marks unknown the in-flight rows of a campaign claimed at or before `claimedBefore` by a run other
 * than this one: that run died between its claim and its outcome, so each may have gone out.
 */
export async function markAbandonedUnknown(db: Database, campaignId: number, runToken: string, claimedBefore: Date, now: Date, error: string): Promise<number> {
  return sendingTransaction(db, (transaction) =>
    affected(
      db,
      `UPDATE ${TABLE} SET status = 'unknown', error = ${sqlLiteral(error, db)}, updated_at = ${sqlLiteral(now, db)}
     WHERE campaign_id = ${Number(campaignId)} AND status = 'in_flight' AND claimed_at <= ${sqlLiteral(claimedBefore, db)}
       AND claimed_by <> ${sqlLiteral(runToken, db)}`,
      transaction,
    ),
  );
}

/**
 * When the campaign's sender has something to do next: the earliest queued row of its channels, and
 * its oldest in-flight claim.
 */
export async function pendingTimes(db: Database, campaignId: number, channels: ChannelName[]): Promise<{ nextDueAt: Date | null; oldestClaimAt: Date | null }> {
  const c = Number(campaignId);
  // one part per channel, each the first entry of its (campaign_id, status, channel, due_at, id)
  // range; in-flight rows are a few batches
  const due = channels.map(
    (channel, i) =>
      `SELECT 'due' AS kind, at FROM (SELECT due_at AS at FROM ${TABLE} WHERE campaign_id = ${c} AND status = 'queued' AND channel = ${sqlLiteral(channel, db)} ORDER BY due_at LIMIT 1) due${i}`,
  );
  const rows = await db.sequelize.query<{ kind: string; at: unknown }>(
    [...due, `SELECT 'claim' AS kind, at FROM (SELECT claimed_at AS at FROM ${TABLE} WHERE campaign_id = ${c} AND status = 'in_flight' ORDER BY claimed_at LIMIT 1) claim`].join(" UNION ALL "),
    { type: QueryTypes.SELECT },
  );
  const earliest = (kind: string) =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => readTimestamp(r.at))
      .reduce<Date | null>((min, at) => (at && (!min || at < min) ? at : min), null);
  return { nextDueAt: earliest("due"), oldestClaimAt: earliest("claim") };
}

/** Runs an UPDATE and returns the number of rows it changed, on either dialect. */
async function affected(db: Database, sql: string, transaction?: Transaction): Promise<number> {
  const result = (await db.sequelize.query(sql, { type: QueryTypes.UPDATE, transaction })) as unknown as [unknown, number];
  return Number(result[1] ?? 0);
}

/** The statuses a resend may put back in line: the customer certainly has no message from this campaign. */
export const NOT_REACHED: readonly DeliveryStatus[] = ["failed", "skipped", "cancelled"];
