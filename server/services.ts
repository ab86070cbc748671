import os from "node:os";
import type { Logger } from "pino";
import type { Database } from "../models/db";
import type { ConsoleServices } from "../models/context";
import { SegmentEngine } from "../segments/engine.server";
import { JobQueue } from "../jobs/job-queue";

export interface QueueOptions {
  /** Names this process in the jobs it locks; host and pid by default. */
  name?: string;
  /** How often a worker looks for due jobs (default 1 s). */
  processEveryMs?: number;
}

/** The services of one process (the server's, a test's, a bench's), made around an open database. */
export function createServices(db: Database, log: Logger, config: ConsoleServices["config"], queue: QueueOptions = {}): ConsoleServices {
  const segments = new SegmentEngine(db, { log: (message, detail) => log.info(detail ?? {}, message) });
  const jobs = new JobQueue(db, { name: queue.name ?? `${os.hostname()}:${process.pid}`, processEveryMs: queue.processEveryMs ?? 1_000 });
  return { db, log, segments, jobs, config };
}
