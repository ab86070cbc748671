// The campaign endpoints of /api/v1: what they take and answer. contract.server.ts merges them into
// the API's contract, so the routes validate with these schemas and the OpenAPI document is
// generated from them. The campaign itself is campaigns/definition.ts's, as the page form takes it.
import { z } from "zod/v4";
import { zmsg } from "../../models/messages";
import {
  CampaignChannel,
  CampaignInput,
  CampaignPatch,
  CampaignTemplates,
  QuietHours,
  REASONS_OF_SKIPS,
  STATUSES_OF_CAMPAIGNS,
  STATUSES_OF_DELIVERIES,
} from "../../campaigns/definition";
import type { EndpointContract } from "./contract.server";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });

export const CampaignStatusName = z.enum(STATUSES_OF_CAMPAIGNS).meta({ description: "draft → scheduled → sending ⇄ paused → finished; or cancelled." });
const DeliveryStatusName = z.enum(STATUSES_OF_DELIVERIES);

const SegmentName = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  isDeleted: z.boolean().meta({ description: "The segment was deleted after the campaign named it." }),
});

const ScheduleRecord = z.strictObject({
  kind: z.enum(["now", "at"]),
  timeZoneMode: z.enum(["store", "customer"]),
  sendAt: Moment.nullable(),
  localSendAt: z.string().nullable(),
});

const campaignFields = {
  id: z.number().int(),
  name: z.string(),
  status: CampaignStatusName,
  channels: z.array(CampaignChannel),
  includeSegmentIds: z.array(z.number().int()),
  excludeSegmentIds: z.array(z.number().int()),
  segments: z.array(SegmentName).meta({ description: "The segments of includeSegmentIds and excludeSegmentIds, with their names." }),
  schedule: ScheduleRecord,
  createdAt: Moment,
  updatedAt: Moment,
  startedAt: Moment.nullable(),
  finishedAt: Moment.nullable(),
};

const ProgressCounts = z
  .strictObject({
    total: z.number().int(),
    byStatus: z.strictObject(Object.fromEntries(STATUSES_OF_DELIVERIES.map((s) => [s, z.number().int()])) as Record<(typeof STATUSES_OF_DELIVERIES)[number], z.ZodNumber>),
    skipped: z.strictObject(Object.fromEntries(REASONS_OF_SKIPS.map((r) => [r, z.number().int()])) as Record<(typeof REASONS_OF_SKIPS)[number], z.ZodNumber>),
  })
  .meta({ description: "The delivery rows by status, and the skipped ones by reason (all zero before sending starts)." });

export const CampaignSummary = z
  .strictObject({
    ...campaignFields,
    recipients: z.strictObject({ total: z.number().int(), sent: z.number().int().meta({ description: "Sent, delivered or read." }) }),
  })
  .meta({ description: "A campaign in a list: without its templates." });

export const CampaignRecord = z
  .strictObject({
    ...campaignFields,
    quietHours: QuietHours.nullable(),
    templates: CampaignTemplates,
    pausedAt: Moment.nullable(),
    cancelledAt: Moment.nullable(),
    progress: ProgressCounts,
  })
  .meta({ description: "A campaign with its templates and its progress; its fields are those CampaignInput takes, so a GET can be edited and sent back." });
export type CampaignRecord = z.infer<typeof CampaignRecord>;

const limit = (max: number, fallback: number, what: string) =>
  z.coerce
    .number(zmsg("generic.type.number"))
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .meta({ description: `${what} per page, 1–${max} (default ${fallback}).` });
const cursor = z.string().regex(/^[1-9]\d{0,17}$/, zmsg("campaigns.api.cursor")).optional().meta({ description: "The nextCursor of the previous page." });

export const CampaignListQuery = z.strictObject({
  status: z.enum(STATUSES_OF_CAMPAIGNS).optional().meta({ description: "Only campaigns in this state." }),
  q: z.string().max(200).optional().meta({ description: "A part of the name, in any case." }),
  limit: limit(100, 50, "Campaigns"),
  cursor,
});

export const CampaignList = z
  .strictObject({
    campaigns: z.array(CampaignSummary),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of campaigns, newest first." });

export const CampaignDeleted = z.strictObject({ id: z.number().int(), deleted: z.literal(true) }).meta({ description: "The draft and its templates are gone." });

export const CampaignControlResult = z
  .strictObject({ id: z.number().int(), status: CampaignStatusName })
  .meta({ description: "The campaign's state after the call; a call that changes nothing (starting twice) answers the same." });

export const DeliveryListQuery = z.strictObject({
  status: DeliveryStatusName.optional().meta({ description: "Only deliveries in this state." }),
  limit: limit(1000, 100, "Deliveries"),
  cursor,
});

export const DeliveryPage = z
  .strictObject({
    deliveries: z.array(
      z.strictObject({
        id: z.number().int(),
        customerId: z.number().int(),
        externalId: z.string().nullable().meta({ description: "The customer's id in the shop; null if the customer has been deleted since." }),
        channel: CampaignChannel.nullable().meta({ description: "The channel of the chain that reaches the customer; null for a skip on every channel." }),
        address: z.string().nullable(),
        status: DeliveryStatusName,
        skipReason: z.enum(REASONS_OF_SKIPS).nullable(),
        dueAt: Moment,
        sentAt: Moment.nullable(),
        deliveredAt: Moment.nullable(),
        readAt: Moment.nullable(),
        failedAt: Moment.nullable(),
        error: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of a campaign's deliveries (one per recipient), in the order they were written." });

export const CampaignReport = z
  .strictObject({
    id: z.number().int(),
    status: CampaignStatusName,
    progress: ProgressCounts,
    timeline: z.strictObject({
      timeZone: z.string().meta({ description: "The store's time zone: days and hours are cut on its clock." }),
      bucket: z
        .strictObject({
          unit: z.enum(["minute", "hour", "day", "week"]),
          count: z.number().int().meta({ description: "Units per bucket (5 for five-minute buckets)." }),
          seconds: z.number().int().meta({ description: "The bucket's length; a day across a clock change is 23 or 25 hours all the same." }),
        })
        .nullable()
        .meta({ description: "Chosen from the span the messages cover, so that it takes at most 48 buckets (weeks past 46 weeks); null when nothing was sent yet." }),
      buckets: z.array(
        z.strictObject({
          start: Moment,
          sent: z.number().int().meta({ description: "Messages handed to the provider (or the outbox) in the bucket." }),
          delivered: z.number().int().meta({ description: "Messages reported delivered (or read) in the bucket." }),
          failed: z.number().int().meta({ description: "Messages the provider refused, or reported failed, in the bucket." }),
        }),
      ),
    }),
  })
  .meta({ description: "A campaign's report: its deliveries by status and skip reason, and sends, deliveries and failures over time, every bucket from the first to the last." });

const idParam = { id: { description: "The campaign's id.", schema: z.string().max(10, zmsg("campaigns.ids.campaign")).regex(/^[1-9]\d{0,9}$/, zmsg("campaigns.ids.campaign")) } };
const refusedNote = "Refused with 409 (code conflict) when the campaign's state does not allow it; the message says why.";

export const campaignContract = {
  listCampaigns: {
    operationId: "listCampaigns",
    method: "GET",
    path: "/campaigns",
    summary: "List campaigns, newest first, a page at a time",
    tag: "Campaigns",
    scope: "campaigns:read",
    query: CampaignListQuery,
    responses: { 200: { description: "A page of campaigns.", schema: CampaignList } },
  },
  createCampaign: {
    operationId: "createCampaign",
    method: "POST",
    path: "/campaigns",
    summary: "Create a draft campaign",
    description: "Every channel of the chain needs its template, and every segment must exist. Bad input is refused with 422 naming the field, and nothing is saved.",
    tag: "Campaigns",
    scope: "campaigns:write",
    body: { schema: CampaignInput, limitBytes: 1024 * 1024 },
    responses: { 201: { description: "Created as a draft.", schema: CampaignRecord } },
  },
  getCampaign: {
    operationId: "getCampaign",
    method: "GET",
    path: "/campaigns/{id}",
    summary: "Get a campaign with its templates and progress",
    tag: "Campaigns",
    scope: "campaigns:read",
    pathParams: idParam,
    responses: { 200: { description: "The campaign.", schema: CampaignRecord } },
  },
  updateCampaign: {
    operationId: "updateCampaign",
    method: "PATCH",
    path: "/campaigns/{id}",
    summary: "Change a draft or a scheduled campaign that has not started",
    description: `Only the fields sent change; templates merge by channel, and a channel taken out of the chain takes its template with it. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    body: { schema: CampaignPatch, limitBytes: 1024 * 1024 },
    responses: { 200: { description: "Changed.", schema: CampaignRecord } },
  },
  deleteCampaign: {
    operationId: "deleteCampaign",
    method: "DELETE",
    path: "/campaigns/{id}",
    summary: "Delete a draft",
    description: `A campaign that was ever scheduled is cancelled instead, so its report stays. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    responses: { 200: { description: "Deleted.", schema: CampaignDeleted } },
  },
  startCampaign: {
    operationId: "startCampaign",
    method: "POST",
    path: "/campaigns/{id}/start",
    summary: "Send a campaign now, or schedule it for its time",
    description: `The audience is fixed when sending starts. Starting twice is a no-op; with an Idempotency-Key a retry gets the first answer. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    responses: { 200: { description: "Started, or scheduled.", schema: CampaignControlResult } },
  },
  pauseCampaign: {
    operationId: "pauseCampaign",
    method: "POST",
    path: "/campaigns/{id}/pause",
    summary: "Pause a sending campaign",
    description: `Pausing twice is a no-op. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "Paused.", schema: CampaignControlResult } },
  },
  resumeCampaign: {
    operationId: "resumeCampaign",
    method: "POST",
    path: "/campaigns/{id}/resume",
    summary: "Resume a paused campaign",
    description: `Resuming twice is a no-op. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "Sending again.", schema: CampaignControlResult } },
  },
  cancelCampaign: {
    operationId: "cancelCampaign",
    method: "POST",
    path: "/campaigns/{id}/cancel",
    summary: "Cancel a scheduled, sending or paused campaign",
    description: `Deliveries not yet sent are cancelled; cancelling twice is a no-op. ${refusedNote}`,
    tag: "Campaigns",
    scope: "campaigns:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "Cancelled.", schema: CampaignControlResult } },
  },
  listCampaignDeliveries: {
    operationId: "listCampaignDeliveries",
    method: "GET",
    path: "/campaigns/{id}/deliveries",
    summary: "List a campaign's deliveries, a page at a time",
    tag: "Campaigns",
    scope: "campaigns:read",
    pathParams: idParam,
    query: DeliveryListQuery,
    responses: { 200: { description: "A page of deliveries.", schema: DeliveryPage } },
  },
  getCampaignReport: {
    operationId: "getCampaignReport",
    method: "GET",
    path: "/campaigns/{id}/report",
    summary: "Get a campaign's report: counts by status and skip reason, and over time",
    tag: "Campaigns",
    scope: "campaigns:read",
    pathParams: idParam,
    responses: { 200: { description: "The report.", schema: CampaignReport } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of the campaign schemas in the OpenAPI document. */
export const CAMPAIGN_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["CampaignInput", CampaignInput],
  ["CampaignPatch", CampaignPatch],
  ["CampaignTemplates", CampaignTemplates],
  ["CampaignQuietHours", QuietHours],
  ["CampaignRecord", CampaignRecord],
  ["CampaignSummary", CampaignSummary],
  ["CampaignList", CampaignList],
  ["CampaignDeleted", CampaignDeleted],
  ["CampaignControlResult", CampaignControlResult],
  ["CampaignDeliveryPage", DeliveryPage],
  ["CampaignReport", CampaignReport],
];
