import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../test/support/db";
import { upsertCustomers } from "../models/ingest/customers.server";
import { saveStoreSettings } from "../models/store.server";
import { SegmentEngine } from "./engine.server";
import { MembersChangedError, memberIds, recomputeSegment, reevaluateCustomers } from "./recompute.server";
import { deleteSegment, getSegment, saveSegment } from "./store.server";
import { inRequestScope } from "../models/request-scope.server";
import "../models/i18n.server";

const actor = { userId: null };

describe(`segments: saving, recomputing and re-evaluating on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let engine: SegmentEngine;
  const idOf = new Map<string, number>();

  /** Customers by external id; tags decide who matches the test segments. */
  async function setTags(tags: Record<string, string[]>) {
    const out = await upsertCustomers(
      db,
      Object.entries(tags).map(([externalId, t]) => ({ externalId, tags: t, country: "BG" })),
      { source: "api" },
    );
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    for (const r of out.results) idOf.set(r.externalId, r.id);
  }
  const ids = (...externalIds: string[]) => externalIds.map((e) => idOf.get(e)!).sort((a, b) => a - b);

  async function segment(code: string, type: string, extra: Record<string, unknown> = {}) {
    const out = await saveSegment(
      db,
      { name: code, code, type, criteria: type === "manual" ? [] : [{ field: "tag", values: [{ value: "vip" }] }], ...extra },
      actor,
    );
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    return out.segment.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.models.SegmentEvent.destroy({ where: {} });
    await db.models.SegmentMember.destroy({ where: {} });
    await db.models.SegmentSize.destroy({ where: {} });
    await db.models.SegmentRecompute.destroy({ where: {} });
    await db.models.Segment.destroy({ where: {} });
    await setTags({ a: ["vip"], b: ["vip"], c: [] });
    engine = new SegmentEngine(db);
  });

  const now = new Date("2026-03-01T10:00:00Z");

  it("a dynamic segment gains and loses members, with an event for each and a size sample", async () => {
    const id = await segment("vip", "dynamic");
    expect(await recomputeSegment(engine, id, now)).toMatchObject({ status: "done", size: 2, entered: 2, left: 0 });
    expect(await memberIds(db, id)).toEqual(ids("a", "b"));
    await setTags({ a: [], c: ["vip"] });
    expect(await recomputeSegment(engine, id, new Date(now.getTime() + 60_000))).toMatchObject({ size: 2, entered: 1, left: 1 });
    expect(await memberIds(db, id)).toEqual(ids("b", "c"));
    const events = await db.models.SegmentEvent.findAll({ where: { segmentId: id }, order: [["id", "ASC"]], raw: true });
    expect(events.map((e) => [e.customerId, e.kind])).toEqual([
      [idOf.get("a"), "entered"],
      [idOf.get("b"), "entered"],
      [idOf.get("c"), "entered"],
      [idOf.get("a"), "left"],
    ]);
    expect((await db.models.SegmentSize.findAll({ where: { segmentId: id }, raw: true })).map((s) => s.size)).toEqual([2, 2]);
    const seg = await db.models.Segment.findByPk(id);
    expect(seg).toMatchObject({ memberCount: 2 });
    expect(await db.models.SegmentRecompute.count({ where: { segmentId: id } })).toBe(2);
  });

  it("an accumulating segment never removes anyone", async () => {
    const id = await segment("vip-ever", "accumulating");
    await recomputeSegment(engine, id, now);
    await setTags({ a: [] });
    expect(await recomputeSegment(engine, id, now)).toMatchObject({ size: 2, entered: 0, left: 0 });
    expect(await memberIds(db, id)).toEqual(ids("a", "b"));
  });

  it("a snapshot is computed once and then locked", async () => {
    const id = await segment("vip-snap", "snapshot");
    expect(await recomputeSegment(engine, id, now)).toMatchObject({ status: "done", size: 2 });
    await setTags({ c: ["vip"] });
    expect(await recomputeSegment(engine, id, now)).toEqual({ status: "skipped", reason: "locked" });
    expect(await memberIds(db, id)).toEqual(ids("a", "b"));
  });

  it("manual and inactive segments are never recomputed", async () => {
    const manual = await segment("by-hand", "manual");
    const inactive = await segment("off", "dynamic", { isActive: false });
    expect(await recomputeSegment(engine, manual, now)).toEqual({ status: "skipped", reason: "manual" });
    expect(await recomputeSegment(engine, inactive, now)).toEqual({ status: "skipped", reason: "inactive" });
    expect(await db.models.SegmentMember.count()).toBe(0);
  });

  it("re-evaluating changed customers moves them in and out of every active segment", async () => {
    const dynamic = await segment("vip", "dynamic");
    const accumulating = await segment("vip-ever", "accumulating");
    const inactive = await segment("off", "dynamic", { isActive: false });
    await recomputeSegment(engine, dynamic, now);
    await recomputeSegment(engine, accumulating, now);
    await setTags({ a: [], c: ["vip"] });
    await engine.catchUp();
    const out = await reevaluateCustomers(engine, ids("a", "c"), now);
    expect(out).toMatchObject({ segments: 2, entered: 2, left: 1 });
    expect(await memberIds(db, dynamic)).toEqual(ids("b", "c"));
    expect(await memberIds(db, accumulating)).toEqual(ids("a", "b", "c"));
    expect(await memberIds(db, inactive)).toEqual([]);
    expect((await db.models.Segment.findByPk(dynamic))!.memberCount).toBe(2);
  });

  it("the engine sees a change made through ingestion once it catches up", async () => {
    const id = await segment("vip", "dynamic");
    const before = await engine.preview({ match: "all", criteria: [{ field: "tag", values: [{ value: "vip", mode: "include" }] }] }, now);
    expect(before.count).toBe(2);
    await setTags({ d: ["vip"] });
    const after = await engine.preview({ match: "all", criteria: [{ field: "tag", values: [{ value: "vip", mode: "include" }] }] }, now);
    expect(after).toMatchObject({ count: 3, perCriterion: [3] });
    expect(after.customers.map((c) => c.externalId)).toEqual(["d", "b", "a"]);
    expect(id).toBeGreaterThan(0);
  });

  it("a preview pages through the members newest first", async () => {
    await setTags({ d: [], e: ["vip"], f: ["vip"] });
    const rule = { match: "all" as const, criteria: [{ field: "tag" as const, values: [{ value: "vip", mode: "include" as const }] }] };
    const first = await engine.preview(rule, now, { limit: 2 });
    const second = await engine.preview(rule, now, { limit: 2, after: first.nextAfter! });
    expect([...first.customers, ...second.customers].map((c) => c.externalId)).toEqual(["f", "e", "b", "a"]);
    expect(first.nextAfter).toBe(idOf.get("e"));
    expect(second.nextAfter).toBeNull();
  });

  it("a bad definition is rejected with the criterion's index and field, and nothing is saved", async () => {
    const before = await rowCounts(db);
    const out = await saveSegment(
      db,
      {
        name: "Bad",
        code: "Bad Code",
        type: "dynamic",
        criteria: [
          { field: "totalSpent", min: 500, max: 100 },
          { field: "orderCount", min: -1 },
          { field: "nope" },
          { field: "registeredAt", date: { form: "inLastDays", days: 0 } },
          { field: "tag", values: [{ value: "x" }] },
        ],
      },
      actor,
    );
    expect(out.ok).toBe(false);
    const errors = !out.ok ? out.errors : [];
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: "code", reason: expect.stringContaining("lower-case") },
        { field: "criteria", reason: "a segment has at most 4 criteria" },
        { index: 0, field: "min", reason: "must not be greater than max" },
        { index: 1, field: "min", reason: "must not be negative" },
        { index: 2, field: "field", reason: "is not a known criterion field" },
        { index: 3, field: "date.days", reason: "must be at least 1" },
      ]),
    );
    expect(await rowCounts(db)).toEqual(before);
  });

  it("references are checked: unknown category, field, question, segment, and cycles", async () => {
    await segment("base", "dynamic");
    const unknown = await saveSegment(
      db,
      {
        name: "Refs",
        code: "refs",
        type: "dynamic",
        criteria: [
          { field: "orderedFromCategory", mode: "anyOf", categories: ["no-such"] },
          { field: "customField", key: "nope", condition: { type: "number", min: 1 } },
          { field: "registrationAnswer", question: "nope", options: ["x"] },
          { field: "segment", segment: "ghost", isMember: true },
        ],
      },
      actor,
    );
    expect(!unknown.ok && unknown.errors).toEqual([
      { index: 0, field: "categories[0]", reason: '"no-such" is not a known category' },
      { index: 1, field: "key", reason: '"nope" is not a known custom field' },
      { index: 2, field: "question", reason: '"nope" is not a known registration question' },
      { index: 3, field: "segment", reason: '"ghost" is not a known segment' },
    ]);
    const a = await saveSegment(db, { name: "A", code: "a", type: "dynamic", criteria: [{ field: "segment", segment: "base", isMember: true }] }, actor);
    expect(a.ok).toBe(true);
    const b = await saveSegment(db, { name: "B", code: "b", type: "dynamic", criteria: [{ field: "segment", segment: "a", isMember: false }] }, actor);
    expect(b.ok).toBe(true);
    // base → b → a → base would be a cycle
    const baseId = (await db.models.Segment.findOne({ where: { code: "base" } }))!.id;
    const cycle = await saveSegment(db, { name: "base", code: "base", type: "dynamic", criteria: [{ field: "segment", segment: "b", isMember: true }] }, actor, baseId);
    expect(!cycle.ok && cycle.errors).toEqual([{ index: 0, field: "segment", reason: "refers back to this segment: base → b → a → base" }]);
    const self = await saveSegment(db, { name: "self", code: "self", type: "dynamic", criteria: [{ field: "segment", segment: "self", isMember: true }] }, actor);
    expect(!self.ok && self.errors).toEqual([{ index: 0, field: "segment", reason: "refers back to this segment: self → self" }]);
  });

  it("a segment another one uses cannot be deleted; an unused one can, and its code is free again", async () => {
    await segment("base", "dynamic");
    await saveSegment(db, { name: "User", code: "user", type: "dynamic", criteria: [{ field: "segment", segment: "base", isMember: true }] }, actor);
    const baseId = (await db.models.Segment.findOne({ where: { code: "base" } }))!.id;
    const refused = await deleteSegment(db, baseId, actor);
    expect(refused).toMatchObject({ ok: false, usedBy: [{ code: "user" }] });
    const userId = (await db.models.Segment.findOne({ where: { code: "user" } }))!.id;
    expect(await deleteSegment(db, userId, actor)).toEqual({ ok: true });
    expect(await deleteSegment(db, baseId, actor)).toEqual({ ok: true });
    expect((await saveSegment(db, { name: "again", code: "base", type: "manual" }, actor)).ok).toBe(true);
  });

  describe("batches, concurrent writers and broken definitions", () => {
    const tagged = (tag: string) => ({ criteria: [{ field: "tag", values: [{ value: tag }] }] });
    const eventsOf = async (segmentId: number) =>
      (await db.models.SegmentEvent.findAll({ where: { segmentId }, order: [["id", "ASC"]], raw: true })).map((e) => [e.customerId, e.kind]);
    const countOf = async (segmentId: number) => (await db.models.Segment.findByPk(segmentId, { raw: true }))!.memberCount;
    const recomputesOf = (segmentId: number) => db.models.SegmentRecompute.findAll({ where: { segmentId }, order: [["id", "ASC"]], raw: true });

    it("a recompute whose difference spans several batches writes exactly its members and events, in order", async () => {
      await setTags({ p1: ["batchy"], p2: ["batchy"], p3: ["batchy"], p4: ["batchy"], p5: [], p6: [], p7: [] });
      const id = await segment("batchy", "dynamic", tagged("batchy"));
      expect(await recomputeSegment(engine, id, now, "schedule", { batchSize: 3 })).toMatchObject({ status: "done", size: 4, entered: 4, left: 0 });
      const [p1, p2, p3, p4, p5, p6, p7] = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"].map((e) => idOf.get(e)!);
      expect(await eventsOf(id)).toEqual([p1, p2, p3, p4].map((c) => [c, "entered"]));
      await setTags({ p1: [], p2: [], p5: ["batchy"], p6: ["batchy"], p7: ["batchy"] });
      // 3 entering and 2 leaving, 2 at a time: [p5 p6] [p7 | p1] [| p2]
      const batches: number[] = [];
      const out = await recomputeSegment(engine, id, now, "schedule", { batchSize: 2, afterBatch: ({ written }) => void batches.push(written) });
      expect(out).toMatchObject({ status: "done", size: 5, entered: 3, left: 2 });
      expect(batches).toEqual([2, 4, 5]);
      expect(await memberIds(db, id)).toEqual(ids("p3", "p4", "p5", "p6", "p7"));
      expect(await countOf(id)).toBe(5);
      expect((await eventsOf(id)).slice(4)).toEqual([
        [p5, "entered"],
        [p6, "entered"],
        [p7, "entered"],
        [p1, "left"],
        [p2, "left"],
      ]);
      // more leaving than entering, one at a time
      await setTags({ p3: [], p4: [], p5: [], p1: ["batchy"] });
      expect(await recomputeSegment(engine, id, now, "schedule", { batchSize: 1 })).toMatchObject({ status: "done", size: 3, entered: 1, left: 3 });
      expect(await memberIds(db, id)).toEqual(ids("p1", "p6", "p7"));
      expect((await eventsOf(id)).slice(9)).toEqual([
        [p1, "entered"],
        [p3, "left"],
        [p4, "left"],
        [p5, "left"],
      ]);
      expect(await countOf(id)).toBe(3);
    });

    it("a recompute cut off half-way through its writes leaves members, events, count and sizes as they were, and its record failed", async () => {
      await setTags({ q1: ["cut"], q2: ["cut"], q3: [], q4: [], q5: [] });
      const id = await segment("cut", "dynamic", tagged("cut"));
      await recomputeSegment(engine, id, now);
      await setTags({ q1: [], q3: ["cut"], q4: ["cut"], q5: ["cut"] });
      const before = { members: await memberIds(db, id), events: await eventsOf(id), sizes: await db.models.SegmentSize.count({ where: { segmentId: id } }) };
      await expect(
        recomputeSegment(engine, id, now, "schedule", {
          batchSize: 1,
          afterBatch: ({ written }) => {
            if (written === 2) throw new Error("cut off after the second batch");
          },
        }),
      ).rejects.toThrow(/cut off/);
      expect(await memberIds(db, id)).toEqual(before.members);
      expect(await eventsOf(id)).toEqual(before.events);
      expect(await countOf(id)).toBe(before.members.length);
      expect(await db.models.SegmentSize.count({ where: { segmentId: id } })).toBe(before.sizes);
      expect((await recomputesOf(id)).at(-1)).toMatchObject({ finishedAt: null, error: "cut off after the second batch" });
      // the next run writes the whole difference
      expect(await recomputeSegment(engine, id, now, "schedule", { batchSize: 1 })).toMatchObject({ status: "done", size: 4, entered: 3, left: 1 });
      expect(await memberIds(db, id)).toEqual(ids("q2", "q3", "q4", "q5"));
      expect(await countOf(id)).toBe(4);
    });

    it("a recompute that meets a concurrent change of its members writes nothing, and the next run ends right", async () => {
      await setTags({ r1: ["race"], r2: ["race"], r3: [] });
      const id = await segment("race", "dynamic", tagged("race"));
      await recomputeSegment(engine, id, now);
      await setTags({ r3: ["race"] });
      const [r1, r2, r3] = ["r1", "r2", "r3"].map((e) => idOf.get(e)!);
      // between reading the members and writing, the change follower moves r1 out
      const run = recomputeSegment(engine, id, now, "schedule", {
        onProgress: async ({ written }) => {
          if (written > 0) return;
          await setTags({ r1: [] });
          await engine.catchUp();
          expect(await reevaluateCustomers(engine, [r1], now)).toMatchObject({ left: 1 });
        },
      });
      await expect(run).rejects.toBeInstanceOf(MembersChangedError);
      expect(await memberIds(db, id)).toEqual([r2]);
      expect(await countOf(id)).toBe(1);
      expect(await eventsOf(id)).toEqual([
        [r1, "entered"],
        [r2, "entered"],
        [r1, "left"],
      ]);
      expect((await recomputesOf(id)).at(-1)).toMatchObject({ finishedAt: null, error: expect.stringMatching(/changed during the recompute/) });
      expect(await recomputeSegment(engine, id, now)).toMatchObject({ status: "done", size: 2, entered: 1, left: 0 });
      expect(await memberIds(db, id)).toEqual(ids("r2", "r3"));
      expect(await countOf(id)).toBe(2);
      expect((await eventsOf(id)).at(-1)).toEqual([r3, "entered"]);
    });

    it("a segment whose definition cannot be evaluated is skipped and marked once; the other segments go on", async () => {
      await setTags({ s1: [], s2: ["sound"] });
      const sound = await segment("sound", "dynamic", tagged("sound"));
      const broken = await segment("broken", "dynamic", tagged("sound"));
      await recomputeSegment(engine, sound, now);
      await recomputeSegment(engine, broken, now);
      // written around the checks, as a rename used to leave it
      await db.models.Segment.update({ criteria: JSON.stringify([{ field: "segment", segment: "gone", isMember: true }]) }, { where: { id: broken } });
      await setTags({ s1: ["sound"] });
      await engine.catchUp();
      const first = await reevaluateCustomers(engine, ids("s1"), now);
      expect(first).toMatchObject({ entered: 1, unevaluable: [{ segmentId: broken, code: "broken", error: "unknown segment gone", isFirstReport: true }] });
      expect(await memberIds(db, sound)).toEqual(ids("s1", "s2"));
      expect((await getSegment(db, broken))!.evaluationError).toBe("unknown segment gone");
      // found again: skipped again, not reported again
      await setTags({ s1: [] });
      await engine.catchUp();
      const second = await reevaluateCustomers(engine, ids("s1"), now);
      expect(second).toMatchObject({ left: 1, unevaluable: [{ segmentId: broken, isFirstReport: false }] });
      expect(await memberIds(db, sound)).toEqual(ids("s2"));
      expect(await recomputeSegment(engine, broken, now)).toEqual({ status: "skipped", reason: "unevaluable", error: "unknown segment gone", isFirstReport: false });
      // a Bulgarian reader's "Recompute now" finds the same problem: the row keeps it in no language, so
      // it is not reported anew, and each reader reads it in their own
      const stored = (await db.models.Segment.findByPk(broken, { raw: true }))!.evaluationError;
      expect(await inRequestScope(() => recomputeSegment(engine, broken, now, "manual"), "bg")).toEqual({ status: "skipped", reason: "unevaluable", error: "непознат сегмент gone", isFirstReport: false });
      expect((await db.models.Segment.findByPk(broken, { raw: true }))!.evaluationError).toBe(stored);
      expect(await inRequestScope(async () => (await getSegment(db, broken))!.evaluationError, "ru")).toBe("неизвестный сегмент gone");
      // unreadable criteria are skipped the same way
      await db.models.Segment.update({ criteria: "[{" }, { where: { id: broken } });
      expect((await reevaluateCustomers(engine, ids("s1"), now)).unevaluable).toEqual([{ segmentId: broken, code: "broken", error: "its criteria are not valid JSON", isFirstReport: true }]);
      // once its definition is saved sound again, it is evaluated again
      const fixed = await saveSegment(db, { name: "broken", code: "broken", type: "dynamic", ...tagged("sound") }, actor, broken);
      expect(fixed.ok && fixed.segment.evaluationError).toBe(null);
      expect(await recomputeSegment(engine, broken, now)).toMatchObject({ status: "done", size: 1 });
    });

    it("renaming a segment another uses writes the new code into the user's definition, which still evaluates", async () => {
      await setTags({ t1: ["named"], t2: [] });
      const named = await segment("named", "dynamic", tagged("named"));
      const user = await saveSegment(db, { name: "User", code: "user", type: "dynamic", criteria: [{ field: "segment", segment: "named", isMember: true }] }, actor);
      if (!user.ok) throw new Error(JSON.stringify(user.errors));
      const renamed = await saveSegment(db, { name: "named", code: "named-renamed", type: "dynamic", ...tagged("named") }, actor, named);
      expect(renamed).toMatchObject({ ok: true, definitionChanged: false });
      const userRow = (await db.models.Segment.findByPk(user.segment.id, { raw: true }))!;
      expect(JSON.parse(userRow.criteria)).toEqual([{ field: "segment", segment: "named-renamed", isMember: true }]);
      expect(await recomputeSegment(engine, user.segment.id, now)).toMatchObject({ status: "done", size: 1 });
      expect(await memberIds(db, user.segment.id)).toEqual(ids("t1"));
      expect(await deleteSegment(db, named, actor)).toMatchObject({ ok: false, usedBy: [{ code: "user" }] });
    });
  });
});
