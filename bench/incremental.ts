// Issue 5's incremental figure, end to end: the real HTTP server and the worker in one process (the
// `all` role), 50 active segments, and 1,000 customers changed by one POST /api/v1/customers/bulk
// so that each enters five segments and leaves five others. Timed from the call returning to the
// moment every expected entered/left event is in the database, over several rounds. Beside it, in
// the same run and on the same process: the bare bulk call, and the re-evaluation alone (catch-up
// of the fact index plus reevaluateCustomers on those ids, with the worker stopped), which is what
// the worker's change follower does once it has noticed the change.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import type { Job } from "agenda";
import { Op, QueryTypes } from "sequelize";
import { JOB_NAMES } from "../jobs/job-names";
import { segmentScheduleHooks } from "../jobs/segment-schedule";
import { createApiKey } from "../models/api-keys.server";
import type { Dialect } from "../models/db";
import { seedDemoStore } from "../models/demo/seed";
import { reevaluateCustomers } from "../segments/recompute.server";
import { saveSegment } from "../segments/store.server";
import { createLogger } from "../server/logger";
import { createServices } from "../server/services";
import { createWebApp } from "../server/web";
import { startWorker } from "../server/worker";
import { BENCH_DEFINITIONS } from "./segment-definitions";
import { createBenchDatabase, percentile, postBulkCustomers as post, type BenchContext } from "./support";

const STORE = 20_000;
const CHANGED = 1_000;
/** Segments each changed customer enters, and as many that it leaves, every round after the first. */
const FLIPPING = 5;
const ROUNDS = 10;
const BASELINE_ROUNDS = 4;
const BAR_MS = 2_000;
const SEED = 42;
const actor = { userId: null };

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function runOn(ctx: BenchContext, dialect: Dialect, size: number) {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "incr");
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
    const started = performance.now();
    await seedDemoStore(db, { customers: size, seed: SEED, now: new Date(), log: () => {} });
    ctx.log(`${dialect}: demo store of ${size.toLocaleString("en")} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // 50 active segments: the ten bench definitions, thirty variants of them (a third accumulating),
    // and ten on tags the bench flips, so that every changed customer enters or leaves those
    const hooks = segmentScheduleHooks(services.jobs);
    const save = async (input: object) => {
      const saved = await saveSegment(db, input, actor, undefined, hooks);
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
      return saved.segment.id;
    };
    for (const d of BENCH_DEFINITIONS) await save({ name: d.code, code: d.code, type: "dynamic", ...d.rule });
    for (let i = 0; i < 30; i++) {
      const base = BENCH_DEFINITIONS[i % BENCH_DEFINITIONS.length];
      await save({ name: `Variant ${i}`, code: `variant-${i}`, type: i % 3 === 0 ? "accumulating" : "dynamic", ...base.rule });
    }
    const flipIds: Record<"flip-0" | "flip-1", number[]> = { "flip-0": [], "flip-1": [] };
    for (const tag of ["flip-0", "flip-1"] as const) {
      for (let i = 0; i < FLIPPING; i++) {
        flipIds[tag].push(await save({ name: `Flip ${tag} ${i}`, code: `${tag}-${i}`, type: "dynamic", criteria: [{ field: "tag", values: [{ value: tag }] }] }));
      }
    }
    const allFlip = [...flipIds["flip-0"], ...flipIds["flip-1"]];
    const [{ n: active }] = await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM segments WHERE is_active = 1 AND type IN ('dynamic','accumulating') AND deleted_at IS NULL", {
      type: QueryTypes.SELECT,
    });

    // the worker forms every segment, and its change follower starts
    let followerStarted = false;
    services.jobs.agenda.on(`start:${JOB_NAMES.followCustomerChanges}`, (_job: Job) => (followerStarted = true));
    const formingStarted = performance.now();
    worker = await startWorker(services, { mailer: null });
    await until(async () => (await db.models.Segment.count({ where: { lastRecomputedAt: { [Op.is]: null }, deletedAt: { [Op.is]: null } } })) === 0, 300_000, "every segment formed", 100);
    await until(async () => followerStarted, 30_000, "the change follower");
    ctx.log(`${dialect}: ${Number(active)} active segments formed by the worker in ${((performance.now() - formingStarted) / 1000).toFixed(1)} s`);

    // the customers the bench changes, with their tags as they are
    const rows = await db.sequelize.query<{ id: number; external_id: string }>(
      `SELECT id, external_id FROM customers ORDER BY id LIMIT ${CHANGED} OFFSET ${Math.floor(size / 3)}`,
      { type: QueryTypes.SELECT },
    );
    const ids = rows.map((r) => Number(r.id));
    const tagRows = await db.sequelize.query<{ customer_id: number; name: string }>(
      `SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id IN (${ids.join(",")})`,
      { type: QueryTypes.SELECT },
    );
    const tags = new Map<number, string[]>(ids.map((id) => [id, []]));
    for (const r of tagRows) tags.get(Number(r.customer_id))!.push(r.name);
    const { secret } = await createApiKey(db, { name: "bench", scopes: ["customers:write"] }, { userId: null });
    const bodyFor = (round: number) =>
      Buffer.from(JSON.stringify({ customers: rows.map((r) => ({ externalId: r.external_id, tags: [...tags.get(Number(r.id))!, `flip-${round % 2}`] })) }));
    /** Entered + left events the round's change makes in the flipping segments. */
    const expectedEvents = (round: number) => (round === 0 ? FLIPPING * CHANGED : 2 * FLIPPING * CHANGED);
    const lastEventId = async () => Number((await db.sequelize.query<{ m: number | null }>("SELECT MAX(id) AS m FROM segment_events", { type: QueryTypes.SELECT }))[0].m ?? 0);
    const eventsAfter = async (after: number) =>
      Number(
        (
          await db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM segment_events WHERE id > :after AND segment_id IN (:segments)`, {
            replacements: { after, segments: allFlip },
            type: QueryTypes.SELECT,
          })
        )[0].n,
      );
    const call = async (round: number) => {
      const body = bodyFor(round);
      const sent = performance.now();
      const res = await post(agent, port, secret, body);
      const returned = performance.now();
      if (res.status !== 200) throw new Error(`bulk call answered ${res.status}: ${res.text.slice(0, 500)}`);
      return { callMs: returned - sent, returned };
    };

    // end to end, with the worker following changes as it does in production; when the follower's
    // catch-up of the fact index hands over the changed customers is noted, to split the time
    let noticedAt = 0;
    const unsubscribe = services.segments.onCustomersChanged((changed) => {
      if (changed.length >= CHANGED && noticedAt === 0) noticedAt = performance.now();
    });
    const noticed: number[] = [];
    const endToEnd: number[] = [];
    const calls: number[] = [];
    let round = 0;
    for (; round <= ROUNDS; round++) {
      const before = await lastEventId();
      noticedAt = 0;
      const { callMs, returned } = await call(round);
      const expected = expectedEvents(round);
      await until(async () => (await eventsAfter(before)) >= expected, 60_000, `round ${round}'s ${expected} events`, 5);
      const ms = performance.now() - returned;
      const got = await eventsAfter(before);
      if (got !== expected) throw new Error(`round ${round}: ${got} events, expected ${expected}`);
      // round 0 warms up (and only enters)
      if (round > 0) {
        endToEnd.push(ms);
        calls.push(callMs);
        noticed.push(noticedAt - returned);
      }
      ctx.log(`${dialect} round ${round}: bulk call ${callMs.toFixed(0)} ms, then ${expected.toLocaleString("en")} events in ${ms.toFixed(0)} ms (the follower had the changes after ${(noticedAt - returned).toFixed(0)} ms)`);
    }
    unsubscribe();

    // the same change with the worker stopped: the bare call, then the re-evaluation alone
    await worker.stop(10_000);
    worker = null;
    const alone: number[] = [];
    for (let i = 0; i < BASELINE_ROUNDS; i++, round++) {
      const before = await lastEventId();
      const { callMs } = await call(round);
      calls.push(callMs);
      const t = performance.now();
      await services.segments.catchUp();
      const outcome = await reevaluateCustomers(services.segments, ids, new Date());
      alone.push(performance.now() - t);
      const got = await eventsAfter(before);
      if (got !== expectedEvents(round)) throw new Error(`baseline round ${round}: ${got} events, expected ${expectedEvents(round)} (${JSON.stringify(outcome)})`);
    }

    const label = `${(size / 1000).toLocaleString("en")}k customers, ${Number(active)} segments`;
    ctx.log(`${dialect}: end to end ${endToEnd.map((v) => v.toFixed(0)).join(", ")} ms; re-evaluation alone ${alone.map((v) => v.toFixed(0)).join(", ")} ms`);
    ctx.log(`${dialect}: the follower had the changes ${percentile(noticed, 50).toFixed(0)} ms (p50) after the call returned (it polls every 200 ms)`);
    ctx.record({
      bench: "incremental",
      dialect,
      what: `1,000 changed via API → events, p50 ms (${label})`,
      value: percentile(endToEnd, 50),
      unit: "ms",
      baseline: { what: "re-evaluation alone p50", value: percentile(alone, 50) },
    });
    ctx.record({
      bench: "incremental",
      dialect,
      what: `1,000 changed via API → events, p95 ms (${endToEnd.length} rounds)`,
      value: percentile(endToEnd, 95),
      unit: "ms",
      baseline: { what: "re-evaluation alone p95", value: percentile(alone, 95) },
      bar: { op: "<=", value: BAR_MS },
    });
    ctx.record({ bench: "incremental", dialect, what: `the bare bulk call of 1,000 customers, p50 ms`, value: percentile(calls, 50), unit: "ms" });
  } finally {
    await worker?.stop(10_000);
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  }
}

export default {
  name: "incremental",
  async run(ctx: BenchContext) {
    if (!fs.existsSync("build/index.js")) {
      ctx.log("no Remix build yet: running remix build");
      const build = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
      if (build.status !== 0) throw new Error("remix build failed");
    }
    const size = ctx.customers ?? STORE;
    for (const dialect of ctx.dialects) await runOn(ctx, dialect, size);
  },
};
