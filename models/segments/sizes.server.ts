// A segment's size over time, for the list's sparklines and the segment page's chart. A dynamic
// segment is sampled at every recompute (every 5 minutes by default: 8,640 rows a month), so a
// series is not read whole: each point is the latest sample at or before its moment, one seek of
// the (segment_id, at) index, all points of a segment in one statement.
import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import { formatTimestamp, readTimestamp } from "../sql/bulk";

export interface SizePoint {
  at: Date;
  size: number;
}

/** The moment of the first size sample of each segment (segments without one are absent). */
async function firstSamples(db: Database, segmentIds: number[]): Promise<Map<number, Date>> {
  if (segmentIds.length === 0) return new Map();
  // one MIN per segment: each an index seek, where a GROUP BY would read every sample
  const parts = segmentIds.map((id) => `SELECT ${Number(id)} AS segment_id, (SELECT MIN(at) FROM segment_sizes WHERE segment_id = ${Number(id)}) AS first_at`);
  const rows = await db.sequelize.query<{ segment_id: number; first_at: unknown }>(parts.join(" UNION ALL "), { type: QueryTypes.SELECT });
  const out = new Map<number, Date>();
  for (const r of rows) {
    const at = readTimestamp(r.first_at);
    if (at) out.set(Number(r.segment_id), at);
  }
  return out;
}

/** The latest size at or before each of `edges` (ascending); points before the first sample are left out. */
async function sizesAt(db: Database, segmentId: number, edges: Date[]): Promise<SizePoint[]> {
  if (edges.length === 0) return [];
  const id = Number(segmentId);
  const parts = edges.map(
    (edge, k) =>
      `SELECT ${k} AS k, (SELECT size FROM segment_sizes WHERE segment_id = ${id} AND at <= '${formatTimestamp(edge, db.dialect)}' ORDER BY at DESC LIMIT 1) AS size`,
  );
  const rows = await db.sequelize.query<{ k: number; size: number | null }>(parts.join(" UNION ALL "), { type: QueryTypes.SELECT });
  const byK = new Map(rows.map((r) => [Number(r.k), r.size]));
  const points: SizePoint[] = [];
  edges.forEach((at, k) => {
    const size = byK.get(k);
    if (size !== null && size !== undefined) points.push({ at, size: Number(size) });
  });
  return points;
}

/**
 * Each segment's size at `points` evenly spaced moments from its first sample (or `now − windowMs`,
 * whichever is later) to `now`, the last point being its size now.
 */
export async function sizeSeries(db: Database, segmentIds: number[], options: { now: Date; points: number; windowMs: number }): Promise<Map<number, SizePoint[]>> {
  const first = await firstSamples(db, segmentIds);
  const out = new Map<number, SizePoint[]>();
  for (const id of segmentIds) {
    const start = first.get(id);
    if (!start) {
      out.set(id, []);
      continue;
    }
    const from = Math.max(start.getTime(), options.now.getTime() - options.windowMs);
    const to = Math.max(from, options.now.getTime());
    const n = Math.max(2, options.points);
    const edges = from === to ? [new Date(to)] : Array.from({ length: n }, (_, k) => new Date(Math.round(from + ((to - from) * k) / (n - 1))));
    out.set(id, await sizesAt(db, id, edges));
  }
  return out;
}
