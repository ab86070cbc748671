// The campaign pages through the real app: creating, changing, listing, copying and deleting a
// campaign with the page forms, bad input named by field with nothing written, who may open them,
// the progress route and the recipients with their CSV.
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addDeliveries, addSegment, campaignForm } from "./support";

type Visitor = Awaited<ReturnType<typeof signIn>>;

describe(`the campaign pages on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Visitor;
  let admin: Visitor;
  let manager: Visitor;
  let vip = 0;
  let lapsed = 0;

  beforeAll(async () => {
    app = await startTestApp();
    [marketer, admin, manager] = await Promise.all([signIn(app, "marketer"), signIn(app, "admin"), signIn(app, "manager")]);
    vip = await addSegment(app.db, "ВИП клиенти", "vip");
    lapsed = await addSegment(app.db, "Lapsed", "lapsed");
  });
  afterAll(() => app?.close());

  const data = async <T,>(visitor: Visitor, path: string, route: string): Promise<T> => {
    const res = await visitor.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const create = async (fields: Record<string, string | string[]> = {}) => {
    const res = await marketer.submit("/campaigns/new", campaignForm(vip, fields));
    expect(res.status, await res.clone().text()).toBe(302);
    return Number(/\/campaigns\/(\d+)\?saved=1$/.exec(res.headers.get("location") ?? "")![1]);
  };

  it("a marketer creates a draft through the form: its chain, audience, schedule and one template per channel", async () => {
    const id = await create({ name: "Пролетна разпродажба", excludeSegmentIds: [String(lapsed)], quietHoursMode: "own", quietHoursStart: "22:00", quietHoursEnd: "08:30" });
    const row = (await app.db.models.Campaign.findByPk(id))!;
    expect(row).toMatchObject({ name: "Пролетна разпродажба", status: "draft", channels: "email,sms", scheduleKind: "now", quietHoursStart: "22:00", quietHoursEnd: "08:30" });
    expect(JSON.parse(row.includeSegmentIds)).toEqual([vip]);
    expect(JSON.parse(row.excludeSegmentIds)).toEqual([lapsed]);
    const templates = await app.db.models.MessageTemplate.findAll({ where: { ownerKind: "campaign", ownerId: id }, order: [["channel", "ASC"]], raw: true });
    expect(templates.map((t) => [t.channel, t.subject, t.textBody])).toEqual([
      ["email", "Spring is here, {{ customer.first_name }}", null],
      ["sms", null, "Spring sale: 20% off today"],
    ]);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "campaign.create", targetId: String(id) }, raw: true });
    expect(JSON.parse(audit!.detail!)).toMatchObject({ name: "Пролетна разпродажба", channels: ["email", "sms"] });
    const page = await data<{ campaign: { name: string; include: Array<{ name: string }>; exclude: Array<{ name: string }>; quietHours: unknown } }>(marketer, `/campaigns/${id}`, "routes/campaigns.$id");
    expect(page.campaign).toMatchObject({ name: "Пролетна разпродажба", include: [{ name: "ВИП клиенти" }], exclude: [{ name: "Lapsed" }], quietHours: { start: "22:00", end: "08:30" } });
    // the page's reach card loads on its own; the segments are empty manual ones: nobody to reach, and the SMS is one GSM-7 part
    const { reach } = (await (await marketer.get(`/campaigns/${id}/reach`)).json()) as { reach: unknown };
    expect(reach).toMatchObject({ total: 0, byChannel: { email: 0, sms: 0 }, sms: { parts: 1, encoding: "GSM-7" } });
  });

  it("a time in the store's zone is kept as the instant it names; a customer's-zone time as the wall time", async () => {
    await admin.submit("/admin/store", { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    const inStoreZone = await create({ scheduleKind: "at", timeZoneMode: "store", sendAt: "2031-07-01T10:00" });
    expect((await app.db.models.Campaign.findByPk(inStoreZone))!.sendAt!.toISOString()).toBe("2031-07-01T07:00:00.000Z");
    const edit = await data<{ campaign: { values: { sendAt: string } } }>(marketer, `/campaigns/${inStoreZone}/edit`, "routes/campaigns.$id_.edit");
    expect(edit.campaign.values.sendAt).toBe("2031-07-01T10:00");
    const inCustomerZone = await create({ scheduleKind: "at", timeZoneMode: "customer", sendAt: "2031-12-24T09:30" });
    expect(await app.db.models.Campaign.findByPk(inCustomerZone, { raw: true })).toMatchObject({ timeZoneMode: "customer", localSendAt: "2031-12-24T09:30", sendAt: null });
  });

  it("bad input gets every problem named by its field, and nothing is written", async () => {
    const cases: Array<[Record<string, string | string[]>, string[]]> = [
      [{ name: "  " }, ["name"]],
      [{ channels: [] }, ["channels"]],
      [{ channels: ["email", "fax"] }, ["channels[1]"]],
      [{ includeSegmentIds: [] }, ["includeSegmentIds"]],
      [{ includeSegmentIds: ["987654"] }, ["includeSegmentIds[0]"]],
      [{ excludeSegmentIds: [String(vip)] }, ["excludeSegmentIds[0]"]],
      [{ channels: ["email", "sms", "viber"] }, ["templates.viber.textBody"]],
      [{ "templates.sms.textBody": "" }, ["templates.sms.textBody"]],
      [{ "templates.email.subject": "" }, ["templates.email.subject"]],
      [{ scheduleKind: "at", sendAt: "2020-01-01T10:00" }, ["schedule.sendAt"]],
      [{ scheduleKind: "at", sendAt: "" }, ["schedule.sendAt"]],
      [{ scheduleKind: "at", sendAt: "tomorrow" }, ["schedule.sendAt"]],
      [{ scheduleKind: "at", timeZoneMode: "customer", sendAt: "2031-02-30T10:00" }, ["schedule.localSendAt"]],
      [{ quietHoursMode: "own", quietHoursStart: "25:00", quietHoursEnd: "08:00" }, ["quietHours.start"]],
      [{ name: "", channels: [], includeSegmentIds: [] }, ["name", "channels", "includeSegmentIds"]],
    ];
    for (const [fields, named] of cases) {
      const before = await tableContents(app.db);
      const res = await marketer.submit("/campaigns/new?_data=routes%2Fcampaigns.new", campaignForm(vip, fields));
      const body = (await res.json()) as { errors: Array<{ field: string; reason: string }> };
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const fieldsNamed = body.errors.map((e) => e.field);
      for (const field of named) expect(fieldsNamed, `${JSON.stringify(fields)}: ${JSON.stringify(body.errors)}`).toContain(field);
      expect(body.errors.every((e) => e.reason.length > 0)).toBe(true);
      expect(await tableContents(app.db), JSON.stringify(fields)).toBe(before);
    }
  });

  it("an edit changes a draft and its templates; a channel taken out of the chain takes its message with it", async () => {
    const id = await create();
    const res = await marketer.submit(`/campaigns/${id}/edit`, campaignForm(vip, { name: "Spring sale, Viber first", channels: ["viber", "email"], "templates.viber.textBody": "Spring sale on Viber" }));
    expect(res.status).toBe(302);
    const templates = await app.db.models.MessageTemplate.findAll({ where: { ownerKind: "campaign", ownerId: id }, raw: true });
    expect(templates.map((t) => t.channel).sort()).toEqual(["email", "viber"]);
    expect((await app.db.models.Campaign.findByPk(id))!.channels).toBe("viber,email");
    expect(await app.db.models.AuditEntry.count({ where: { action: "campaign.update", targetId: String(id) } })).toBe(1);
  });

  it("a campaign that has started cannot be changed or deleted: the page says why and nothing moves", async () => {
    const id = await create({ name: "Already out" });
    await app.db.models.Campaign.update({ status: "sending", startedAt: new Date() }, { where: { id } });
    const before = await tableContents(app.db);
    const edit = await marketer.submit(`/campaigns/${id}/edit?_data=${encodeURIComponent("routes/campaigns.$id_.edit")}`, campaignForm(vip, { name: "Changed while sending" }));
    expect(edit.status).toBe(409);
    expect(((await edit.json()) as { refused: string }).refused).toMatch(/sending/);
    const del = await marketer.submit("/campaigns", { intent: "delete", campaignId: String(id) });
    expect(del.status).toBe(409);
    expect(await tableContents(app.db)).toBe(before);
    const page = await data<{ campaign: { refusal: string | null } }>(marketer, `/campaigns/${id}/edit`, "routes/campaigns.$id_.edit");
    expect(page.campaign.refusal).toMatch(/only a draft/);
  });

  it("lists campaigns newest first, by status and by a part of the name in any case, a page at a time", async () => {
    type List = { campaigns: Array<{ id: number; name: string; status: string; recipients: { total: number; sent: number } }>; nextBefore: number | null };
    const all = await data<List>(marketer, "/campaigns?index", "routes/campaigns._index");
    expect(all.campaigns.length).toBeGreaterThan(3);
    expect(all.campaigns.map((c) => c.id)).toEqual([...all.campaigns.map((c) => c.id)].sort((a, b) => b - a));
    const found = await data<List>(marketer, `/campaigns?index&q=${encodeURIComponent("ПРОЛЕТНА")}`, "routes/campaigns._index");
    expect(found.campaigns.map((c) => c.name)).toEqual(["Пролетна разпродажба"]);
    const sending = await data<List>(marketer, "/campaigns?index&status=sending", "routes/campaigns._index");
    expect(sending.campaigns.map((c) => c.name)).toEqual(["Already out"]);
    const ignored = await data<List>(marketer, "/campaigns?index&status=everything", "routes/campaigns._index");
    expect(ignored.campaigns.length).toBe(all.campaigns.length);
    // 30 more, so that the list has a second page
    for (let i = 0; i < 30; i++) await create({ name: `Weekly ${i}` });
    const first = await data<List>(marketer, "/campaigns?index", "routes/campaigns._index");
    expect(first.campaigns).toHaveLength(25);
    const second = await data<List>(marketer, `/campaigns?index&before=${first.nextBefore}`, "routes/campaigns._index");
    expect(second.campaigns[0].id).toBeLessThan(first.campaigns[24].id);
    expect(new Set([...first.campaigns, ...second.campaigns].map((c) => c.id)).size).toBe(first.campaigns.length + second.campaigns.length);
  });

  it("deletes a draft from the list, and duplicates a campaign as a new draft", async () => {
    const id = await create({ name: "Doomed" });
    const del = await marketer.submit("/campaigns", { intent: "delete", campaignId: String(id) }, "/campaigns");
    expect(del.status).toBe(200);
    expect(await app.db.models.Campaign.findByPk(id)).toBeNull();
    expect(await app.db.models.MessageTemplate.count({ where: { ownerKind: "campaign", ownerId: id } })).toBe(0);
    expect(await app.db.models.AuditEntry.count({ where: { action: "campaign.delete", targetId: String(id) } })).toBe(1);

    const source = await create({ name: "Original", scheduleKind: "at", sendAt: "2031-05-05T10:00" });
    await app.db.models.Campaign.update({ status: "finished", startedAt: new Date(), finishedAt: new Date() }, { where: { id: source } });
    const copy = await marketer.submit(`/campaigns/${source}`, { intent: "duplicate" });
    expect(copy.status).toBe(302);
    const copyId = Number(/\/campaigns\/(\d+)\/edit$/.exec(copy.headers.get("location")!)![1]);
    expect(await app.db.models.Campaign.findByPk(copyId, { raw: true })).toMatchObject({ name: "Original (copy)", status: "draft", channels: "email,sms", scheduleKind: "at", startedAt: null });
    expect(await app.db.models.MessageTemplate.count({ where: { ownerKind: "campaign", ownerId: copyId } })).toBe(2);
  });

  it("sending controls: start puts the campaign in line with one start job (twice adds nothing), pausing a campaign not sending is refused with why, cancel stops it", async () => {
    const id = await create({ name: "Start me" });
    const startJobs = () => app.db.models.AgendaJob.count({ where: { name: "start-campaign" } });
    const control = async (intent: string) => {
      const res = await marketer.submit(`/campaigns/${id}?_data=${encodeURIComponent("routes/campaigns.$id")}`, { intent });
      return { status: res.status, control: ((await res.json()) as { control: { ok: boolean; status?: string; reason?: string } }).control };
    };
    expect(await control("start")).toMatchObject({ status: 200, control: { ok: true, status: "scheduled" } });
    expect(await startJobs()).toBe(1);
    expect(await control("start")).toMatchObject({ status: 200, control: { ok: true, status: "scheduled" } });
    expect(await startJobs()).toBe(1);
    const before = await tableContents(app.db);
    const pause = await control("pause");
    expect(pause.status).toBe(409);
    expect(pause.control.reason).toMatch(/scheduled/);
    expect(await tableContents(app.db)).toBe(before);
    expect(await control("cancel")).toMatchObject({ status: 200, control: { ok: true, status: "cancelled" } });
    expect((await app.db.models.Campaign.findByPk(id, { raw: true }))?.status).toBe("cancelled");
    expect((await marketer.submit(`/campaigns/${id}`, { intent: "explode" })).status).toBe(400);
  });

  it("shows progress by delivery status, and the recipients filtered and a page at a time", async () => {
    const id = await create({ name: "With deliveries" });
    const customers = await addCustomers(
      app.db,
      Array.from({ length: 30 }, (_, i) => ({ externalId: `r-${i}`, firstName: `Recipient`, lastName: String(i), email: `r${i}@shop.test` })),
    );
    await app.db.models.Campaign.update({ status: "sending", startedAt: new Date() }, { where: { id } });
    await addDeliveries(app.db, id, [
      ...customers.slice(0, 20).map((customerId) => ({ customerId, status: "sent" as const })),
      ...customers.slice(20, 25).map((customerId) => ({ customerId, status: "queued" as const })),
      ...customers.slice(25, 28).map((customerId) => ({ customerId, status: "skipped" as const, channel: null, address: null, skipReason: "no_consent" as const })),
      { customerId: customers[28], status: "failed", error: "mailbox full" },
      { customerId: customers[29], status: "unknown" },
    ]);
    const progress = (await (await marketer.get(`/campaigns/${id}/progress`)).json()) as { status: string; counts: { total: number; byStatus: Record<string, number>; skipped: Record<string, number> } };
    expect(progress.status).toBe("sending");
    expect(progress.counts.total).toBe(30);
    expect(progress.counts.byStatus).toMatchObject({ sent: 20, queued: 5, skipped: 3, failed: 1, unknown: 1, delivered: 0, in_flight: 0 });
    expect(progress.counts.skipped).toMatchObject({ no_consent: 3, unsubscribed: 0 });

    type Page = { recipients: { rows: Array<{ externalId: string; status: string }>; nextAfter: number | null } };
    const first = await data<Page>(marketer, `/campaigns/${id}`, "routes/campaigns.$id");
    expect(first.recipients.rows).toHaveLength(25);
    const second = await data<Page>(marketer, `/campaigns/${id}?after=${first.recipients.nextAfter}`, "routes/campaigns.$id");
    expect(second.recipients.rows.map((r) => r.externalId)).toEqual(["r-25", "r-26", "r-27", "r-28", "r-29"]);
    expect(second.recipients.nextAfter).toBeNull();
    const skipped = await data<Page>(marketer, `/campaigns/${id}?status=skipped`, "routes/campaigns.$id");
    expect(skipped.recipients.rows.map((r) => r.externalId)).toEqual(["r-25", "r-26", "r-27"]);
    const list = await data<{ campaigns: Array<{ id: number; recipients: { total: number; sent: number } }> }>(marketer, "/campaigns?index&status=sending", "routes/campaigns._index");
    expect(list.campaigns.find((c) => c.id === id)!.recipients).toEqual({ total: 30, sent: 20 });
  });

  it("the recipients CSV makes cells that a spreadsheet would run as a formula inert", async () => {
    const id = await create({ name: "CSV" });
    const hostile = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+359888", "-1+1", "@SUM(1)", "\tTabbed", "\rReturn", "Plain"];
    const customers = await addCustomers(app.db, hostile.map((firstName, i) => ({ externalId: `csv-${i}`, firstName, lastName: "Иванов" })));
    await addDeliveries(app.db, id, customers.map((customerId) => ({ customerId, status: "sent" as const })));
    const res = await marketer.get(`/campaigns/${id}/recipients.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="campaign-\d+-recipients.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // a byte order mark first, so that spreadsheets read the names as UTF-8
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString("utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.first_name)).toEqual(["'=HYPERLINK(\"http://evil.test\",\"x\")", "'+359888", "'-1+1", "'@SUM(1)", "'\tTabbed", "'\rReturn", "Plain"]);
    expect(rows.every((r) => r.last_name === "Иванов" && r.status === "sent")).toBe(true);
    const filtered = parseCsv(await (await marketer.get(`/campaigns/${id}/recipients.csv?status=failed`)).text(), { columns: true, bom: true });
    expect(filtered).toEqual([]);
  });

  it("managers get 403 on every campaign and outbox page, and the navigation does not offer them", async () => {
    const id = await create({ name: "Hidden from managers" });
    for (const path of ["/campaigns", "/campaigns/new", `/campaigns/${id}`, `/campaigns/${id}/edit`, `/campaigns/${id}/progress`, `/campaigns/${id}/recipients.csv`, "/outbox"]) {
      expect((await manager.get(path)).status, path).toBe(403);
    }
    const before = await tableContents(app.db);
    expect((await manager.post("/campaigns/new", new URLSearchParams({ csrf: await manager.tokenFrom("/account"), ...Object.fromEntries(Object.entries(campaignForm(vip)).map(([k, v]) => [k, String(v)])) }))).status).toBe(403);
    expect(await tableContents(app.db)).toBe(before);
    const home = await (await manager.get("/")).text();
    expect(home).not.toContain('href="/campaigns"');
    expect(home).not.toContain('href="/outbox"');
    const marketerHome = await (await marketer.get("/")).text();
    expect(marketerHome).toContain('href="/campaigns"');
    expect(marketerHome).toContain('href="/outbox"');
  });
});
