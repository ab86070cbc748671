import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../test/support/db";
import { upsertCustomers } from "../models/ingest/customers.server";
import { saveStoreSettings } from "../models/store.server";
import { SegmentEngine } from "./engine.server";
import { memberIds, recomputeSegment, reevaluateCustomers } from "./recompute.server";
import { deleteSegment, saveSegment } from "./store.server";

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
});
