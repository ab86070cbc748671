import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { streamByKey } from "./stream.server";

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
});
