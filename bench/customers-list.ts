// The customer list's queries on a big store: first page, deep page by cursor, each filter, search,
// the capped count and the filter menus, each timed (median and worst of several runs) with the
// plan the database chose. Two ways to run it:
//   node --import tsx bench/customers-list.ts --database-url URL      a store that exists (a seeded demo store)
//   npm run bench -- --only customers [--customers N]                 a fresh demo store of N customers (default 100,000)
import { parseArgs } from "node:util";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../models/db";
import { listCustomers } from "../models/customers/list.server";
import { countCustomers } from "../models/customers/count.server";
import { getCustomerFilterOptions } from "../models/customers/filter-options.server";
import { getCustomerPage } from "../models/customers/page.server";
import { readCustomerListQuery, type CustomerSort } from "../models/customers/list-query";
import { encodeCursor } from "../models/customers/cursor";
import { readTimestamp } from "../models/sql/bulk";
import type { CustomerViewer } from "../models/customers/viewer";
import { createBenchDatabase, percentile, type BenchContext } from "./support";

const RUNS = 7;

interface Case {
  name: string;
  viewer: "admin" | "manager";
  search: string;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number[] }> {
  const ms: number[] = [];
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    result = await work();
    ms.push(performance.now() - started);
  }
  return { result, ms };
}

/** The plan of a SELECT, one line per step, as each database explains it. */
async function explain(db: Database, sql: string): Promise<string> {
  if (db.dialect === "sqlite") {
    const rows = await db.sequelize.query<{ id: number; parent: number; detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, { type: QueryTypes.SELECT });
    const depth = new Map<number, number>();
    return rows
      .map((r) => {
        const d = (depth.get(r.parent) ?? -1) + 1;
        depth.set(r.id, d);
        return `${"  ".repeat(d)}${r.detail}`;
      })
      .join("\n");
  }
  const rows = await db.sequelize.query<Record<string, unknown>>(`EXPLAIN ${sql}`, { type: QueryTypes.SELECT });
  return rows.map((r) => `${r.select_type} ${r.table} type=${r.type} key=${r.key ?? "-"} rows=${r.rows} ${r.Extra ?? ""}`).join("\n");
}

/** Picks the store's values the cases filter on: a common and a rare country, a group, a tag, a busy manager. */
async function storeFacts(db: Database) {
  const one = async <T extends object>(sql: string): Promise<T> => {
    const [row] = await db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
    if (!row) throw new Error(`no row for: ${sql}`);
    return row;
  };
  const maybe = async <T extends object>(sql: string): Promise<T | undefined> => (await db.sequelize.query<T>(sql, { type: QueryTypes.SELECT }))[0];
  const countries = await db.sequelize.query<{ country: string; n: number }>(
    "SELECT country, COUNT(*) AS n FROM customers WHERE country IS NOT NULL GROUP BY country ORDER BY n DESC",
    { type: QueryTypes.SELECT },
  );
  const tags = await db.sequelize.query<{ tag_id: number; n: number }>("SELECT tag_id, COUNT(*) AS n FROM customer_tags GROUP BY tag_id ORDER BY n DESC", {
    type: QueryTypes.SELECT,
  });
  const manager = await maybe<{ manager_id: number; n: number }>(
    "SELECT manager_id, COUNT(*) AS n FROM customers WHERE manager_id IS NOT NULL GROUP BY manager_id ORDER BY n DESC LIMIT 1",
  );
  const group = await maybe<{ customer_group_id: number; n: number }>(
    "SELECT customer_group_id, COUNT(*) AS n FROM customers WHERE customer_group_id IS NOT NULL GROUP BY customer_group_id ORDER BY n ASC LIMIT 1",
  );
  // the group whose customers spend most (the demo's VIPs): sorted lowest first, they sit at the far end of the index
  const richGroup = await maybe<{ customer_group_id: number; n: number }>(
    "SELECT customer_group_id, COUNT(*) AS n FROM customers WHERE customer_group_id IS NOT NULL GROUP BY customer_group_id ORDER BY AVG(total_spent) DESC LIMIT 1",
  );
  const total = Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM customers")).n);
  const middle = await one<{ id: number; sort_name: string; total_spent: number | string; orders_count: number | string; last_order_at: unknown }>(
    `SELECT id, sort_name, total_spent, orders_count, last_order_at FROM customers ORDER BY id LIMIT 1 OFFSET ${Math.floor(total / 2)}`,
  );
  const lowId = await one<{ id: number }>("SELECT MIN(id) + 100 AS id FROM customers");
  const sample = await one<{ first_name: string; last_name: string; email: string; phone: string; external_id: string }>(
    `SELECT first_name, last_name, email, phone, external_id FROM customers WHERE first_name IS NOT NULL AND email IS NOT NULL AND phone IS NOT NULL AND id >= ${middle.id} ORDER BY id LIMIT 1`,
  );
  const greek = await maybe<{ last_name: string }>(`SELECT last_name FROM customers WHERE country = 'GR' AND last_name IS NOT NULL ORDER BY id LIMIT 1`);
  const managerUser = manager ? await maybe<{ id: number }>(`SELECT id FROM users WHERE id = ${manager.manager_id}`) : undefined;
  return { total, countries, tags, manager, managerUser, group, richGroup, middle, lowId, sample, greek };
}

function cursorFor(sort: "newest" | "name", id: number, sortName: string): string {
  const key = sort === "newest" ? [id] : [sortName, id];
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** A cursor at a customer's place in an order-total sort. */
function totalCursor(sort: Exclude<CustomerSort, "newest" | "name">, id: number, value: number | null): string {
  return encodeCursor({ sort, value, id });
}

export interface ListFigure {
  name: string;
  p50: number;
  max: number;
  rows: number;
  /** The naive way measured in the same run: OFFSET paging, an exact COUNT(*). */
  naive?: { what: string; p50: number };
}

export async function measureCustomerList(db: Database, log: (line: string) => void): Promise<ListFigure[]> {
  const facts = await storeFacts(db);
  log(`store: ${facts.total.toLocaleString("en")} customers on ${db.dialect}`);
  const common = facts.countries[0]?.country ?? "BG";
  const rare = facts.countries[facts.countries.length - 1]?.country ?? "GB";
  const commonTag = facts.tags[0]?.tag_id ?? 1;
  const rareTag = facts.tags[facts.tags.length - 1]?.tag_id ?? 1;
  const s = facts.sample;
  const nationalPhone = s.phone?.startsWith("+359") ? `0${s.phone.slice(4, 8)}` : s.phone?.slice(0, 7);
  const deepNewest = cursorFor("newest", facts.lowId.id, "");
  const deepName = cursorFor("name", facts.middle.id, facts.middle.sort_name);
  const firstName = (s.first_name ?? "").toUpperCase();
  const middleSpent = Number(facts.middle.total_spent);
  const middleLastOrder = readTimestamp(facts.middle.last_order_at)?.getTime() ?? null;
  const deepSpent = totalCursor("total-spent-desc", facts.middle.id, middleSpent);
  const deepSpentAsc = totalCursor("total-spent-asc", facts.middle.id, middleSpent);
  const deepLastOrder = totalCursor("last-order-asc", facts.middle.id, middleLastOrder);
  const undated = totalCursor("last-order-desc", facts.total + 1_000_000_000, null);
  const cases: Case[] = [
    { name: "first page, newest", viewer: "admin", search: "" },
    { name: "deep page (cursor near the oldest), newest", viewer: "admin", search: `after=${deepNewest}` },
    { name: "first page, by name", viewer: "admin", search: "sort=name" },
    { name: "deep page (middle), by name", viewer: "admin", search: `sort=name&after=${deepName}` },
    { name: `country=${common} (most customers)`, viewer: "admin", search: `country=${common}` },
    { name: `country=${rare} (fewest customers)`, viewer: "admin", search: `country=${rare}` },
    { name: `country=${rare}, by name`, viewer: "admin", search: `country=${rare}&sort=name` },
    { name: `country=${rare}, deep page`, viewer: "admin", search: `country=${rare}&after=${deepNewest}` },
    { name: "group (smallest)", viewer: "admin", search: `group=${facts.group?.customer_group_id ?? 1}` },
    { name: "tag (most used)", viewer: "admin", search: `tag=${commonTag}` },
    { name: "tag (least used)", viewer: "admin", search: `tag=${rareTag}` },
    { name: "tag (least used), by name", viewer: "admin", search: `tag=${rareTag}&sort=name` },
    { name: "manager (busiest)", viewer: "admin", search: `manager=${facts.manager?.manager_id ?? 1}` },
    { name: "manager = nobody", viewer: "admin", search: "manager=none" },
    { name: "accepts marketing = no", viewer: "admin", search: "marketing=no" },
    { name: "subscribed on sms", viewer: "admin", search: "channel=sms" },
    { name: "subscribed on messenger", viewer: "admin", search: "channel=messenger" },
    { name: "subscribed on viber, by name", viewer: "admin", search: "channel=viber&sort=name" },
    { name: `four filters (${rare}, marketing, viber, tag)`, viewer: "admin", search: `country=${rare}&marketing=yes&channel=viber&tag=${commonTag}` },
    { name: `search first name "${firstName}"`, viewer: "admin", search: `q=${encodeURIComponent(firstName)}` },
    { name: `search first name, by name`, viewer: "admin", search: `q=${encodeURIComponent(firstName)}&sort=name` },
    { name: `search "first last" full`, viewer: "admin", search: `q=${encodeURIComponent(`${s.first_name} ${s.last_name}`)}` },
    { name: `search "last first" prefix`, viewer: "admin", search: `q=${encodeURIComponent(`${s.last_name} ${(s.first_name ?? "").slice(0, 2)}`)}` },
    { name: `search one letter "${firstName.slice(0, 1)}"`, viewer: "admin", search: `q=${encodeURIComponent(firstName.slice(0, 1))}` },
    { name: "search Greek surname in capitals", viewer: "admin", search: `q=${encodeURIComponent((facts.greek?.last_name ?? "Παπα").toUpperCase())}` },
    { name: "search email prefix", viewer: "admin", search: `q=${encodeURIComponent(s.email.slice(0, s.email.indexOf("@") + 1))}` },
    { name: `search national phone ${nationalPhone}`, viewer: "admin", search: `q=${encodeURIComponent(nationalPhone ?? "0888")}` },
    { name: "search full phone", viewer: "admin", search: `q=${encodeURIComponent(s.phone)}` },
    { name: "search external id", viewer: "admin", search: `q=${encodeURIComponent(s.external_id)}` },
    { name: "search with no match", viewer: "admin", search: "q=zzzzzz" },
    { name: `search "${firstName}" + country=${rare}`, viewer: "admin", search: `q=${encodeURIComponent(firstName)}&country=${rare}` },
    { name: "first page, total spent highest first", viewer: "admin", search: "sort=total-spent-desc" },
    { name: "deep page (middle), total spent highest first", viewer: "admin", search: `sort=total-spent-desc&after=${deepSpent}` },
    { name: "deep page (middle), total spent lowest, back", viewer: "admin", search: `sort=total-spent-asc&before=${deepSpentAsc}` },
    { name: "first page, fewest orders first", viewer: "admin", search: "sort=orders-asc" },
    { name: "first page, last order most recent first", viewer: "admin", search: "sort=last-order-desc" },
    { name: "first page, last order longest ago first", viewer: "admin", search: "sort=last-order-asc" },
    { name: "deep page (middle), last order longest ago", viewer: "admin", search: `sort=last-order-asc&after=${deepLastOrder}` },
    { name: "never ordered (after every date), last order", viewer: "admin", search: `sort=last-order-desc&after=${undated}` },
    { name: `country=${common}, total spent highest first`, viewer: "admin", search: `country=${common}&sort=total-spent-desc` },
    { name: `country=${rare}, total spent highest first`, viewer: "admin", search: `country=${rare}&sort=total-spent-desc` },
    { name: "group (smallest), total spent lowest first", viewer: "admin", search: `group=${facts.group?.customer_group_id ?? 1}&sort=total-spent-asc` },
    { name: `group (richest, ${facts.richGroup?.n ?? 0}), total spent lowest first`, viewer: "admin", search: `group=${facts.richGroup?.customer_group_id ?? 1}&sort=total-spent-asc` },
    { name: "group (richest), total spent highest first", viewer: "admin", search: `group=${facts.richGroup?.customer_group_id ?? 1}&sort=total-spent-desc` },
    { name: "tag (most used), most orders first", viewer: "admin", search: `tag=${commonTag}&sort=orders-desc` },
    { name: "tag (least used), last order most recent", viewer: "admin", search: `tag=${rareTag}&sort=last-order-desc` },
    { name: "subscribed on viber, total spent highest", viewer: "admin", search: "channel=viber&sort=total-spent-desc" },
    { name: `search first name, total spent highest`, viewer: "admin", search: `q=${encodeURIComponent(firstName)}&sort=total-spent-desc` },
    { name: "manager's own list", viewer: "manager", search: "" },
    { name: "manager's own list, total spent highest", viewer: "manager", search: "sort=total-spent-desc" },
    { name: "manager's own list, by name", viewer: "manager", search: "sort=name" },
    { name: `manager's own list, search "${firstName}"`, viewer: "manager", search: `q=${encodeURIComponent(firstName)}` },
  ];

  const admin: CustomerViewer = { id: 0, role: "admin" };
  const manager: CustomerViewer = { id: facts.managerUser?.id ?? facts.manager?.manager_id ?? 0, role: "manager" };
  const results: ListFigure[] = [];
  const sqlSeen: string[] = [];
  const capture = (sql: string) => sqlSeen.push(sql.replace(/^Executing \([^)]*\): /, ""));
  const withCapture = async <T>(work: () => Promise<T>): Promise<{ value: T; sql: string[] }> => {
    sqlSeen.length = 0;
    const options = (db.sequelize as unknown as { options: { logging: unknown } }).options;
    const before = options.logging;
    options.logging = capture;
    try {
      const value = await work();
      return { value, sql: [...sqlSeen] };
    } finally {
      options.logging = before;
    }
  };
  const storeCountry = "BG";

  for (const c of cases) {
    const query = readCustomerListQuery(new URLSearchParams(c.search)).query;
    const viewer = c.viewer === "admin" ? admin : manager;
    const list = await timed(() => listCustomers(db, { viewer, query, storeCountry }));
    const count = await timed(() => countCustomers(db, { viewer, query, storeCountry }));
    const both = list.ms.map((ms, i) => ms + count.ms[i]);
    const shown = count.result.isCapped ? `${count.result.count}+` : String(count.result.count);
    const { sql } = await withCapture(() => listCustomers(db, { viewer, query, storeCountry }));
    const { sql: countSql } = await withCapture(() => countCustomers(db, { viewer, query, storeCountry }));
    log(
      `${c.name.padEnd(52)} list p50 ${percentile(list.ms, 50).toFixed(1).padStart(7)} ms max ${Math.max(...list.ms).toFixed(1).padStart(7)} | count p50 ${percentile(count.ms, 50).toFixed(1).padStart(7)} ms (${shown}) | rows ${list.result.rows.length}`,
    );
    // the page's own SELECT (after any probes), and the count's last statement
    const main = sql.filter((q) => /^SELECT (\* FROM \()?(SELECT )?c\.id(, c\.\w+ AS sort_key)? FROM/.test(q) && q.includes("ORDER BY")).pop();
    if (main) log(`    list plan:\n${(await explain(db, main)).replace(/^/gm, "      ")}`);
    const counted = countSql.filter((q) => q.startsWith("SELECT COUNT(*)")).pop();
    if (counted) log(`    count plan (${countSql.length} statements):\n${(await explain(db, counted)).replace(/^/gm, "      ")}`);
    results.push({ name: c.name, p50: percentile(both, 50), max: Math.max(...both), rows: list.result.rows.length });
  }

  // the naive ways beside the two that matter most at a million: a deep page and the total
  const offset = await timed(() =>
    db.sequelize.query(`SELECT c.id FROM customers c ORDER BY c.id DESC LIMIT 50 OFFSET ${Math.floor(facts.total / 2)}`, { type: QueryTypes.SELECT }),
  );
  const middleCursor = cursorFor("newest", facts.middle.id, "");
  const keysetMiddle = await timed(() => listCustomers(db, { viewer: admin, query: readCustomerListQuery(new URLSearchParams(`after=${middleCursor}`)).query, storeCountry }));
  log(`${"middle page, newest: keyset".padEnd(52)} p50 ${percentile(keysetMiddle.ms, 50).toFixed(1)} ms | OFFSET ${Math.floor(facts.total / 2)} (ids only) p50 ${percentile(offset.ms, 50).toFixed(1)} ms`);
  results.push({ name: "middle page, newest (keyset)", p50: percentile(keysetMiddle.ms, 50), max: Math.max(...keysetMiddle.ms), rows: 50, naive: { what: "LIMIT 50 OFFSET n/2", p50: percentile(offset.ms, 50) } });
  const exact = await timed(() => db.sequelize.query("SELECT COUNT(*) AS n FROM customers", { type: QueryTypes.SELECT }));
  const cappedTotal = await timed(() => countCustomers(db, { viewer: admin, query: readCustomerListQuery(new URLSearchParams("")).query, storeCountry }));
  log(`${"total count: capped at 10,000".padEnd(52)} p50 ${percentile(cappedTotal.ms, 50).toFixed(1)} ms | exact COUNT(*) p50 ${percentile(exact.ms, 50).toFixed(1)} ms`);
  results.push({ name: "total count (capped)", p50: percentile(cappedTotal.ms, 50), max: Math.max(...cappedTotal.ms), rows: 1, naive: { what: "exact COUNT(*)", p50: percentile(exact.ms, 50) } });

  const options = await timed(() => getCustomerFilterOptions(db, admin));
  log(`${"filter menus (countries by skip-scan, groups, tags, managers)".padEnd(52)} p50 ${percentile(options.ms, 50).toFixed(1)} ms max ${Math.max(...options.ms).toFixed(1)} ms (${options.result.countries.length} countries)`);
  results.push({ name: "filter menus", p50: percentile(options.ms, 50), max: Math.max(...options.ms), rows: options.result.countries.length });
  const managerOptions = await timed(() => getCustomerFilterOptions(db, manager));
  log(`${"filter menus for a manager".padEnd(52)} p50 ${percentile(managerOptions.ms, 50).toFixed(1)} ms max ${Math.max(...managerOptions.ms).toFixed(1)} ms`);

  const busiest = (
    await db.sequelize.query<{ customer_id: number; n: number }>("SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id ORDER BY n DESC LIMIT 1", { type: QueryTypes.SELECT })
  )[0];
  if (busiest) {
    const page = await timed(() => getCustomerPage(db, { customerId: busiest.customer_id, viewer: admin }));
    log(`${`customer page of the busiest buyer (${busiest.n} orders)`.padEnd(52)} p50 ${percentile(page.ms, 50).toFixed(1)} ms max ${Math.max(...page.ms).toFixed(1)} ms`);
    results.push({ name: "customer page (busiest buyer)", p50: percentile(page.ms, 50), max: Math.max(...page.ms), rows: busiest.n });
  }
  return results;
}

/** `npm run bench -- --only customers`: a fresh demo store per dialect, measured. */
const bench = {
  name: "customers",
  async run(ctx: BenchContext) {
    const { seedDemoStore } = await import("../models/demo/seed");
    for (const dialect of ctx.dialects) {
      const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "customers");
      try {
        const customers = ctx.customers ?? 100_000;
        await seedDemoStore(db, { customers, seed: 42, now: new Date("2025-06-01T10:00:00Z"), log: ctx.log });
        const results = await measureCustomerList(db, ctx.log);
        // the bar is this page's own target (SPEC.md sets none): list + count of a page within 100 ms
        for (const r of results) {
          ctx.record({
            bench: "customers",
            dialect,
            what: `${r.name} (p50)`,
            value: r.p50,
            unit: "ms",
            baseline: r.naive ? { what: r.naive.what, value: r.naive.p50 } : undefined,
            bar: { op: "<=", value: 100 },
          });
        }
      } finally {
        await db.drop();
      }
    }
  },
};
export default bench;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "database-url": { type: "string" } } });
  if (!values["database-url"]) throw new Error("--database-url is required");
  const db = await openDatabase(values["database-url"]);
  try {
    await measureCustomerList(db, (line) => console.log(line));
  } finally {
    await db.close();
  }
}
