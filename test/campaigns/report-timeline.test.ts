// The campaign report over time on a real database: deliveries at known moments land in the
// buckets a marketer of a store in that time zone expects, counted by the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { deliveryTimeline } from "../../campaigns/report-timeline.server";
import { bucketSizeFor } from "../../campaigns/report-buckets";
import { addCustomers } from "../customers/factory";
import { createCampaign } from "./support";

interface Moments {
  sentAt?: string;
  deliveredAt?: string;
  failedAt?: string;
}

describe(`the campaign report over time on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let customers: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    customers = await addCustomers(
      db,
      Array.from({ length: 12 }, (_, i) => ({ externalId: `R-${i}` })),
    );
  });
  afterAll(() => db?.drop());

  /** A finished campaign whose deliveries happened at these moments, one customer each. */
  async function campaignWith(moments: Moments[]): Promise<number> {
    const at = new Date("2026-01-01T00:00:00Z");
    const id = await createCampaign(db, at, { status: "finished" });
    await db.models.CampaignDelivery.bulkCreate(
      moments.map((m, i) => ({
        campaignId: id,
        customerId: customers[i],
        channel: "sms",
        address: `+3598880000${i}`,
        status: m.failedAt ? "failed" : m.deliveredAt ? "delivered" : m.sentAt ? "sent" : "skipped",
        skipReason: m.sentAt || m.failedAt ? null : "no_consent",
        dueAt: at,
        sentAt: m.sentAt ? new Date(m.sentAt) : null,
        deliveredAt: m.deliveredAt ? new Date(m.deliveredAt) : null,
        failedAt: m.failedAt ? new Date(m.failedAt) : null,
        createdAt: at,
        updatedAt: at,
      })),
    );
    return id;
  }

  const shown = (timeline: Awaited<ReturnType<typeof deliveryTimeline>>) => timeline.buckets.map((b) => [b.start.toISOString(), b.sent, b.delivered, b.failed]);

  it("a send of a few minutes is counted per minute, every minute shown, empty ones as zero", async () => {
    const id = await campaignWith([
      { sentAt: "2026-05-04T09:00:10.250Z" },
      { sentAt: "2026-05-04T09:00:59.999Z", deliveredAt: "2026-05-04T09:01:05Z" },
      { sentAt: "2026-05-04T09:02:30Z", failedAt: "2026-05-04T09:04:59Z" },
      {},
    ]);
    const timeline = await deliveryTimeline(db, id, "Asia/Kolkata");
    expect(timeline.bucket).toEqual({ unit: "minute", count: 1, seconds: 60 });
    expect(shown(timeline)).toEqual([
      ["2026-05-04T09:00:00.000Z", 2, 0, 0],
      ["2026-05-04T09:01:00.000Z", 0, 1, 0],
      ["2026-05-04T09:02:00.000Z", 1, 0, 0],
      ["2026-05-04T09:03:00.000Z", 0, 0, 0],
      ["2026-05-04T09:04:00.000Z", 0, 0, 1],
    ]);
  });

  it("hours are the store's hours: in India they start at half past the UTC hour", async () => {
    const id = await campaignWith([
      // 05:59:59 and 06:00:00 in Kolkata (UTC+05:30): two hours apart on the store's clock
      { sentAt: "2026-05-04T00:29:59Z" },
      { sentAt: "2026-05-04T00:30:00Z", deliveredAt: "2026-05-04T01:29:00Z" },
      { sentAt: "2026-05-05T06:10:00Z" },
    ]);
    const timeline = await deliveryTimeline(db, id, "Asia/Kolkata");
    expect(timeline.bucket).toEqual({ unit: "hour", count: 1, seconds: 3600 });
    expect(timeline.buckets).toHaveLength(31);
    expect(shown(timeline).slice(0, 3)).toEqual([
      ["2026-05-03T23:30:00.000Z", 1, 0, 0],
      ["2026-05-04T00:30:00.000Z", 1, 1, 0],
      ["2026-05-04T01:30:00.000Z", 0, 0, 0],
    ]);
    expect(shown(timeline).at(-1)).toEqual(["2026-05-05T05:30:00.000Z", 1, 0, 0]);
    // the same moments in London (UTC+01:00 in May) fall in hours on the UTC hour
    const london = await deliveryTimeline(db, id, "Europe/London");
    expect(shown(london).slice(0, 2)).toEqual([
      ["2026-05-04T00:00:00.000Z", 2, 0, 0],
      ["2026-05-04T01:00:00.000Z", 0, 1, 0],
    ]);
  });

  it("days are the store's calendar days, also across the night the clocks go forward", async () => {
    // Sofia: UTC+2 until 2026-03-29 04:00 local (01:00 UTC), UTC+3 after
    const id = await campaignWith([
      { sentAt: "2026-03-20T10:00:00Z" },
      { sentAt: "2026-03-27T22:30:00Z" }, // 28 March, 00:30 in Sofia
      { sentAt: "2026-03-27T21:59:00Z" }, // 27 March, 23:59
      { sentAt: "2026-03-29T20:59:00Z", deliveredAt: "2026-03-29T21:00:00Z" }, // 29 March 23:59; delivered 30 March 00:00
      { sentAt: "2026-04-10T10:00:00Z", failedAt: "2026-04-10T20:59:59Z" }, // 10 April, 23:59:59
    ]);
    const timeline = await deliveryTimeline(db, id, "Europe/Sofia");
    expect(timeline.bucket).toEqual({ unit: "day", count: 1, seconds: 86_400 });
    expect(timeline.buckets).toHaveLength(22);
    const byDay = new Map(shown(timeline).map(([start, ...counts]) => [start, counts]));
    expect(byDay.get("2026-03-19T22:00:00.000Z")).toEqual([1, 0, 0]);
    expect(byDay.get("2026-03-26T22:00:00.000Z")).toEqual([1, 0, 0]);
    expect(byDay.get("2026-03-27T22:00:00.000Z")).toEqual([1, 0, 0]);
    // 29 March begins at UTC+2 and lasts 23 hours; 30 March begins at UTC+3
    expect(byDay.get("2026-03-28T22:00:00.000Z")).toEqual([1, 0, 0]);
    expect(byDay.get("2026-03-29T21:00:00.000Z")).toEqual([0, 1, 0]);
    expect(byDay.get("2026-04-09T21:00:00.000Z")).toEqual([1, 0, 1]);
    expect(timeline.buckets.reduce((n, b) => n + b.sent, 0)).toBe(5);
  });

  it("a campaign that has sent nothing has no buckets", async () => {
    const id = await campaignWith([{}, {}]);
    expect(await deliveryTimeline(db, id, "Europe/Sofia")).toEqual({ timeZone: "Europe/Sofia", bucket: null, buckets: [] });
  });

  it("the bucket grows with the span: minutes, then hours, days and weeks, at most 48 buckets for spans up to 46 weeks", () => {
    const from = new Date("2026-05-04T09:00:00Z");
    const after = (seconds: number) => new Date(from.getTime() + seconds * 1000);
    expect(bucketSizeFor(from, from)).toMatchObject({ unit: "minute", count: 1 });
    expect(bucketSizeFor(from, after(46 * 60))).toMatchObject({ unit: "minute", count: 1 });
    expect(bucketSizeFor(from, after(47 * 60))).toMatchObject({ unit: "minute", count: 5 });
    expect(bucketSizeFor(from, after(5 * 3600))).toMatchObject({ unit: "minute", count: 15 });
    expect(bucketSizeFor(from, after(30 * 3600))).toMatchObject({ unit: "hour", count: 1 });
    expect(bucketSizeFor(from, after(20 * 86_400))).toMatchObject({ unit: "day", count: 1 });
    expect(bucketSizeFor(from, after(300 * 86_400))).toMatchObject({ unit: "week", count: 1 });
  });
});
