// The demo store build (`npm run seed`, and the first start) on each database: customers/s and rows/s
// of the whole store, beside the raw lower bound measured in the same run: the same number of
// customer rows, drawn beforehand by the same generator, bulk-inserted through the same multi-row
// INSERT path and nothing else (no other tables, no drawing). The gap is what drawing the store and
// writing its other tables cost. Default 100,000 customers; --customers N.
import type { Dialect } from "../models/db";
import { emptyRows, generateCustomer } from "../models/demo/customer";
import { prepareDemoStore, seedDemoStore, writeStoreRows } from "../models/demo/seed";
import { createBenchDatabase, type BenchContext } from "./support";

const DEFAULT_CUSTOMERS = 100_000;
const CHUNK = 5_000;
const SEED = 42;
// the bar is for a million customers on MariaDB
const BAR_SECONDS_FOR_A_MILLION = 300;
const NOW = new Date("2025-11-20T10:00:00Z");

async function rawCustomerInserts(dialect: Dialect, ctx: BenchContext, customers: number): Promise<number> {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "seedraw");
  try {
    const { world } = await prepareDemoStore(db, { customers, seed: SEED, now: NOW, log: () => {} });
    const chunks: ReturnType<typeof emptyRows>[] = [];
    for (let start = 0; start < customers; start += CHUNK) {
      const drawn = emptyRows();
      for (let i = start; i < Math.min(customers, start + CHUNK); i++) generateCustomer(world, i, drawn);
      const only = emptyRows();
      only.customers = drawn.customers;
      chunks.push(only);
    }
    const started = performance.now();
    for (const chunk of chunks) await writeStoreRows(db, chunk);
    return (performance.now() - started) / 1000;
  } finally {
    await db.drop();
  }
}

export default {
  name: "seed",
  async run(ctx: BenchContext) {
    const customers = ctx.customers ?? DEFAULT_CUSTOMERS;
    for (const dialect of ctx.dialects) {
      const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "seed");
      let seconds: number;
      let rows: number;
      try {
        const summary = await seedDemoStore(db, { customers, seed: SEED, now: NOW, log: (line) => ctx.log(`${dialect}: ${line}`) });
        seconds = summary.seconds;
        rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
      } finally {
        await db.drop();
      }
      const rawSeconds = await rawCustomerInserts(dialect, ctx, customers);
      const raw = { what: "raw INSERT of the customer rows alone", value: customers / rawSeconds };
      ctx.record({ bench: "seed", dialect, what: `demo store, ${customers.toLocaleString("en")} customers: customers/s`, value: customers / seconds, unit: "customers/s", baseline: raw });
      ctx.record({ bench: "seed", dialect, what: `demo store: all ${rows.toLocaleString("en")} rows, rows/s`, value: rows / seconds, unit: "rows/s", baseline: { what: raw.what, value: raw.value } });
      ctx.record({
        bench: "seed",
        dialect,
        what: `demo store, ${customers.toLocaleString("en")} customers: build time`,
        value: seconds,
        unit: "s",
        baseline: { what: raw.what, value: rawSeconds },
        bar: dialect === "mysql" && customers >= 1_000_000 ? { op: "<=", value: (BAR_SECONDS_FOR_A_MILLION * customers) / 1_000_000 } : undefined,
      });
    }
  },
};
