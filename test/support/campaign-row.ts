// A campaign row written straight to the table, for tests and the bench that need a campaign to
// send or to point deliveries at without going through the form or the API (no templates, no checks).
import type { Database } from "../../models/db";
import type { CampaignRow } from "../../models/campaign-models";

/** A draft to email, sent at once in the store's zone with the store's quiet hours, unless `fields` say otherwise. */
export function addCampaignRow(db: Pick<Database, "models">, now: Date, fields: Partial<Record<keyof CampaignRow, unknown>> = {}): Promise<CampaignRow> {
  return db.models.Campaign.create({
    name: "Spring sale",
    status: "draft",
    channels: "email",
    includeSegmentIds: "[]",
    excludeSegmentIds: "[]",
    scheduleKind: "now",
    timeZoneMode: "store",
    sendAt: null,
    localSendAt: null,
    quietHoursStart: null,
    quietHoursEnd: null,
    createdById: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  } as never);
}
