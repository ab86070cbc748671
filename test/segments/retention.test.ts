// Segment history past the store's retention: the daily prune deletes exactly the events, size
// samples and feed reads older than the setting, in batches; followers carry on, and a cursor
// older than what is kept is told that history was pruned (docs/decisions/0036).
import { Op } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { bulkInsert } from "../../models/sql/bulk";
import { pruneSegmentHistory } from "../../models/segments/retention.server";
import { enableFeed } from "../../models/feeds/feeds.server";
import { createAutomation } from "../../automations/automations.server";
import { followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { addMembers } from "../../segments/manual.server";
import { JOB_NAMES } from "../../jobs/job-names";
import { startWorker } from "../../server/worker";
import { readFeed } from "../feeds/support";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

describe(`segment history retention on ${testDialect}`, () => {
  let app: TestApp;
  let segmentId = 0;
  let otherId = 0;
  let customers: number[] = [];

  beforeAll(async () => {
    app = await startTestApp({ config: { feedReadsPerMinute: 10_000 } });
    customers = await addCustomers(app.db, Array.from({ length: 6 }, (_, i) => ({ externalId: `r${i}` })));
    segmentId = await addSegment(app.db, "Kept", "kept");
    otherId = await addSegment(app.db, "Other", "other");
  });
  afterAll(() => app?.close());

  const writeEvents = (rows: Array<[number, number, "entered" | "left", Date]>) =>
    bulkInsert(app.db, "segment_events", ["segment_id", "customer_id", "kind", "at", "recompute_id"], rows.map(([s, c, k, at]) => [s, c, k, at, null]));

  it("the prune removes exactly what is older than the setting, in batches, and keeps what is newer", async () => {
    await app.db.models.StoreSettings.upsert({ id: 1, name: "Shop", timeZone: "UTC", currency: "EUR", locale: "en", historyRetentionDays: 100 });
    // 23 events older than 100 days over two segments, 7 newer, the boundary itself kept
    const old: Array<[number, number, "entered" | "left", Date]> = Array.from({ length: 23 }, (_, i) => [i % 2 ? segmentId : otherId, customers[i % 6], i % 3 ? "entered" : "left", daysAgo(101 + i)]);
    const kept: Array<[number, number, "entered" | "left", Date]> = [
      ...Array.from({ length: 6 }, (_, i) => [segmentId, customers[i], "entered", daysAgo(99 - i)] as [number, number, "entered" | "left", Date]),
      [segmentId, customers[0], "left", daysAgo(100)],
    ];
    // interleaved, so the ids do not follow the times
    await writeEvents([old[0], kept[0], ...old.slice(1, 12), kept[1], ...old.slice(12), ...kept.slice(2)]);
    await app.db.models.SegmentSize.bulkCreate([...Array.from({ length: 9 }, (_, i) => ({ segmentId, at: daysAgo(150 - i), size: i })), { segmentId, at: daysAgo(10), size: 99 }]);
    await app.db.models.SegmentFeedRead.bulkCreate([
      { segmentId, at: daysAgo(300), address: "10.0.0.1", resource: "members", format: "csv", rows: 5 },
      { segmentId, at: daysAgo(1), address: "10.0.0.2", resource: "events", format: "json", rows: 2 },
    ]);
    const keptBefore = (await app.db.models.SegmentEvent.findAll({ where: { at: { [Op.gte]: daysAgo(100) } }, raw: true })).map((e) => Number(e.id)).sort((a, b) => a - b);
    const oldIds = (await app.db.models.SegmentEvent.findAll({ raw: true })).filter((e) => new Date(e.at) < daysAgo(100));
    const batches: number[] = [];
    const out = await pruneSegmentHistory(app.db, NOW, { batchSize: 5, onBatch: (n) => void batches.push(n) });
    expect(out).toMatchObject({ events: 23, sizes: 9, feedReads: 1 });
    // at most 5 rows a transaction
    expect(Math.max(...batches)).toBeLessThanOrEqual(5);
    expect(batches.filter((n) => n > 0).length).toBeGreaterThanOrEqual(Math.ceil(23 / 5) + Math.ceil(9 / 5) + 1);
    const left = (await app.db.models.SegmentEvent.findAll({ raw: true })).map((e) => Number(e.id)).sort((a, b) => a - b);
    expect(left).toEqual(keptBefore);
    expect((await app.db.models.SegmentSize.findAll({ raw: true })).map((s) => s.size)).toEqual([99]);
    expect((await app.db.models.SegmentFeedRead.findAll({ raw: true })).map((r) => r.address)).toEqual(["10.0.0.2"]);
    // each segment's mark is the newest event pruned from it
    for (const id of [segmentId, otherId]) {
      const newest = Math.max(...oldIds.filter((e) => e.segmentId === id).map((e) => Number(e.id)));
      expect(Number((await app.db.models.SegmentPruneMark.findByPk(id, { raw: true }))!.eventsPrunedThroughId)).toBe(newest);
    }
    // a second run finds nothing
    expect(await pruneSegmentHistory(app.db, NOW, { batchSize: 5 })).toMatchObject({ events: 0, sizes: 0, feedReads: 0 });
  });

  it("a cursor older than what is kept answers from the oldest kept event and says history was pruned; the API says so too", async () => {
    const feed = await enableFeed(app.db, segmentId, ["json", "csv"], { userId: null }, NOW);
    if (!feed.ok) throw new Error(feed.reason);
    const kept = (await app.db.models.SegmentEvent.findAll({ where: { segmentId }, order: [["id", "ASC"]], raw: true })).map((e) => String(e.id));
    const res = await readFeed(app, `${feed.token}/events.json?since=0&limit=1000`);
    const body = (await res.json()) as { events: Array<{ id: string }>; historyPruned: boolean; historyKeptSince: string };
    expect(body.historyPruned).toBe(true);
    expect(res.headers.get("x-history-pruned")).toBe("true");
    expect(body.events.map((e) => e.id)).toEqual(kept);
    const mark = Number((await app.db.models.SegmentPruneMark.findByPk(segmentId, { raw: true }))!.eventsPrunedThroughId);
    const past = (await (await readFeed(app, `${feed.token}/events.json?since=${mark}`)).json()) as { historyPruned: boolean };
    expect(past.historyPruned).toBe(false);
    const csv = await readFeed(app, `${feed.token}/events.csv?since=1`);
    expect(csv.headers.get("x-history-pruned")).toBe("true");
    const key = (await app.apiKey(["segments:read"])).secret;
    const api = async (since: number) => (await fetch(`${app.url}/api/v1/segments/kept/events?since=${since}`, { headers: { Authorization: `Bearer ${key}` } })).json();
    expect(await api(0)).toMatchObject({ historyPruned: true });
    expect(await api(mark)).toMatchObject({ historyPruned: false });
  });

  it("the automations' follower keeps firing for events written after a prune", async () => {
    const follower = await addSegment(app.db, "Followed", "followed-after-prune");
    const made = await createAutomation(app.db, { name: "Hello", trigger: { segmentId: follower, kind: "entered" }, action: { kind: "task", title: "Hello" } }, {}, NOW);
    if (!made.ok) throw new Error(JSON.stringify(made));
    const state = newFollowerState();
    await followSegmentEvents(app.db, state, { now: NOW, monotonicMs: 0 });
    await writeEvents([[follower, customers[0], "entered", daysAgo(400)]]);
    await followSegmentEvents(app.db, state, { now: NOW, monotonicMs: 1 });
    expect(await app.db.models.AutomationFiring.count({ where: { automationId: made.automation.id } })).toBe(1);
    expect((await pruneSegmentHistory(app.db, NOW)).events).toBe(1);
    await addMembers(app.db, follower, [customers[1], customers[2]], NOW);
    const round = await followSegmentEvents(app.db, state, { now: NOW, monotonicMs: 2 });
    expect(round.firings).toBe(2);
    // a follower starting afresh after the prune reads on from its saved cursor and writes nothing twice
    await followSegmentEvents(app.db, newFollowerState(), { now: NOW, monotonicMs: 0 });
    const firings = await app.db.models.AutomationFiring.findAll({ where: { automationId: made.automation.id }, raw: true });
    expect(firings.map((f) => f.customerId).sort()).toEqual([customers[0], customers[1], customers[2]].sort());
  });

  it("an admin sets the retention on the store page; a bad value is refused naming the field and changes nothing; the segment page says how far back history goes", async () => {
    const admin = await signIn(app, "admin");
    for (const bad of ["abc", "0", "29", "3651", "12.5", ""]) {
      const res = await admin.submit("/admin/store", { intent: "retention", historyRetentionDays: bad });
      expect(res.status, bad).toBe(400);
      const body = await res.text();
      expect(body, bad).toContain("historyRetentionDays");
      expect((await app.db.models.StoreSettings.findByPk(1, { raw: true }))!.historyRetentionDays).toBe(100);
    }
    const ok = await admin.submit("/admin/store", { intent: "retention", historyRetentionDays: "400" });
    expect(ok.status).toBe(200);
    expect((await app.db.models.StoreSettings.findByPk(1, { raw: true }))!.historyRetentionDays).toBe(400);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "store.retention" }, raw: true });
    expect(JSON.parse(audit!.detail!)).toEqual({ historyRetentionDays: { from: 100, to: 400 } });
    const page = await (await admin.get(`/segments/${segmentId}`)).text();
    const since = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.now() - 400 * DAY));
    expect(page).toContain(`History kept for 400 days, since ${since}.`);
    // the marketer reads it too, and may not change it
    const marketer = await signIn(app, "marketer");
    expect((await marketer.submit("/admin/store", { intent: "retention", historyRetentionDays: "60" }, "/account")).status).toBe(403);
    expect(await (await marketer.get(`/segments/${segmentId}`)).text()).toContain("History kept for 400 days");
  });

  it("a worker schedules the prune once a day and runs it on start, by its own clock", async () => {
    await writeEvents([[otherId, customers[3], "entered", daysAgo(500)]]);
    const worker = await startWorker(app.services, { mailer: null, followPollMs: 50, clock: () => NOW });
    try {
      const deadline = Date.now() + 15_000;
      while ((await app.db.models.SegmentEvent.count({ where: { at: { [Op.lt]: daysAgo(400) } } })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await app.db.models.SegmentEvent.count({ where: { at: { [Op.lt]: daysAgo(400) } } })).toBe(0);
      const { jobs } = await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.pruneSegmentHistory });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ repeatInterval: "1 day" });
    } finally {
      await worker.stop(5_000);
    }
  });
});
