// The follower of segment events on its own: events written out of id order (as MariaDB commits
// them) still each make their firing, and the saved cursor never passes an event not yet read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { createAutomation } from "../../automations/automations.server";
import { EVENT_FOLLOWER, followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { bulkInsert } from "../../models/sql/bulk";

const T0 = new Date("2026-05-04T09:00:00.000Z");

describe(`the segment event follower on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const event = (id: number, segmentId: number, customerId: number) => [id, segmentId, customerId, "entered", T0, null];
  const write = (rows: unknown[][]) => bulkInsert(db, "segment_events", ["id", "segment_id", "customer_id", "kind", "at", "recompute_id"], rows as never);
  const cursor = async () => Number((await db.models.ChangeLogPosition.findByPk(EVENT_FOLLOWER, { raw: true }))?.changeId ?? 0);

  it("an event committed late below ids already read still fires, and the cursor waits for it", async () => {
    const seg = await addSegment(db, "VIP", "vip");
    const customers = await addCustomers(db, [{ externalId: "a" }, { externalId: "b" }, { externalId: "c" }]);
    const made = await createAutomation(db, { name: "Hi", trigger: { segmentId: seg, kind: "entered" }, action: { kind: "task", title: "Hi" } }, {}, T0);
    if (!made.ok) throw new Error(JSON.stringify(made));
    const state = newFollowerState();
    await write([event(1, seg, customers[0]), event(3, seg, customers[2])]);
    let round = await followSegmentEvents(db, state, { now: T0, monotonicMs: 0 });
    expect(round).toMatchObject({ events: 2, firings: 2, cursor: 1 });
    expect(await cursor()).toBe(1);
    // id 2 commits late
    await write([event(2, seg, customers[1])]);
    round = await followSegmentEvents(db, state, { now: T0, monotonicMs: 1_000 });
    expect(round).toMatchObject({ events: 1, firings: 1, cursor: 3 });
    const firings = await db.models.AutomationFiring.findAll({ where: { automationId: made.automation.id }, order: [["segmentEventId", "ASC"]], raw: true });
    expect(firings.map((f) => [Number(f.segmentEventId), f.customerId])).toEqual([
      [1, customers[0]],
      [2, customers[1]],
      [3, customers[2]],
    ]);
    // a fresh follower (a restart) reads from the cursor again and writes nothing twice
    await followSegmentEvents(db, newFollowerState(), { now: T0, monotonicMs: 0 });
    expect(await db.models.AutomationFiring.count({ where: { automationId: made.automation.id } })).toBe(3);
  });

  it("a gap that never fills (a rolled-back write) is given up after the grace period", async () => {
    const seg = await addSegment(db, "Lapsed", "lapsed");
    const [c] = await addCustomers(db, [{ externalId: "d" }]);
    const state = newFollowerState();
    await followSegmentEvents(db, state, { now: T0, monotonicMs: 0, gapGraceMs: 60_000 });
    const start = await cursor();
    await write([event(start + 5, seg, c)]);
    expect((await followSegmentEvents(db, state, { now: T0, monotonicMs: 1_000, gapGraceMs: 60_000 })).cursor).toBe(start);
    expect((await followSegmentEvents(db, state, { now: T0, monotonicMs: 61_001, gapGraceMs: 60_000 })).cursor).toBe(start + 5);
  });
});
