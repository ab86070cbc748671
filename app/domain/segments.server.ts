// The segment pages and the segment API reach the segment engine's functions through here (docs/decisions/0002).
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
