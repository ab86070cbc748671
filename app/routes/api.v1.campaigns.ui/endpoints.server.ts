// The campaign endpoints of /api/v1, made per request around the process's services (starting,
// pausing and resuming go through the seam to the sending part).
import type { ConsoleServices } from "../../../models/context";
import { msg } from "../../../models/messages";
import type { CampaignListItem, CampaignView } from "../../../campaigns/campaigns.server";
import type { DeliveryCounts } from "../../../campaigns/report.server";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import type { CampaignRecord } from "~/api/campaigns-contract.server";
import { answerOnce, createCampaign, deleteCampaign, deliveryCounts, deliveryTimeline, getCampaign, getStoreSettings, listCampaigns, listRecipients, updateCampaign, writeOnce } from "~/domain/campaigns.server";
import { campaignSaveHooks, controlCampaign, templateFieldErrors, type ControlAction } from "../campaigns.ui/domain.server";

const iso = (d: Date | null) => d?.toISOString() ?? null;

function summaryFields(c: CampaignView | CampaignListItem) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    channels: c.channels,
    includeSegmentIds: c.includeSegmentIds,
    excludeSegmentIds: c.excludeSegmentIds,
    segments: c.segments,
    schedule: { ...c.schedule, sendAt: iso(c.schedule.sendAt) },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
  };
}

/** A campaign as the API shows it: the fields CampaignInput takes, its state and its progress. */
export function campaignRecord(c: CampaignView, counts: DeliveryCounts): CampaignRecord {
  return {
    ...summaryFields(c),
    quietHours: c.quietHours,
    templates: c.templates,
    pausedAt: iso(c.pausedAt),
    cancelledAt: iso(c.cancelledAt),
    progress: { total: counts.total, byStatus: counts.byStatus, skipped: counts.skipped },
  };
}

const actorOf = (call: ApiCall) => ({ apiKeyId: call.caller?.apiKeyId ?? null });

const idOf = (call: ApiCall) => Number(call.params.id);

const unknownCampaign = (call: ApiCall) => errorReply("not_found", msg("campaigns.api.noCampaign"), [{ field: "id", reason: msg("campaigns.api.noCampaignReason") }], call.requestId);

const refused = (call: ApiCall, reason: string) => errorReply("conflict", reason, [], call.requestId);

const invalid = (call: ApiCall, errors: Array<{ field: string; reason: string }>) => errorReply("validation_failed", msg("campaigns.api.campaignErrors"), errors, call.requestId);

async function withCampaign(call: ApiCall, then: (c: CampaignView) => Promise<ApiReply>): Promise<ApiReply> {
  const campaign = await getCampaign(call.db, idOf(call));
  return campaign ? then(campaign) : unknownCampaign(call);
}

const keyReused = (call: ApiCall) =>
  errorReply("idempotency_key_reused", msg("api.idempotencyKeyReused"), [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyReusedReason") }], call.requestId);

export function collectionEndpoints(services: ConsoleServices): Endpoint[] {
  return [
    endpoint(contract.listCampaigns, async (call) => {
      const { status, q, limit, cursor } = call.query;
      const page = await listCampaigns(call.db, { status, search: q, limit, before: cursor ? Number(cursor) : undefined });
      return reply(200, {
        campaigns: page.campaigns.map((c) => ({ ...summaryFields(c), recipients: c.recipients })),
        nextCursor: page.nextBefore === null ? null : String(page.nextBefore),
      });
    }),
    endpoint(contract.createCampaign, async (call) => {
      const outcome = await writeOnce(
        call.db,
        call.idempotency,
        async (transaction) => {
          const saved = await createCampaign(call.db, call.body, actorOf(call), call.now, { transaction, hooks: campaignSaveHooks(services), checkTemplates: templateFieldErrors });
          if (!saved.ok) return { commit: false, ...(saved.kind === "invalid" ? invalid(call, saved.errors) : refused(call, msg("campaigns.api.notCreated"))) };
          const record = campaignRecord(saved.campaign, await deliveryCounts(call.db, saved.campaign.id));
          return { commit: true, ...reply(201, record, { Location: `/api/v1/campaigns/${saved.campaign.id}` }) };
        },
        call.now,
      );
      if (outcome.kind === "key_reused") return keyReused(call);
      const { status, body } = outcome.response;
      const headers: Record<string, string> = outcome.replayed ? { "Idempotent-Replayed": "true" } : {};
      if (status === 201) headers.Location = `/api/v1/campaigns/${(JSON.parse(body) as { id: number }).id}`;
      return { status, body, headers };
    }),
  ];
}

export function campaignEndpoints(services: ConsoleServices): Endpoint[] {
  return [
    endpoint(contract.getCampaign, (call) => withCampaign(call, async (c) => reply(200, campaignRecord(c, await deliveryCounts(call.db, c.id))))),
    endpoint(contract.updateCampaign, async (call) => {
      const saved = await updateCampaign(call.db, idOf(call), call.body, actorOf(call), call.now, { patch: true, hooks: campaignSaveHooks(services), checkTemplates: templateFieldErrors });
      if (saved.ok) return reply(200, campaignRecord(saved.campaign, await deliveryCounts(call.db, saved.campaign.id)));
      if (saved.kind === "not_found") return unknownCampaign(call);
      if (saved.kind === "refused") return refused(call, saved.reason);
      return invalid(call, saved.errors);
    }),
    endpoint(contract.deleteCampaign, async (call) => {
      const out = await deleteCampaign(call.db, idOf(call), actorOf(call), call.now);
      if (out.ok) return reply(200, { id: idOf(call), deleted: true });
      if (out.kind === "refused") return refused(call, out.reason);
      return unknownCampaign(call);
    }),
  ];
}

/** POST /campaigns/{id}/<action>: the sending part decides; a start is answered once per Idempotency-Key. */
export function controlEndpoint(services: ConsoleServices, action: Extract<ControlAction, "start" | "pause" | "resume" | "cancel">): Endpoint {
  const contracts = { start: contract.startCampaign, pause: contract.pauseCampaign, resume: contract.resumeCampaign, cancel: contract.cancelCampaign };
  return endpoint(contracts[action], (call) =>
    withCampaign(call, async (c) => {
      const outcome = await answerOnce(
        call.db,
        call.idempotency,
        async () => {
          const done = await controlCampaign(services, action, c.id, call.now);
          return done.ok ? { commit: true, ...reply(200, { id: c.id, status: done.status }) } : { commit: false, ...refused(call, done.reason) };
        },
        call.now,
      );
      if (outcome.kind === "key_reused") return keyReused(call);
      return { status: outcome.response.status, body: outcome.response.body, headers: outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined };
    }),
  );
}

export function deliveriesEndpoint(): Endpoint {
  return endpoint(contract.listCampaignDeliveries, (call) =>
    withCampaign(call, async (c) => {
      const { status, limit, cursor } = call.query;
      const page = await listRecipients(call.db, c.id, { status, limit, after: cursor ? Number(cursor) : undefined });
      return reply(200, {
        deliveries: page.recipients.map((r) => ({
          id: r.id,
          customerId: r.customerId,
          externalId: r.externalId,
          channel: r.channel as never,
          address: r.address,
          status: r.status,
          skipReason: r.skipReason,
          dueAt: r.dueAt.toISOString(),
          sentAt: iso(r.sentAt),
          deliveredAt: iso(r.deliveredAt),
          readAt: iso(r.readAt),
          failedAt: iso(r.failedAt),
          error: r.error,
        })),
        nextCursor: page.nextAfter === null ? null : String(page.nextAfter),
      });
    }),
  );
}

/** GET /campaigns/{id}/report: the counts of the progress panel and the chart's buckets, on the store's clock. */
export function reportEndpoint(): Endpoint {
  return endpoint(contract.getCampaignReport, (call) =>
    withCampaign(call, async (c) => {
      const store = await getStoreSettings(call.db);
      const [counts, timeline] = await Promise.all([deliveryCounts(call.db, c.id), deliveryTimeline(call.db, c.id, store.timeZone)]);
      return reply(200, {
        id: c.id,
        status: c.status,
        progress: { total: counts.total, byStatus: counts.byStatus, skipped: counts.skipped },
        timeline: { timeZone: timeline.timeZone, bucket: timeline.bucket, buckets: timeline.buckets.map((b) => ({ ...b, start: b.start.toISOString() })) },
      });
    }),
  );
}
