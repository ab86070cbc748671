// Following a segment through its feed's ?since= while recomputes and re-evaluations write its
// events at the same time: every event comes once, in id order, and none is skipped, because the
// writers of one segment's events take turns (docs/decisions/0036).
import { Op } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { upsertCustomers } from "../../models/ingest/customers.server";
import type { CustomerInput } from "../../models/ingest/schemas";
import { writeOnce } from "../../models/idempotency.server";
import { saveSegment } from "../../segments/store.server";
import { isRecomputeConflict, recomputeSegment, reevaluateCustomers } from "../../segments/recompute.server";
import { enableFeed } from "../../models/feeds/feeds.server";
import { readFeed } from "./support";

const CUSTOMERS = 80;

describe(`following a segment's events through its feed on ${testDialect}`, () => {
  let app: TestApp;
  let segmentId = 0;
  let token = "";
  const externalIds = Array.from({ length: CUSTOMERS }, (_, i) => `f${i}`);

  beforeAll(async () => {
    app = await startTestApp({ config: { feedReadsPerMinute: 1_000_000 } });
    const out = await upsertCustomers(app.db, externalIds.map((externalId, i) => ({ externalId, country: i % 2 ? "BG" : "RO" })), { source: "api" });
    expect(out.ok).toBe(true);
    const saved = await saveSegment(app.db, { name: "Bulgarians", code: "bulgarians", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] }, { userId: null });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    segmentId = saved.segment.id;
    const feed = await enableFeed(app.db, segmentId, ["json"], { userId: null }, new Date());
    if (!feed.ok) throw new Error(feed.reason);
    token = feed.token;
  });
  afterAll(() => app?.close());

  const engine = () => app.services.segments;
  /**
   * Writes customers as the API does: in writeOnce's transaction, run again when it meets another
   * writer of the same rows (two rounds below move the same customers at once, and on MariaDB such
   * transactions may deadlock; the API's caller never sees that).
   */
  async function upsert(inputs: CustomerInput[]) {
    const outcome = await writeOnce(app.db, null, async (transaction) => {
      const out = await upsertCustomers(app.db, inputs, { source: "api", transaction });
      return { commit: out.ok, status: out.ok ? 200 : 400, body: JSON.stringify(out) };
    });
    if (outcome.kind !== "done" || outcome.response.status !== 200) throw new Error(`the upsert was refused: ${JSON.stringify(outcome)}`);
  }
  const idsOf = async (externals: string[]) =>
    (await app.db.models.Customer.findAll({ attributes: ["id"], where: { externalId: externals }, raw: true })).map((c) => c.id);

  /** Moves some customers between countries and re-evaluates them, as the change follower does. */
  async function reevaluateSome(round: number) {
    const picked = externalIds.filter((_, i) => (i * 7 + round) % 9 === 0);
    await upsert(picked.map((externalId, i) => ({ externalId, country: (i + round) % 2 ? "BG" : "RO" })));
    await engine().catchUp();
    try {
      await reevaluateCustomers(engine(), await idsOf(picked), new Date());
    } catch (error) {
      if (!isRecomputeConflict(error)) throw error;
    }
  }

  /** A recompute written a few rows per statement, yielding between them, so its transaction stays open a while. */
  async function recomputeSlowly() {
    await engine().catchUp();
    try {
      await recomputeSegment(engine(), segmentId, new Date(), "manual", { batchSize: 3, afterBatch: () => new Promise((r) => setTimeout(r, 2)) });
    } catch (error) {
      if (!isRecomputeConflict(error)) throw error;
    }
  }

  it("pages of ?since= give every event once, in id order, while recomputes and re-evaluations write concurrently", async () => {
    const seen: string[] = [];
    let cursor = "0";
    let isWriting = true;
    const readPage = async () => {
      const res = await readFeed(app, `${token}/events.json?since=${cursor}&limit=7`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { events: Array<{ id: string }>; nextCursor: string; historyPruned: boolean };
      expect(body.historyPruned).toBe(false);
      seen.push(...body.events.map((e) => e.id));
      cursor = body.nextCursor;
      return body.events.length;
    };
    const reader = (async () => {
      while (isWriting) await readPage();
    })();
    const writers = [
      (async () => {
        for (let round = 0; round < 20; round++) await reevaluateSome(round);
      })(),
      (async () => {
        for (let round = 0; round < 12; round++) await recomputeSlowly();
      })(),
      (async () => {
        for (let round = 100; round < 115; round++) await reevaluateSome(round);
      })(),
    ];
    await Promise.all(writers);
    isWriting = false;
    await reader;
    // caught up after the writers stopped
    while ((await readPage()) > 0);

    const stored = (await app.db.models.SegmentEvent.findAll({ attributes: ["id"], where: { segmentId }, order: [["id", "ASC"]], raw: true })).map((e) => String(e.id));
    expect(stored.length).toBeGreaterThan(60);
    expect(new Set(seen).size, "no event twice").toBe(seen.length);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
    expect(seen, "exactly the stored events, none missed").toEqual(stored);
    // and the events replayed give the members as stored
    const events = await app.db.models.SegmentEvent.findAll({ where: { segmentId }, order: [["id", "ASC"]], raw: true });
    const replayed = new Set<number>();
    for (const e of events) (e.kind === "entered" ? replayed.add(e.customerId) : replayed.delete(e.customerId));
    const members = (await app.db.models.SegmentMember.findAll({ where: { segmentId }, raw: true })).map((m) => m.customerId);
    expect([...replayed].sort((a, b) => a - b)).toEqual(members.sort((a, b) => a - b));
  }, 120_000);

  it("a second writer of a segment's events waits while the first holds its events uncommitted", async () => {
    // a change that makes the recompute write several batches
    const flipped = externalIds.slice(0, 12);
    await upsert(flipped.map((externalId, i) => ({ externalId, country: i % 2 ? "RO" : "BG" })));
    await engine().catchUp();
    let paused!: () => void;
    const reachedPause = new Promise<void>((r) => (paused = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const before = (await (await readFeed(app, `${token}/events.json?since=0&limit=10000`)).json()) as { nextCursor: string };
    let batches = 0;
    const first = recomputeSegment(engine(), segmentId, new Date(), "manual", {
      batchSize: 2,
      afterBatch: async () => {
        if (++batches === 1) {
          paused();
          await held;
        }
      },
    });
    await reachedPause;
    // the recompute's first events are written, not committed. Customers it did not see change now,
    // and their re-evaluation writes other members of the same segment (on SQLite the change itself
    // already waits for the one writer; on MariaDB only the segment's lock holds the re-evaluation)
    const outside = (await app.db.models.Customer.findAll({ attributes: ["externalId"], where: { country: "RO", externalId: externalIds.slice(40) }, raw: true })).map((c) => c.externalId).slice(0, 4);
    expect(outside.length).toBeGreaterThan(0);
    let isSettled = false;
    const second = (async () => {
      await upsert(outside.map((externalId) => ({ externalId, country: "BG" })));
      await engine().catchUp();
      return reevaluateCustomers(engine(), await idsOf(outside), new Date());
    })().finally(() => (isSettled = true));
    // unhindered it would commit in milliseconds; a generous moment shows that it waits
    await new Promise((r) => setTimeout(r, 1_500));
    expect(isSettled, "the second writer waited for the first").toBe(false);
    // nothing of either is visible yet (read straight from the table: a feed read logs itself, a write SQLite would queue)
    expect(await app.db.models.SegmentEvent.count({ where: { segmentId, id: { [Op.gt]: Number(before.nextCursor) } } })).toBe(0);
    release();
    expect((await first).status).toBe("done");
    expect(await second).toMatchObject({ entered: outside.length });
    const after = (await (await readFeed(app, `${token}/events.json?since=${before.nextCursor}&limit=10000`)).json()) as { events: Array<{ id: string }> };
    const rows = await app.db.models.SegmentEvent.findAll({ where: { segmentId, id: { [Op.gt]: Number(before.nextCursor) } }, order: [["id", "ASC"]], raw: true });
    expect(after.events.map((e) => e.id)).toEqual(rows.map((r) => String(r.id)));
    const recomputed = rows.filter((r) => r.recomputeId !== null).map((r) => Number(r.id));
    const reevaluated = rows.filter((r) => r.recomputeId === null).map((r) => Number(r.id));
    expect(recomputed.length).toBeGreaterThan(2);
    expect(reevaluated).toHaveLength(outside.length);
    // the later writer's ids all come after the earlier one's
    expect(Math.min(...reevaluated)).toBeGreaterThan(Math.max(...recomputed));
  }, 60_000);
});
