// Segments compared over a period, through the API and the page, on a hand-built store whose every
// figure is worked out below: period boundaries in the store's time zone (Sofia, across a change to
// summer time too), cancelled orders left out, members as they are now.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { addCustomers, addOrder } from "../customers/factory";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { saveStoreSettings } from "../../models/store.server";
import { createUser } from "../../models/users.server";
import { Visitor } from "../access/console";

const actor = { userId: null };
const password = "a-password-for-the-compare-tests";

describe(`segments compared on ${testDialect}`, () => {
  let app: TestApp;
  let reader: string;
  const visitors: Record<string, Visitor> = {};

  const compare = (query: string, key: string | null = reader) => {
    const r = request(app.url).get(`/api/v1/segments/compare?${query}`);
    return key ? r.set("Authorization", `Bearer ${key}`) : r;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const { db } = app;
    await saveStoreSettings(db, { name: "Sofia shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    const [a, b, c, d, e] = await addCustomers(db, ["a", "b", "c", "d", "e"].map((x) => ({ externalId: `c-${x}`, firstName: x })));
    const order = (customerId: number, externalId: string, total: number, placedAt: string, status: "completed" | "cancelled" = "completed") =>
      addOrder(db, customerId, { externalId, total, placedAt: new Date(placedAt), status });
    // Sofia is UTC+2 in January: the store day 2026-01-10 starts at 2026-01-09T22:00Z
    await order(a, "a-1", 1000, "2026-01-09T22:00:00.000Z"); // 10 Jan 00:00 in Sofia: the first moment in
    await order(a, "a-2", 3000, "2026-01-15T10:00:00.000Z");
    await order(a, "a-0", 500, "2026-01-09T21:59:59.999Z"); // 9 Jan 23:59:59.999: out
    await order(b, "b-1", 2000, "2026-01-20T21:59:59.000Z"); // 20 Jan 23:59:59: in
    await order(b, "b-x", 7000, "2026-01-12T10:00:00.000Z", "cancelled"); // cancelled: out
    await order(b, "b-2", 4000, "2026-01-20T22:00:00.000Z"); // 21 Jan 00:00: out
    await order(d, "d-1", 1500, "2026-01-11T10:00:00.000Z");
    await order(d, "d-2", 2500, "2026-01-12T10:00:00.000Z");
    await order(d, "d-3", 100, "2026-01-13T10:00:00.000Z");
    await order(e, "e-1", 9999, "2026-01-15T10:00:00.000Z");
    // summer time begins in Sofia on 29 March 2026 at 03:00: that day runs 2026-03-28T22:00Z to 2026-03-29T21:00Z
    await order(c, "c-1", 700, "2026-03-28T22:00:00.000Z");
    await order(c, "c-2", 300, "2026-03-29T20:59:59.000Z");
    await order(c, "c-3", 5000, "2026-03-29T21:00:00.000Z"); // 30 March 00:00: out
    const manual = async (code: string, name: string, members: number[], isActive = true) => {
      const saved = await saveSegment(db, { name, code, type: "manual", isActive, criteria: [] }, actor);
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
      if (members.length) await addMembers(db, saved.segment.id, members, new Date(), actor);
    };
    await manual("alpha", "Alpha", [a, b, c]);
    await manual("beta", "Beta", [b, d]);
    await manual("gamma", "Gamma", []);
    await manual("delta", "Delta", [e], false);
    await manual("epsilon", "Epsilon", [a]);
    await manual("zeta", "Zeta", [a]);
    reader = (await app.apiKey(["segments:read"])).secret;
    for (const role of ["admin", "marketer", "manager"] as const) {
      await createUser(db, { email: `${role}@compare.test`, name: role, password, role });
      visitors[role] = await Visitor.signIn(app.url, `${role}@compare.test`, password);
    }
  });
  afterAll(() => app?.close());

  it("answers members, orders, revenue, average order value and repeat rate exactly, in the order asked, with the period's store days", async () => {
    const res = await compare("codes=alpha,beta,gamma,delta&from=2026-01-10&to=2026-01-20");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      from: "2026-01-10",
      to: "2026-01-20",
      timeZone: "Europe/Sofia",
      currency: "EUR",
      segments: [
        // a: 1000 + 3000 (two orders: a repeat buyer); b: 2000; c: none in January
        { code: "alpha", name: "Alpha", isActive: true, members: 3, buyers: 2, orders: 3, revenue: 6000, averageOrderValue: 2000, repeatBuyers: 1, repeatRate: 1 / 3 },
        // b: 2000; d: 1500 + 2500 + 100
        { code: "beta", name: "Beta", isActive: true, members: 2, buyers: 2, orders: 4, revenue: 6100, averageOrderValue: 1525, repeatBuyers: 1, repeatRate: 0.5 },
        { code: "gamma", name: "Gamma", isActive: true, members: 0, buyers: 0, orders: 0, revenue: 0, averageOrderValue: null, repeatBuyers: 0, repeatRate: null },
        { code: "delta", name: "Delta", isActive: false, members: 1, buyers: 1, orders: 1, revenue: 9999, averageOrderValue: 9999, repeatBuyers: 0, repeatRate: 0 },
      ],
    });
  });

  it("counts the day summer time begins by the store's clock", async () => {
    const res = await compare("codes=alpha,beta&from=2026-03-29&to=2026-03-29");
    expect(res.status, res.text).toBe(200);
    expect(res.body.segments[0]).toEqual({ code: "alpha", name: "Alpha", isActive: true, members: 3, buyers: 1, orders: 2, revenue: 1000, averageOrderValue: 500, repeatBuyers: 1, repeatRate: 1 / 3 });
    expect(res.body.segments[1]).toMatchObject({ orders: 0, revenue: 0, averageOrderValue: null, repeatRate: 0 });
    // one day wider on each side takes in nothing more of c's, and the order of 30 March 00:00 only with the 30th
    expect((await compare("codes=alpha,beta&from=2026-03-28&to=2026-03-30")).body.segments[0]).toMatchObject({ orders: 3, revenue: 6000 });
  });

  it("refuses bad input naming the field, and unknown codes by position", async () => {
    const fields = async (query: string) => {
      const res = await compare(query);
      expect(res.status, query).toBe(422);
      return res.body.error.fields;
    };
    expect(await fields("codes=alpha,nothing-such,beta&from=2026-01-01&to=2026-01-31")).toEqual([{ field: "codes[1]", reason: "nothing-such is not the code of a segment" }]);
    expect(await fields("codes=alpha,beta,gamma,delta,epsilon,zeta")).toEqual([{ field: "codes", reason: "name at most 5 segments to compare" }]);
    expect(await fields("codes=alpha")).toEqual([{ field: "codes", reason: "name at least 2 segments to compare" }]);
    expect(await fields("codes=alpha,alpha")).toEqual([{ field: "codes", reason: "names a segment twice" }]);
    expect(await fields("codes=alpha,beta&from=2026-02-01&to=2026-01-31")).toEqual([{ field: "from", reason: "must be on or before to" }]);
    expect(await fields("codes=alpha,beta&from=2026-02-30")).toEqual([{ field: "from", reason: "is not a real calendar date between 1900 and 2200" }]);
    expect(await fields("codes=alpha,beta&to=yesterday")).toEqual([{ field: "to", reason: "must be a date as YYYY-MM-DD" }]);
    expect((await fields("from=2026-01-01"))[0].field).toBe("codes");
    // a from after the default to (today) is refused too
    expect(await fields("codes=alpha,beta&from=2199-01-01")).toEqual([{ field: "from", reason: expect.stringMatching(/^must be on or before to \(\d{4}-\d\d-\d\d\)$/) }]);
    expect((await compare("codes=alpha,beta", null)).status).toBe(401);
    const other = (await app.apiKey(["customers:read"])).secret;
    expect((await compare("codes=alpha,beta", other)).status).toBe(403);
  });

  it("defaults to the 30 store days up to today", async () => {
    const res = await compare("codes=alpha,beta");
    expect(res.status).toBe(200);
    const days = (Date.parse(res.body.to) - Date.parse(res.body.from)) / 86_400_000;
    expect(days).toBe(29);
  });

  it("shows marketers and admins the page with the chart and the figures; managers are refused", async () => {
    const page = (who: string, query = "?code=alpha&code=beta&from=2026-01-10&to=2026-01-20") => request(app.url).get(`/segments/compare${query}`).set("Cookie", visitors[who].cookieHeader);
    for (const who of ["marketer", "admin"]) {
      const res = await page(who);
      expect(res.status, who).toBe(200);
      expect(res.text).toContain('data-testid="compare-chart"');
      expect(res.text).toContain('data-testid="compare-table"');
      expect(res.text).toContain("€60.00");
      expect(res.text).toContain("€15.25");
      expect(res.text).toContain("33.3%");
    }
    expect((await page("manager")).status).toBe(403);
    expect((await page("manager", "")).status).toBe(403);
    const bad = await page("marketer", "?code=alpha&from=2026-01-10&to=2026-01-20");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("name at least 2 segments to compare");
    const list = await request(app.url).get("/segments").set("Cookie", visitors.marketer.cookieHeader);
    expect(list.text).toContain('href="/segments/compare"');
  });
});
