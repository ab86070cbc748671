// The campaign report over time: how many messages were sent, delivered and failed in each bucket
// of the span they cover, on the store's clock. The database counts (one grouped read per
// moment column, over the campaign's rows only); buckets with nothing get a zero here.
import { Op, col, fn, literal } from "sequelize";
import type { Database } from "../models/db";
import { readTimestamp } from "../models/sql/bulk";
import { bucketPlan, type BucketSize } from "./report-buckets";
import { reportSql } from "./report-sql";

export interface TimelineBucket {
  start: Date;
  /** Handed to the provider (or the outbox) in this bucket. */
  sent: number;
  /** Reported delivered (or read, which implies it) in this bucket. */
  delivered: number;
  /** Failed in this bucket: refused by the provider, or reported failed afterwards. */
  failed: number;
}

export interface DeliveryTimeline {
  timeZone: string;
  /** Null when nothing has been sent, delivered or failed yet. */
  bucket: BucketSize | null;
  buckets: TimelineBucket[];
}

const MOMENTS = { sent: "sent_at", delivered: "delivered_at", failed: "failed_at" } as const;
type Moment = keyof typeof MOMENTS;
const ATTRIBUTE: Record<Moment, "sentAt" | "deliveredAt" | "failedAt"> = { sent: "sentAt", delivered: "deliveredAt", failed: "failedAt" };

/** The first and last moment any of the campaign's messages was sent, delivered or failed. */
async function spanOf(db: Database, campaignId: number): Promise<{ from: Date; to: Date } | null> {
  const attributes = Object.values(MOMENTS).flatMap((column) => [
    [fn("MIN", col(column)), `first_${column}`],
    [fn("MAX", col(column)), `last_${column}`],
  ]) as Array<[ReturnType<typeof fn>, string]>;
  const [row] = (await db.models.CampaignDelivery.findAll({ attributes, where: { campaignId }, raw: true })) as unknown as Array<Record<string, unknown>>;
  const moments = Object.values(MOMENTS)
    .flatMap((column) => [readTimestamp(row?.[`first_${column}`]), readTimestamp(row?.[`last_${column}`])])
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime());
  if (moments.length === 0) return null;
  return { from: new Date(Math.min(...moments)), to: new Date(Math.max(...moments)) };
}

/** The campaign's sends, deliveries and failures per bucket of its span, every bucket from the first to the last. */
export async function deliveryTimeline(db: Database, campaignId: number, timeZone: string): Promise<DeliveryTimeline> {
  const span = await spanOf(db, campaignId);
  if (!span) return { timeZone, bucket: null, buckets: [] };
  const plan = bucketPlan(reportSql(db.dialect), timeZone, span.from, span.to);
  const counted = await Promise.all(
    (Object.keys(MOMENTS) as Moment[]).map(async (moment) => {
      const rows = (await db.models.CampaignDelivery.findAll({
        attributes: [
          [literal(plan.keyOf(MOMENTS[moment])), "bucket"],
          [fn("COUNT", col("id")), "n"],
        ],
        where: { campaignId, [ATTRIBUTE[moment]]: { [Op.ne]: null } },
        group: [col("bucket")],
        raw: true,
      })) as unknown as Array<{ bucket: number | string; n: number | string }>;
      return [moment, new Map(rows.map((r) => [Number(r.bucket), Number(r.n)]))] as const;
    }),
  );
  const counts = Object.fromEntries(counted) as Record<Moment, Map<number, number>>;
  const first = plan.keyAt(span.from);
  const last = plan.keyAt(span.to);
  const buckets: TimelineBucket[] = [];
  for (let key = first; key <= last; key++) {
    buckets.push({ start: plan.startOf(key), sent: counts.sent.get(key) ?? 0, delivered: counts.delivered.get(key) ?? 0, failed: counts.failed.get(key) ?? 0 });
  }
  return { timeZone, bucket: plan.size, buckets };
}
