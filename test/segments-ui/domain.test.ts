// The segment UI's domain and data functions on a real database: manual membership, impact before
// save, the preview's reasons, a customer's memberships with why, and the histories the pages read.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../support/db";
import { SegmentEngine } from "../../segments/engine.server";
import { addMembers, removeMembers } from "../../segments/manual.server";
import { editImpact } from "../../segments/impact.server";
import { createAutomation } from "../../automations/automations.server";
import { createCampaign } from "../../campaigns/campaigns.server";
import { previewWithReasons } from "../../segments/preview-reasons.server";
import { whyCustomerIsIn } from "../../segments/why.server";
import { memberIds, recomputeSegment } from "../../segments/recompute.server";
import { deleteSegment, saveSegment } from "../../segments/store.server";
import { listSegmentMembers, listVisibleSegmentMembers } from "../../models/segments/members.server";
import { listRecomputes } from "../../models/segments/recomputes.server";
import { customerSegmentEvents, eventsForViewer, latestSegmentEvents, latestStoreSegmentEvents, segmentEventsSince } from "../../models/segments/events.server";
import { sizeSeries } from "../../models/segments/sizes.server";
import { segmentVocabulary } from "../../models/segments/vocabulary.server";
import { customerIdsByExternalId } from "../../models/segments/customer-ids.server";
import type { Criterion } from "../../segments/definition";
import { writeCustomers, writeSmallStore } from "./store";

const actor = { userId: null };
const now = new Date("2026-03-01T10:00:00Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describe(`segment UI domain functions on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let engine: SegmentEngine;
  let ids: Map<string, number>;
  const id = (e: string) => ids.get(e)!;
  const sorted = (...e: string[]) => e.map(id).sort((a, b) => a - b);

  async function segment(code: string, type: string, criteria: Criterion[], extra: Record<string, unknown> = {}) {
    const out = await saveSegment(db, { name: code, code, type, criteria, ...extra }, actor);
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    return out.segment.id;
  }
  const bigSpenders: Criterion[] = [{ field: "totalSpent", min: 50000 }];

  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await writeSmallStore(db);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    const m = db.models;
    await m.SegmentEvent.destroy({ where: {} });
    await m.SegmentMember.destroy({ where: {} });
    await m.SegmentSize.destroy({ where: {} });
    await m.SegmentRecompute.destroy({ where: {} });
    // automations and campaigns name segments (the impact test makes some)
    await m.MessageTemplate.destroy({ where: {} });
    await m.Campaign.destroy({ where: {} });
    await m.Automation.destroy({ where: {} });
    await m.Segment.destroy({ where: {} });
    engine = new SegmentEngine(db);
  });

  describe("manual segments", () => {
    it("adds customers once each, with an entered event, a size sample and the new count", async () => {
      const seg = await segment("hand-picked", "manual", []);
      expect(await addMembers(db, seg, [id("ana"), id("vera"), id("ana")], now, actor)).toEqual({ ok: true, changed: 2, unchanged: 0, memberCount: 2 });
      expect(await addMembers(db, seg, [id("ana"), id("gosho")], minutes(1), actor)).toEqual({ ok: true, changed: 1, unchanged: 1, memberCount: 3 });
      expect(await memberIds(db, seg)).toEqual(sorted("ana", "vera", "gosho"));
      const events = await db.models.SegmentEvent.findAll({ where: { segmentId: seg }, order: [["id", "ASC"]], raw: true });
      expect(events.map((e) => [e.customerId, e.kind])).toEqual([...sorted("ana", "vera").map((c) => [c, "entered"]), [id("gosho"), "entered"]]);
      expect((await db.models.SegmentSize.findAll({ where: { segmentId: seg }, order: [["at", "ASC"]], raw: true })).map((s) => s.size)).toEqual([2, 3]);
      expect(await db.models.Segment.findByPk(seg, { raw: true })).toMatchObject({ memberCount: 3, membersVersion: 2 });
    });

    it("removes only members, with a left event each, and ignores unknown customers", async () => {
      const seg = await segment("hand-picked", "manual", []);
      await addMembers(db, seg, [id("ana"), id("vera")], now);
      expect(await removeMembers(db, seg, [id("vera"), id("boris"), 99_999_999], minutes(1))).toEqual({ ok: true, changed: 1, unchanged: 2, memberCount: 1 });
      expect(await memberIds(db, seg)).toEqual([id("ana")]);
      const last = await db.models.SegmentEvent.findOne({ where: { segmentId: seg }, order: [["id", "DESC"]], raw: true });
      expect(last).toMatchObject({ customerId: id("vera"), kind: "left" });
    });

    it("refuses other types and missing segments without writing anything", async () => {
      const seg = await segment("big", "dynamic", bigSpenders);
      const before = await rowCounts(db);
      expect(await addMembers(db, seg, [id("ana")], now)).toEqual({ ok: false, reason: "not_manual" });
      expect(await removeMembers(db, 99_999, [id("ana")], now)).toEqual({ ok: false, reason: "missing" });
      expect(await rowCounts(db)).toEqual(before);
    });

    it("the engine sees hand-added members at once (its cache follows the members version)", async () => {
      const seg = await segment("hand-picked", "manual", []);
      await addMembers(db, seg, [id("vera")], now);
      expect((await engine.preview({ match: "all", criteria: [{ field: "segment", segment: "hand-picked", isMember: true }] }, now)).count).toBe(1);
      await addMembers(db, seg, [id("gosho")], now);
      expect((await engine.preview({ match: "all", criteria: [{ field: "segment", segment: "hand-picked", isMember: true }] }, now)).count).toBe(2);
    });
  });

  describe("impact before save", () => {
    it("counts who would enter and leave a dynamic segment against its stored members", async () => {
      const seg = await segment("big", "dynamic", bigSpenders);
      await recomputeSegment(engine, seg, now);
      expect(await memberIds(db, seg)).toEqual(sorted("ana", "boris", "dimitar"));
      // ≥ 700.00 drops boris and dimitar; adding BG-or-… is not needed: nobody new enters
      expect(await editImpact(engine, seg, { type: "dynamic", rule: { match: "all", criteria: [{ field: "totalSpent", min: 70000 }] } }, now)).toEqual({ members: 3, entering: 0, leaving: 2, recomputes: true, automations: [], scheduledCampaigns: [] });
      expect(await editImpact(engine, seg, { type: "dynamic", rule: { match: "all", criteria: [{ field: "totalSpent", min: 10000 }] } }, now)).toEqual({ members: 3, entering: 1, leaving: 0, recomputes: true, automations: [], scheduledCampaigns: [] });
      // the engine's cached members are not disturbed by the impact
      expect(await editImpact(engine, seg, { type: "dynamic", rule: { match: "all", criteria: bigSpenders } }, now)).toEqual({ members: 3, entering: 0, leaving: 0, recomputes: true, automations: [], scheduledCampaigns: [] });
    });

    it("an accumulating segment never loses anyone; a locked snapshot with the same rule does not change", async () => {
      const acc = await segment("big-ever", "accumulating", bigSpenders);
      await recomputeSegment(engine, acc, now);
      expect(await editImpact(engine, acc, { type: "accumulating", rule: { match: "all", criteria: [{ field: "country", values: [{ value: "GR", mode: "include" }] }] } }, now)).toEqual({
        members: 3,
        entering: 1,
        leaving: 0,
        recomputes: true,
        automations: [],
        scheduledCampaigns: [],
      });
      const snap = await segment("big-then", "snapshot", bigSpenders);
      await recomputeSegment(engine, snap, now);
      expect(await editImpact(engine, snap, { type: "snapshot", rule: { match: "all", criteria: bigSpenders } }, now)).toEqual({ members: 3, entering: 0, leaving: 0, recomputes: false, automations: [], scheduledCampaigns: [] });
      expect((await editImpact(engine, snap, { type: "snapshot", rule: { match: "all", criteria: [{ field: "totalSpent", min: 70000 }] } }, now))?.leaving).toBe(2);
      expect(await editImpact(engine, snap, { type: "manual", rule: { match: "all", criteria: [] } }, now)).toBeNull();
    });

    it("names the automations the edit would set off, for how many (less those their cap holds back), and the scheduled campaigns that read the segment", async () => {
      const seg = await segment("big-watched", "dynamic", bigSpenders);
      await recomputeSegment(engine, seg, now);
      const make = async (name: string, kind: "entered" | "left", extra: Record<string, unknown> = {}) => {
        const out = await createAutomation(db, { name, trigger: { segmentId: seg, kind }, action: { kind: "task", title: "Call" }, ...extra }, actor, now);
        if (!out.ok) throw new Error(JSON.stringify(out));
        return out.automation.id;
      };
      const onEnter = await make("Welcome", "entered", { cap: { kind: "once" } });
      const onLeave = await make("Goodbye", "left", { cap: { kind: "none" }, isActive: false });
      const monthly = await make("Monthly", "entered", { cap: { kind: "days", days: 30 } });
      // ≥ 100.00 lets one more in; every non-member already had the once-ever automation (an hour ago)
      // and the monthly one (40 days ago, outside its 30 days)
      const wider = { type: "dynamic" as const, rule: { match: "all" as const, criteria: [{ field: "totalSpent" as const, min: 10000 }] } };
      expect((await editImpact(engine, seg, wider, now))!.entering).toBe(1);
      const members = new Set(await memberIds(db, seg));
      for (const c of [...ids.values()].filter((c) => !members.has(c))) {
        await db.sequelize.query("INSERT INTO automation_caps (automation_id, customer_id, firing_id, fired_at) VALUES (:a, :c, 1, :at), (:m, :c, 2, :old)", { replacements: { a: onEnter, m: monthly, c, at: minutes(-60), old: minutes(-40 * 24 * 60) } });
      }
      const campaign = await createCampaign(db, { name: "Spring", channels: ["sms"], includeSegmentIds: [seg], templates: { sms: { textBody: "Hi" } } }, actor, now);
      if (!campaign.ok) throw new Error(JSON.stringify(campaign));
      await db.models.Campaign.update({ status: "scheduled" }, { where: { id: campaign.campaign.id } });
      const draft = await createCampaign(db, { name: "Still a draft", channels: ["sms"], includeSegmentIds: [seg], templates: { sms: { textBody: "Hi" } } }, actor, now);
      if (!draft.ok) throw new Error(JSON.stringify(draft));
      const impact = (await editImpact(engine, seg, wider, now))!;
      expect(impact.automations).toEqual([
        { id: onEnter, name: "Welcome", triggerKind: "entered", isActive: true, fires: 0, capped: 1 },
        { id: onLeave, name: "Goodbye", triggerKind: "left", isActive: false, fires: 0, capped: 0 },
        { id: monthly, name: "Monthly", triggerKind: "entered", isActive: true, fires: 1, capped: 0 },
      ]);
      // a draft is not scheduled: only the scheduled campaign is named
      expect(impact.scheduledCampaigns).toEqual([{ id: campaign.campaign.id, name: "Spring", role: "include" }]);
      // narrowing it makes two leave: the leave automation would fire for both once resumed
      const narrower = (await editImpact(engine, seg, { type: "dynamic", rule: { match: "all", criteria: [{ field: "totalSpent", min: 70000 }] } }, now))!;
      expect(narrower.automations.map((a) => [a.name, a.fires])).toEqual([["Welcome", 0], ["Goodbye", 2], ["Monthly", 0]]);
    });
  });

  it("the preview gives each customer the reasons of every criterion", async () => {
    const preview = await previewWithReasons(
      engine,
      { match: "all", criteria: [{ field: "totalSpent", min: 50000 }, { field: "lastOrderAt", date: { form: "inLastDays", days: 90 } }, { field: "city", values: [{ value: "Варна", mode: "exclude" }] }] },
      now,
    );
    expect(preview.count).toBe(2);
    expect(preview.perCriterion).toEqual([3, 3, 4]);
    const ana = preview.customers.find((c) => c.externalId === "ana")!;
    expect(ana.name).toBe("Анна Петрова");
    expect(ana.reasons).toEqual([
      { index: 0, field: "totalSpent", matched: true, actual: 81240 },
      { index: 1, field: "lastOrderAt", matched: true, actual: "2026-02-20" },
      { index: 2, field: "city", matched: true, actual: "София" },
    ]);
    expect(preview.customers.map((c) => c.externalId).sort()).toEqual(["ana", "dimitar"]);
  });

  it("a customer's memberships say why: reasons for dynamic segments, none for manual ones", async () => {
    const big = await segment("big", "dynamic", bigSpenders, { name: "Big spenders" });
    const hand = await segment("hand", "manual", [], { name: "Hand-picked" });
    await recomputeSegment(engine, big, now);
    await addMembers(db, hand, [id("ana")], now);
    const why = await whyCustomerIsIn(engine, id("ana"), now);
    expect(why.map((w) => [w.name, w.type])).toEqual([["Big spenders", "dynamic"], ["Hand-picked", "manual"]]);
    expect(why[0].explanation).toEqual({ matchesNow: true, reasons: [{ index: 0, field: "totalSpent", matched: true, actual: 81240 }] });
    expect(why[1].explanation).toBeNull();
    expect(await whyCustomerIsIn(engine, id("gosho"), now)).toEqual([]);
  });

  it("members page newest customer first with a keyset cursor, and the events read three ways", async () => {
    const seg = await segment("all-bg", "dynamic", [{ field: "country", values: [{ value: "BG", mode: "include" }] }]);
    await recomputeSegment(engine, seg, now);
    const first = await listSegmentMembers(db, seg, { limit: 3 });
    expect(first.rows.map((r) => r.externalId)).toEqual(["dimitar", "gosho", "boris"]);
    expect(first.rows[0]).toMatchObject({ city: "Пловдив", country: "BG", enteredAt: now });
    const second = await listSegmentMembers(db, seg, { after: first.nextAfter!, limit: 3 });
    expect(second).toEqual({ rows: [expect.objectContaining({ externalId: "ana", firstName: "Анна" })], nextAfter: null });

    await writeCustomers(db, [{ externalId: "gosho", country: "GR" }]);
    await recomputeSegment(engine, seg, minutes(5));
    const latest = await latestSegmentEvents(db, seg, 2);
    expect(latest.map((e) => [e.customer?.externalId, e.kind])).toEqual([["gosho", "left"], ["dimitar", "entered"]]);
    const all = await segmentEventsSince(db, seg, 0, 100);
    expect(all.map((e) => e.externalId)).toEqual(["ana", "boris", "gosho", "dimitar", "gosho"]);
    const after = await segmentEventsSince(db, seg, all[2].id, 2);
    expect(after.map((e) => [e.externalId, e.kind])).toEqual([["dimitar", "entered"], ["gosho", "left"]]);
    const history = await customerSegmentEvents(db, id("gosho"), 10);
    expect(history.map((e) => [e.segment.code, e.kind])).toEqual([["all-bg", "left"], ["all-bg", "entered"]]);
    await writeCustomers(db, [{ externalId: "gosho", country: "BG" }]);
  });

  it("the store's latest movements span segments, newest first, named, and pass over deleted segments", async () => {
    const bg = await segment("all-bg", "dynamic", [{ field: "country", values: [{ value: "BG", mode: "include" }] }]);
    const gr = await segment("all-gr", "dynamic", [{ field: "country", values: [{ value: "GR", mode: "include" }] }]);
    const gone = await segment("doomed", "manual", []);
    await recomputeSegment(engine, bg, now);
    await addMembers(db, gone, [id("ana")], minutes(1));
    await recomputeSegment(engine, gr, minutes(2));
    await writeCustomers(db, [{ externalId: "gosho", country: "GR" }]);
    await recomputeSegment(engine, bg, minutes(3));
    await recomputeSegment(engine, gr, minutes(4));
    expect(await deleteSegment(db, gone, actor)).toEqual({ ok: true });

    const feed = await latestStoreSegmentEvents(db, 4);
    expect(feed.map((e) => [e.customer?.externalId, e.kind, e.segment.name])).toEqual([
      ["gosho", "entered", "all-gr"],
      ["gosho", "left", "all-bg"],
      ["vera", "entered", "all-gr"],
      ["dimitar", "entered", "all-bg"],
    ]);
    expect(feed[0]).toMatchObject({ segmentId: gr, segment: { id: gr }, customer: { firstName: "Gosho" }, at: minutes(4) });
    // all of them: the deleted segment's entered event is not among them
    const all = await latestStoreSegmentEvents(db, 100);
    expect(all).toHaveLength(7);
    expect(all.some((e) => e.segmentId === gone)).toBe(false);
    expect(await latestStoreSegmentEvents(db, 0)).toEqual([]);
    await writeCustomers(db, [{ externalId: "gosho", country: "BG" }]);
  });

  it("a manager reads another manager's members and events by name alone, their own with every detail", async () => {
    const seg = await segment("hand", "manual", []);
    await addMembers(db, seg, [id("ana"), id("boris"), id("gosho")], now);
    const [mine, theirs] = await Promise.all(
      ["mine", "theirs"].map((name) => db.models.User.create({ email: `${name}-${Date.now()}@shop.test`, name, role: "manager", passwordHash: "not used" })),
    );
    await db.models.Customer.update({ managerId: mine.id }, { where: { id: id("ana") } });
    await db.models.Customer.update({ managerId: theirs.id }, { where: { id: id("boris") } });
    try {
      const manager = { id: mine.id, role: "manager" as const };
      const members = await listVisibleSegmentMembers(db, seg, { limit: 10 }, manager);
      expect(members.rows.find((m) => m.firstName === "Анна")).toMatchObject({ hasDetails: true, id: id("ana"), email: "ana@shop.test" });
      expect(members.rows.find((m) => m.firstName === "Борис")).toEqual({ hasDetails: false, firstName: "Борис", lastName: "Иванов", enteredAt: now });
      // nobody's customer is not this manager's either
      expect(members.rows.find((m) => m.firstName === "Gosho")).toEqual({ hasDetails: false, firstName: "Gosho", lastName: null, enteredAt: now });
      const admin = await listVisibleSegmentMembers(db, seg, { limit: 10 }, { id: 1, role: "admin" });
      expect(admin.rows.every((m) => m.hasDetails)).toBe(true);

      const events = await latestSegmentEvents(db, seg, 10);
      const shown = eventsForViewer(events, manager);
      expect(shown.find((e) => e.customer?.firstName === "Анна")).toMatchObject({ customerId: id("ana"), customer: { externalId: "ana" } });
      expect(shown.find((e) => e.customer?.firstName === "Борис")).toMatchObject({ customerId: null, customer: { externalId: null, firstName: "Борис" } });
      // a customer deleted since: only who sees every customer sees the id that is left
      const gone = { ...events[0], customer: null };
      expect(eventsForViewer([gone], manager)[0]).toMatchObject({ customerId: null, customer: null });
      expect(eventsForViewer([gone], { id: 1, role: "marketer" })[0]).toMatchObject({ customerId: events[0].customerId, customer: null });
    } finally {
      await db.models.Customer.update({ managerId: null }, { where: { id: [id("ana"), id("boris")] } });
    }
  });

  it("recomputes newest first, and the size series picks the latest sample at or before each point", async () => {
    const seg = await segment("big", "dynamic", bigSpenders);
    await recomputeSegment(engine, seg, now);
    await writeCustomers(db, [{ externalId: "gosho", tags: ["x"] }]);
    await db.models.SegmentSize.create({ segmentId: seg, at: minutes(60), size: 7 });
    await db.models.SegmentSize.create({ segmentId: seg, at: minutes(120), size: 5 });
    await recomputeSegment(engine, seg, minutes(180), "manual");
    const recomputes = await listRecomputes(db, seg, { limit: 10 });
    expect(recomputes.map((r) => [r.trigger, r.size, r.entered, r.left])).toEqual([["manual", 3, 0, 0], ["schedule", 3, 3, 0]]);
    expect(await listRecomputes(db, seg, { before: recomputes[0].id, limit: 10 })).toHaveLength(1);

    const series = await sizeSeries(db, [seg, 424242], { now: minutes(180), points: 4, windowMs: 24 * 3600_000 });
    expect(series.get(seg)).toEqual([
      { at: now, size: 3 },
      { at: minutes(60), size: 7 },
      { at: minutes(120), size: 5 },
      { at: minutes(180), size: 3 },
    ]);
    expect(series.get(424242)).toEqual([]);
    // a window shorter than the history starts inside it
    const recent = await sizeSeries(db, [seg], { now: minutes(180), points: 2, windowMs: 90 * 60_000 });
    expect(recent.get(seg)).toEqual([
      { at: minutes(90), size: 7 },
      { at: minutes(180), size: 3 },
    ]);
  });

  it("the editor's vocabulary lists the store's values, and external ids resolve to customers", async () => {
    await segment("big", "dynamic", bigSpenders, { name: "Big spenders" });
    const v = await segmentVocabulary(db);
    expect(v.countries).toEqual(["BG", "GR"]);
    expect(v.cities).toEqual(["Αθήνα", "Варна", "Пловдив", "София"]);
    expect(v.tags).toEqual(["vip", "x"]);
    expect(v.segments).toEqual([{ id: expect.any(Number), code: "big", name: "Big spenders", type: "dynamic" }]);
    expect(await customerIdsByExternalId(db, ["vera", "nobody", "ana", "vera"])).toEqual({ ids: [id("vera"), id("ana")], unknown: ["nobody"] });
  });
});
