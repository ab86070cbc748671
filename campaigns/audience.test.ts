// Who a campaign reaches and why the rest are skipped, on a small hand-built store and on random
// ones held to the plain model (campaigns/audience-reference.ts), on SQLite and MariaDB.
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../models/db";
import type { CampaignRow, DeliveryStatus } from "../models/campaign-models";
import type { Channel } from "../models/models";
import { saveStoreSettings } from "../models/store.server";
import { bulkInsert, type SqlValue } from "../models/sql/bulk";
import { SegmentEngine } from "../segments/engine.server";
import { addMembers } from "../segments/manual.server";
import { recomputeSegment } from "../segments/recompute.server";
import { saveSegment } from "../segments/store.server";
import { addChannel, addCustomers, addTag } from "../test/customers/factory";
import { addCampaignRow } from "../test/support/campaign-row";
import { createTestDatabase, testDialect } from "../test/support/db";
import { referenceAudience, type PlainCustomer, type PlainDelivery } from "./audience-reference";
import { AudienceError, resolveAudience } from "./audience.server";
import { customersAtCap } from "./frequency-cap.server";

const now = new Date("2026-06-10T09:00:00Z"); // 12:00 in Sofia
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(`campaign audience on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let engine: SegmentEngine;
  const id = new Map<string, number>();
  const segment = new Map<string, number>();
  /** Earlier campaigns, one per message a customer had before (one delivery per campaign and customer). */
  const earlier: number[] = [];

  const newCampaign = (over: Partial<Record<keyof CampaignRow, unknown>>) =>
    addCampaignRow(db, now, { name: "Summer sale", channels: "viber,sms", includeSegmentIds: JSON.stringify([segment.get("vip")]), ...over });

  async function makeSegment(code: string, type: string, tag: string | null) {
    const out = await saveSegment(db, { name: code, code, type, criteria: tag ? [{ field: "tag", values: [{ value: tag }] }] : [] }, { userId: null });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    segment.set(code, out.segment.id);
    return out.segment.id;
  }

  async function delivery(customer: string, campaignId: number, status: DeliveryStatus, at: Date | null, claimedAt: Date | null = null) {
    await db.models.CampaignDelivery.create({
      campaignId,
      customerId: id.get(customer)!,
      channel: "sms",
      address: "+359888000000",
      status,
      skipReason: null,
      dueAt: at ?? now,
      sentAt: at,
      claimedAt,
      createdAt: now,
      updatedAt: now,
    } as never);
  }

  const byCustomer = (recipients: Awaited<ReturnType<typeof resolveAudience>>["recipients"]) =>
    Object.fromEntries([...id].filter(([, cid]) => recipients.some((r) => r.customerId === cid)).map(([name, cid]) => {
      const r = recipients.find((x) => x.customerId === cid)!;
      return [name, r.skipReason ?? `${r.channel}:${r.address}`];
    }));

  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "bg" });
    const names = ["viber", "fallback", "smsOnly", "noAddress", "noConsent", "unsubscribed", "excluded", "capped", "underCap", "manualOnly", "outsider"];
    const ids = await addCustomers(db, names.map((n) => ({ externalId: n, acceptsMarketing: n !== "noConsent" })));
    names.forEach((n, i) => id.set(n, ids[i]));
    const c = (n: string) => id.get(n)!;
    const channel = (n: string, ch: Channel, subscribed: boolean, address: string | null) => addChannel(db, c(n), ch, subscribed, address);
    await channel("viber", "viber", true, "viber-a");
    await channel("viber", "sms", true, "+359888000001");
    await channel("fallback", "viber", false, "viber-b");
    await channel("fallback", "sms", true, "+359888000002");
    await channel("smsOnly", "sms", true, "+359888000003");
    await channel("noAddress", "viber", true, null);
    await channel("noAddress", "sms", false, "+359888000004");
    await channel("noConsent", "viber", true, "viber-e");
    await channel("unsubscribed", "viber", false, "viber-f");
    await channel("excluded", "viber", true, "viber-g");
    await channel("capped", "sms", true, "+359888000008");
    await channel("underCap", "sms", true, "+359888000009");
    await channel("manualOnly", "viber", true, "viber-j");
    await channel("outsider", "viber", true, "viber-k");
    await addTag(db, "vip", names.filter((n) => n !== "manualOnly" && n !== "outsider").map(c));
    await addTag(db, "blocked", [c("excluded")]);
    engine = new SegmentEngine(db);
    await makeSegment("vip", "dynamic", "vip");
    await makeSegment("blocked", "snapshot", "blocked");
    await recomputeSegment(engine, segment.get("blocked")!, now);
    await makeSegment("hand-picked", "manual", null);
    await addMembers(db, segment.get("hand-picked")!, [c("manualOnly"), c("viber")], now);
    for (let i = 0; i < 4; i++) earlier.push((await newCampaign({ name: `Spring sale ${i}`, status: "finished" })).id);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.models.CampaignDelivery.destroy({ where: {} });
    await db.models.StoreSettings.update({ quietHoursStart: null, quietHoursEnd: null, frequencyCapCount: null, frequencyCapDays: null }, { where: { id: 1 } });
  });

  it("each customer gets the first channel of the chain that reaches them, or the first channel's reason", async () => {
    const campaign = await newCampaign({
      includeSegmentIds: JSON.stringify([segment.get("vip"), segment.get("hand-picked")]),
      excludeSegmentIds: JSON.stringify([segment.get("blocked")]),
    });
    const { recipients, summary } = await resolveAudience({ db, engine }, campaign, now);
    expect(byCustomer(recipients)).toEqual({
      viber: "viber:viber-a",
      fallback: "sms:+359888000002",
      smsOnly: "sms:+359888000003",
      // no Viber address comes before SMS being unsubscribed: the first channel's reason
      noAddress: "no_address",
      noConsent: "no_consent",
      unsubscribed: "unsubscribed",
      capped: "sms:+359888000008",
      underCap: "sms:+359888000009",
      manualOnly: "viber:viber-j",
    });
    expect(summary).toEqual({
      total: 9,
      byChannel: { email: 0, sms: 4, messenger: 0, viber: 2 },
      skipped: { no_consent: 1, no_address: 1, unsubscribed: 1, messenger_window: 0, frequency_cap: 0 },
      movedByQuietHours: 0,
    });
    expect(recipients.map((r) => r.customerId)).toEqual([...recipients.map((r) => r.customerId)].sort((a, b) => a - b));
    expect(recipients.every((r) => r.dueAt.getTime() === now.getTime() && !r.movedByQuietHours)).toBe(true);
  });

  it("excluded segments take their members out whatever includes them; an empty include list reaches nobody", async () => {
    const without = await resolveAudience({ db, engine }, await newCampaign({}), now);
    expect(without.recipients.some((r) => r.customerId === id.get("excluded"))).toBe(true);
    const excluding = await newCampaign({ excludeSegmentIds: JSON.stringify([segment.get("blocked"), segment.get("hand-picked")]) });
    const { recipients, summary } = await resolveAudience({ db, engine }, excluding, now);
    expect(recipients.map((r) => r.customerId)).not.toContain(id.get("excluded"));
    expect(recipients.map((r) => r.customerId)).not.toContain(id.get("viber"));
    expect(summary.total).toBe(without.summary.total - 2);
    expect((await resolveAudience({ db, engine }, await newCampaign({ includeSegmentIds: "[]" }), now)).summary.total).toBe(0);
  });

  it("a customer with as many messages as the cap in its window is skipped; older, failed, queued and this campaign's own do not count", async () => {
    await db.models.StoreSettings.update({ frequencyCapCount: 2, frequencyCapDays: 7 }, { where: { id: 1 } });
    const campaign = await newCampaign({});
    await delivery("capped", earlier[0], "delivered", new Date(now.getTime() - 6 * DAY));
    await delivery("capped", earlier[1], "in_flight", null, new Date(now.getTime() - HOUR));
    await delivery("underCap", earlier[0], "sent", new Date(now.getTime() - 8 * DAY));
    await delivery("underCap", earlier[1], "failed", new Date(now.getTime() - DAY));
    await delivery("underCap", earlier[2], "queued", null);
    await delivery("underCap", earlier[3], "read", new Date(now.getTime() - DAY));
    await delivery("underCap", campaign.id, "sent", new Date(now.getTime() - DAY));
    const { recipients, summary } = await resolveAudience({ db, engine }, campaign, now);
    expect(byCustomer(recipients)).toMatchObject({ capped: "frequency_cap", underCap: "sms:+359888000009" });
    expect(summary.skipped.frequency_cap).toBe(1);
    // the cap itself, at other moments: the delivered message leaves the window after 7 days
    const ids = [id.get("capped")!, id.get("underCap")!];
    const except = { exceptCampaignId: campaign.id };
    expect([...(await customersAtCap(db, ids, now, { count: 2, days: 7 }, except))]).toEqual([id.get("capped")]);
    expect([...(await customersAtCap(db, ids, new Date(now.getTime() + DAY), { count: 2, days: 7 }, except))]).toEqual([]);
    // counting this campaign's own message too, both are at the cap
    expect([...(await customersAtCap(db, ids, now, { count: 2, days: 7 }))].sort()).toEqual([...ids].sort());
  });

  it("Messenger reaches only customers who interacted in the 24 hours before their message is due; the rest fall back", async () => {
    const names = ["recent", "stale", "never", "nightOwl"];
    const ids = await addCustomers(db, names.map((n) => ({ externalId: `m-${n}`, acceptsMarketing: true })));
    const last: Record<string, Date | null> = { recent: new Date(now.getTime() - 2 * HOUR), stale: new Date(now.getTime() - 30 * HOUR), never: null, nightOwl: new Date(now.getTime() - 20 * HOUR) };
    for (const [i, n] of names.entries()) {
      await db.models.Customer.update({ lastInteractionAt: last[n], timeZone: n === "nightOwl" ? "America/New_York" : null }, { where: { id: ids[i] } });
      await addChannel(db, ids[i], "messenger", true, `psid-${n}`);
      if (n !== "never") await addChannel(db, ids[i], "email", true, `${n}@example.com`);
    }
    const fresh = new SegmentEngine(db);
    const manual = (await saveSegment(db, { name: "messenger", code: "messenger-people", type: "manual", criteria: [] }, { userId: null })) as { ok: true; segment: { id: number } };
    await addMembers(db, manual.segment.id, ids, now);
    // 12:00 in Sofia is 05:00 in New York: quiet hours hold the night owl until 09:00 there, 24 hours after the interaction
    const campaign = await newCampaign({ channels: "messenger,email", includeSegmentIds: JSON.stringify([manual.segment.id]), quietHoursStart: "21:00", quietHoursEnd: "09:00" });
    const { recipients, summary } = await resolveAudience({ db, engine: fresh }, campaign, now);
    const of = (n: string) => recipients.find((r) => r.customerId === ids[names.indexOf(n)])!;
    expect(of("recent")).toMatchObject({ channel: "messenger", address: "psid-recent", movedByQuietHours: false });
    expect(of("stale")).toMatchObject({ channel: "email", address: "stale@example.com" });
    expect(of("never")).toMatchObject({ channel: null, skipReason: "messenger_window" });
    expect(of("nightOwl")).toMatchObject({ channel: "email", movedByQuietHours: true, dueAt: new Date("2026-06-10T13:00:00Z") });
    expect(summary).toMatchObject({ total: 4, byChannel: { messenger: 1, email: 2 }, skipped: { messenger_window: 1 }, movedByQuietHours: 1 });
  });

  it("at a wall time in each customer's zone: each is due when their own clock shows it, and the store's quiet hours count the moves", async () => {
    await db.models.StoreSettings.update({ quietHoursStart: "21:00", quietHoursEnd: "09:00" }, { where: { id: 1 } });
    await db.models.Customer.update({ timeZone: "Pacific/Kiritimati" }, { where: { id: id.get("viber") } });
    await db.models.Customer.update({ timeZone: "America/New_York" }, { where: { id: id.get("smsOnly") } });
    await db.models.Customer.update({ timeZone: "Not/A_Zone" }, { where: { id: id.get("fallback") } });
    try {
      const campaign = await newCampaign({ scheduleKind: "at", timeZoneMode: "customer", localSendAt: "2026-06-11T08:30" });
      const { recipients, summary } = await resolveAudience({ db, engine }, campaign, now);
      const due = (n: string) => recipients.find((r) => r.customerId === id.get(n))!;
      // 08:30 is quiet: 09:00 on each customer's clock
      expect(due("viber")).toMatchObject({ dueAt: new Date("2026-06-10T19:00:00Z"), movedByQuietHours: true });
      expect(due("smsOnly")).toMatchObject({ dueAt: new Date("2026-06-11T13:00:00Z"), movedByQuietHours: true });
      expect(due("fallback")).toMatchObject({ dueAt: new Date("2026-06-11T06:00:00Z"), movedByQuietHours: true });
      expect(summary.movedByQuietHours).toBe(summary.total - summary.skipped.no_consent - summary.skipped.no_address - summary.skipped.unsubscribed);
    } finally {
      await db.models.Customer.update({ timeZone: null }, { where: {} });
    }
  });

  it("a campaign naming a deleted segment, a channel that does not exist or an unreadable time is refused rather than sent to the wrong people", async () => {
    const gone = await makeSegment("gone", "dynamic", "vip");
    await db.models.Segment.update({ deletedAt: now }, { where: { id: gone } });
    await expect(resolveAudience({ db, engine }, await newCampaign({ excludeSegmentIds: JSON.stringify([gone]) }), now)).rejects.toThrow(AudienceError);
    await expect(resolveAudience({ db, engine }, await newCampaign({ includeSegmentIds: JSON.stringify([9999]) }), now)).rejects.toThrow(/9999/);
    await expect(resolveAudience({ db, engine }, await newCampaign({ channels: "viber,fax" }), now)).rejects.toThrow(/fax/);
    const badTime = await newCampaign({ scheduleKind: "at", timeZoneMode: "customer", localSendAt: "2026-13-01T10:00" });
    await expect(resolveAudience({ db, engine }, badTime, now)).rejects.toThrow(AudienceError);
  });
});

// --- random small stores against the plain model -------------------------------------------------

const CHANNEL_NAMES: Channel[] = ["email", "sms", "messenger", "viber"];
const ZONES = [null, "Europe/Sofia", "Europe/Athens", "America/New_York", "Pacific/Kiritimati", "Australia/Lord_Howe", "Not/A_Zone"];

const identity = fc.option(fc.record({ address: fc.option(fc.constant("x"), { nil: null, freq: 4 }), isSubscribed: fc.boolean() }), { nil: undefined });
const customerArb = fc.record({
  acceptsMarketing: fc.constantFrom(true, true, true, false),
  timeZone: fc.constantFrom(...ZONES),
  lastInteractionHoursAgo: fc.option(fc.integer({ min: -2, max: 60 }), { nil: null }),
  channels: fc.record({ email: identity, sms: identity, messenger: identity, viber: identity }),
  tags: fc.subarray(["a", "b", "c"]),
  deliveries: fc.array(
    fc.record({ status: fc.constantFrom<DeliveryStatus>("sent", "delivered", "read", "in_flight", "unknown", "failed", "queued", "skipped"), hoursAgo: fc.integer({ min: 0, max: 24 * 9 }) }),
    { maxLength: 3 },
  ),
});
const storeArb = fc.record({
  customers: fc.array(customerArb, { minLength: 1, maxLength: 30 }),
  include: fc.subarray(["a", "b", "c"], { minLength: 1 }),
  exclude: fc.subarray(["a", "b", "c"]),
  chain: fc.shuffledSubarray(CHANNEL_NAMES, { minLength: 1 }),
  storeZone: fc.constantFrom("Europe/Sofia", "America/New_York", "Australia/Lord_Howe"),
  quiet: fc.option(fc.constantFrom(["21:00", "09:00"], ["13:00", "14:00"], ["00:30", "03:15"]), { nil: null }),
  cap: fc.option(fc.record({ count: fc.integer({ min: 1, max: 3 }), days: fc.integer({ min: 1, max: 7 }) }), { nil: null }),
  schedule: fc.constantFrom("now", "store", "customer"),
  // near the spring-forward night in Europe (29 March 2026, 01:00 UTC)
  startOffsetMinutes: fc.integer({ min: -26 * 60, max: 26 * 60 }),
  localSendAt: fc.constantFrom("2026-03-29T03:30", "2026-03-29T10:00", "2026-03-28T23:15", "2026-03-30T02:00"),
});

describe(`campaign audience against the plain model on ${testDialect}`, () => {
  let db: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("random stores: every member gets exactly one row, with the plain model's channel, reason and due instant", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(storeArb, async (s) => {
        round++;
        for (const table of ["CampaignDelivery", "Campaign", "SegmentMember", "SegmentEvent", "SegmentSize", "SegmentRecompute", "Segment", "ChannelIdentity", "CustomerTag", "Tag", "Customer"] as const) {
          await (db.models[table] as unknown as { destroy(o: object): Promise<unknown> }).destroy({ where: {} });
        }
        await db.models.StoreSettings.destroy({ where: {} });
        const now = new Date(Date.UTC(2026, 2, 29, 1) + s.startOffsetMinutes * 60_000);
        await db.models.StoreSettings.create({ id: 1, name: "Shop", timeZone: s.storeZone, currency: "EUR", locale: "en", frequencyCapCount: s.cap?.count ?? null, frequencyCapDays: s.cap?.days ?? null });
        const ids = await addCustomers(db, s.customers.map((c, i) => ({ externalId: `r${round}-${i}`, acceptsMarketing: c.acceptsMarketing })));
        const plain: PlainCustomer[] = [];
        const deliveries: PlainDelivery[] = [];
        const identityRows: SqlValue[][] = [];
        const deliveryRows: SqlValue[][] = [];
        const others: number[] = [];
        for (let i = 0; i < 3; i++) {
          others.push((await db.models.Campaign.create({ name: `before ${i}`, status: "finished", channels: "sms", includeSegmentIds: "[]", excludeSegmentIds: "[]", scheduleKind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null, quietHoursStart: null, quietHoursEnd: null, createdById: null, createdAt: now, updatedAt: now } as never)).id);
        }
        for (const [i, c] of s.customers.entries()) {
          const lastInteractionAt = c.lastInteractionHoursAgo === null ? null : new Date(now.getTime() - c.lastInteractionHoursAgo * HOUR);
          await db.models.Customer.update({ timeZone: c.timeZone, lastInteractionAt }, { where: { id: ids[i] } });
          for (const ch of CHANNEL_NAMES) {
            const state = c.channels[ch];
            if (state) identityRows.push([ids[i], ch, state.address, state.isSubscribed, now, now, now]);
          }
          for (const [j, d] of c.deliveries.entries()) {
            const at = new Date(now.getTime() - d.hoursAgo * HOUR);
            const inFlight = d.status === "in_flight" || d.status === "unknown";
            const row = { campaignId: others[j], customerId: ids[i], status: d.status, sentAt: inFlight || d.status === "queued" ? null : at, claimedAt: inFlight ? at : null };
            deliveries.push(row);
            deliveryRows.push([row.campaignId, row.customerId, "sms", "x", row.status, at, row.sentAt, row.claimedAt, now, now]);
          }
          plain.push({ id: ids[i], acceptsMarketing: c.acceptsMarketing, timeZone: c.timeZone, lastInteractionAt, channels: Object.fromEntries(CHANNEL_NAMES.filter((ch) => c.channels[ch]).map((ch) => [ch, c.channels[ch]!])) });
        }
        await bulkInsert(db, "channel_identities", ["customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"], identityRows);
        await bulkInsert(db, "campaign_deliveries", ["campaign_id", "customer_id", "channel", "address", "status", "due_at", "sent_at", "claimed_at", "created_at", "updated_at"], deliveryRows);
        const segmentIds = new Map<string, number>();
        for (const tag of ["a", "b", "c"]) {
          const members = s.customers.flatMap((c, i) => (c.tags.includes(tag) ? [ids[i]] : []));
          if (members.length) await addTag(db, tag, members);
          const out = await saveSegment(db, { name: tag, code: `tag-${tag}`, type: "dynamic", criteria: [{ field: "tag", values: [{ value: tag }] }] }, { userId: null });
          if (!out.ok) throw new Error(JSON.stringify(out.errors));
          segmentIds.set(tag, out.segment.id);
        }
        const schedule =
          s.schedule === "now"
            ? ({ kind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null } as const)
            : s.schedule === "store"
              ? ({ kind: "at", timeZoneMode: "store", sendAt: new Date(Date.UTC(2026, 2, 29, 0, 30)), localSendAt: null } as const)
              : ({ kind: "at", timeZoneMode: "customer", sendAt: null, localSendAt: s.localSendAt } as const);
        const campaign = await db.models.Campaign.create({
          name: "random",
          status: "draft",
          channels: s.chain.join(","),
          includeSegmentIds: JSON.stringify(s.include.map((t) => segmentIds.get(t))),
          excludeSegmentIds: JSON.stringify(s.exclude.map((t) => segmentIds.get(t))),
          scheduleKind: schedule.kind,
          timeZoneMode: schedule.timeZoneMode,
          sendAt: schedule.sendAt,
          localSendAt: schedule.localSendAt,
          quietHoursStart: s.quiet?.[0] ?? null,
          quietHoursEnd: s.quiet?.[1] ?? null,
          createdById: null,
          createdAt: now,
          updatedAt: now,
        } as never);
        const { recipients, summary } = await resolveAudience({ db, engine: new SegmentEngine(db) }, campaign, now);
        const tagged = (tag: string) => new Set(s.customers.flatMap((c, i) => (c.tags.includes(tag) ? [ids[i]] : [])));
        const expected = referenceAudience({
          customers: plain,
          included: s.include.map(tagged),
          excluded: s.exclude.map(tagged),
          deliveries,
          campaign: { id: campaign.id, chain: s.chain, schedule, quietHours: s.quiet ? { start: s.quiet[0], end: s.quiet[1] } : null },
          storeTimeZone: s.storeZone,
          cap: s.cap,
          now,
        });
        expect(recipients).toEqual(expected);
        expect(new Set(recipients.map((r) => r.customerId)).size).toBe(recipients.length);
        const counted = Object.values(summary.byChannel).reduce((a, b) => a + b, 0) + Object.values(summary.skipped).reduce((a, b) => a + b, 0);
        expect(counted).toBe(summary.total);
        expect(summary.total).toBe(recipients.length);
      }),
      { numRuns: 20 },
    );
  });
});
