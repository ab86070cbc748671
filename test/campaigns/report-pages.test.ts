// The campaign report on the campaign page and a campaign's trace on its recipients' customer
// pages, through the real app: the chart's buckets and its table, the history newest first and
// paged, links only for those who may open campaigns, and managers kept to their own customers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { addCustomers, addUser } from "../customers/factory";
import { saveStoreSettings } from "../../models/store.server";
import { createCampaign } from "./support";

type Visitor = Awaited<ReturnType<typeof signIn>>;

interface CampaignEntry {
  campaignId: number;
  campaignName: string | null;
  channel: string | null;
  status: string;
  skipReason: string | null;
  at: string;
}
interface CustomerData {
  campaigns: { total: number; olderCursor: string | null; canOpen: boolean; entries: CampaignEntry[] };
}

const T0 = new Date("2026-05-04T09:00:00.000Z");
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);

describe(`the campaign report and the customer's campaigns on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Visitor;
  let manager: Visitor;
  let mine = 0;
  let theirs = 0;
  let report = 0;
  let draft = 0;
  const names: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    await saveStoreSettings(app.db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    [marketer, manager] = await Promise.all([signIn(app, "marketer"), signIn(app, "manager")]);
    const managerId = (await app.db.models.User.findOne({ where: { role: "manager" }, raw: true }))!.id;
    const other = await addUser(app.db, "manager", "other-manager@shop.test");
    [mine, theirs] = await addCustomers(app.db, [
      { externalId: "MINE-1", firstName: "Mira", managerId },
      { externalId: "THEIRS-1", firstName: "Teo", managerId: other },
    ]);
    // the report's campaign: Mira's message sent at 09:00:30, delivered at 09:02:10; Teo's failed at 09:01:05
    report = await createCampaign(app.db, T0, { name: "Report ВИП", status: "finished", channels: "sms", startedAt: T0, finishedAt: minutes(3) } as never);
    const row = (customerId: number, fields: Record<string, unknown>) => ({
      campaignId: report,
      customerId,
      channel: "sms",
      address: "+359888000000",
      dueAt: T0,
      createdAt: T0,
      updatedAt: T0,
      ...fields,
    });
    await app.db.models.CampaignDelivery.bulkCreate([
      row(mine, { status: "delivered", sentAt: new Date("2026-05-04T09:00:30Z"), deliveredAt: new Date("2026-05-04T09:02:10Z") }),
      row(theirs, { status: "failed", sentAt: new Date("2026-05-04T09:00:40Z"), failedAt: new Date("2026-05-04T09:01:05Z"), error: "Unreachable" }),
    ] as never);
    names.push("Report ВИП");
    // eleven more, one a day after it, the last of them skipped for want of consent
    for (let i = 1; i <= 11; i++) {
      const at = minutes(i * 24 * 60);
      const id = await createCampaign(app.db, at, { name: `Weekly ${i}`, status: "finished", startedAt: at } as never);
      names.push(`Weekly ${i}`);
      const skipped = i === 11;
      await app.db.models.CampaignDelivery.create({
        campaignId: id,
        customerId: mine,
        channel: skipped ? null : "email",
        address: skipped ? null : "mira@shop.test",
        status: skipped ? "skipped" : "sent",
        skipReason: skipped ? "no_consent" : null,
        dueAt: at,
        sentAt: skipped ? null : at,
        createdAt: at,
        updatedAt: at,
      } as never);
    }
    draft = await createCampaign(app.db, T0, { name: "Not yet" });
  });
  afterAll(() => app?.close());

  const data = async <T,>(visitor: Visitor, path: string, route: string): Promise<T> => {
    const res = await visitor.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it("the campaign page charts sends, deliveries and failures per minute on the store's clock, with a table of the same numbers", async () => {
    const page = await data<{ timeline: { timeZone: string; bucket: { unit: string; count: number }; buckets: Array<{ start: string; sent: number; delivered: number; failed: number }> } }>(
      marketer,
      `/campaigns/${report}`,
      "routes/campaigns.$id",
    );
    expect(page.timeline.timeZone).toBe("Europe/Sofia");
    expect(page.timeline.bucket).toMatchObject({ unit: "minute", count: 1 });
    expect(page.timeline.buckets).toEqual([
      { start: "2026-05-04T09:00:00.000Z", sent: 2, delivered: 0, failed: 0 },
      { start: "2026-05-04T09:01:00.000Z", sent: 0, delivered: 0, failed: 1 },
      { start: "2026-05-04T09:02:00.000Z", sent: 0, delivered: 1, failed: 0 },
    ]);
    const html = await (await marketer.get(`/campaigns/${report}`)).text();
    expect(html).toContain('data-testid="report-chart"');
    expect(html).toContain("Messages sent, delivered and failed, per minute, Europe/Sofia time");
    // the table's rows read the bucket on the store's clock: 09:00 UTC is 12:00 in Sofia in May
    expect(html).toMatch(/<th scope="row">12:00\sPM<\/th><td>2<\/td><td>0<\/td><td>0<\/td>/);
    expect(html.match(/<rect [^>]*class="fill-(indigo-400|emerald-500|rose-500)"/g)).toHaveLength(3);
  });

  it("a campaign that has not started has no chart", async () => {
    const page = await data<{ timeline: unknown }>(marketer, `/campaigns/${draft}`, "routes/campaigns.$id");
    expect(page.timeline).toBeNull();
    expect(await (await marketer.get(`/campaigns/${draft}`)).text()).not.toContain('data-testid="report-chart"');
  });

  it("a customer's page lists the campaigns that reached or skipped them, newest first, ten at a time, linked for a marketer", async () => {
    const first = await data<CustomerData>(marketer, `/customers/${mine}`, "routes/customers.$id");
    expect(first.campaigns.total).toBe(12);
    expect(first.campaigns.canOpen).toBe(true);
    expect(first.campaigns.entries.map((e) => e.campaignName)).toEqual(names.slice(2).reverse());
    expect(first.campaigns.entries[0]).toMatchObject({ campaignName: "Weekly 11", channel: null, status: "skipped", skipReason: "no_consent" });
    expect(first.campaigns.entries[1]).toMatchObject({ campaignName: "Weekly 10", channel: "email", status: "sent", skipReason: null, at: minutes(10 * 24 * 60).toISOString() });
    const older = await data<CustomerData>(marketer, `/customers/${mine}?campaigns=${first.campaigns.olderCursor}`, "routes/customers.$id");
    expect(older.campaigns.entries.map((e) => e.campaignName)).toEqual(["Weekly 1", "Report ВИП"]);
    expect(older.campaigns.entries[1]).toMatchObject({ campaignId: report, status: "delivered", at: "2026-05-04T09:02:10.000Z" });
    expect(older.campaigns.olderCursor).toBeNull();

    const html = await (await marketer.get(`/customers/${mine}?campaigns=${first.campaigns.olderCursor}`)).text();
    expect(html).toContain(`href="/campaigns/${report}"`);
    expect(html).toContain("Report ВИП");
    // a cursor that is not one is the first page
    const bogus = await data<CustomerData>(marketer, `/customers/${mine}?campaigns=x'1`, "routes/customers.$id");
    expect(bogus.campaigns.entries[0].campaignName).toBe("Weekly 11");
  });

  it("a manager sees the campaigns of their own customer, without links to campaign pages they cannot open", async () => {
    const own = await data<CustomerData>(manager, `/customers/${mine}`, "routes/customers.$id");
    expect(own.campaigns.canOpen).toBe(false);
    expect(own.campaigns.entries).toHaveLength(10);
    const html = await (await manager.get(`/customers/${mine}`)).text();
    expect(html).toContain("Weekly 11");
    expect(html).not.toMatch(/href="\/campaigns\//);
    expect((await manager.get(`/campaigns/${report}`)).status).toBe(403);
  });

  it("a manager gets no campaign history of another manager's customer: the page is refused", async () => {
    for (const path of [`/customers/${theirs}`, `/customers/${theirs}?_data=${encodeURIComponent("routes/customers.$id")}`]) {
      const res = await manager.get(path);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(body).not.toContain("Report ВИП");
      expect(body).not.toContain("Unreachable");
    }
    // the marketer sees Teo's failed message
    const theirsPage = await data<CustomerData>(marketer, `/customers/${theirs}`, "routes/customers.$id");
    expect(theirsPage.campaigns.entries).toEqual([expect.objectContaining({ campaignName: "Report ВИП", status: "failed", at: "2026-05-04T09:01:05.000Z" })]);
  });
});
