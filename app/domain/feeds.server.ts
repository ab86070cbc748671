// The feed pages, the feed URL and the feed API reach feeds and history retention through here (docs/decisions/0002).
export {
  enableFeed,
  rotateFeed,
  revokeFeed,
  setFeedFormats,
  getFeedState,
  feedLinkStates,
  openFeed,
  logFeedRead,
  latestFeedReads,
} from "../../models/feeds/feeds.server";
export { getHistoryRetentionDays, historyKeptSince, updateHistoryRetention, eventsPrunedThrough } from "../../models/segments/retention.server";
export { listSegmentMembers } from "../../models/segments/members.server";
export { segmentEventsSince, latestSegmentEventId } from "../../models/segments/events.server";
export { escapeFormula } from "../../models/imports/error-report.server";
