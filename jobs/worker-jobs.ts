import type { Agenda } from "agenda";
import { defineDeliverEmail } from "./deliver-email";
import { defineFollowCustomerChanges } from "./follow-customer-changes";
import { definePruneIdempotencyKeys } from "./prune-idempotency-keys";
import { definePruneSegmentHistory } from "./prune-segment-history";
import { defineRecomputeSegment } from "./recompute-segment";
import { defineRunImport } from "./run-import";
import { defineSendCampaign } from "./send-campaign";
import { defineStartCampaign } from "./start-campaign";
import { defineFollowSegmentEvents } from "./follow-segment-events";
import { defineRunAutomationFirings } from "./run-automation-firings";
import { definePruneExports, defineRunExport } from "./run-export";
import { defineRemoveErasureLeftovers } from "./erasure-leftovers";
import type { WorkerDeps } from "./worker-deps";

/** Defines every job a worker runs on its Agenda. */
export function defineWorkerJobs(agenda: Agenda, deps: WorkerDeps): void {
  defineRecomputeSegment(agenda, deps);
  defineFollowCustomerChanges(agenda, deps);
  defineRunImport(agenda, deps);
  defineDeliverEmail(agenda, deps);
  definePruneIdempotencyKeys(agenda, deps);
  definePruneSegmentHistory(agenda, deps);
  defineStartCampaign(agenda, deps);
  defineSendCampaign(agenda, deps);
  defineFollowSegmentEvents(agenda, deps);
  defineRunAutomationFirings(agenda, deps);
  defineRunExport(agenda, deps);
  definePruneExports(agenda, deps);
  defineRemoveErasureLeftovers(agenda, deps);
}
