// The customer pages through the real Express app and Remix build (run `npx remix build` first;
// `npm test` does): sign in through the login form, then read the pages and their loader data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { startTestApp, type TestApp } from "../support/app";
import { createUser } from "../../models/users.server";
import { addCustomers, addGroup, addOrder, addTag } from "./factory";
import { saveSegment } from "../../segments/store.server";
import { recomputeSegment } from "../../segments/recompute.server";

let app: TestApp;
const password = "a-password-for-the-http-tests";
const cookies: Record<string, string> = {};
const ids: Record<string, number> = {};

/** Signs in through the login form (with its CSRF token) and returns the session cookie. */
async function signIn(email: string): Promise<string> {
  const form = await request(app.url).get("/login").expect(200);
  const csrfCookie = (form.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]).join("; ");
  const token = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? /value="([^"]+)" name="csrf"/.exec(form.text)?.[1];
  expect(token).toBeTruthy();
  const res = await request(app.url)
    .post("/login")
    .set("Cookie", csrfCookie)
    .type("form")
    .send({ email, password, csrf: token!, redirectTo: "/" })
    .expect(302);
  const session = (res.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]).find((c) => c.startsWith("__session="));
  expect(session).toBeTruthy();
  return `${session}; ${csrfCookie}`;
}

/** The list's loader data, as the browser fetches it on client-side navigation. */
async function listData(role: string, search: string) {
  const res = await request(app.url).get(`/customers?${search}${search ? "&" : ""}_data=routes%2Fcustomers._index`).set("Cookie", cookies[role]).expect(200);
  return res.body as { page: { rows: Array<{ externalId: string; phone: string | null }>; nextCursor: string | null }; count: { count: number; isCapped: boolean } };
}

beforeAll(async () => {
  app = await startTestApp();
  const { db } = app;
  const admin = await createUser(db, { email: "admin@http.test", name: "Admin", password, role: "admin" });
  const mine = await createUser(db, { email: "mine@http.test", name: "Mine", password, role: "manager" });
  await createUser(db, { email: "other@http.test", name: "Other", password, role: "manager" });
  await createUser(db, { email: "marketer@http.test", name: "Marketer", password, role: "marketer" });
  void admin;
  const specs = [
    { externalId: "ivan", firstName: "Иван", lastName: "Петров", phone: "+359888123456", country: "BG", managerId: mine.id },
    { externalId: "eleni", firstName: "Ελένη", lastName: "Παπαδοπούλου", country: "GR" },
    ...Array.from({ length: 60 }, (_, i) => ({ externalId: `bulk-${i}`, firstName: "Bulk", lastName: `Customer ${i}`, country: "DE" })),
  ];
  const created = await addCustomers(db, specs);
  specs.forEach((s, i) => (ids[s.externalId] = created[i]));
  await addOrder(db, ids.ivan, { externalId: "o-1", total: 12345, placedAt: new Date("2024-05-01T10:00:00Z") });
  for (const role of ["admin", "mine", "other", "marketer"]) cookies[role] = await signIn(`${role}@http.test`);
});

afterAll(async () => {
  await app?.close();
});

describe("the customer list over HTTP", () => {
  it("sends a visitor who is not signed in to the login page and back", async () => {
    const res = await request(app.url).get("/customers?q=ivan").expect(302);
    expect(res.headers.location).toBe(`/login?redirectTo=${encodeURIComponent("/customers?q=ivan")}`);
  });

  it("renders the page with the matching customers for a Cyrillic search", async () => {
    const res = await request(app.url).get(`/customers?q=${encodeURIComponent("ИВАН")}`).set("Cookie", cookies.admin).expect(200);
    expect(res.text).toContain("Иван Петров");
    expect(res.text).not.toContain("Ελένη");
    expect(res.text).toContain("1 customer matches");
    expect(res.text).toContain("+359 88 812 3456");
  });

  it("says how many customers match in the count's own plural form", async () => {
    const many = await request(app.url).get("/customers?country=DE").set("Cookie", cookies.admin).expect(200);
    expect(many.text).toMatch(/60 customers match(?!es)/);
  });

  it("offers the filters as a new segment whose editor opens with the same criteria", async () => {
    const vip = await addGroup(app.db, "VIP");
    const wholesale = await addTag(app.db, "wholesale", [ids.ivan]);
    const search = `country=BG&group=${vip}&tag=${wholesale}&channel=viber`;
    const list = await request(app.url).get(`/customers?${search}&_data=routes%2Fcustomers._index`).set("Cookie", cookies.marketer).expect(200);
    const href = list.body.segmentHref as string;
    expect(href).toMatch(/^\/segments\/new\?criteria=/);
    const page = await request(app.url).get(`/customers?${search}`).set("Cookie", cookies.marketer).expect(200);
    expect(page.text).toContain("Save these filters as a segment");
    const editor = await request(app.url).get(`${href}&_data=routes%2Fsegments.new`).set("Cookie", cookies.marketer).expect(200);
    expect(editor.body.criteria).toEqual([
      { field: "country", values: [{ value: "BG", mode: "include" }] },
      { field: "customerGroup", values: [{ value: "VIP", mode: "include" }] },
      { field: "tag", values: [{ value: "wholesale", mode: "include" }] },
      { field: "subscribedOn", channel: "viber" },
    ]);
  });

  it("offers no segment for a search, a manager's list or more filters than a segment has criteria", async () => {
    const data = async (role: string, search: string) =>
      (await request(app.url).get(`/customers?${search}&_data=routes%2Fcustomers._index`).set("Cookie", cookies[role]).expect(200)).body.segmentHref;
    expect(await data("admin", "country=DE&marketing=yes")).toMatch(/^\/segments\/new\?criteria=/);
    expect(await data("admin", "q=ivan&country=BG")).toBeNull();
    expect(await data("mine", "country=BG")).toBeNull();
    expect(await data("admin", "country=BG&group=1&tag=1&marketing=no&channel=viber")).toBeNull();
    const editor = await request(app.url).get(`/segments/new?criteria=${encodeURIComponent("[{\"field\":\"nonsense\"}]")}&_data=routes%2Fsegments.new`).set("Cookie", cookies.admin).expect(200);
    expect(editor.body.criteria).toBeNull();
  });

  it("the customer page shows the segments the customer is in now, each with why", async () => {
    const engine = app.services.segments;
    await engine.ready();
    const actor = { userId: null };
    const spenders = await saveSegment(app.db, { name: "Bulgarian spenders", code: "bg-spenders", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }, { field: "totalSpent", min: 10000 }] }, actor);
    const greeks = await saveSegment(app.db, { name: "Greeks", code: "greeks", type: "dynamic", criteria: [{ field: "country", values: [{ value: "GR" }] }] }, actor);
    if (!spenders.ok || !greeks.ok) throw new Error("segments not saved");
    await recomputeSegment(engine, spenders.segment.id, new Date(), "save");
    await recomputeSegment(engine, greeks.segment.id, new Date(), "save");
    const data = (await request(app.url).get(`/customers/${ids.ivan}?_data=routes%2Fcustomers.%24id`).set("Cookie", cookies.admin).expect(200)).body;
    expect(data.segments.memberships.map((m: { name: string }) => m.name)).toEqual(["Bulgarian spenders"]);
    expect(data.segments.memberships[0].explanation).toMatchObject({ matchesNow: true, reasons: [{ index: 0, matched: true }, { index: 1, matched: true, actual: 12345 }] });
    const page = await request(app.url).get(`/customers/${ids.ivan}`).set("Cookie", cookies.admin).expect(200);
    expect(page.text).toContain("Bulgarian spenders");
    // a segment the customer is not in is only offered by the "why isn't this customer in…?" picker
    expect(data.segments.notIn).toEqual([{ id: greeks.segment.id, name: "Greeks" }]);
    const memberships = page.text.slice(page.text.indexOf('data-testid="customer-segments"'), page.text.indexOf('data-testid="why-not"'));
    expect(memberships).toContain("Bulgarian spenders");
    expect(memberships).not.toContain("Greeks");
    expect(page.text).toMatch(/<option value="\d+">Greeks<\/option>/);
    expect(page.text).toMatch(/Total spent €123\.45 ≥ €100\.00|Total spent 123,45 € ≥ 100,00 €/);
  });

  it("pages with the cursor of the next-page link until the last page", async () => {
    const first = await listData("admin", "country=DE");
    expect(first.page.rows).toHaveLength(50);
    expect(first.count).toEqual({ count: 60, isCapped: false });
    const html = await request(app.url).get("/customers?country=DE").set("Cookie", cookies.admin).expect(200);
    const anchor = /<a [^>]*rel="next"[^>]*>/.exec(html.text)?.[0] ?? "";
    const next = /href="([^"]+)"/.exec(anchor)?.[1];
    expect(next).toBeTruthy();
    const secondUrl = new URL(next!.replace(/&amp;/g, "&"), app.url);
    const second = await listData("admin", secondUrl.searchParams.toString());
    expect(second.page.rows).toHaveLength(10);
    expect(second.page.nextCursor).toBeNull();
    const seen = [...first.page.rows, ...second.page.rows].map((r) => r.externalId);
    expect(new Set(seen).size).toBe(60);
  });

  it("offers the order-total sorts by name and lists the customers in that order, with their totals", async () => {
    const html = await request(app.url).get("/customers?sort=total-spent-desc").set("Cookie", cookies.marketer).expect(200);
    for (const label of [
      "Total spent, highest first",
      "Total spent, lowest first",
      "Number of orders, most first",
      "Number of orders, fewest first",
      "Last order, most recent first",
      "Last order, longest ago first",
    ]) {
      expect(html.text).toContain(`>${label}</option>`);
    }
    expect(html.text).toMatch(/<option value="total-spent-desc" selected="">/);
    expect(html.text).toContain("€123.45");
    expect(html.text).toContain("1 order<");
    expect(html.text).toContain("May 1, 2024");
    const bySpent = await listData("marketer", "sort=total-spent-desc");
    expect(bySpent.page.rows[0]).toMatchObject({ externalId: "ivan", totalSpent: 12345, ordersCount: 1, lastOrderAt: "2024-05-01T10:00:00.000Z" });
    expect((await listData("marketer", "sort=total-spent-asc")).page.rows.map((r) => r.externalId)).not.toContain("ivan");
    // no last order comes after every date, whichever way round
    expect((await listData("marketer", "sort=last-order-asc")).page.rows[0].externalId).toBe("ivan");
    expect((await listData("marketer", "sort=last-order-desc")).page.rows[0].externalId).toBe("ivan");
  });

  it("shows a manager only their own customers, whatever the address asks for", async () => {
    expect((await listData("mine", "")).page.rows.map((r) => r.externalId)).toEqual(["ivan"]);
    expect((await listData("mine", "manager=none")).page.rows.map((r) => r.externalId)).toEqual(["ivan"]);
    expect((await listData("other", "")).page.rows).toEqual([]);
    const empty = await request(app.url).get("/customers").set("Cookie", cookies.other).expect(200);
    expect(empty.text).toContain("No customers assigned to you");
  });

  it("ignores a filter it cannot read and says which", async () => {
    const res = await request(app.url).get("/customers?country=Bulgaria").set("Cookie", cookies.marketer).expect(200);
    expect(res.text).toContain("were left out");
    expect(res.text).toContain("Country: must be a 2-letter country code");
  });
});

describe("the customer page over HTTP", () => {
  it("opens for an admin and a marketer with the profile and orders", async () => {
    for (const role of ["admin", "marketer"]) {
      const res = await request(app.url).get(`/customers/${ids.ivan}`).set("Cookie", cookies[role]).expect(200);
      expect(res.text).toContain("Иван Петров");
      expect(res.text).toContain("#o-1");
      expect(res.text).toContain("€123.45");
    }
  });

  it("opens for the manager the customer is assigned to, and answers 403 to another manager", async () => {
    await request(app.url).get(`/customers/${ids.ivan}`).set("Cookie", cookies.mine).expect(200);
    const forbidden = await request(app.url).get(`/customers/${ids.ivan}`).set("Cookie", cookies.other).expect(403);
    expect(forbidden.text).toContain("This customer is not assigned to you");
    await request(app.url).get(`/customers/${ids.eleni}`).set("Cookie", cookies.mine).expect(403);
    await request(app.url).get(`/customers/${ids.eleni}?_data=routes%2Fcustomers.%24id`).set("Cookie", cookies.mine).expect(403);
  });

  it("answers 404 to an id that is not a customer", async () => {
    await request(app.url).get("/customers/99999999").set("Cookie", cookies.admin).expect(404);
    await request(app.url).get("/customers/not-a-number").set("Cookie", cookies.admin).expect(404);
  });
});
