// The campaign pages, the outbox pages and the campaign API reach their data through here
// (docs/decisions/0002). Calls into the parts of issue 15 built elsewhere go through the seam,
// app/routes/campaigns.ui/domain.server.ts.
export { checkCampaign, createCampaign, updateCampaign, getCampaign, listCampaigns, deleteCampaign, duplicateCampaign, editRefusal } from "../../campaigns/campaigns.server";
export { deliveryCounts, listRecipients, recipientsCsv } from "../../campaigns/report.server";
export { deliveryTimeline } from "../../campaigns/report-timeline.server";
export { searchOutbox, campaignOfDelivery, getOutboxEntry } from "../../models/notifications/outbox-search.server";
export { listSegments } from "../../segments/store.server";
export { getStoreSettings } from "../../models/store.server";
export { getMarketingSettings } from "../../models/marketing-settings.server";
export { writeOnce, answerOnce } from "../../models/idempotency.server";
