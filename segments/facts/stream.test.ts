import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { seedDemoStore } from "../../models/demo/seed";
import { storeClock } from "../time";
import { FactIndex } from "./fact-index";
import { readMysql, readSqlite, refreshReferenceData } from "./load.server";
import { RecordReader } from "./records";
import { selectRows, streamByKey, streamRecords, streamRecordsByKey } from "./stream.server";

describe(`streaming a table by its key on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const out = await upsertCustomers(
      db,
      Array.from({ length: 53 }, (_, i) => ({ externalId: `c${i}`, country: i % 3 === 0 ? "GR" : "BG", tags: i % 2 ? ["odd"] : ["even", "any"] })),
      { source: "api" },
    );
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
  });
  afterAll(async () => {
    await db.drop();
  });

  it("delivers every row once, in columns' order, across chunk boundaries, with a condition", async () => {
    for (const chunk of [1, 7, 53, 1000]) {
      const rows: unknown[][] = [];
      const n = await streamByKey(db, { columns: "external_id, country", from: "customers", where: "country = 'BG'", key: "id", chunk }, (r) => rows.push(r.slice(0, 2)));
      expect(n).toBe(35);
      expect(rows.map((r) => r[1])).toEqual(Array(35).fill("BG"));
      expect(new Set(rows.map((r) => r[0])).size).toBe(35);
    }
  });

  it("pages a table without an id of its own (SQLite's rowid) and a join", async () => {
    const tags: unknown[][] = [];
    expect(await streamByKey(db, { columns: "customer_id, tag_id", from: "customer_tags", key: "rowid", chunk: 4 }, (r) => tags.push(r.slice(0, 2)))).toBe(27 * 2 + 26);
    expect(new Set(tags.map((r) => `${r[0]}/${r[1]}`)).size).toBe(80);
    const joined: unknown[][] = [];
    const n = await streamByKey(db, { columns: "c.external_id, t.name", from: "customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN customers c ON c.id = ct.customer_id", where: "t.name = 'any'", key: "ct.rowid", chunk: 5 }, (r) => joined.push(r.slice(0, 2)));
    expect(n).toBe(27);
    expect(new Set(joined.map((r) => r[0])).size).toBe(27);
  });

  it.skipIf(testDialect !== "sqlite")("reads SQLite records per range of customers as texts, in id order, across chunk boundaries, on lanes of their own", async () => {
    const customers = (await db.models.Customer.findAll({ attributes: ["id", "externalId", "createdAt"], order: [["id", "ASC"]], raw: true })) as Array<{ id: number; externalId: string; createdAt: Date }>;
    const ids = Int32Array.from(customers.map((c) => c.id));
    const expected = customers.map((c, i) => [c.id, i % 2 ? "odd" : "any,even", Math.floor(new Date(c.createdAt).getTime() / 1000)]);
    for (const chunk of [1, 7, 1000]) {
      let texts = 0;
      const read = async (lane: string | undefined) => {
        const rows: Array<[number, string | null, number]> = [];
        const n = await streamRecords(
          db,
          ids,
          ids.length,
          { customer: "ct.customer_id", record: "ct.customer_id || '|' || json_quote(group_concat(t.name, ',' ORDER BY t.name)) || '|' || unixepoch(MAX(c.created_at))", from: "customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN customers c ON c.id = ct.customer_id", grouped: true, chunk, lane },
          (text) => {
            texts++;
            const r = new RecordReader(text);
            while (r.more) rows.push([r.number()!, r.string(), r.number()!]);
          },
        );
        expect(n).toBe(53);
        return rows;
      };
      // two streams at once on connections of their own, then one on the shared connection
      const [a, b] = await Promise.all([read("x"), read("y")]);
      const c = await read(undefined);
      for (const rows of [a, b, c]) expect(rows).toEqual(expected);
      expect(texts).toBe(3 * Math.ceil(53 / chunk));
    }
    // doubles come through text exactly (SQLite writes the shortest round-trip form)
    const [row] = await selectRows(db, "SELECT (0.1 + 0.2) || '|' || (1.0 / 3) || '|' || 1e300 || '|' || -2.5e-300", []);
    const doubles = new RecordReader(String(row[0]));
    expect([doubles.number(), doubles.number(), doubles.number(), doubles.number()]).toEqual([0.1 + 0.2, 1 / 3, 1e300, -2.5e-300]);
    // only the customers asked for: their id range
    const some: number[] = [];
    await streamRecords(db, ids.subarray(10, 20), 10, { customer: "customer_id", record: "customer_id || '|' || COUNT(*)", from: "customer_tags", grouped: true, chunk: 3 }, (text) => {
      const r = new RecordReader(text);
      while (r.more) {
        some.push(r.number()!);
        r.number();
      }
    });
    expect(some).toEqual(Array.from(ids.subarray(10, 20)));
    // a whole table by its key, before any ids are known
    for (const chunk of [1, 10, 53, 54]) {
      const all: number[] = [];
      const n = await streamRecordsByKey(db, { key: "id", from: "customers", record: "id || '|' || json_quote(country)", chunk }, (text) => {
        const r = new RecordReader(text);
        while (r.more) {
          all.push(r.number()!);
          r.string();
        }
      });
      expect(n).toBe(53);
      expect(all).toEqual(Array.from(ids));
    }
  });
});

describe.skipIf(testDialect !== "sqlite")("the SQLite record reader of the fact index", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoStore(db, { customers: 600, seed: 7, now: new Date("2026-03-01T10:00:00Z"), log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await db.drop();
  });

  it("builds the same index as the row reader, column by column, with chunks that split the store", async () => {
    const timeZone = "Europe/Sofia";
    const build = async (read: (index: FactIndex) => Promise<void>) => {
      const index = new FactIndex(timeZone, 700);
      await refreshReferenceData(db, index);
      await read(index);
      index.buildPostings();
      return index;
    };
    const rows = await build((index) => readMysql(db, index, storeClock(timeZone), () => {}));
    const steps: string[] = [];
    const records = await build((index) => readSqlite(db, index, storeClock(timeZone), (step) => steps.push(step), 37));
    expect(steps.sort()).toEqual(["abandoned carts", "channels", "custom fields", "customers", "order items", "orders", "registration answers", "tags"]);
    expect(records.size).toBe(600);
    expect(Array.from(records.ids.subarray(0, 600))).toEqual(Array.from(rows.ids.subarray(0, 600)));
    const scalars = ["registeredDay", "firstInteractionDay", "lastInteractionDay", "birthdayDay", "acceptsMarketing", "groupId", "statusMask", "lastOrderDay", "totalSpent", "orderCount", "subscribedMask", "reachableMask"] as const;
    for (const k of scalars) expect(Array.from(records[k].subarray(0, 600)), k).toEqual(Array.from(rows[k].subarray(0, 600)));
    const decoded = (index: FactIndex, s: number) => ({
      country: index.country[s] === -1 ? null : index.countries.values[index.country[s]],
      city: index.city[s] === -1 ? null : index.cities.values[index.city[s]],
      carts: [...index.cartDays.get(s)].sort(),
      tags: [...index.tags.get(s)],
      categories: [...index.categories.get(s)],
      options: [...index.options.get(s)],
      days: [...index.orderDays.get(s)],
      // orders on the same day may come in either order
      orders: [...index.orderDays.get(s)].map((d, k) => `${d}:${index.orderTotals.get(s)[k]}`).sort(),
      fields: [...index.fields.values()].map((f) => [f.key, f.type === "number" ? f.numbers[s] : f.type === "date" ? f.days[s] : f.codes[s] === -1 ? null : f.dict.values[f.codes[s]]]),
    });
    for (let s = 0; s < 600; s++) expect(decoded(records, s), `slot ${s}`).toEqual(decoded(rows, s));
    // the demo store has every kind of fact, so the comparison compared something
    expect(records.orderDays.values.length).toBeGreaterThan(500);
    expect(records.categories.values.length).toBeGreaterThan(500);
    expect(records.cartDays.values.length).toBeGreaterThan(50);
    expect(records.tags.values.length).toBeGreaterThan(100);
    expect(records.options.values.length).toBeGreaterThan(300);
    expect([...records.fields.values()].filter((f) => f.type === "number").length).toBeGreaterThan(0);
    expect(records.tagSlots.values).toEqual(rows.tagSlots.values);
  });
});
