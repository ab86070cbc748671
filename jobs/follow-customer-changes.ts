// The incremental recompute: customers changed through the API or an import are re-evaluated
// against every active segment within a second or two. One job for the whole store, always
// running on one worker at a time; when that worker dies, its lock expires and another takes over.
import type { Agenda, Job } from "agenda";
import { QueryTypes } from "sequelize";
import type { SegmentEngine } from "../segments/engine.server";
import { isRecomputeConflict, reevaluateCustomers } from "../segments/recompute.server";
import { readChangeLogPosition, saveChangeLogPosition } from "./change-log-position";
import { JOB_NAMES } from "./job-names";
import { recomputeAllNow } from "./segment-schedule";
import type { JobQueue } from "./job-queue";
import type { JobLog, WorkerDeps } from "./worker-deps";

/** The follower's name in change_log_positions. */
export const FOLLOWER = "incremental-recompute";
/** How long the follower's lock lasts untouched: also how long a dead worker's follower is missed. */
export const FOLLOW_LOCK_MS = 30_000;
/** The job is due this often; it runs until its worker stops, so this only matters after a stop or a failure. */
export const FOLLOW_EVERY_MS = 5_000;

export interface FollowOptions {
  engine: SegmentEngine;
  queue: JobQueue;
  signal: AbortSignal;
  clock: () => Date;
  /** Keeps the job's lock; called at least every `touchEveryMs`. */
  touch: () => Promise<void>;
  touchEveryMs: number;
  pollMs: number;
  log: JobLog;
  /** Customers re-evaluated per transaction. */
  chunk?: number;
  /** A backlog at start larger than this recomputes every segment instead (cheaper than customer by customer). */
  fullRecomputeAbove?: number;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs until `signal` aborts: each catch-up of the fact index hands over the customers it applied,
 * and they are re-evaluated against every active dynamic and accumulating segment. Re-evaluating a
 * customer twice records nothing twice (it compares with the stored members), so after a restart
 * the follower simply starts again from the position it last saved.
 */
export async function followCustomerChanges(options: FollowOptions): Promise<void> {
  const { engine, signal, clock, log } = options;
  const db = engine.db;
  const chunk = options.chunk ?? 2_000;
  const pending = new Set<number>();
  // the change-log id below which every delivered change is in `pending` or done
  let delivered = 0;
  let saved = -1;
  let lastTouch = Date.now();
  const unsubscribe = engine.onCustomersChanged((ids, watermark) => {
    for (const id of ids) pending.add(id);
    delivered = Math.max(delivered, watermark);
  });
  const keepLock = async () => {
    if (Date.now() - lastTouch < options.touchEveryMs) return;
    await options.touch();
    lastTouch = Date.now();
  };
  try {
    const index = await engine.ready();
    delivered = Math.max(delivered, index.watermark);
    // no position: no follower ever ran here, and changes written by web processes before it (the
    // whole log) were never re-evaluated; re-evaluating one already counted records nothing
    const position = (await readChangeLogPosition(db, FOLLOWER)) ?? 0;
    if (position < index.watermark) {
      // changes made while no follower ran (or that the last one had not finished) are already in the
      // freshly built index, but nobody has re-evaluated their customers yet
      const limit = options.fullRecomputeAbove ?? 50_000;
      const rows = (await db.sequelize.query("SELECT DISTINCT customer_id AS id FROM customer_changes WHERE id > :from AND id <= :to LIMIT :limit", {
        replacements: { from: position, to: index.watermark, limit: limit + 1 },
        type: QueryTypes.SELECT,
      })) as Array<{ id: number }>;
      if (rows.length > limit) {
        log.info({ from: position, to: index.watermark }, "change backlog too large for the follower: every segment recomputes now");
        await recomputeAllNow(options.queue, clock());
      } else {
        for (const row of rows) pending.add(Number(row.id));
      }
    }
    while (!signal.aborted) {
      let idle = false;
      try {
        await engine.catchUp();
        if (pending.size === 0) {
          if (delivered !== saved) {
            await saveChangeLogPosition(db, FOLLOWER, delivered, clock());
            saved = delivered;
          }
          idle = true;
        } else {
          const reached = delivered;
          const ids: number[] = [];
          for (const id of pending) {
            ids.push(id);
            pending.delete(id);
            if (ids.length >= chunk) break;
          }
          try {
            const outcome = await reevaluateCustomers(engine, ids, clock());
            // skipped while broken, logged once: when first found so
            for (const u of outcome.unevaluable) {
              if (u.isFirstReport) log.error({ segmentId: u.segmentId, code: u.code, reason: u.error }, "a segment cannot be evaluated; it is skipped until it can");
            }
          } catch (error) {
            for (const id of ids) pending.add(id);
            throw error;
          }
          if (pending.size === 0) {
            await saveChangeLogPosition(db, FOLLOWER, reached, clock());
            saved = reached;
          }
        }
      } catch (error) {
        if (signal.aborted) break;
        // meeting a recompute that writes the same members is expected now and then; the round runs again
        if (isRecomputeConflict(error)) log.warn({ reason: error instanceof Error ? error.message : String(error) }, "the change follower met a recompute writing the same members; it tries again");
        else log.error({ err: error }, "the change follower failed a round; it tries again");
        idle = true;
      }
      // outside the try: a touch that fails (the lock was lost) ends the job
      await keepLock();
      if (idle) await pause(options.pollMs, signal);
    }
  } finally {
    unsubscribe();
  }
}

export function defineFollowCustomerChanges(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.followCustomerChanges,
    async (job: Job) => {
      deps.log.info({}, "following customer changes");
      await followCustomerChanges({
        engine: deps.engine,
        queue: deps.queue,
        signal: deps.stopping,
        clock: deps.clock,
        touch: () => job.touch(),
        touchEveryMs: FOLLOW_LOCK_MS / 4,
        pollMs: deps.followPollMs,
        log: deps.log,
      });
      // this worker is stopping: due again at once, so another worker takes over at its next poll
      // rather than when the repeat interval (counted from this run's start) comes round
      if (deps.stopping.aborted) job.attrs.nextRunAt = deps.clock();
    },
    { concurrency: 1, lockLimit: 1, lockLifetime: FOLLOW_LOCK_MS },
  );
}
