// The segment pages and the segment API reach the segment engine's functions through here (docs/decisions/0002).
import { MembersChangedError } from "../../segments/recompute.server";
import { isConflict } from "../../models/idempotency.server";
export { saveSegment, checkDefinition, getSegment, getSegmentByCode, listSegments, segmentsUsing, deleteSegment, ruleOf } from "../../segments/store.server";
export { referencedCodes } from "../../segments/validate.server";
export { recomputeSegment } from "../../segments/recompute.server";
export { addMembers, removeMembers } from "../../segments/manual.server";
export { editImpact } from "../../segments/impact.server";
export { previewWithReasons } from "../../segments/preview-reasons.server";
export { whyCustomerIsIn } from "../../segments/why.server";
export { listSegmentMembers, MEMBER_PAGE_MAX } from "../../models/segments/members.server";
export { listRecomputes } from "../../models/segments/recomputes.server";
export { latestSegmentEvents, segmentEventsSince, customerSegmentEvents } from "../../models/segments/events.server";
export { sizeSeries } from "../../models/segments/sizes.server";
export { segmentVocabulary } from "../../models/segments/vocabulary.server";
export { customerIdsByExternalId, membersAmong } from "../../models/segments/customer-ids.server";
export { listCustomers } from "../../models/customers/list.server";
export { storeCountry } from "../../models/customers/store-country";
export { getStoreSettings } from "../../models/store.server";
export { readTimestamp } from "../../models/sql/bulk";
export { saveThenCompute } from "../../segments/save-then-compute.server";
export { segmentScheduleHooks } from "../../jobs/segment-schedule";
export { announceIfLong } from "../../jobs/announce-formation";

/** A recompute that met another of the same segment (members changed under it, a duplicate member, a deadlock): it rolled back whole. */
export function isRecomputeConflict(error: unknown): boolean {
  return error instanceof MembersChangedError || isConflict(error);
}
