// Issue 16's automations figure, end to end: the real HTTP server and the worker in one process (the
// `all` role, the outbox for every channel as a store without credentials has). 10,000 customers
// are made first; then two POST /api/v1/customers/bulk calls (5,000 records each, the API's limit)
// tag all of them at once, so that all enter a dynamic segment on that tag. Two automations are on
// the segment: an email through the automation's hidden campaign (the outbox), and a task for the
// customer's manager (with the bell notification and the manager's outbox email). Timed from the
// first call to every firing acted on (done or skipped, its delivery or task row written), with the
// phases logged apart; then, apart, until the hidden campaign's sender has stored every message in
// the outbox (throttled by the outbox's own rate). Duplicates are counted from the database.
// Beside the figure: the raw time to INSERT the same firing, delivery and task rows as multi-row
// statements into copies of those tables, with nothing else.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { Op, QueryTypes } from "sequelize";
import { createAutomation } from "../automations/automations.server";
import { segmentScheduleHooks } from "../jobs/segment-schedule";
import { createApiKey } from "../models/api-keys.server";
import type { Database, Dialect } from "../models/db";
import { bulkInsert, type SqlValue } from "../models/sql/bulk";
import { createUser } from "../models/users.server";
import { BULK_LIMIT } from "../models/ingest/schemas";
import { saveSegment } from "../segments/store.server";
import { createLogger } from "../server/logger";
import { createServices } from "../server/services";
import { createWebApp } from "../server/web";
import { startWorker } from "../server/worker";
import { createBenchDatabase, postBulkCustomers as post, type BenchContext } from "./support";

const CUSTOMERS = 10_000;
const MANAGERS = 5;
const BAR_S = 30;
const TAG = "bench-enter";
const TIMEOUT_MS = 20 * 60_000;
const actor = { userId: null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function count(db: Database, sql: string, replacements: Record<string, unknown> = {}): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number | string | null }>(sql, { replacements, type: QueryTypes.SELECT });
  return Number(row?.n ?? 0);
}

/**
 * Actions recorded more than once, from the database: per (automation, customer) a second done
 * firing, delivery or task (each customer enters once here, and both automations fire once ever),
 * outbox messages per delivery, tasks per firing, and the task emails per (manager, customer).
 */
async function duplicates(db: Database, automationIds: number[], campaignId: number): Promise<Record<string, number>> {
  const over = (inner: string) => count(db, `SELECT COUNT(*) AS n FROM (${inner}) AS d`, { automationIds, campaignId });
  return {
    "done firings per (automation, customer, event)": await over(
      "SELECT automation_id, customer_id, event_kind FROM automation_firings WHERE automation_id IN (:automationIds) AND status = 'done' GROUP BY automation_id, customer_id, event_kind HAVING COUNT(*) > 1",
    ),
    "deliveries per customer": await over("SELECT customer_id FROM campaign_deliveries WHERE campaign_id = :campaignId GROUP BY customer_id HAVING COUNT(*) > 1"),
    "outbox messages per delivery": await over(
      "SELECT o.delivery_id FROM outbox_messages o JOIN campaign_deliveries d ON d.id = o.delivery_id WHERE d.campaign_id = :campaignId GROUP BY o.delivery_id HAVING COUNT(*) > 1",
    ),
    "tasks per (automation, customer)": await over("SELECT automation_id, customer_id FROM tasks WHERE automation_id IN (:automationIds) GROUP BY automation_id, customer_id HAVING COUNT(*) > 1"),
    "tasks per firing": await over("SELECT firing_id FROM tasks WHERE automation_id IN (:automationIds) GROUP BY firing_id HAVING COUNT(*) > 1"),
    "task emails per (manager, customer)": await over(
      "SELECT user_id, customer_id FROM outbox_messages WHERE purpose = 'notification' AND customer_id IS NOT NULL GROUP BY user_id, customer_id HAVING COUNT(*) > 1",
    ),
  };
}

/** An empty copy of `table` with its indexes (no foreign keys), for the raw bound. */
async function copyTable(db: Database, table: string, copy: string): Promise<void> {
  if (db.dialect === "mysql") {
    await db.sequelize.query(`CREATE TABLE \`${copy}\` LIKE \`${table}\``);
    return;
  }
  const rows = await db.sequelize.query<{ type: string; name: string; sql: string | null }>(
    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :table AND sql IS NOT NULL ORDER BY type DESC",
    { replacements: { table }, type: QueryTypes.SELECT },
  );
  for (const r of rows) {
    let sql = r.sql!;
    if (r.type === "table") sql = sql.replace(/^CREATE TABLE\s+[`"]?\w+[`"]?/i, `CREATE TABLE "${copy}"`).replace(/,\s*FOREIGN KEY[^,)]*\)[^,)]*REFERENCES[^,)]*\([^)]*\)[^,)]*/gi, "").replace(/\s+REFERENCES\s+[`"]?\w+[`"]?\s*\([^)]*\)(\s+ON (DELETE|UPDATE) (SET NULL|CASCADE|NO ACTION|RESTRICT))*/gi, "");
    else sql = sql.replace(/^CREATE (UNIQUE )?INDEX\s+[`"]?(\w+)[`"]?\s+ON\s+[`"]?\w+[`"]?/i, (_m, unique: string | undefined, name: string) => `CREATE ${unique ?? ""}INDEX "${copy}_${name}" ON "${copy}"`);
    await db.sequelize.query(sql);
  }
}

/**
 * The raw lower bound: the firing, delivery and task rows the run wrote, read back and inserted
 * again as multi-row INSERTs (as few statements as fit) into empty copies of their tables, in one
 * transaction. Seconds.
 */
async function rawBound(db: Database, automationIds: number[], campaignId: number, log: (line: string) => void): Promise<number> {
  const tables: Array<{ table: string; where: string }> = [
    { table: "automation_firings", where: "automation_id IN (:automationIds)" },
    { table: "campaign_deliveries", where: "campaign_id = :campaignId" },
    { table: "tasks", where: "automation_id IN (:automationIds)" },
  ];
  const loaded: Array<{ copy: string; columns: string[]; rows: SqlValue[][] }> = [];
  for (const { table, where } of tables) {
    const copy = `raw_${table}`;
    await copyTable(db, table, copy);
    const found = await db.sequelize.query<Record<string, SqlValue>>(`SELECT * FROM ${table} WHERE ${where}`, { replacements: { automationIds, campaignId }, type: QueryTypes.SELECT });
    const columns = found.length ? Object.keys(found[0]).filter((c) => c !== "id") : [];
    loaded.push({ copy, columns, rows: found.map((r) => columns.map((c) => r[c])) });
  }
  const started = performance.now();
  await db.sequelize.transaction(async (transaction) => {
    for (const { copy, columns, rows } of loaded) await bulkInsert(db, copy, columns, rows, { transaction });
  });
  const seconds = (performance.now() - started) / 1000;
  log(`raw bound: ${loaded.map((l) => `${l.rows.length.toLocaleString("en")} ${l.copy.slice(4)}`).join(" + ")} rows inserted in ${seconds.toFixed(2)} s`);
  for (const { copy } of loaded) await db.sequelize.query(`DROP TABLE ${copy}`);
  return seconds;
}

async function runOn(ctx: BenchContext, dialect: Dialect, size: number) {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "auto");
  const log = createLogger("warn");
  const services = createServices(db, log, { dataDir: path.resolve("data"), publicUrl: "http://127.0.0.1", sessionSecret: "bench-session-secret-long-enough-to-use", secureCookies: false }, { processEveryMs: 200 });
  const app = await createWebApp({ services, trustProxy: false });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    const managers: string[] = [];
    for (let i = 0; i < MANAGERS; i++) {
      const email = `manager-${i}@bench.test`;
      await createUser(db, { email, name: `Manager ${i}`, password: "x".repeat(12), role: "manager" });
      managers.push(email);
    }
    const marketer = await createUser(db, { email: "marketer@bench.test", name: "Marketer", password: "x".repeat(12), role: "marketer" });
    const { secret } = await createApiKey(db, { name: "bench", scopes: ["customers:write"] }, actor);
    const calls = (records: (i: number) => object) => {
      const bodies: Buffer[] = [];
      for (let from = 0; from < size; from += BULK_LIMIT) {
        const customers = Array.from({ length: Math.min(BULK_LIMIT, size - from) }, (_, k) => records(from + k));
        bodies.push(Buffer.from(JSON.stringify({ customers })));
      }
      return bodies;
    };
    const send = async (bodies: Buffer[]) => {
      for (const body of bodies) {
        const res = await post(agent, port, secret, body);
        if (res.status !== 200) throw new Error(`bulk call answered ${res.status}: ${res.text.slice(0, 500)}`);
      }
    };

    worker = await startWorker(services, { mailer: null });
    // the customers, not yet in the segment: subscribed by email, each with a manager
    let t = performance.now();
    await send(
      calls((i) => ({
        externalId: `bench-${i}`,
        firstName: `Ana${i}`,
        email: `ana${i}@bench.test`,
        acceptsMarketing: true,
        managerEmail: managers[i % MANAGERS],
        channels: { email: { subscribed: true } },
      })),
    );
    ctx.log(`${dialect}: ${size.toLocaleString("en")} customers made through the bulk API in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const saved = await saveSegment(db, { name: "Bench entering", code: "bench-entering", type: "dynamic", criteria: [{ field: "tag", values: [{ value: TAG }] }] }, actor, undefined, segmentScheduleHooks(services.jobs));
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const segmentId = saved.segment.id;
    await until(async () => (await db.models.Segment.count({ where: { id: segmentId, lastRecomputedAt: { [Op.ne]: null } } })) === 1, 120_000, "the segment formed");

    const automation = async (input: object) => {
      const made = await createAutomation(db, { trigger: { segmentId, kind: "entered" }, cap: { kind: "once" }, ...input }, { userId: marketer.id }, new Date(), { queue: services.jobs });
      if (!made.ok) throw new Error(JSON.stringify(made));
      return made.automation.id;
    };
    const messageId = await automation({
      name: "Bench welcome",
      action: { kind: "message", channels: ["email"], templates: { email: { subject: "Welcome, {{ customer.first_name }}", htmlBody: "<p>Glad to see you, {{ customer.first_name }}</p>" } } },
    });
    const taskId = await automation({ name: "Bench call", action: { kind: "task", title: "Call the new regular", description: "Call {{ customer.first_name }} and say thanks", dueInHours: 24 } });
    const automationIds = [messageId, taskId];
    const campaign = await db.models.Campaign.findOne({ where: { automationId: messageId }, raw: true });
    if (!campaign) throw new Error("the message automation has no hidden campaign");
    const expected = size * automationIds.length;
    const since = await count(db, "SELECT COALESCE(MAX(id), 0) AS n FROM segment_events");
    // the change follower has had the customers' creation; start from a quiet worker
    await sleep(3_000);

    // timed: the calls that tag everyone, then the worker until every firing has acted
    const bodies = calls((i) => ({ externalId: `bench-${i}`, tags: [TAG] }));
    const phases: Record<string, number> = {};
    const started = performance.now();
    const at = () => (performance.now() - started) / 1000;
    await send(bodies);
    phases["bulk calls returned"] = at();
    const ids = { automationIds, segmentId, since, campaignId: campaign.id };
    let events = 0;
    let firings = 0;
    let open = expected;
    let lastLog = 0;
    await until(
      async () => {
        if (events < size) {
          events = await count(db, "SELECT COUNT(*) AS n FROM segment_events WHERE segment_id = :segmentId AND id > :since AND kind = 'entered'", ids);
          if (events >= size) phases["every customer's entered event"] ??= at();
        }
        if (firings < expected) {
          firings = await count(db, "SELECT COUNT(*) AS n FROM automation_firings WHERE automation_id IN (:automationIds)", ids);
          if (firings >= expected) phases["every firing written"] ??= at();
        }
        open = firings ? await count(db, "SELECT COUNT(*) AS n FROM automation_firings WHERE automation_id IN (:automationIds) AND status IN ('pending', 'claimed')", ids) : expected;
        if (at() - lastLog >= 10) {
          lastLog = at();
          ctx.log(`${dialect} … ${lastLog.toFixed(0)} s: ${events} events, ${firings} firings, ${firings - open} acted on`);
        }
        return firings >= expected && open === 0;
      },
      TIMEOUT_MS,
      "every firing acted on",
    );
    const seconds = at();
    phases["every firing acted on"] = seconds;
    await until(async () => (await count(db, "SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = :campaignId AND status IN ('queued', 'in_flight')", ids)) === 0, TIMEOUT_MS, "every message sent");
    phases["every message stored in the outbox by the campaign sender"] = at();
    await worker.stop(30_000);
    worker = null;
    ctx.log(`${dialect}: ${Object.entries(phases).map(([what, s]) => `${what} ${s.toFixed(1)} s`).join("; ")}`);

    const outcomes = await db.sequelize.query<{ automation_id: number; status: string; skip_reason: string | null; n: number }>(
      "SELECT automation_id, status, skip_reason, COUNT(*) AS n FROM automation_firings WHERE automation_id IN (:automationIds) GROUP BY automation_id, status, skip_reason",
      { replacements: ids, type: QueryTypes.SELECT },
    );
    ctx.log(`${dialect}: firings ${outcomes.map((o) => `${Number(o.automation_id) === messageId ? "message" : "task"} ${o.status}${o.skip_reason ? ` (${o.skip_reason})` : ""} ${Number(o.n)}`).join(", ")}`);
    const made = {
      deliveries: await count(db, "SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = :campaignId", ids),
      sent: await count(db, "SELECT COUNT(*) AS n FROM outbox_messages o JOIN campaign_deliveries d ON d.id = o.delivery_id WHERE d.campaign_id = :campaignId", ids),
      tasks: await count(db, "SELECT COUNT(*) AS n FROM tasks WHERE automation_id IN (:automationIds)", ids),
      taskEmails: await count(db, "SELECT COUNT(*) AS n FROM outbox_messages WHERE purpose = 'notification'"),
    };
    ctx.log(`${dialect}: ${made.deliveries} deliveries (${made.sent} in the outbox), ${made.tasks} tasks, ${made.taskEmails} task emails`);
    const twice = await duplicates(db, automationIds, campaign.id);
    ctx.log(`${dialect}: recorded twice: ${Object.entries(twice).map(([what, n]) => `${what} ${n}`).join(", ")}`);
    const duplicated = Object.values(twice).reduce((a, b) => a + b, 0);
    const missing = size - made.deliveries + (size - made.tasks);
    if (missing !== 0) ctx.log(`${dialect}: WARNING ${missing} actions missing (skipped firings: see above)`);

    const raw = await rawBound(db, automationIds, campaign.id, (line) => ctx.log(`${dialect}: ${line}`));
    ctx.record({
      bench: "automations",
      dialect,
      what: `${size.toLocaleString("en")} enter via API × 2 automations → acted, s`,
      value: seconds,
      unit: "s",
      baseline: { what: "raw INSERT of the same rows", value: raw },
      bar: dialect === "mysql" ? { op: "<=", value: BAR_S } : undefined,
    });
    ctx.record({ bench: "automations", dialect, what: "… and every message in the outbox, s", value: phases["every message stored in the outbox by the campaign sender"], unit: "s" });
    ctx.record({ bench: "automations", dialect, what: "actions recorded twice", value: duplicated, unit: "rows", bar: { op: "<=", value: 0 } });
    return { seconds, duplicated };
  } finally {
    await worker?.stop(10_000);
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  }
}

/** Returns the closing line `automations: seconds=S duplicates=D`: on MariaDB (SQLite with --sqlite-only), as the campaign bench. */
async function run(ctx: BenchContext): Promise<string> {
  if (!fs.existsSync("build/index.js")) {
    ctx.log("no Remix build yet: running remix build");
    const build = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("remix build failed");
  }
  const dialect: Dialect = ctx.dialects.includes("mysql") ? "mysql" : "sqlite";
  const { seconds, duplicated } = await runOn(ctx, dialect, ctx.customers ?? CUSTOMERS);
  return `automations: seconds=${seconds.toFixed(1)} duplicates=${duplicated}`;
}

export default { name: "automations", run };
