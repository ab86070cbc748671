// Segments compared over a period (docs/decisions/0038), computed by the database: the current
// members of each segment joined with their completed orders placed on the period's store days,
// grouped per (segment, customer) and then per segment. The SQL is the same in both dialects.
import { DateTime } from "luxon";
import { Op, QueryTypes } from "sequelize";
import type { Database } from "../db";
import type { FieldError } from "../ingest/schemas";
import { msg } from "../messages";
import { getStoreSettings } from "../store.server";
import type { SegmentComparison, SegmentComparisonQuery, SegmentFigures } from "./compare";

/** The default period: this many store days up to and including `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

/** The period's bounds as instants: the start of `from` and the start of the day after `to`, in the store's zone. */
export function periodInstants(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(from, { zone: timeZone }).startOf("day");
  const end = DateTime.fromISO(to, { zone: timeZone }).plus({ days: 1 }).startOf("day");
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/** The store day of `now`, and the default period ending then. */
export function defaultPeriod(now: Date, timeZone: string, to?: string): { from: string; to: string } {
  const last = to ?? DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
  const first = DateTime.fromISO(last, { zone: "UTC" }).minus({ days: DEFAULT_PERIOD_DAYS - 1 }).toISODate()!;
  return { from: first, to: last };
}

const FIGURES_SQL = `
SELECT per_customer.segment_id AS segment_id,
       COUNT(*) AS buyers,
       SUM(per_customer.orders) AS orders,
       SUM(per_customer.revenue) AS revenue,
       SUM(CASE WHEN per_customer.orders >= 2 THEN 1 ELSE 0 END) AS repeat_buyers
FROM (
  SELECT m.segment_id AS segment_id, m.customer_id AS customer_id, COUNT(*) AS orders, SUM(o.total) AS revenue
  FROM segment_members m
  JOIN orders o ON o.customer_id = m.customer_id
  WHERE m.segment_id IN (:segmentIds) AND o.status = 'completed' AND o.placed_at >= :start AND o.placed_at < :end
  GROUP BY m.segment_id, m.customer_id
) per_customer
GROUP BY per_customer.segment_id`;

const MEMBERS_SQL = "SELECT segment_id, COUNT(*) AS members FROM segment_members WHERE segment_id IN (:segmentIds) GROUP BY segment_id";

/**
 * Compares the segments named by code over the period (store days, both ends included). Unknown
 * codes are refused naming their position; nothing is computed then.
 */
export async function compareSegments(db: Database, query: SegmentComparisonQuery, now: Date): Promise<{ ok: true; comparison: SegmentComparison } | { ok: false; errors: FieldError[] }> {
  const { timeZone, currency } = await getStoreSettings(db);
  const rows = await db.models.Segment.findAll({ attributes: ["id", "code", "name", "isActive"], where: { code: { [Op.in]: query.codes }, deletedAt: { [Op.is]: null } }, raw: true });
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const errors: FieldError[] = query.codes.flatMap((code, i) => (byCode.has(code) ? [] : [{ field: `codes[${i}]`, reason: msg("segments.notSegmentCodeNamed", { code }) }]));
  if (errors.length) return { ok: false, errors };
  const period = defaultPeriod(now, timeZone, query.to);
  const from = query.from ?? period.from;
  const to = query.to ?? period.to;
  if (from > to) return { ok: false, errors: [{ field: "from", reason: msg("segments.onOrBeforeToDate", { to }) }] };
  const { start, end } = periodInstants(from, to, timeZone);
  const segmentIds = rows.map((r) => r.id);
  const [figures, members] = await Promise.all([
    db.sequelize.query<{ segment_id: number; buyers: number; orders: number; revenue: number | string; repeat_buyers: number }>(FIGURES_SQL, {
      replacements: { segmentIds, start, end },
      type: QueryTypes.SELECT,
    }),
    db.sequelize.query<{ segment_id: number; members: number }>(MEMBERS_SQL, { replacements: { segmentIds }, type: QueryTypes.SELECT }),
  ]);
  const figuresOf = new Map(figures.map((f) => [Number(f.segment_id), f]));
  const membersOf = new Map(members.map((m) => [Number(m.segment_id), Number(m.members)]));
  const segments: SegmentFigures[] = query.codes.map((code) => {
    const s = byCode.get(code)!;
    const f = figuresOf.get(s.id);
    const count = membersOf.get(s.id) ?? 0;
    const orders = Number(f?.orders ?? 0);
    const revenue = Number(f?.revenue ?? 0);
    const repeatBuyers = Number(f?.repeat_buyers ?? 0);
    return {
      code,
      name: s.name,
      isActive: Boolean(s.isActive),
      members: count,
      buyers: Number(f?.buyers ?? 0),
      orders,
      revenue,
      averageOrderValue: orders > 0 ? revenue / orders : null,
      repeatBuyers,
      repeatRate: count > 0 ? repeatBuyers / count : null,
    };
  });
  return { ok: true, comparison: { from, to, timeZone, currency, segments } };
}
