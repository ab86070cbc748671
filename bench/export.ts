// A 1M-member segment exported as CSV through the console's own export code (models/exports: the
// streamed reader on MariaDB, keyset batches on SQLite, and the CSV line writer, into a file as the export job writes it),
// rows per second and resident memory growth sampled during the run, beside the raw lower bounds
// measured in the same run on the same rows: one streamed SELECT of the same columns (every row
// read, nothing written), and on MariaDB the server writing the same rows itself with
// SELECT … INTO OUTFILE. `npm run bench -- --only export [--customers N] [--mysql-only]`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Dialect } from "../models/db";
import { bulkInsert, type SqlValue } from "../models/sql/bulk";
import { searchNames } from "../models/ingest/util";
import { streamByKey, streamRows } from "../segments/facts/stream.server";
import { exportRows } from "../models/exports/rows.server";
import { writeExport } from "../models/exports/write.server";
import type { ExportColumn } from "../models/exports/columns";
import { createBenchDatabase, type BenchContext, type BenchDatabase } from "./support";

const MEMBERS = 1_000_000;
const BAR_ROWS_PER_S = 200_000;
const BAR_MEMORY_MB = 50;
const CHUNK = 5_000;

/** The columns a marketer typically takes: profile, consent and a channel, order totals, the entry date. */
export const BENCH_COLUMNS: ExportColumn[] = ["externalId", "firstName", "lastName", "email", "phone", "country", "city", "acceptsMarketing", "channel:email", "ordersCount", "totalSpent", "lastOrderAt", "enteredAt"];

const FIRST = ["Иван", "Мария", "Георги", "Елена", "Ελένη", "Γιώργος", "Олена", "Андрій", "Oliver", "Amelia"];
const LAST = ["Петров", "Иванова", "Димитров", "Παπαδόπουλος", "Κωνσταντίνου", "Шевченко", "Коваленко", "Smith", "Jones"];
const CITIES = ["София", "Пловдив", "Αθήνα", "Київ", "Львів", "London"];
const COUNTRIES = ["BG", "BG", "GR", "UA", "GB"];

/** A store of `count` customers, all members of one segment, a third subscribed by email; returns the segment's id. */
export async function buildStore(db: BenchDatabase, count: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const now = new Date("2026-03-01T10:00:00Z");
  const segment = await db.models.Segment.create({ code: "everyone", name: "Everyone", type: "manual", isActive: true, match: "all", criteria: "[]", recomputeEveryMinutes: 5, createdById: null });
  const segmentId = segment.id;
  const columns = ["id", "external_id", "first_name", "last_name", "search_name", "sort_name", "email", "phone", "country", "city", "registered_at", "accepts_marketing", "total_spent", "orders_count", "last_order_at", "created_at", "updated_at"];
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const customers: SqlValue[][] = [];
    const members: SqlValue[][] = [];
    const identities: SqlValue[][] = [];
    for (let i = start; i < end; i++) {
      const id = i + 1;
      const first = FIRST[i % FIRST.length];
      const last = LAST[(i * 7) % LAST.length];
      const names = searchNames(first, last);
      const orders = i % 4;
      customers.push([
        id, `shop-${1_000_000 + i}`, first, last, names.searchName, names.sortName, `customer.${i}@example.test`, `+3598${String(80000000 + ((i * 7919) % 19999999))}`,
        COUNTRIES[i % COUNTRIES.length], CITIES[i % CITIES.length], new Date(Date.UTC(2022, 0, 1) + (i % 1000) * 86_400_000), i % 5 !== 0, orders * 4_590, orders,
        orders ? new Date(Date.UTC(2025, 5, 1) + (i % 200) * 86_400_000) : null, now, now,
      ]);
      members.push([segmentId, id, new Date(Date.UTC(2026, 0, 1) + (i % 5000) * 1000)]);
      if (i % 3 === 0) identities.push([id, "email", `customer.${i}@example.test`, i % 2 === 0, now, now, now]);
    }
    await db.sequelize.transaction(async (transaction) => {
      await bulkInsert(db, "customers", columns, customers, { transaction });
      await bulkInsert(db, "segment_members", ["segment_id", "customer_id", "entered_at"], members, { transaction });
      await bulkInsert(db, "channel_identities", ["customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"], identities, { transaction });
    });
    if ((end / CHUNK) % 40 === 0) log(`${end.toLocaleString("en")} customers written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await db.sequelize.query("UPDATE segments SET member_count = ? WHERE id = ?", { replacements: [count, segmentId] });
  log(`store of ${count.toLocaleString("en")} members built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return segmentId;
}

/** Resident memory, sampled every 20 ms while `work` runs: its peak over the level before it started. */
async function withMemorySamples<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number; seconds: number; cpuSeconds: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    const used = process.cpuUsage(cpu);
    return { result, growthMb: (peak - before) / (1024 * 1024), seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/** The export through the console's code, into a CSV file as the job writes it. */
export async function exportThroughConsole(db: BenchDatabase, segmentId: number, dir: string) {
  const filePath = path.join(dir, "export.csv");
  const measured = await withMemorySamples(() =>
    writeExport(exportRows(db, { kind: "segment", segmentId }, { columns: BENCH_COLUMNS, format: "csv", currency: "EUR" }), fs.createWriteStream(filePath), {
      format: "csv",
      columns: BENCH_COLUMNS,
      csv: { delimiter: ",", bom: true },
    }),
  );
  return { rows: measured.result, rowsPerS: measured.result / measured.seconds, memoryGrowthMb: measured.growthMb, bytes: fs.statSync(filePath).size, seconds: measured.seconds, cpuSeconds: measured.cpuSeconds };
}

const RAW_COLUMNS = "c.id, sm.entered_at, c.external_id, c.first_name, c.last_name, c.email, c.phone, c.country, c.city, c.accepts_marketing, c.orders_count, c.total_spent, c.last_order_at";

/** The lower bound: the same members and columns read by one streamed SELECT, nothing done with them. */
async function rawStreamedQuery(db: BenchDatabase, segmentId: number): Promise<number> {
  const started = performance.now();
  let rows = 0;
  const sink = () => {
    rows++;
  };
  if (db.dialect === "mysql") {
    await streamRows(db, `SELECT ${RAW_COLUMNS} FROM segment_members sm STRAIGHT_JOIN customers c ON c.id = sm.customer_id WHERE sm.segment_id = ${segmentId} ORDER BY sm.customer_id`, [], sink);
  } else {
    // SQLite streams by keyset chunks (stream.server.ts), the customer id being the key
    await streamByKey(db, { columns: RAW_COLUMNS, from: "segment_members sm CROSS JOIN customers c ON c.id = sm.customer_id", where: `sm.segment_id = ${segmentId}`, key: "sm.customer_id" }, sink);
  }
  return rows / ((performance.now() - started) / 1000);
}

/** MariaDB writing the same rows as CSV itself (SELECT … INTO OUTFILE), when the server allows it. */
async function intoOutfile(db: BenchDatabase, segmentId: number, dir: string, log: (line: string) => void): Promise<number | null> {
  const target = path.join(dir, "outfile.csv");
  const started = performance.now();
  try {
    const [result] = await db.sequelize.query(
      `SELECT ${RAW_COLUMNS.replace("c.id, ", "")} INTO OUTFILE '${target}' CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\\r\\n' FROM segment_members sm STRAIGHT_JOIN customers c ON c.id = sm.customer_id WHERE sm.segment_id = ${segmentId} ORDER BY sm.customer_id`,
    );
    void result;
    const rows = (await db.sequelize.query(`SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = ${segmentId}`, { plain: true })) as { n: number };
    return Number(rows.n) / ((performance.now() - started) / 1000);
  } catch (error) {
    log(`SELECT … INTO OUTFILE is not permitted here (${(error as Error).message}); the raw streamed query is the lower bound`);
    return null;
  }
}

export interface ExportFigures {
  rowsPerS: number;
  memoryGrowthMb: number;
}

/** The 1M-member CSV export on each dialect of the run; returns the last dialect's figures (MariaDB with --mysql-only). */
export async function benchExport(ctx: BenchContext): Promise<ExportFigures> {
  const count = ctx.customers ?? MEMBERS;
  let figures: ExportFigures = { rowsPerS: 0, memoryGrowthMb: 0 };
  for (const dialect of ctx.dialects as Dialect[]) {
    const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "export");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-export-bench-"));
    // the database server writes INTO OUTFILE as its own user
    fs.chmodSync(dir, 0o777);
    try {
      const segmentId = await buildStore(db, count, (line) => ctx.log(`${dialect}: ${line}`));
      const raw = await rawStreamedQuery(db, segmentId);
      const outfile = dialect === "mysql" ? await intoOutfile(db, segmentId, dir, ctx.log) : null;
      const run = await exportThroughConsole(db, segmentId, dir);
      if (run.rows !== count) throw new Error(`the export wrote ${run.rows} rows of ${count}`);
      // on a shared machine the wall clock includes waiting for a core: the process's own CPU time says how much was this code
      ctx.log(`${dialect}: ${run.rows.toLocaleString("en")} rows, ${(run.bytes / 1024 / 1024).toFixed(0)} MB of CSV, ${BENCH_COLUMNS.length} columns, in ${run.seconds.toFixed(1)} s using ${run.cpuSeconds.toFixed(1)} s of CPU in this process (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
      ctx.record({ bench: "export", dialect, what: `CSV export of ${count.toLocaleString("en")} members, rows/s`, value: run.rowsPerS, unit: "rows/s", baseline: { what: "raw streamed SELECT", value: raw }, bar: { op: ">=", value: BAR_ROWS_PER_S } });
      if (outfile !== null) ctx.record({ bench: "export", dialect, what: "the same rows by SELECT … INTO OUTFILE, rows/s", value: outfile, unit: "rows/s" });
      ctx.record({ bench: "export", dialect, what: "resident memory growth during the export", value: run.memoryGrowthMb, unit: "MB", bar: { op: "<=", value: BAR_MEMORY_MB } });
      figures = { rowsPerS: run.rowsPerS, memoryGrowthMb: run.memoryGrowthMb };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  }
  return figures;
}

/** Issue 17's figures together: the export, then the storefront lookup (bench/storefront.ts) in the same run. */
const bench = {
  name: "export",
  async run(ctx: BenchContext) {
    const { rowsPerS, memoryGrowthMb } = await benchExport(ctx);
    const { benchStorefront } = await import("./storefront");
    const { p95Ms } = await benchStorefront(ctx);
    return `export: rows_per_s=${Math.round(rowsPerS)} memory_growth_mb=${memoryGrowthMb.toFixed(1)} storefront_p95_ms=${p95Ms.toFixed(2)}`;
  },
};

export default bench;
