// How long segment history is kept (docs/decisions/0036): enter/leave events, size samples and feed
// reads older than the store's retention are deleted by a daily job, a batch per transaction, so
// no table is locked for long. Each segment remembers the newest event id pruned from it: a cursor
// below that mark has lost history, and the feed and the API say so.
import { Op } from "sequelize";
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import { getStoreSettings } from "../store.server";

import { DEFAULT_RETENTION_DAYS } from "./retention-limits";

export { DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS } from "./retention-limits";
/** Rows per delete transaction. */
export const PRUNE_BATCH = 5000;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function getHistoryRetentionDays(db: Database): Promise<number> {
  const row = await db.models.StoreSettings.findByPk(1, { attributes: ["historyRetentionDays"], raw: true });
  return row?.historyRetentionDays ?? DEFAULT_RETENTION_DAYS;
}

/** The oldest moment whose history is kept at `now`. */
export const historyKeptSince = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** An admin changes the retention; audited with the old and new value. */
export async function updateHistoryRetention(db: Database, days: number, actor: AuditActor, now: Date): Promise<{ changed: boolean }> {
  const defaults = await getStoreSettings(db);
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.StoreSettings.findByPk(1, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    const before = row?.historyRetentionDays ?? DEFAULT_RETENTION_DAYS;
    if (row && before === days) return { changed: false };
    if (row) await row.update({ historyRetentionDays: days }, { transaction });
    else await db.models.StoreSettings.create({ id: 1, ...defaults, historyRetentionDays: days }, { transaction });
    await recordAudit(db, actor, "store.retention", { type: "store", id: 1, detail: { historyRetentionDays: { from: before, to: days } } }, transaction, now);
    return { changed: true };
  });
}

/** The newest event id pruned from the segment; 0 when none was. */
export async function eventsPrunedThrough(db: Database, segmentId: number): Promise<number> {
  const row = await db.models.SegmentPruneMark.findByPk(segmentId, { raw: true });
  return row ? Number(row.eventsPrunedThroughId) : 0;
}

export interface PruneOutcome {
  events: number;
  sizes: number;
  feedReads: number;
  batches: number;
}

export interface PruneOptions {
  batchSize?: number;
  /** Called after each committed batch (a job touches its lock here). */
  onBatch?: (deleted: number) => Promise<unknown> | unknown;
  signal?: AbortSignal;
}

/**
 * Deletes the events, size samples and feed reads older than the store's retention at `now`, a
 * batch per transaction. The events' batches also move each segment's prune mark in the same
 * transaction, so a reader never sees events gone without the mark that tells it.
 */
export async function pruneSegmentHistory(db: Database, now: Date, { batchSize = PRUNE_BATCH, onBatch, signal }: PruneOptions = {}): Promise<PruneOutcome> {
  const cutoff = historyKeptSince(now, await getHistoryRetentionDays(db));
  const out: PruneOutcome = { events: 0, sizes: 0, feedReads: 0, batches: 0 };
  const size = Math.max(1, batchSize);
  while (!signal?.aborted) {
    const deleted = await db.sequelize.transaction(async (transaction) => {
      // through the `at` index; neither database deletes with a LIMIT portably, so the ids first
      const rows = await db.models.SegmentEvent.findAll({ attributes: ["id", "segmentId"], where: { at: { [Op.lt]: cutoff } }, limit: size, raw: true, transaction });
      if (rows.length === 0) return 0;
      const marks = new Map<number, number>();
      for (const r of rows) marks.set(r.segmentId, Math.max(marks.get(r.segmentId) ?? 0, Number(r.id)));
      const count = await db.models.SegmentEvent.destroy({ where: { id: { [Op.in]: rows.map((r) => r.id) } }, transaction });
      for (const [segmentId, id] of [...marks].sort(([a], [b]) => a - b)) {
        const mark = await db.models.SegmentPruneMark.findByPk(segmentId, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
        if (!mark) await db.models.SegmentPruneMark.create({ segmentId, eventsPrunedThroughId: id, updatedAt: now }, { transaction });
        else if (Number(mark.eventsPrunedThroughId) < id) await mark.update({ eventsPrunedThroughId: id, updatedAt: now }, { transaction });
      }
      return count;
    });
    if (deleted === 0) break;
    out.events += deleted;
    out.batches++;
    await onBatch?.(deleted);
  }
  const pruneTable = async (model: typeof db.models.SegmentSize | typeof db.models.SegmentFeedRead, key: "sizes" | "feedReads") => {
    while (!signal?.aborted) {
      const rows = await (model as typeof db.models.SegmentSize).findAll({ attributes: ["id"], where: { at: { [Op.lt]: cutoff } }, limit: size, raw: true });
      if (rows.length === 0) break;
      const deleted = await (model as typeof db.models.SegmentSize).destroy({ where: { id: { [Op.in]: rows.map((r) => r.id) }, at: { [Op.lt]: cutoff } } });
      out[key] += deleted;
      out.batches++;
      await onBatch?.(deleted);
      if (rows.length < size) break;
    }
  };
  await pruneTable(db.models.SegmentSize, "sizes");
  await pruneTable(db.models.SegmentFeedRead, "feedReads");
  return out;
}
