// Issue 5, item 5: a customer's history shows the segments they entered and left, newest first,
// after the change that moved them, and pages through them like the rest of the history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { getCustomerTimeline } from "../../models/customers/timeline.server";
import { saveStoreSettings } from "../../models/store.server";
import { SegmentEngine } from "../../segments/engine.server";
import { recomputeSegment } from "../../segments/recompute.server";
import { deleteSegment, saveSegment } from "../../segments/store.server";
import { createTestDatabase, testDialect } from "../support/db";

const actor = { userId: null };

describe(`a customer's history with segment events on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let engine: SegmentEngine;
  let customerId = 0;

  async function tag(tags: string[]) {
    const out = await upsertCustomers(db, [{ externalId: "c1", tags, country: "BG" }], { source: "api" });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    customerId = out.results[0]!.id;
    await engine.catchUp();
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    engine = new SegmentEngine(db);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("lists entered and left events with the segment's name, after the change that caused them, and pages through them", async () => {
    await tag(["vip"]);
    await engine.ready();
    const saved = await saveSegment(db, { name: "VIPs", code: "vips", type: "dynamic", criteria: [{ field: "tag", values: [{ value: "vip" }] }] }, actor);
    const other = await saveSegment(db, { name: "Gone soon", code: "gone", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }] }, actor);
    if (!saved.ok || !other.ok) throw new Error("segments not saved");
    const t1 = new Date(Date.now() + 1_000);
    await recomputeSegment(engine, saved.segment.id, t1, "save");
    await recomputeSegment(engine, other.segment.id, t1, "save");
    await tag([]);
    await recomputeSegment(engine, saved.segment.id, new Date(Date.now() + 2_000), "schedule");
    await deleteSegment(db, other.segment.id, actor, new Date());

    const page = await getCustomerTimeline(db, { customerId });
    const segmentLines = page.entries.filter((e) => e.type === "segment").map((e) => (e.type === "segment" ? [e.kind, e.segment.name, e.segment.isDeleted] : null));
    expect(segmentLines).toEqual([
      ["left", "VIPs", false],
      ["entered", "Gone soon", true],
      ["entered", "VIPs", false],
    ]);
    // newest first: the leaving comes before (above) the profile change that caused it
    expect(page.entries[0]).toMatchObject({ type: "segment", kind: "left" });

    // a page of two at a time walks the same history without losing or repeating a line
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const p = await getCustomerTimeline(db, { customerId, cursor, pageSize: 2 });
      walked.push(...p.entries.map((e) => `${e.type}-${e.id}`));
      cursor = p.olderCursor;
    } while (cursor);
    expect(walked).toEqual(page.entries.map((e) => `${e.type}-${e.id}`));
  });
});
