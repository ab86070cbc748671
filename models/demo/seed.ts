import { QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../db";
import { bulkInsert } from "../sql/bulk";
import { inWriteLine } from "../sql/write-line";
import { getStoreSettings, hasStoreSettings, saveStoreSettings } from "../store.server";
import { StoreCalendar } from "./calendar";
import { buildCatalogue, ProductPicker } from "./catalogue";
import { CUSTOMER_TABLES, emptyRows, generateCustomer, SeenFilter, tenureFactor, type CustomerTable, type DemoWorld, type StoreRows } from "./customer";
import { deferIndexes, restoreDeferredIndexes } from "./deferred-indexes";
import { ensureCatalogue, ensureDemoManagers, ensureReferenceData } from "./reference";

export interface DemoOptions {
  customers: number;
  seed: number;
  now: Date;
  log: (line: string) => void;
  /** From this many customers on, plain indexes are dropped for the load and built after it (default 50,000). */
  deferIndexesFrom?: number;
  /** Stops between chunks; what was written stays, and the indexes are built again. */
  signal?: AbortSignal;
}

export interface DemoSummary {
  /** Rows written, by table. */
  rows: Record<string, number>;
  seconds: number;
}

const CHUNK_CUSTOMERS = 5_000;
const YEARS_OF_HISTORY = 4;
const STORE_DEFAULTS = { name: "Demo Store", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" };

// How the load writes each column: in ascending order (ids are handed out in order, customers are
// numbered by registration, a customer's orders by time) or with few distinct values. An index whose
// first column of neither kind decides its order lands each new row at a random place, which at a
// million rows is a cache miss per row; only those indexes are set aside for the load.
const ASCENDING = new Set(["id", "customer_id", "order_id", "registered_at"]);
const FEW_VALUES = new Set([
  "country", "city", "customer_group_id", "manager_id", "locale", "accepts_marketing", "channel", "is_subscribed", "status", "currency",
  "product_id", "variant_id", "category_id", "custom_field_id", "tag_id", "question_id", "option_id", "orders_count",
]);
const isCostlyDuringLoad = (columns: string[]) => {
  const deciding = columns.find((c) => !FEW_VALUES.has(c));
  return deciding !== undefined && !ASCENDING.has(deciding);
};

const count = (n: number) => n.toLocaleString("en");
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

async function maxId(db: Database, table: string): Promise<number> {
  const [row] = await db.sequelize.query<{ m: number | string | null }>(`SELECT MAX(id) AS m FROM ${table}`, { type: QueryTypes.SELECT });
  return Number(row?.m ?? 0);
}

/**
 * One chunk of customers with all their rows, in one transaction. On MariaDB the chunk's own
 * connection skips unique and foreign key checks: the seed made every key itself, and it is the only
 * writer while it runs. The checks are back on before the connection returns to the pool.
 */
export async function writeStoreRows(db: Database, rows: StoreRows): Promise<void> {
  const transaction: Transaction = await db.sequelize.transaction();
  const checks = (on: 0 | 1) => db.sequelize.query(`SET unique_checks = ${on}, foreign_key_checks = ${on}`, { transaction });
  try {
    const tables = Object.keys(CUSTOMER_TABLES) as CustomerTable[];
    const insert = (table: CustomerTable) => bulkInsert(db, table, [...CUSTOMER_TABLES[table]], rows[table], { transaction });
    if (db.dialect === "mysql") {
      await checks(0);
      // queued at once on the one connection, which runs them in order: the server goes from one
      // statement to the next without waiting for this process to build it
      await Promise.all(tables.map(insert));
      await checks(1);
    } else {
      // SQLite checks foreign keys row by row, so parents go first
      for (const table of tables) await insert(table);
    }
    await transaction.commit();
  } catch (error) {
    if (db.dialect === "mysql") await checks(1).catch(() => {});
    await transaction.rollback().catch(() => {});
    throw error;
  }
}

export interface PreparedStore {
  world: DemoWorld;
  /** Catalogue rows in the store, by table. */
  catalogueRows: Record<"categories" | "products" | "product_variants", number>;
}

/**
 * Everything customers refer to, in the database and in memory: store settings (defaults only when
 * there are none), the demo's managers, groups, tags, custom fields, registration questions and the
 * catalogue (rows that exist already are reused), and the generator's world with ids from here on.
 */
export async function prepareDemoStore(db: Database, options: Pick<DemoOptions, "customers" | "seed" | "now" | "log">): Promise<PreparedStore> {
  const { customers: total, seed, now, log } = options;
  if (!(await hasStoreSettings(db))) await inWriteLine(db.sequelize, () => saveStoreSettings(db, STORE_DEFAULTS));
  const settings = await getStoreSettings(db);

  const catalogue = buildCatalogue(seed);
  const { managerIds, reference, catalogueIds } = await db.sequelize.transaction(async (transaction) => ({
    managerIds: await ensureDemoManagers(db, transaction),
    reference: await ensureReferenceData(db, now, transaction),
    catalogueIds: await ensureCatalogue(db, catalogue, now, transaction),
  }));
  const variantCount = catalogue.products.reduce((sum, p) => sum + p.variants.length, 0);
  log(`catalogue: ${catalogue.categories.length} categories, ${count(catalogue.products.length)} products, ${count(variantCount)} variants`);
  log(`store: ${managerIds.length} managers to assign customers to; ${Object.keys(reference.groups).length} groups, ${Object.keys(reference.tags).length} tags, ${Object.keys(reference.fields).length} custom fields, ${Object.keys(reference.questions).length} registration questions`);

  const calendar = new StoreCalendar(now, settings.timeZone, YEARS_OF_HISTORY);
  let tenureSum = 0;
  for (let k = 0; k < 2000; k++) tenureSum += tenureFactor(now.getTime() - calendar.registrationAt((k + 0.5) / 2000));
  const world: DemoWorld = {
    seed,
    dialect: db.dialect,
    total,
    nowMs: now.getTime(),
    currency: settings.currency,
    calendar,
    catalogue,
    catalogueIds,
    picker: new ProductPicker(catalogue.products),
    reference,
    managerIds,
    // the seed is the only writer while it runs, so it hands out the ids itself
    firstCustomerId: (await maxId(db, "customers")) + 1,
    next: {
      orderId: (await maxId(db, "orders")) + 1,
      itemId: (await maxId(db, "order_items")) + 1,
      channelId: (await maxId(db, "channel_identities")) + 1,
      cartId: (await maxId(db, "abandoned_carts")) + 1,
      orderNumber: 0,
      cartNumber: 0,
    },
    tenureNorm: tenureSum / 2000,
    emails: new SeenFilter(),
    phones: new SeenFilter(),
    latin: new Map(),
  };
  return { world, catalogueRows: { categories: catalogue.categories.length, products: catalogue.products.length, product_variants: variantCount } };
}

/**
 * Builds a realistic demo store, deterministic from the seed: the same seed and `now` give the same
 * rows. The store must have no customers yet. Customers are drawn and written in chunks, one chunk
 * drawn while the one before is being written, so memory stays flat at any size.
 */
export async function seedDemoStore(db: Database, options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const { customers: total, seed, now, log } = options;
  if (!Number.isInteger(total) || total < 0) throw new Error(`customers must be a whole number ≥ 0 (got ${total})`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be a whole number (got ${seed})`);

  // indexes an interrupted load set aside come back before anything else
  await restoreDeferredIndexes(db, log);
  if ((await db.models.Customer.count()) > 0) throw new Error("the demo store goes into a store without customers; empty it first (npm run seed -- --reset)");
  const { world, catalogueRows } = await prepareDemoStore(db, options);

  const written: Record<string, number> = Object.fromEntries(Object.keys(CUSTOMER_TABLES).map((t) => [t, 0]));
  const deferring = total >= (options.deferIndexesFrom ?? 50_000);
  if (deferring) log(`indexes: ${await deferIndexes(db, Object.keys(CUSTOMER_TABLES), now, isCostlyDuringLoad)} set aside for the load`);
  let done = 0;
  let reportedStep = 0;
  let reportedAt = 0;
  // MariaDB writes two chunks at once, on two connections: the server has a core of its own and
  // drawing leaves part of the other free. SQLite has one writer.
  const inFlight: Array<Promise<void>> = [];
  const maxInFlight = db.dialect === "mysql" ? 2 : 1;
  try {
    for (let start = 0; start < total; start += CHUNK_CUSTOMERS) {
      if (options.signal?.aborted) break;
      const end = Math.min(total, start + CHUNK_CUSTOMERS);
      const rows = emptyRows();
      for (let index = start; index < end; index++) {
        generateCustomer(world, index, rows);
        // let the chunks being written keep their connections busy while this one is drawn
        if (inFlight.length && (index & 63) === 63) await yieldToIo();
      }
      while (inFlight.length >= maxInFlight) await inFlight.shift();
      for (const table of Object.keys(rows) as CustomerTable[]) written[table] += rows[table].length;
      const chunk = writeStoreRows(db, rows).then(() => {
        done += end - start;
        const step = Math.floor((done / total) * 10);
        if (step > reportedStep || seconds() - reportedAt >= 15) {
          reportedStep = step;
          reportedAt = seconds();
          log(`customers ${count(done)}/${count(total)} (${Math.floor((done / total) * 100)}%) ${seconds().toFixed(1)} s`);
        }
      });
      chunk.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
      inFlight.push(chunk);
    }
    while (inFlight.length) await inFlight.shift();
  } finally {
    // chunks still being written when something failed end before the indexes are rebuilt
    await Promise.allSettled(inFlight);
    if (deferring) {
      const rebuilding = performance.now();
      const built = await restoreDeferredIndexes(db, log);
      log(`indexes: ${built} built in ${((performance.now() - rebuilding) / 1000).toFixed(1)} s`);
    }
  }
  if (options.signal?.aborted) throw new Error(`stopped after ${count(done)} of ${count(total)} customers`);
  if (db.dialect === "mysql") {
    // InnoDB's statistics lag behind a bulk load: without fresh ones MariaDB chose a scan of all
    // 1.7M registration answers for 500 customers' answers (0.4 s instead of 2 ms)
    await db.sequelize.query(`ANALYZE TABLE ${Object.keys(CUSTOMER_TABLES).join(", ")}`);
    log("statistics: analysed");
  }

  return { rows: { ...catalogueRows, ...written }, seconds: seconds() };
}
