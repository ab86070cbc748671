// The record of a segment's recomputes, newest first.
import { Op } from "sequelize";
import type { Database } from "../db";
import { msg } from "../messages";
import { ABANDONED_REASON } from "../../segments/recompute.server";

export interface RecomputeRow {
  id: number;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  size: number | null;
  entered: number | null;
  left: number | null;
  error: string | null;
}

/**
 * Recomputes of a segment with an id below `before` (newest first), at most `limit`. A run whose
 * worker stopped says so in the reader's language; other errors are the engine's own words.
 */
export async function listRecomputes(db: Database, segmentId: number, page: { before?: number; limit: number }): Promise<RecomputeRow[]> {
  const rows = await db.models.SegmentRecompute.findAll({
    where: { segmentId, ...(page.before !== undefined ? { id: { [Op.lt]: page.before } } : {}) },
    order: [["id", "DESC"]],
    limit: page.limit,
    raw: true,
  });
  return rows.map((r) => ({
    id: Number(r.id),
    trigger: r.trigger,
    startedAt: new Date(r.startedAt),
    finishedAt: r.finishedAt ? new Date(r.finishedAt) : null,
    durationMs: r.durationMs,
    size: r.size,
    entered: r.entered,
    left: r.left,
    error: r.error === ABANDONED_REASON ? msg("segments.workerStopped") : r.error,
  }));
}
