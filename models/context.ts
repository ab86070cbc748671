import type { Logger } from "pino";
import type { Database } from "./db";
// type only: the engine is made by the server and handed to the routes (docs/decisions/0001)
import type { SegmentEngine } from "../segments/engine.server";
import type { JobQueue } from "../jobs/job-queue";
import type { WebhookSecrets } from "../campaigns/inbound/secrets";
import type { ChannelEnv } from "../campaigns/channels/senders.server";

/** What the web process hands every loader and action: one instance per process, made at start. */
export interface ConsoleServices {
  db: Database;
  log: Logger;
  /** This process's segment engine: its fact index serves previews and recomputes. */
  segments: SegmentEngine;
  /** The job queue: every process enqueues; worker processes also run the jobs. */
  jobs: JobQueue;
  config: {
    dataDir: string;
    publicUrl: string;
    sessionSecret: string;
    secureCookies: boolean;
    /** What the providers' webhooks are verified with; absent, every webhook answers 404. */
    webhooks?: WebhookSecrets;
    /** The channels' provider variables from the environment; absent: none (the channels page and senders use saved settings, else the outbox). */
    channels?: ChannelEnv;
    /** Reads of one secret feed allowed per minute in this process (FEED_READS_PER_MINUTE; default 60). */
    feedReadsPerMinute?: number;
  };
}

/**
 * A value kept per console (rate limits, caches): made at its first use by that console's services
 * and gone with them. Module-level state would be shared by every console in the process, as the
 * test files in one worker are.
 */
export function perConsole<T>(make: (services: ConsoleServices) => T): (services: ConsoleServices) => T {
  const kept = new WeakMap<ConsoleServices, T>();
  return (services) => {
    if (!kept.has(services)) kept.set(services, make(services));
    return kept.get(services)!;
  };
}
