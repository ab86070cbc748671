import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { eachNumber, eachPair } from "./load.server";
import { factSql, streamByCustomer, streamByKey } from "./stream.server";

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

  it("reads per customer in id order, one grouped row each, across chunk boundaries, with timestamps as epoch seconds", async () => {
    const customers = (await db.models.Customer.findAll({ attributes: ["id", "externalId", "createdAt"], order: [["id", "ASC"]], raw: true })) as Array<{ id: number; externalId: string; createdAt: Date }>;
    const ids = Int32Array.from(customers.map((c) => c.id));
    const sql = factSql(db.dialect);
    for (const chunk of [1, 7, 1000]) {
      const rows: unknown[][] = [];
      const n = await streamByCustomer(
        db,
        ids,
        ids.length,
        { customer: "ct.customer_id", columns: `${sql.groupConcat("t.name", { orderBy: "t.name" })}, ${sql.epoch("MAX(c.created_at)")}`, from: "customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN customers c ON c.id = ct.customer_id", grouped: true, chunk },
        (r) => rows.push(r),
      );
      expect(n).toBe(53);
      expect(rows.map((r) => Number(r[0]))).toEqual(customers.map((c) => c.id));
      expect(rows.map((r) => r[1])).toEqual(customers.map((_, i) => (i % 2 ? "odd" : "any,even")));
      expect(rows.map((r) => Number(r[2]))).toEqual(customers.map((c) => Math.floor(new Date(c.createdAt).getTime() / 1000)));
    }
    // only the customers asked for (SQLite reads their id range; MariaDB reads all, in order)
    const some: number[] = [];
    await streamByCustomer(db, ids.subarray(10, 20), 10, { customer: "customer_id", columns: "COUNT(*)", from: "customer_tags", grouped: true, chunk: 3 }, (r) => some.push(Number(r[0])));
    expect(some.filter((id) => id >= ids[10] && id <= ids[19])).toEqual(Array.from(ids.subarray(10, 20)));
  });

  it("reads grouped integer lists exactly, and refuses anything else", () => {
    const seen: number[] = [];
    eachNumber("3,17,-2,12.000,0", (n) => seen.push(n));
    expect(seen).toEqual([3, 17, -2, 12, 0]);
    const pairs: Array<[number, number]> = [];
    eachPair("1700000000:2599,1700100000:-1200", (a, b) => pairs.push([a, b]));
    expect(pairs).toEqual([
      [1700000000, 2599],
      [1700100000, -1200],
    ]);
    expect(() => eachNumber("12.5", () => {})).toThrow(/not a list of integers/);
    expect(() => eachNumber("4,x", () => {})).toThrow(/not a list of integers/);
    expect(() => eachNumber("1-2", () => {})).toThrow(/not a list of integers/);
    expect(() => eachPair("1:2,3", () => {})).toThrow(/odd number/);
  });
});
