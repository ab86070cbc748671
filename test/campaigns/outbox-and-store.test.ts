// The Outbox pages (every kept message: search, filters, paging, the message with its HTML in an
// empty sandbox) and the store's marketing rules on the admin's store page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addDeliveries, addSegment, campaignBody } from "./support";
import { createCampaign } from "../../campaigns/campaigns.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;

describe(`the outbox on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Visitor;
  let manager: Visitor;
  let campaignId = 0;
  let emailId = 0;
  const at = new Date("2026-03-01T10:00:00Z");

  const write = async (fields: { channel: string; purpose: string; recipient: string; subject?: string | null; textBody?: string | null; htmlBody?: string | null; deliveryId?: number | null; customerId?: number | null }) =>
    Number(
      (
        await app.db.models.OutboxMessage.create({
          subject: null,
          textBody: null,
          htmlBody: null,
          userId: null,
          customerId: null,
          status: "stored",
          createdAt: at,
          updatedAt: at,
          ...fields,
        })
      ).id,
    );

  beforeAll(async () => {
    app = await startTestApp();
    [marketer, manager] = await Promise.all([signIn(app, "marketer"), signIn(app, "manager")]);
    const segment = await addSegment(app.db, "VIP", "vip");
    const created = await createCampaign(app.db, campaignBody(segment, { name: "Пролет" }), { userId: null }, at);
    if (!created.ok) throw new Error(JSON.stringify(created));
    campaignId = created.campaign.id;
    const [customer] = await addCustomers(app.db, [{ externalId: "out-1", firstName: "Мария" }]);
    await addDeliveries(app.db, campaignId, [{ customerId: customer, status: "sent", address: "maria@shop.test" }]);
    const delivery = (await app.db.models.CampaignDelivery.findOne({ where: { campaignId }, raw: true }))!;
    emailId = await write({
      channel: "email",
      purpose: "campaign",
      recipient: "maria@shop.test",
      customerId: customer,
      deliveryId: Number(delivery.id),
      subject: "Пролетна РАЗПРОДАЖБА за вас",
      textBody: "Здравей, Мария!\n20% off",
      htmlBody: '<h1>Spring</h1><script>parent.document.title="owned"</script><form action="https://evil.test"><button>x</button></form>',
    });
    await write({ channel: "sms", purpose: "campaign", recipient: "+359888111222", textBody: "\n  Spring sale: 20% off\nsecond line" });
    await write({ channel: "email", purpose: "notification", recipient: "owner@shop.test", subject: "Segment VIP is ready", textBody: "Done" });
    for (let i = 0; i < 55; i++) await write({ channel: "viber", purpose: "campaign", recipient: `viber-user-${i}`, textBody: `Viber 100%_off ${i}` });
  });
  afterAll(() => app?.close());

  type Page = { messages: Array<{ id: number; channel: string; recipient: string; subject: string | null; firstLine: string | null; purpose: string }>; olderCursor: number | null };
  const list = async (query = "") => {
    const res = await marketer.get(`/outbox?index${query}&_data=routes%2Foutbox._index`);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  it("lists every message newest first, a page at a time, with the subject or the first line of the text", async () => {
    const first = await list();
    expect(first.messages).toHaveLength(50);
    expect(first.messages[0].recipient).toBe("viber-user-54");
    const second = await list(`&before=${first.olderCursor}`);
    expect(second.messages.map((m) => m.recipient)).toEqual(["viber-user-4", "viber-user-3", "viber-user-2", "viber-user-1", "viber-user-0", "owner@shop.test", "+359888111222", "maria@shop.test"]);
    expect(second.olderCursor).toBeNull();
    const sms = second.messages.find((m) => m.channel === "sms")!;
    expect(sms).toMatchObject({ subject: null, firstLine: "Spring sale: 20% off" });
  });

  it("searches recipients, subjects and text, and filters by channel and purpose", async () => {
    const recipients = async (query: string) => (await list(query)).messages.map((m) => m.recipient);
    expect(await recipients("&q=MARIA%40shop")).toEqual(["maria@shop.test"]);
    expect(await recipients("&q=%2B359888")).toEqual(["+359888111222"]);
    expect(await recipients(`&q=${encodeURIComponent("Пролетна")}`)).toEqual(["maria@shop.test"]);
    expect(await recipients(`&q=${encodeURIComponent("Здравей, Мария")}`)).toEqual(["maria@shop.test"]);
    // MariaDB folds Cyrillic case; SQLite's LOWER folds only ASCII, so there a word matches as typed
    if (testDialect === "mysql") expect(await recipients(`&q=${encodeURIComponent("разпродажба")}`)).toEqual(["maria@shop.test"]);
    expect(await recipients("&q=ready")).toEqual(["owner@shop.test"]);
    // LIKE's own characters are taken literally
    expect((await recipients("&q=100%25_off%2012")).sort()).toEqual(["viber-user-12"]);
    expect(await recipients("&q=%25")).toHaveLength(50);
    expect(await recipients("&q=_")).toHaveLength(50);
    expect(await recipients("&q=nothing-like-this")).toEqual([]);
    expect(await recipients("&channel=email")).toEqual(["owner@shop.test", "maria@shop.test"]);
    expect(await recipients("&channel=email&purpose=campaign")).toEqual(["maria@shop.test"]);
    expect(await recipients("&purpose=notification")).toEqual(["owner@shop.test"]);
    // values it does not know are ignored, not errors
    expect(await recipients("&channel=fax&purpose=spam")).toHaveLength(50);
  });

  it("shows a message with its HTML in an empty sandbox, its text, and the campaign it belongs to", async () => {
    const res = await marketer.get(`/outbox/${emailId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const frame = /<iframe[^>]*data-testid="outbox-html"[^>]*>/.exec(html)![0];
    expect(frame).toMatch(/sandbox=""/);
    // the message is an attribute's text, never markup of the page
    expect(frame).toMatch(/srcdoc="&lt;h1&gt;Spring&lt;\/h1&gt;&lt;script&gt;/i);
    expect(html).not.toContain("<script>parent.document.title");
    const data = (await (await marketer.get(`/outbox/${emailId}?_data=${encodeURIComponent("routes/outbox.$id")}`)).json()) as { campaign: { id: number; name: string }; message: { textBody: string } };
    expect(data.campaign).toEqual({ id: campaignId, name: "Пролет" });
    expect(data.message.textBody).toBe("Здравей, Мария!\n20% off");
    expect((await marketer.get("/outbox/999999")).status).toBe(404);
    expect((await marketer.get("/outbox/abc")).status).toBe(404);
  });

  it("is for marketers and admins: a manager gets 403", async () => {
    expect((await manager.get("/outbox")).status).toBe(403);
    expect((await manager.get(`/outbox/${emailId}`)).status).toBe(403);
  });
});

describe(`the store's marketing rules on ${testDialect}`, () => {
  let app: TestApp;
  let admin: Visitor;
  let marketer: Visitor;

  beforeAll(async () => {
    app = await startTestApp();
    [admin, marketer] = await Promise.all([signIn(app, "admin"), signIn(app, "marketer")]);
  });
  afterAll(() => app?.close());

  const save = (visitor: Visitor, fields: Record<string, string>) => visitor.submit("/admin/store?_data=routes%2Fadmin.store", { intent: "marketing", ...fields }, "/admin/store");
  const stored = async () => {
    const row = await app.db.models.StoreSettings.findByPk(1, { raw: true });
    return { quietHoursStart: row?.quietHoursStart ?? null, quietHoursEnd: row?.quietHoursEnd ?? null, frequencyCapCount: row?.frequencyCapCount ?? null, frequencyCapDays: row?.frequencyCapDays ?? null, smsPartPriceMillis: row?.smsPartPriceMillis ?? null };
  };

  it("an admin sets default quiet hours, a frequency cap and the SMS part price; the audit log lists what changed", async () => {
    const res = await save(admin, { quietHoursStart: "21:00", quietHoursEnd: "09:00", frequencyCapCount: "3", frequencyCapDays: "7", smsPartPrice: "0,0735" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { changed: string[] }).changed.sort()).toEqual(["frequencyCapCount", "frequencyCapDays", "quietHoursEnd", "quietHoursStart", "smsPartPriceMillis"]);
    expect(await stored()).toEqual({ quietHoursStart: "21:00", quietHoursEnd: "09:00", frequencyCapCount: 3, frequencyCapDays: 7, smsPartPriceMillis: 74 });
    const entry = await app.db.models.AuditEntry.findOne({ where: { action: "store.marketing" }, raw: true });
    expect(JSON.parse(entry!.detail!)).toMatchObject({ frequencyCapCount: { from: null, to: 3 }, smsPartPriceMillis: { from: null, to: 74 } });
    // the store's own settings are untouched
    expect((await app.db.models.StoreSettings.findByPk(1))!.name).not.toBe("");
    const page = (await (await admin.get("/admin/store?_data=routes%2Fadmin.store")).json()) as { marketing: unknown };
    expect(page.marketing).toEqual(await stored());
    // and empty fields take them away again
    expect((await save(admin, {})).status).toBe(200);
    expect(await stored()).toEqual({ quietHoursStart: null, quietHoursEnd: null, frequencyCapCount: null, frequencyCapDays: null, smsPartPriceMillis: null });
  });

  it("refuses half a rule or a wrong value, naming the field, and changes nothing; a marketer may not", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ quietHoursStart: "21:00" }, "quietHoursEnd"],
      [{ quietHoursStart: "21:00", quietHoursEnd: "21:00" }, "quietHoursEnd"],
      [{ quietHoursStart: "9pm", quietHoursEnd: "09:00" }, "quietHoursStart"],
      [{ frequencyCapCount: "3" }, "frequencyCapDays"],
      [{ frequencyCapCount: "0", frequencyCapDays: "7" }, "frequencyCapCount"],
      [{ frequencyCapCount: "2", frequencyCapDays: "1000" }, "frequencyCapDays"],
      [{ smsPartPrice: "-1" }, "smsPartPrice"],
      [{ smsPartPrice: "0.00001" }, "smsPartPrice"],
      [{ smsPartPrice: "cheap" }, "smsPartPrice"],
    ];
    for (const [fields, field] of cases) {
      const before = await tableContents(app.db);
      const res = await save(admin, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const body = (await res.json()) as { result: { error: Record<string, string[]> } };
      expect(Object.keys(body.result.error), JSON.stringify(fields)).toContain(field);
      expect(await tableContents(app.db)).toBe(before);
    }
    const before = await tableContents(app.db);
    const res = await marketer.post("/admin/store", new URLSearchParams({ csrf: await marketer.tokenFrom("/account"), intent: "marketing", frequencyCapCount: "1", frequencyCapDays: "1" }));
    expect(res.status).toBe(403);
    expect(await tableContents(app.db)).toBe(before);
  });
});
