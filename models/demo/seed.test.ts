import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { QueryTypes } from "sequelize";
import { isValidPhoneNumber, type CountryCode } from "libphonenumber-js";
import { createTestDatabase, testDialect } from "../../test/support/db";
import type { Database } from "../db";
import { bulkInsert, formatTimestamp, readTimestamp } from "../sql/bulk";
import { saveStoreSettings } from "../store.server";
import { createUser } from "../users.server";
import { describeIndexes } from "./deferred-indexes";
import { CUSTOMER_TABLES } from "./customer";
import { seedDemoStore } from "./seed";
import { timestampValue } from "./timestamp-value";

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
type Row = Record<string, unknown>;

const NOW = new Date("2025-11-20T10:00:00.000Z");
const CUSTOMERS = 2_000;
const quiet = () => {};

const select = (db: Database, sql: string) => db.sequelize.query<Row>(sql, { type: QueryTypes.SELECT });
const ms = (value: unknown) => readTimestamp(value)!.getTime();

/** A digest of everything the demo writes about customers, in id order, with timestamps as instants. */
async function storeDigest(db: Database): Promise<string> {
  const hash = crypto.createHash("sha256");
  const tables: Array<[string, string]> = [
    ...Object.keys(CUSTOMER_TABLES).map((t): [string, string] => [t, t === "customer_tags" ? "customer_id, tag_id" : t === "customer_field_values" ? "customer_id, custom_field_id" : t === "registration_answers" ? "customer_id, option_id" : "id"]),
    ["products", "id"],
    ["product_variants", "id"],
  ];
  for (const [table, order] of tables) {
    for (const row of await select(db, `SELECT * FROM ${table} ORDER BY ${order}`)) {
      const values = Object.keys(row)
        .sort()
        .map((k) => {
          const v = row[k];
          if (/_at$/.test(k)) return v === null ? null : ms(v);
          return v instanceof Date ? v.toISOString() : v;
        });
      hash.update(JSON.stringify([table, values]));
    }
  }
  return hash.digest("hex");
}

describe(`the demo store on ${testDialect}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Test Shop", timeZone: "Europe/Sofia", currency: "BGN", locale: "bg" });
    await createUser(db, { email: "manager@demo.store", name: "Manol Manager", password: "not-used-here", role: "manager" });
    await seedDemoStore(db, { customers: CUSTOMERS, seed: 7, now: NOW, log: quiet });
  }, 120_000);
  afterAll(() => db.drop());

  it("keeps the store's settings and writes the store's currency on orders and carts", async () => {
    const [settings] = await select(db, "SELECT name, currency FROM store_settings");
    expect(settings).toMatchObject({ name: "Test Shop", currency: "BGN" });
    const currencies = await select(db, "SELECT DISTINCT currency FROM orders UNION SELECT DISTINCT currency FROM abandoned_carts");
    expect(currencies.map((r) => r.currency)).toEqual(["BGN"]);
  });

  it("writes about 3 orders and 6 items per customer, many customers with none or one", async () => {
    const [counts] = await select(db, "SELECT (SELECT COUNT(*) FROM customers) AS c, (SELECT COUNT(*) FROM orders) AS o, (SELECT COUNT(*) FROM order_items) AS i");
    expect(Number(counts.c)).toBe(CUSTOMERS);
    expect(Number(counts.o) / CUSTOMERS).toBeGreaterThan(2.4);
    expect(Number(counts.o) / CUSTOMERS).toBeLessThan(3.6);
    expect(Number(counts.i) / CUSTOMERS).toBeGreaterThan(5);
    expect(Number(counts.i) / CUSTOMERS).toBeLessThan(7.5);
    const [few] = await select(db, "SELECT COUNT(*) AS n FROM customers c WHERE (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) <= 1");
    expect(Number(few.n) / CUSTOMERS).toBeGreaterThan(0.35);
    const [repeat] = await select(db, "SELECT COUNT(*) AS n FROM customers c WHERE (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) >= 5");
    expect(Number(repeat.n) / CUSTOMERS).toBeGreaterThan(0.1);
  });

  it("gives the top fifth of customers at least 60% of completed revenue", async () => {
    const rows = await select(db, "SELECT c.id, COALESCE(SUM(CASE WHEN o.status = 'completed' THEN o.total ELSE 0 END), 0) AS revenue FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id");
    const revenue = rows.map((r) => Number(r.revenue)).sort((a, b) => b - a);
    const total = revenue.reduce((a, b) => a + b, 0);
    const top = revenue.slice(0, Math.round(revenue.length / 5)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThanOrEqual(0.6);
  });

  it("writes every nationality's names in its own script, with female surname forms", async () => {
    const customers = await select(db, "SELECT first_name, last_name, country, locale FROM customers");
    const byCountry = (codes: string[]) => customers.filter((c) => codes.includes(String(c.country)));
    const cyrillic = /^[\p{Script=Cyrillic}' -]+$/u;
    const greek = /^[\p{Script=Greek} .-]+$/u;
    const latin = /^[\p{Script=Latin}' -]+$/u;
    for (const [codes, script] of [[["BG"], cyrillic], [["GR", "CY"], greek], [["RU"], cyrillic], [["UA"], cyrillic], [["GB", "US", "IE", "CA", "AU"], latin]] as const) {
      const group = byCountry([...codes]);
      expect(group.length / CUSTOMERS, codes.join()).toBeGreaterThan(0.08);
      for (const c of group) expect(`${c.first_name} ${c.last_name}`).toMatch(script);
    }
    expect(byCountry(["UA"]).some((c) => /[іїєґ]/i.test(`${c.first_name}${c.last_name}`))).toBe(true);
    const surnames = (codes: string[]) => new Set(byCountry(codes).map((c) => String(c.last_name)));
    expect([...surnames(["BG"])].some((s) => s.endsWith("ова") || s.endsWith("ева"))).toBe(true);
    expect([...surnames(["BG"])].some((s) => s.endsWith("ов") || s.endsWith("ев"))).toBe(true);
    expect(surnames(["RU"]).has("Толстая") || [...surnames(["RU"])].some((s) => s.endsWith("ская"))).toBe(true);
    expect([...surnames(["GR", "CY"])].some((s) => s.endsWith("ου"))).toBe(true);
    expect([...surnames(["GR", "CY"])].some((s) => s.endsWith("ος"))).toBe(true);
    expect(new Set(customers.map((c) => c.locale))).toEqual(new Set(["bg", "el", "ru", "uk", "en"]));
  });

  it("spells emails in Latin letters from the names, one customer per address", async () => {
    const rows = await select(db, "SELECT first_name, last_name, email, country FROM customers WHERE email IS NOT NULL");
    expect(rows.length / CUSTOMERS).toBeGreaterThan(0.9);
    for (const r of rows) expect(String(r.email)).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$/);
    expect(new Set(rows.map((r) => r.email)).size).toBe(rows.length);
    const ivanov = rows.find((r) => r.country === "BG" && String(r.email).includes("ivanov"));
    expect(ivanov, "a Bulgarian Ivanov/Ivanova spelled ivanov").toBeTruthy();
  });

  it("gives phones in E.164 that are valid mobile numbers of the customer's country", async () => {
    const rows = await select(db, "SELECT phone, country FROM customers WHERE phone IS NOT NULL");
    expect(rows.length / CUSTOMERS).toBeGreaterThan(0.75);
    for (const r of rows) {
      expect(String(r.phone)).toMatch(/^\+[1-9]\d{7,14}$/);
      expect(isValidPhoneNumber(String(r.phone), r.country as CountryCode), `${r.phone} in ${r.country}`).toBe(true);
    }
  });

  it("has birthdays on 29 February and around New Year, and some customers without one", async () => {
    const rows = await select(db, "SELECT birthday FROM customers");
    const days = rows.map((r) => (r.birthday === null ? null : String(r.birthday instanceof Date ? r.birthday.toISOString() : r.birthday).slice(5, 10)));
    expect(days.filter((d) => d === "02-29").length).toBeGreaterThan(0);
    expect(days.filter((d) => d !== null && (d >= "12-20" || d <= "01-10")).length).toBeGreaterThan(20);
    const missing = days.filter((d) => d === null).length / CUSTOMERS;
    expect(missing).toBeGreaterThan(0.1);
    expect(missing).toBeLessThan(0.4);
  });

  it("numbers customers in order of registration over about four years before now", async () => {
    const rows = await select(db, "SELECT registered_at FROM customers ORDER BY id");
    const times = rows.map((r) => ms(r.registered_at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect(NOW.getTime() - times[0]).toBeGreaterThan(3.7 * 365 * 86_400_000);
    expect(times.at(-1)!).toBeLessThanOrEqual(NOW.getTime());
  });

  it("never places an order before registration or after now, and frames orders and carts with interactions", async () => {
    const customers = new Map((await select(db, "SELECT id, registered_at, first_interaction_at, last_interaction_at FROM customers")).map((c) => [Number(c.id), c]));
    for (const o of await select(db, "SELECT customer_id, placed_at FROM orders")) {
      const c = customers.get(Number(o.customer_id))!;
      expect(ms(o.placed_at)).toBeGreaterThanOrEqual(ms(c.registered_at));
      expect(ms(o.placed_at)).toBeLessThanOrEqual(NOW.getTime());
      expect(ms(c.first_interaction_at)).toBeLessThanOrEqual(ms(o.placed_at));
      expect(ms(c.last_interaction_at)).toBeGreaterThanOrEqual(ms(o.placed_at));
    }
    for (const cart of await select(db, "SELECT customer_id, abandoned_at, recovered_at FROM abandoned_carts")) {
      const c = customers.get(Number(cart.customer_id))!;
      expect(ms(cart.abandoned_at)).toBeGreaterThanOrEqual(ms(c.registered_at));
      expect(ms(c.last_interaction_at)).toBeGreaterThanOrEqual(ms(cart.recovered_at ?? cart.abandoned_at));
      if (cart.recovered_at !== null) expect(ms(cart.recovered_at)).toBeGreaterThanOrEqual(ms(cart.abandoned_at));
    }
    for (const c of customers.values()) {
      expect(ms(c.first_interaction_at)).toBeLessThanOrEqual(ms(c.registered_at));
      expect(ms(c.last_interaction_at)).toBeLessThanOrEqual(NOW.getTime());
    }
    const [recovered] = await select(db, "SELECT COUNT(*) AS n FROM abandoned_carts WHERE recovered_at IS NOT NULL");
    const [carts] = await select(db, "SELECT COUNT(*) AS n FROM abandoned_carts");
    expect(Number(recovered.n) / Number(carts.n)).toBeGreaterThan(0.05);
    expect(Number(recovered.n) / Number(carts.n)).toBeLessThan(0.3);
  });

  it("makes each order's total the sum of its items, each item in its product's category", async () => {
    const [wrongTotals] = await select(db, "SELECT COUNT(*) AS n FROM orders o WHERE o.total <> (SELECT SUM(i.quantity * i.price) FROM order_items i WHERE i.order_id = o.id)");
    expect(Number(wrongTotals.n)).toBe(0);
    const [empty] = await select(db, "SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)");
    expect(Number(empty.n)).toBe(0);
    const [wrongCategory] = await select(db, "SELECT COUNT(*) AS n FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.category_id <> p.category_id");
    expect(Number(wrongCategory.n)).toBe(0);
    const [wrongVariant] = await select(db, "SELECT COUNT(*) AS n FROM order_items i JOIN product_variants v ON v.id = i.variant_id WHERE v.product_id <> i.product_id OR i.price > v.price OR i.price <= 0");
    expect(Number(wrongVariant.n)).toBe(0);
  });

  it("writes each customer's order totals as the orders give them: completed ones counted, the last not cancelled", async () => {
    const customers = await select(db, "SELECT id, total_spent, orders_count, last_order_at FROM customers");
    const orders = await select(db, "SELECT customer_id, status, total, placed_at FROM orders");
    const fresh = new Map<unknown, { spent: number; count: number; last: number | null }>();
    for (const o of orders) {
      const totals = fresh.get(o.customer_id) ?? { spent: 0, count: 0, last: null };
      if (o.status === "completed") {
        totals.spent += Number(o.total);
        totals.count++;
      }
      if (o.status !== "cancelled") totals.last = Math.max(totals.last ?? -Infinity, ms(o.placed_at));
      fresh.set(o.customer_id, totals);
    }
    const wrong = customers.filter((c) => {
      const expected = fresh.get(c.id) ?? { spent: 0, count: 0, last: null };
      const last = c.last_order_at === null ? null : ms(c.last_order_at);
      return Number(c.total_spent) !== expected.spent || Number(c.orders_count) !== expected.count || last !== expected.last;
    });
    expect(wrong).toEqual([]);
    expect(customers.filter((c) => Number(c.orders_count) > 0).length / CUSTOMERS).toBeGreaterThan(0.3);
  });

  it("keeps recent orders open and older ones mostly completed, some cancelled or refunded", async () => {
    const rows = await select(db, "SELECT status, placed_at FROM orders");
    const dayAgo = NOW.getTime() - 86_400_000;
    for (const r of rows.filter((r) => ms(r.placed_at) > dayAgo)) expect(["pending", "processing"]).toContain(r.status);
    const old = rows.filter((r) => ms(r.placed_at) < NOW.getTime() - 7 * 86_400_000);
    const share = (status: string) => old.filter((r) => r.status === status).length / old.length;
    expect(share("completed")).toBeGreaterThan(0.8);
    expect(share("cancelled")).toBeGreaterThan(0.02);
    expect(share("refunded")).toBeGreaterThan(0.01);
    expect(rows.some((r) => r.status === "pending" || r.status === "processing")).toBe(true);
  });

  it("sells more on Black Friday and in December than in summer", async () => {
    const rows = await select(db, "SELECT placed_at FROM orders");
    const sofia = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Sofia", year: "numeric", month: "2-digit", day: "2-digit" });
    const days = rows.map((r) => sofia.format(ms(r.placed_at)));
    const perDay = (match: (d: string) => boolean, dayCount: number) => days.filter(match).length / dayCount;
    const blackFridays = ["2022-11-25", "2023-11-24", "2024-11-29"];
    const summer = (d: string) => d.slice(5, 7) === "07" || d.slice(5, 7) === "08";
    const december = (d: string) => d.slice(5, 7) === "12" && d.slice(8) <= "20";
    const average = perDay(() => true, 4 * 365);
    expect(perDay((d) => blackFridays.includes(d), 3)).toBeGreaterThan(2.5 * average);
    expect(perDay(december, 3 * 20)).toBeGreaterThan(1.2 * perDay(summer, 4 * 62));
  });

  it("subscribes customers on their channels at believable rates, never before they registered", async () => {
    const rows = await select(db, "SELECT ch.channel, ch.address, ch.is_subscribed, ch.subscription_changed_at, c.registered_at, c.email, c.phone FROM channel_identities ch JOIN customers c ON c.id = ch.customer_id");
    const rate = (channel: string) => {
      const on = rows.filter((r) => r.channel === channel);
      return { reach: on.length / CUSTOMERS, subscribed: on.filter((r) => Boolean(Number(r.is_subscribed))).length / on.length };
    };
    const email = rate("email");
    expect(email.reach).toBeGreaterThan(0.85);
    expect(email.subscribed).toBeGreaterThan(0.4);
    expect(email.subscribed).toBeLessThan(0.8);
    const sms = rate("sms");
    expect(sms.subscribed).toBeGreaterThan(0.2);
    expect(sms.subscribed).toBeLessThan(0.6);
    for (const channel of ["messenger", "viber"]) {
      expect(rate(channel).reach).toBeGreaterThan(0.1);
      expect(rate(channel).reach).toBeLessThan(0.5);
      expect(rate(channel).subscribed).toBeGreaterThan(0.6);
    }
    for (const r of rows) {
      expect(ms(r.subscription_changed_at)).toBeGreaterThanOrEqual(ms(r.registered_at));
      if (r.channel === "email") expect(r.address).toBe(r.email);
      if (r.channel === "sms") expect(r.address).toBe(r.phone);
    }
    const [accepts] = await select(db, "SELECT AVG(CASE WHEN accepts_marketing THEN 1.0 ELSE 0 END) AS r FROM customers");
    expect(Number(accepts.r)).toBeGreaterThan(0.5);
    expect(Number(accepts.r)).toBeLessThan(0.75);
  });

  it("builds a three-level category tree whose paths follow the parents", async () => {
    const rows = await select(db, "SELECT id, parent_id, path FROM categories");
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) {
      const parent = r.parent_id === null ? null : byId.get(Number(r.parent_id))!;
      expect(r.path).toBe(`${parent ? String(parent.path) : "/"}${r.id}/`);
    }
    expect(Math.max(...rows.map((r) => String(r.path).split("/").length - 2))).toBe(3);
    const [orphans] = await select(db, "SELECT COUNT(*) AS n FROM products WHERE category_id IS NULL OR category_id NOT IN (SELECT id FROM categories)");
    expect(Number(orphans.n)).toBe(0);
  });

  it("puts customers in groups, tags them, and fills custom fields of every type and registration answers for part of them", async () => {
    const groups = await select(db, "SELECT g.name, COUNT(c.id) AS n FROM customer_groups g LEFT JOIN customers c ON c.customer_group_id = g.id GROUP BY g.name");
    const inGroup = Object.fromEntries(groups.map((g) => [g.name, Number(g.n)]));
    expect(inGroup.Retail / CUSTOMERS).toBeGreaterThan(0.6);
    expect(inGroup.Wholesale).toBeGreaterThan(0);
    expect(inGroup.VIP).toBeGreaterThan(0);
    expect(await select(db, "SELECT DISTINCT tag_id FROM customer_tags")).toHaveLength(10);
    const fields = await select(db, "SELECT f.type, COUNT(*) AS n FROM customer_field_values v JOIN custom_fields f ON f.id = v.custom_field_id GROUP BY f.type");
    const byType = Object.fromEntries(fields.map((f) => [f.type, Number(f.n)]));
    for (const type of ["number", "date", "select", "text"]) {
      expect(byType[type], type).toBeGreaterThan(0);
      expect(byType[type], type).toBeLessThan(CUSTOMERS * 1.1);
    }
    const [badSelect] = await select(db, "SELECT COUNT(*) AS n FROM customer_field_values v JOIN custom_fields f ON f.id = v.custom_field_id WHERE f.type = 'select' AND v.value_text NOT IN ('XS','S','M','L','XL','XXL')");
    expect(Number(badSelect.n)).toBe(0);
    const answers = await select(db, "SELECT q.id, COUNT(DISTINCT a.customer_id) AS n FROM registration_questions q JOIN registration_answers a ON a.question_id = q.id GROUP BY q.id");
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(Number(a.n) / CUSTOMERS).toBeLessThan(0.8);
    const [mismatched] = await select(db, "SELECT COUNT(*) AS n FROM registration_answers a JOIN registration_options o ON o.id = a.option_id WHERE o.question_id <> a.question_id");
    expect(Number(mismatched.n)).toBe(0);
  });

  it("assigns 10–20% of customers to managers, manager@demo.store among them", async () => {
    const rows = await select(db, "SELECT u.email, COUNT(c.id) AS n FROM customers c JOIN users u ON u.id = c.manager_id GROUP BY u.email");
    const assigned = rows.reduce((sum, r) => sum + Number(r.n), 0) / CUSTOMERS;
    expect(assigned).toBeGreaterThan(0.1);
    expect(assigned).toBeLessThan(0.2);
    expect(rows.map((r) => r.email)).toContain("manager@demo.store");
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const managers = await select(db, "SELECT role FROM users WHERE email LIKE '%@demo.store'");
    expect(managers.every((m) => m.role === "manager")).toBe(true);
  });

  it("writes timestamps that read back as the same instants", async () => {
    const moments = [Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2021, 0, 1), Date.UTC(2025, 9, 26, 0, 30, 1)];
    await bulkInsert(db, "tags", ["name", "created_at", "updated_at"], moments.map((m, i) => [`moment-${i}`, timestampValue(m, db.dialect), timestampValue(m, db.dialect)]));
    const rows = await select(db, "SELECT name, created_at FROM tags WHERE name LIKE 'moment-%' ORDER BY name");
    expect(rows.map((r) => ms(r.created_at))).toEqual(moments);
    await db.models.Tag.destroy({ where: { name: moments.map((_, i) => `moment-${i}`) } });
  });

  it("will not seed a store that has customers", async () => {
    await expect(seedDemoStore(db, { customers: 10, seed: 1, now: NOW, log: quiet })).rejects.toThrow(/without customers/);
  });

  it("builds the same store from the same seed and moment, even when it sets the indexes aside, and another from another seed", async () => {
    const same = await createTestDatabase();
    const other = await createTestDatabase();
    try {
      await saveStoreSettings(same, { name: "Test Shop", timeZone: "Europe/Sofia", currency: "BGN", locale: "bg" });
      await createUser(same, { email: "manager@demo.store", name: "Manol Manager", password: "not-used-here", role: "manager" });
      const tables = Object.keys(CUSTOMER_TABLES);
      const indexesBefore = await describeIndexes(same, tables);
      const lines: string[] = [];
      await seedDemoStore(same, { customers: CUSTOMERS, seed: 7, now: NOW, log: (l) => lines.push(l), deferIndexesFrom: 1 });
      expect(lines.some((l) => /set aside/.test(l))).toBe(true);
      expect(await describeIndexes(same, tables)).toEqual(indexesBefore);
      expect(await same.models.DeferredIndex.count()).toBe(0);
      expect(await storeDigest(same)).toBe(await storeDigest(db));

      await saveStoreSettings(other, { name: "Test Shop", timeZone: "Europe/Sofia", currency: "BGN", locale: "bg" });
      await createUser(other, { email: "manager@demo.store", name: "Manol Manager", password: "not-used-here", role: "manager" });
      await seedDemoStore(other, { customers: CUSTOMERS, seed: 8, now: NOW, log: quiet });
      expect(await storeDigest(other)).not.toBe(await storeDigest(db));
    } finally {
      await same.drop();
      await other.drop();
    }
  }, 120_000);
});

describe("timestampValue", () => {
  it("writes on SQLite what bulk.ts's formatTimestamp writes for the same moment", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (m) => {
        expect(timestampValue(m, "sqlite")).toBe(formatTimestamp(new Date(m), "sqlite"));
      }),
      { numRuns: 5000 },
    );
  });
});
