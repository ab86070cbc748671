// Every call the campaign pages and the campaign API make into the campaign domain's sending,
// audience and template parts, in one place: the routes stay thin and see one shape of answer.
import type { ConsoleServices } from "../../../models/context";
import { msg } from "../../../models/messages";
import type { CampaignStatus, SkipReason } from "../../../models/campaign-models";
import { findMarketerCampaignRow, type CampaignSaveHooks, type CampaignView } from "../../../campaigns/campaigns.server";
import type { CampaignChannel, CampaignTemplates } from "../../../campaigns/definition";
import type { FieldError } from "../../../models/ingest/schemas";
import type { ControlAction } from "./controls";
import { cancelCampaign, firstStartInstant, pauseCampaign, requestStart, resendToNotReached, resendUnknown, resumeCampaign, saveStartJob } from "../../../campaigns/send.server";
import { AudienceError, resolveAudience } from "../../../campaigns/audience.server";
import { checkTemplate, smsParts } from "../../../campaigns/templates/render.server";
import { TEMPLATE_VARIABLES, variableKey } from "../../../campaigns/templates/variables";
import { getMarketingSettings } from "../../../models/marketing-settings.server";
import type { AuditActor } from "../../../models/audit.server";
import type { PreviewRequest, TestSendRequest } from "../../../campaigns/try-out";
import { previewChain, sendTestMessage, type PreviewOutcome, type TestSendOutcome } from "../../../campaigns/try-out.server";

/** What starting, pausing, resuming, cancelling or resending did: the campaign's state after it, or why not. */
export type ControlOutcome = { ok: true; status: CampaignStatus } | { ok: false; reason: string };

export type { ControlAction } from "./controls";

/**
 * Starts, pauses, resumes, cancels or resends a campaign.
 * At merge (campaigns/send.server.ts):
 *   start            → requestStart(services.db, services.jobs, id, now)
 *   pause            → pauseCampaign(services.db, services.jobs, id, now)
 *   resume           → resumeCampaign(services.db, services.jobs, id, now)
 *   cancel           → cancelCampaign(services.db, services.jobs, id, now)
 *   resendNotReached → resendToNotReached(services.db, services.jobs, id, (await resolveAudience({ db, engine: services.segments }, row, now)).recipients, now)
 *   resendUnknown    → resendUnknown(services.db, services.jobs, id, now)
 * mapping each result to ControlOutcome ({ started } / { ok, status } / { ok: false, reason }).
 */
export async function controlCampaign(services: ConsoleServices, action: ControlAction, campaignId: number, now: Date): Promise<ControlOutcome> {
  const { db, jobs: queue } = services;
  switch (action) {
    case "start":
      return requestStart(db, queue, campaignId, now);
    case "pause":
      return pauseCampaign(db, queue, campaignId, now);
    case "resume":
      return resumeCampaign(db, queue, campaignId, now);
    case "cancel":
      return cancelCampaign(db, queue, campaignId, now);
    case "resendUnknown":
      return statusAfter(db, campaignId, await resendUnknown(db, queue, campaignId, now));
    case "resendNotReached": {
      const row = await findMarketerCampaignRow(db, campaignId);
      if (!row) return { ok: false, reason: msg("campaigns.control.noSuchCampaign") };
      let recipients;
      try {
        ({ recipients } = await resolveAudience({ db, engine: services.segments }, row, now));
      } catch (error) {
        if (error instanceof AudienceError) return { ok: false, reason: error.message };
        throw error;
      }
      return statusAfter(db, campaignId, await resendToNotReached(db, queue, campaignId, recipients, now));
    }
  }
}

/** A resend answers how many rows it queued again; the page wants the campaign's state after it. */
async function statusAfter(db: ConsoleServices["db"], campaignId: number, result: { ok: true; queued: number } | { ok: false; reason: string }): Promise<ControlOutcome> {
  if (!result.ok) return result;
  const row = await db.models.Campaign.findByPk(campaignId, { attributes: ["status"], raw: true });
  return row ? { ok: true, status: row.status } : { ok: false, reason: msg("campaigns.control.noSuchCampaign") };
}

/** How many the campaign would reach now on each channel of its chain, and how many are skipped and why. */
export interface ReachView {
  total: number;
  byChannel: Record<CampaignChannel, number>;
  skipped: Record<SkipReason, number>;
  movedByQuietHours: number;
  /** For SMS: the parts per message and the estimated cost in thousandths of the store's currency (null without a part price). */
  sms: { parts: number; encoding: "GSM-7" | "UCS-2"; costMillis: number | null } | null;
}

/**
 * The reach panel, before sending. null: not available yet (the page says so).
 * At merge: resolveAudience({ db: services.db, engine: services.segments }, campaignRow, now).summary
 * (campaigns/audience.server.ts), with smsParts(campaign.templates.sms.textBody) from the templates
 * part and the store's smsPartPriceMillis for the cost.
 */
export async function campaignReach(services: ConsoleServices, campaign: CampaignView, now: Date): Promise<ReachView | null> {
  const row = await findMarketerCampaignRow(services.db, campaign.id);
  if (!row) return null;
  let summary;
  try {
    ({ summary } = await resolveAudience({ db: services.db, engine: services.segments }, row, now));
  } catch (error) {
    if (error instanceof AudienceError) return null;
    throw error;
  }
  const smsText = campaign.channels.includes("sms") ? campaign.templates.sms?.textBody ?? "" : null;
  let sms: ReachView["sms"] = null;
  if (smsText !== null) {
    const parts = smsParts(smsText);
    const { smsPartPriceMillis } = await getMarketingSettings(services.db);
    sms = { parts: parts.parts, encoding: parts.encoding, costMillis: smsPartPriceMillis === null ? null : summary.byChannel.sms * parts.parts * smsPartPriceMillis };
  }
  return { total: summary.total, byChannel: summary.byChannel, skipped: summary.skipped, movedByQuietHours: summary.movedByQuietHours, sms };
}

/**
 * Problems of the campaign's templates (syntax, unknown variables and filters, channel limits), as
 * field errors ("templates.sms.textBody", "line 3: unknown variable customer.frist_name"). A save
 * with any is refused before anything is written. Empty until the templates part is merged.
 * At merge: for each channel of the chain, checkTemplate({ channel, ...templates[channel] })
 * (campaigns/templates), each TemplateProblem as
 *   { field: `templates.${channel}.${p.field}`, reason: its message, after "line N: " when it has a line }.
 */
export function templateFieldErrors(channels: readonly CampaignChannel[], templates: CampaignTemplates): FieldError[] {
  const errors: FieldError[] = [];
  for (const channel of channels) {
    const template = templates[channel];
    if (!template) continue;
    for (const problem of checkTemplate({ channel, ...template })) {
      errors.push({ field: `templates.${channel}.${problem.field}`, reason: problem.line ? msg("campaigns.template.onLine", { line: problem.line, problem: problem.message }) : problem.message });
    }
  }
  return errors;
}

/** One variable a template may use, for the reference beside the editors. */
export interface TemplateVariable {
  name: string;
  /** Where the catalogue says what it is (campaigns.json `variables`). */
  key: string;
  example?: string;
}

/**
 * The variables reference. null until the templates part exports its list (the editor then shows
 * where the list will appear). At merge: the list campaigns/templates exports.
 */
export function templateVariables(): TemplateVariable[] | null {
  return TEMPLATE_VARIABLES.map(({ name, example }) => ({ name, key: variableKey(name), example }));
}

/**
 * Work that must share a campaign save's transaction: when a scheduled campaign's time changes,
 * its start job moves with it. None until sending is merged.
 * At merge: the hook the sending part provides (e.g. moving the start-campaign job with services.jobs).
 */
export function campaignSaveHooks(services: ConsoleServices): CampaignSaveHooks {
  return {
    async onSaved({ campaign, previous }, transaction) {
      // a scheduled campaign's start job follows an edited send time
      if (campaign.status !== "scheduled" || !previous) return;
      const same = JSON.stringify(campaign.schedule) === JSON.stringify(previous.schedule);
      if (same) return;
      const at = firstStartInstant({ scheduleKind: campaign.schedule.kind, timeZoneMode: campaign.schedule.timeZoneMode, sendAt: campaign.schedule.sendAt, localSendAt: campaign.schedule.localSendAt }, new Date());
      if (at) await saveStartJob(services.jobs, campaign.id, at, transaction);
    },
  };
}

/**
 * The link `unsubscribe_url` and List-Unsubscribe carry in a preview or a test send: it unsubscribes
 * nobody (the page says the link is not valid). A customer's real link in a message to the
 * marketer would let a mail client's one-click button unsubscribe that customer.
 */
export function tryOutUnsubscribeUrl(services: Pick<ConsoleServices, "config">): () => string {
  const url = `${services.config.publicUrl.replace(/\/+$/, "")}/unsubscribe/test-message`;
  return () => url;
}

/** The chain's messages rendered from the form's unsaved drafts for a customer (null: the sample customer). */
export function previewCampaignChain(services: ConsoleServices, request: PreviewRequest, now: Date): Promise<PreviewOutcome> {
  return previewChain(services.db, request, { now, unsubscribeUrl: tryOutUnsubscribeUrl(services) });
}

/** One channel's message sent to the marketer (email: `ownEmail`), through the channel as configured now. */
export function sendCampaignTest(services: ConsoleServices, request: TestSendRequest, ownEmail: string, actor: AuditActor, now: Date): Promise<TestSendOutcome> {
  const { db, config } = services;
  const to = request.channel === "email" ? ownEmail : request.to;
  return sendTestMessage(db, config.channels ?? {}, config.sessionSecret, { ...request, to }, actor, { now, unsubscribeUrl: tryOutUnsubscribeUrl(services) });
}
