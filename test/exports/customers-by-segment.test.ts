// The customer list filtered by segments (in every one / in none), combined with its search and
// other filters, compared with a plain reading of the same rows: through every query plan the list
// may choose (a segment drives, or is a test while another set is walked), a page at a time by
// cursor with no customer twice; a manager still sees only their own customers; the same through
// the page and through GET /api/v1/customers with its cursor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { listCustomers } from "../../models/customers/list.server";
import { countCustomers } from "../../models/customers/count.server";
import { CustomerListQuery, CUSTOMER_SORTS } from "../../models/customers/list-query";
import { addCustomers, addTag } from "../customers/factory";
import { Visitor } from "../access/console";

const password = "a-password-for-the-segment-filter-tests";
let app: TestApp;
let managerId = 0;
const people: Array<{ id: number; externalId: string; lastName: string; country: string; managerId: number | null; tagged: boolean }> = [];
const segments: Record<"a" | "b" | "c", { id: number; code: string; members: Set<number> }> = {} as never;
let tagId = 0;

beforeAll(async () => {
  app = await startTestApp();
  const { db } = app;
  managerId = (await createUser(db, { email: "manager@segfilter.test", name: "Manager", password, role: "manager" })).id;
  await createUser(db, { email: "admin@segfilter.test", name: "Admin", password, role: "admin" });
  const specs = Array.from({ length: 90 }, (_, i) => ({
    externalId: `c-${String(i).padStart(3, "0")}`,
    firstName: i % 2 ? "Петър" : "Anna",
    lastName: `${["Иванов", "Smith", "Παπάς"][i % 3]} ${i}`,
    country: i % 4 === 0 ? "GR" : "BG",
    managerId: i % 5 === 0 ? managerId : null,
  }));
  const ids = await addCustomers(db, specs);
  specs.forEach((s, i) => people.push({ id: ids[i], externalId: s.externalId, lastName: s.lastName, country: s.country, managerId: s.managerId, tagged: i % 7 === 0 }));
  tagId = await addTag(db, "loyal", people.filter((p) => p.tagged).map((p) => p.id));
  const make = async (key: "a" | "b" | "c", pick: (i: number) => boolean) => {
    const saved = await saveSegment(db, { name: `Segment ${key}`, code: `seg-${key}`, type: "manual", criteria: [] }, { userId: null });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const members = people.filter((_, i) => pick(i)).map((p) => p.id);
    await addMembers(db, saved.segment.id, members, new Date("2026-01-01T00:00:00Z"), {});
    segments[key] = { id: saved.segment.id, code: saved.segment.code, members: new Set(members) };
  };
  await make("a", (i) => i % 2 === 0);
  await make("b", (i) => i % 3 === 0);
  await make("c", (i) => i < 10);
});

afterAll(async () => {
  await app?.close();
});

type Person = (typeof people)[number];

/** Every page of the list for these parameters, following its cursor; the external ids in page order. */
async function walkList(params: string, viewer: { id: number; role: "admin" | "manager" }, driveLimit?: number, pageSize = 7): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = CustomerListQuery.parse({ ...Object.fromEntries(new URLSearchParams(params)), ...(after ? { after } : {}) });
    const result = await listCustomers(app.db, { viewer, query, storeCountry: "BG", pageSize, driveLimit });
    seen.push(...result.rows.map((r) => r.externalId));
    if (!result.nextCursor) return seen;
    after = result.nextCursor;
  }
  throw new Error("the list did not end");
}

const expected = (keep: (p: Person) => boolean) => people.filter(keep).sort((x, y) => y.id - x.id).map((p) => p.externalId);

describe(`the customer list by segment on ${testDialect}`, () => {
  const admin = () => ({ id: 1, role: "admin" as const });
  const cases = (): Array<{ params: string; keep: (p: Person) => boolean }> => [
    { params: `segment=${segments.a.id}`, keep: (p) => segments.a.members.has(p.id) },
    { params: `segment=${segments.a.id},${segments.b.id}`, keep: (p) => segments.a.members.has(p.id) && segments.b.members.has(p.id) },
    { params: `notSegment=${segments.a.id}`, keep: (p) => !segments.a.members.has(p.id) },
    { params: `segment=${segments.b.id}&notSegment=${segments.a.id},${segments.c.id}`, keep: (p) => segments.b.members.has(p.id) && !segments.a.members.has(p.id) && !segments.c.members.has(p.id) },
    { params: `segment=${segments.a.id}&country=GR`, keep: (p) => segments.a.members.has(p.id) && p.country === "GR" },
    { params: `segment=${segments.b.id}&tag=${tagId}`, keep: (p) => segments.b.members.has(p.id) && p.tagged },
    { params: `segment=${segments.c.id}&q=Anna`, keep: (p) => segments.c.members.has(p.id) && p.externalId !== "" && people.indexOf(p) % 2 === 0 },
    { params: `notSegment=${segments.b.id}&q=${encodeURIComponent("Иванов")}`, keep: (p) => !segments.b.members.has(p.id) && p.lastName.startsWith("Иванов") },
  ];

  it("in every / in none of the segments, with search and filters, through each plan: every page holds exactly the matching customers, none twice", async () => {
    for (const c of cases()) {
      // the default plan (a small segment drives), a segment too large to drive (walked or tested), and pages of one
      for (const driveLimit of [undefined, 3]) {
        const got = await walkList(c.params, admin(), driveLimit);
        expect(got, `${c.params} (driveLimit ${driveLimit})`).toEqual(expected(c.keep));
      }
      const count = await countCustomers(app.db, { viewer: admin(), query: CustomerListQuery.parse(Object.fromEntries(new URLSearchParams(c.params))), storeCountry: "BG" });
      expect(count, c.params).toEqual({ count: expected(c.keep).length, isCapped: false });
    }
  });

  it("in every order the list sorts by, the pages hold the segment's members once each", async () => {
    for (const sort of CUSTOMER_SORTS) {
      for (const driveLimit of [undefined, 3]) {
        const got = await walkList(`segment=${segments.a.id}&sort=${sort}`, admin(), driveLimit, 4);
        expect(new Set(got).size, sort).toBe(got.length);
        expect([...got].sort(), sort).toEqual(expected((p) => segments.a.members.has(p.id)).sort());
      }
    }
  });

  it("a manager filtering by a segment still sees only their own customers", async () => {
    const got = await walkList(`segment=${segments.a.id}`, { id: managerId, role: "manager" });
    expect(got).toEqual(expected((p) => segments.a.members.has(p.id) && p.managerId === managerId));
    const none = await walkList(`notSegment=${segments.a.id}`, { id: managerId, role: "manager" }, 3);
    expect(none).toEqual(expected((p) => !segments.a.members.has(p.id) && p.managerId === managerId));
  });

  it("the page takes segment filters (several by repeated parameters), shows them as chips, and says when one names no segment", async () => {
    const visitor = await Visitor.signIn(app.url, "admin@segfilter.test", password);
    const data = async (search: string) =>
      (await request(app.url).get(`/customers?${search}&_data=routes%2Fcustomers._index`).set("Cookie", visitor.cookieHeader).expect(200)).body as {
        query: { segment?: number[]; notSegment?: number[] };
        count: { count: number };
        problems: Array<{ field: string; reason: string }>;
        page: { rows: Array<{ externalId: string }> };
      };
    const both = await data(`segment=${segments.a.id}&segment=${segments.b.id}`);
    expect(both.query.segment).toEqual([segments.a.id, segments.b.id]);
    expect(both.count.count).toBe(expected((p) => segments.a.members.has(p.id) && segments.b.members.has(p.id)).length);
    const unknown = await data(`segment=${segments.a.id},999999`);
    expect(unknown.problems).toEqual([{ field: "segment", reason: "999999: no such segment" }]);
    expect(unknown.count.count).toBe(segments.a.members.size);
    const html = (await request(app.url).get(`/customers?segment=${segments.c.id}&notSegment=${segments.a.id}`).set("Cookie", visitor.cookieHeader).expect(200)).text;
    expect(html).toContain("In Segment c");
    expect(html).toContain("Not in Segment a");
    // the segments list links each member count to this filter
    const list = (await request(app.url).get("/segments").set("Cookie", visitor.cookieHeader).expect(200)).text;
    expect(list).toContain(`href="/customers?segment=${segments.a.id}"`);
    const page = (await request(app.url).get(`/segments/${segments.b.id}`).set("Cookie", visitor.cookieHeader).expect(200)).text;
    expect(page).toContain(`href="/customers?segment=${segments.b.id}"`);
  });

  it("GET /api/v1/customers takes segment and notSegment codes with its cursor paging: every page, none twice", async () => {
    const key = (await app.apiKey(["customers:read"])).secret;
    const walk = async (params: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(app.url).get(`/api/v1/customers?limit=4&${params}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`).set("Authorization", `Bearer ${key}`).expect(200);
        seen.push(...res.body.customers.map((c: { externalId: string }) => c.externalId));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const ascending = (keep: (p: Person) => boolean) => people.filter(keep).sort((x, y) => x.id - y.id).map((p) => p.externalId);
    expect(await walk("segment=seg-a")).toEqual(ascending((p) => segments.a.members.has(p.id)));
    expect(await walk("segment=seg-a,seg-b&notSegment=seg-c")).toEqual(ascending((p) => segments.a.members.has(p.id) && segments.b.members.has(p.id) && !segments.c.members.has(p.id)));
    expect(await walk("notSegment=seg-a")).toEqual(ascending((p) => !segments.a.members.has(p.id)));
    expect(await walk("segment=seg-c&updatedSince=2000-01-01T00:00:00Z")).toEqual(ascending((p) => segments.c.members.has(p.id)));
    const bad = await request(app.url).get("/api/v1/customers?segment=nope").set("Authorization", `Bearer ${key}`).expect(422);
    expect(bad.body.error.fields).toEqual([{ field: "segment", reason: "names no segment: nope" }]);
    const malformed = await request(app.url).get("/api/v1/customers?notSegment=Bad%20Code").set("Authorization", `Bearer ${key}`).expect(422);
    expect(malformed.body.error.fields[0].field).toBe("notSegment");
  });
});
