// The console's background jobs by name: what the jobs page lists and the worker defines.
import type { StoredFile } from "../models/privacy/scrub-files.server";

export const JOB_NAMES = {
  /** One per recomputed segment (unique by segment id): repeating for dynamic and accumulating, once for a snapshot. */
  recomputeSegment: "recompute-segment",
  /** One for the whole store, always running on one worker: re-evaluates changed customers within seconds. */
  followCustomerChanges: "follow-customer-changes",
  /** A CSV import's dry run or import (unique by import id). */
  runImport: "run-import",
  /** Sends one outbox message. */
  deliverEmail: "deliver-email",
  /** Daily: deletes the API's idempotency keys past their 24-hour window. */
  pruneIdempotencyKeys: "prune-idempotency-keys",
  /** Daily: deletes segment events, size samples and feed reads older than the store's retention. */
  pruneSegmentHistory: "prune-segment-history",
  /** Fixes a scheduled campaign's audience at its first instant and starts sending (unique by campaign id). */
  startCampaign: "start-campaign",
  /** Sends a campaign's due messages in batches, then reschedules itself for the next due one (unique by campaign id). */
  sendCampaign: "send-campaign",
  /** One for the whole store, repeating: turns new segment events into automation firings. */
  followSegmentEvents: "follow-segment-events",
  /** One for the whole store, repeating: acts on due automation firings. */
  runAutomationFirings: "run-automation-firings",
  /** Writes a large export's file (unique by export id). */
  runExport: "run-export",
  /** Hourly: deletes the files of exports past their expiry. */
  pruneExports: "prune-exports",
  /** Deletes the files an erasure could not scrub or that were in use then (an import or export under way), once free. */
  removeErasureLeftovers: "remove-erasure-leftovers",
} as const;

export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

export interface RecomputeJobData {
  segmentId: number;
  /**
   * When the definition last changed (ISO 8601): the first recompute that starts after it forms the
   * segment, and its creator is told when a formation takes long.
   */
  formation?: string | null;
}

export interface ImportJobData {
  importId: number;
  mode: "check" | "import";
}

export interface DeliverEmailJobData {
  messageId: number;
}

export interface CampaignJobData {
  campaignId: number;
}

export interface ExportJobData {
  exportId: number;
}

export interface ErasureLeftoversJobData {
  /** By kind, id and path: never the erased values. */
  files: StoredFile[];
}
