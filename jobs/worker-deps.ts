import type { Database } from "../models/db";
import type { Mailer } from "../models/notifications/mailer.server";
import type { SegmentEngine } from "../segments/engine.server";
import type { SenderSet } from "../campaigns/channels/current-senders.server";
import type { RenderDeliveries } from "../campaigns/sender.server";
import type { ChannelThrottles } from "../campaigns/throttle";
import type { JobQueue } from "./job-queue";
import type { ResolveAudience } from "./start-campaign";

export interface JobLog {
  info(detail: object, message: string): void;
  warn(detail: object, message: string): void;
  error(detail: object, message: string): void;
}

/** What the worker's jobs run with: the process's services, and a signal for when it stops. */
export interface WorkerDeps {
  db: Database;
  engine: SegmentEngine;
  queue: JobQueue;
  /** null: no SMTP server configured, emails stay in the outbox. */
  mailer: Mailer | null;
  publicUrl: string;
  /** A segment whose formation takes longer than this is announced to its creator (10 s). */
  longFormationMs: number;
  /** How often the change follower looks for changed customers. */
  followPollMs: number;
  log: JobLog;
  clock: () => Date;
  /** Aborted when the worker stops: jobs that never end on their own (the change follower) end then. */
  stopping: AbortSignal;
  /** Each channel's way out: its provider, or the outbox when the channel has no credentials; kept in line with the channels page. */
  channels: SenderSet;
  /** Fixes a campaign's audience when sending starts. */
  resolveAudience: ResolveAudience;
  /** Renders a claimed batch's messages from the campaign's templates. */
  renderDeliveries: RenderDeliveries;
  /** This worker's per-channel rates, shared by the campaigns it sends at once. */
  throttles: ChannelThrottles;
}
