// The dashboard's "week" figure beside each segment's sparkline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { weekChanges } from "../../models/dashboard.server";
import { saveSegment } from "../../segments/store.server";

const now = new Date("2026-12-05T02:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const daysAgo = (d: number) => minutesAgo(d * 24 * 60);

describe(`the week's change of a segment on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const code of ["old", "young", "never"]) {
      const saved = await saveSegment(db, { name: code, code, type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }] }, { userId: null });
      if (!saved.ok) throw new Error("not saved");
      ids[code] = saved.segment.id;
    }
    await db.models.SegmentSize.bulkCreate([
      { segmentId: ids.old, at: daysAgo(20), size: 100 },
      { segmentId: ids.old, at: daysAgo(8), size: 300 },
      { segmentId: ids.old, at: daysAgo(2), size: 350 },
      { segmentId: ids.young, at: minutesAgo(10), size: 372 },
      { segmentId: ids.young, at: minutesAgo(5), size: 373 },
    ]);
  });
  afterAll(() => db.drop());

  it("compares with the size a week ago, or with nobody for a segment formed within the week", async () => {
    const changes = await weekChanges(
      db,
      [
        { id: ids.old, memberCount: 360 },
        { id: ids.young, memberCount: 373 },
        { id: ids.never, memberCount: 0 },
      ],
      now,
    );
    expect(changes.get(ids.old)).toBe(60);
    // formed ten minutes ago: everything it has came this week, as its sparkline rising from nothing shows
    expect(changes.get(ids.young)).toBe(373);
    expect(changes.get(ids.never)).toBeNull();
  });
});
