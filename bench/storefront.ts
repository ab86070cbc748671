// Issue 17's storefront figure: GET /api/v1/storefront/customers/{externalId} on the real web app
// (Express with the Remix build, as `npm run web` serves it) over HTTP on loopback, for random
// customers of a 1M-customer demo store with 50 active, formed segments and a few hundred variants
// restricted to them. Beside it, on the same server in the same run and interleaved with it: a
// request to an empty handler behind the same Express middleware, the floor any route pays.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { QueryTypes } from "sequelize";
import type { Express } from "express";
import { authenticateApiKey, createApiKey } from "../models/api-keys.server";
import type { ConsoleServices } from "../models/context";
import { lookupStorefrontCustomer } from "../models/storefront/lookup.server";
import type { Dialect } from "../models/db";
import { seedDemoStore } from "../models/demo/seed";
import { bulkInsert } from "../models/sql/bulk";
import { recomputeSegment } from "../segments/recompute.server";
import { saveSegment } from "../segments/store.server";
import { createLogger } from "../server/logger";
import { createServices } from "../server/services";
import { createWebApp } from "../server/web";
import { BENCH_DEFINITIONS } from "./segment-definitions";
import { createBenchDatabase, percentile, type BenchContext, type BenchDatabase } from "./support";

const STORE = 1_000_000;
const SEGMENTS = 50;
const RESTRICTED_VARIANTS = 300;
/** Random customers drawn; each is asked once. */
const REQUESTS = 4_000;
const WARM_UP = 300;
const BAR_MS = 5;
const SEED = 42;
const NOW = new Date("2026-11-20T10:00:00Z");
const EMPTY_PATH = "/bench/empty";
const actor = { userId: null };

export interface StorefrontFigures {
  p95Ms: number;
  emptyP95Ms: number;
}

/** One GET over the kept-alive agent; resolves with the status, the body and the time to the last byte. */
function timedGet(agent: http.Agent, port: number, pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method: "GET", agent, headers: { "Accept-Encoding": "identity", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * An empty handler placed right before Remix's catch-all, so its requests pass the same middleware
 * (logging, security headers, compression, request checks) as the API's. Express 4 keeps its
 * layers in `_router.stack`; a route added after the catch-all would never be reached.
 */
function addEmptyHandler(app: Express): void {
  app.get(EMPTY_PATH, (_req, res) => {
    res.status(204).end();
  });
  const stack = (app as unknown as { _router: { stack: Array<{ route?: { path: string } }> } })._router.stack;
  const empty = stack.pop()!;
  const catchAll = stack.findIndex((layer) => layer.route?.path === "*");
  if (catchAll < 0) throw new Error("no catch-all route in the web app");
  stack.splice(catchAll, 0, empty);
}

async function formSegments(ctx: BenchContext, db: BenchDatabase, services: ConsoleServices): Promise<number[]> {
  const ids: number[] = [];
  const save = async (input: object) => {
    const saved = await saveSegment(db, input, actor);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    ids.push(saved.segment.id);
  };
  for (const d of BENCH_DEFINITIONS) await save({ name: d.code, code: d.code, type: "dynamic", ...d.rule });
  for (let i = ids.length; i < SEGMENTS; i++) {
    const base = BENCH_DEFINITIONS[i % BENCH_DEFINITIONS.length];
    await save({ name: `Variant ${i}`, code: `variant-${i}`, type: i % 3 === 0 ? "accumulating" : "dynamic", ...base.rule });
  }
  const started = performance.now();
  let members = 0;
  for (const id of ids) {
    const outcome = await recomputeSegment(services.segments, id, NOW, "manual");
    if (outcome.status !== "done") throw new Error(`segment ${id} not formed: ${JSON.stringify(outcome)}`);
    members += outcome.size;
  }
  ctx.log(`${ids.length} active segments formed in ${((performance.now() - started) / 1000).toFixed(1)} s, ${members.toLocaleString("en")} memberships`);
  return ids;
}

/** Restricts spread-out variants to one to three of the segments each. */
async function restrictVariants(db: BenchDatabase, segmentIds: number[]): Promise<number> {
  const variants = await db.sequelize.query<{ id: number }>("SELECT id FROM product_variants ORDER BY id", { type: QueryTypes.SELECT });
  const step = Math.max(1, Math.floor(variants.length / RESTRICTED_VARIANTS));
  const rows: Array<[number, number, Date]> = [];
  const now = new Date();
  for (let i = 0, n = 0; i < variants.length && n < RESTRICTED_VARIANTS; i += step, n++) {
    for (let k = 0; k <= n % 3; k++) rows.push([Number(variants[i].id), segmentIds[(n * 7 + k * 13) % segmentIds.length], now]);
  }
  await bulkInsert(db, "variant_segments", ["variant_id", "segment_id", "created_at"], rows);
  return Math.min(RESTRICTED_VARIANTS, Math.ceil(variants.length / step));
}

/** A web app on loopback over `db`, with the empty handler, as `npm run web` would serve it. */
export async function startWeb(db: BenchDatabase) {
  const services = createServices(db, createLogger("warn"), { dataDir: path.resolve("data"), publicUrl: "http://127.0.0.1", sessionSecret: "bench-session-secret-long-enough-to-use", secureCookies: false }, { processEveryMs: 60_000 });
  const app = await createWebApp({ services, trustProxy: false });
  addEmptyHandler(app);
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    services,
    port,
    agent,
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The demo store with its segments formed (through the web process's engine) and variants restricted. */
export async function prepareStorefrontStore(ctx: BenchContext, db: BenchDatabase, services: ConsoleServices, size: number): Promise<void> {
  const started = performance.now();
  await seedDemoStore(db, { customers: size, seed: SEED, now: NOW, log: () => {} });
  ctx.log(`${db.dialect}: demo store of ${size.toLocaleString("en")} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const segmentIds = await formSegments(ctx, db, services);
  await restrictVariants(db, segmentIds);
}

/** Times `work` `runs` times; its p50 and p95 in ms. */
async function timeRuns(runs: number, work: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work(i);
    ms.push(performance.now() - started);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** Measures the lookup on a prepared store; logs where its time goes. */
export async function measureStorefront(ctx: BenchContext, db: BenchDatabase, web: Awaited<ReturnType<typeof startWeb>>): Promise<StorefrontFigures> {
  const { agent, port } = web;
  const dialect = db.dialect;
  const { secret } = await createApiKey(db, { name: "shop", scopes: ["storefront"] }, actor);
  const auth = { Authorization: `Bearer ${secret}` };
  const [{ n: segmentCount }] = await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM segments WHERE is_active = 1 AND deleted_at IS NULL", { type: QueryTypes.SELECT });
  const [{ n: restricted }] = await db.sequelize.query<{ n: number }>("SELECT COUNT(DISTINCT variant_id) AS n FROM variant_segments", { type: QueryTypes.SELECT });
  const [{ lo, hi, n: size }] = await db.sequelize.query<{ lo: number; hi: number; n: number }>("SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM customers", { type: QueryTypes.SELECT });

  // random customers, drawn by id and read back with their external ids and memberships
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const drawn = Array.from({ length: REQUESTS }, () => Number(lo) + Math.floor(random() * (Number(hi) - Number(lo) + 1)));
  const customers = (await db.sequelize.query<{ id: number; external_id: string }>(`SELECT id, external_id FROM customers WHERE id IN (${[...new Set(drawn)].join(",")})`, { type: QueryTypes.SELECT })).map((r) => ({
    id: Number(r.id),
    externalId: String(r.external_id),
  }));
  const [{ n: memberships }] = await db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM segment_members WHERE customer_id IN (${customers.map((c) => c.id).join(",")})`, { type: QueryTypes.SELECT });
  ctx.log(`${customers.length} random customers, ${(Number(memberships) / customers.length).toFixed(1)} memberships each on average; ${Number(restricted)} restricted variants`);
  const lookupPath = (i: number) => `/api/v1/storefront/customers/${encodeURIComponent(customers[i % customers.length].externalId)}`;

  // the answers agree with the database before anything is timed
  for (const c of customers.slice(0, 25)) {
    const res = await timedGet(agent, port, `/api/v1/storefront/customers/${encodeURIComponent(c.externalId)}`, auth);
    if (res.status !== 200) throw new Error(`lookup answered ${res.status}: ${res.body.slice(0, 300)}`);
    const codes = (
      await db.sequelize.query<{ code: string }>("SELECT s.code FROM segment_members m JOIN segments s ON s.id = m.segment_id WHERE m.customer_id = ? AND s.is_active = 1 ORDER BY s.code", {
        replacements: [c.id],
        type: QueryTypes.SELECT,
      })
    ).map((r) => r.code);
    const answer = JSON.parse(res.body) as { segments: string[]; restrictedVariants: { visible: string[]; hidden: string[] } };
    if (JSON.stringify([...answer.segments].sort()) !== JSON.stringify(codes)) throw new Error(`${c.externalId}: answered ${answer.segments.join(",")}, the database has ${codes.join(",")}`);
    if (answer.restrictedVariants.visible.length + answer.restrictedVariants.hidden.length !== Number(restricted)) throw new Error(`${c.externalId}: ${JSON.stringify(answer.restrictedVariants)}`);
  }

  // each customer is asked once, in random order: a product page's visitors are not the last ones
  const lookups: number[] = [];
  const empties: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARM_UP + customers.length; i++) {
    const res = await timedGet(agent, port, lookupPath(i), auth);
    if (res.status !== 200) throw new Error(`lookup answered ${res.status}: ${res.body.slice(0, 300)}`);
    const empty = await timedGet(agent, port, EMPTY_PATH, auth);
    if (empty.status !== 204) throw new Error(`the empty handler answered ${empty.status}`);
    if (i < WARM_UP) continue;
    lookups.push(res.ms);
    empties.push(empty.ms);
    bytes += res.body.length;
  }
  const figures = { p95Ms: percentile(lookups, 95), emptyP95Ms: percentile(empties, 95) };

  // where the time goes: the parts of a lookup alone, in this process, on other customers than above
  const others = Array.from({ length: 1000 }, () => Number(lo) + Math.floor(random() * (Number(hi) - Number(lo) + 1)));
  const otherIds = (await db.sequelize.query<{ external_id: string }>(`SELECT external_id FROM customers WHERE id IN (${[...new Set(others)].join(",")})`, { type: QueryTypes.SELECT })).map((r) => String(r.external_id));
  const unknownPath = await timeRuns(1000, () => timedGet(agent, port, "/api/v1/nothing-here", auth));
  const keyOnly = await timeRuns(1000, () => authenticateApiKey(db, secret));
  const query = await timeRuns(otherIds.length, (i) => lookupStorefrontCustomer(db, otherIds[i]));
  const repeated = await timeRuns(1000, (i) => lookupStorefrontCustomer(db, otherIds[i % 20]));
  const load = os.loadavg()[0];
  ctx.log(
    `${dialect}: lookup p50 ${percentile(lookups, 50).toFixed(2)} ms, p99 ${percentile(lookups, 99).toFixed(2)} ms; empty p50 ${percentile(empties, 50).toFixed(2)} ms; answers ${Math.round(bytes / lookups.length)} bytes on average; load average ${load.toFixed(1)} on ${os.cpus().length} cores`,
  );
  ctx.log(
    `${dialect}: where the time goes (p50 / p95 ms): Remix's JSON 404 of an unknown API path ${unknownPath.p50.toFixed(2)} / ${unknownPath.p95.toFixed(2)}; the API key ${keyOnly.p50.toFixed(2)} / ${keyOnly.p95.toFixed(2)}; the lookup in process, new customers ${query.p50.toFixed(2)} / ${query.p95.toFixed(2)}, the same 20 again ${repeated.p50.toFixed(2)} / ${repeated.p95.toFixed(2)}`,
  );
  const label = `${(Number(size) / 1000).toLocaleString("en")}k customers, ${Number(segmentCount)} segments`;
  ctx.record({
    bench: "storefront",
    dialect,
    what: `lookup over HTTP, p95 ms (${label}, ${lookups.length} random)`,
    value: figures.p95Ms,
    unit: "ms",
    baseline: { what: "empty handler p95", value: figures.emptyP95Ms },
    bar: { op: "<=", value: BAR_MS },
  });
  ctx.record({ bench: "storefront", dialect, what: "empty Express handler, same server, p95 ms", value: figures.emptyP95Ms, unit: "ms" });
  return figures;
}

async function runOn(ctx: BenchContext, dialect: Dialect, size: number): Promise<StorefrontFigures> {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "store");
  const web = await startWeb(db);
  try {
    await prepareStorefrontStore(ctx, db, web.services, size);
    return await measureStorefront(ctx, db, web);
  } finally {
    await web.stop();
    await db.drop();
  }
}

/** The storefront lookup's p95 beside the empty handler's, on each dialect asked for; MariaDB's figures when it ran. */
export async function benchStorefront(ctx: BenchContext): Promise<StorefrontFigures> {
  if (!fs.existsSync("build/index.js")) {
    ctx.log("no Remix build yet: running remix build");
    const build = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("remix build failed");
  }
  const size = ctx.customers ?? STORE;
  let figures: StorefrontFigures | null = null;
  for (const dialect of ctx.dialects) figures = await runOn(ctx, dialect, size);
  if (!figures) throw new Error("no dialect to run on");
  return figures;
}

export default {
  name: "storefront",
  async run(ctx: BenchContext) {
    const { p95Ms, emptyP95Ms } = await benchStorefront(ctx);
    return `storefront: storefront_p95_ms=${p95Ms.toFixed(2)} empty_p95_ms=${emptyP95Ms.toFixed(2)}`;
  },
};
