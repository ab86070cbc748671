// The loader and action the new-campaign and edit-campaign pages share: the form's choices
// (segments, the store's zone and default quiet hours), the saved campaign as form values, and
// saving the posted form through the same schema the API uses.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { DateTime } from "luxon";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { checkCampaign, createCampaign, editRefusal, getCampaign, getMarketingSettings, getStoreSettings, listSegments, updateCampaign } from "~/domain/campaigns.server";
import { CAMPAIGN_CHANNELS, WallTime, type CampaignChannel } from "../../../campaigns/definition";
import type { CampaignView } from "../../../campaigns/campaigns.server";
import type { FieldError } from "../../../models/ingest/schemas";
import { campaignSaveHooks, templateFieldErrors, templateVariables } from "./domain.server";
import type { CampaignFormValues } from "./form";
import { getStoreForReader } from "~/i18n.server";
import { msg } from "../../../models/messages";

/** Roles that see and change campaigns; managers do not see them at all. */
export const CAMPAIGN_ROLES = ["admin", "marketer"] as const;

/** The campaign id in the URL, or a 404. */
export function campaignIdParam(raw: string | undefined): number {
  // the pages show their own 404; the recipients' CSV download shows this text
  if (!/^[1-9]\d{0,9}$/.test(raw ?? "")) throw new Response(msg("campaigns.control.noSuchCampaign"), { status: 404, statusText: "Not Found" });
  return Number(raw);
}

/** A wall time in a zone as the instant it names (a time skipped by a DST change moves forward, as clocks do). */
export function wallTimeToInstant(wallTime: string, zone: string): string | null {
  const at = DateTime.fromISO(wallTime, { zone });
  return at.isValid ? at.toUTC().toISO() : null;
}

/** An instant as the wall time of a zone, for a datetime-local input. */
export function instantToWallTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The saved campaign as the form's values (times in the store's zone). */
export function formValuesOf(c: CampaignView, storeTimeZone: string): CampaignFormValues {
  const templates: CampaignFormValues["templates"] = {};
  for (const channel of CAMPAIGN_CHANNELS) {
    const t = c.templates[channel];
    if (!t) continue;
    templates[channel] = "subject" in t ? { subject: t.subject, htmlBody: t.htmlBody, textBody: t.textBody ?? "" } : { subject: "", htmlBody: "", textBody: t.textBody };
  }
  return {
    name: c.name,
    channels: c.channels,
    includeSegmentIds: c.includeSegmentIds,
    excludeSegmentIds: c.excludeSegmentIds,
    scheduleKind: c.schedule.kind,
    timeZoneMode: c.schedule.timeZoneMode,
    sendAt: c.schedule.timeZoneMode === "customer" ? (c.schedule.localSendAt ?? "") : c.schedule.sendAt ? instantToWallTime(c.schedule.sendAt, storeTimeZone) : "",
    quietHoursMode: c.quietHours ? "own" : "store",
    quietHoursStart: c.quietHours?.start ?? "",
    quietHoursEnd: c.quietHours?.end ?? "",
    templates,
  };
}

export async function loadEditor({ request, context }: LoaderFunctionArgs, campaignId?: number) {
  const user = await requireRole(request, context, ...CAMPAIGN_ROLES);
  const db = context.services.db;
  const [store, marketing, segments, campaign] = await Promise.all([getStoreForReader(request, context), getMarketingSettings(db), listSegments(db), campaignId ? getCampaign(db, campaignId) : null]);
  if (campaignId && !campaign) throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
  return json({
    store: { timeZone: store.timeZone, locale: store.locale },
    storeQuietHours: marketing.quietHoursStart && marketing.quietHoursEnd ? { start: marketing.quietHoursStart, end: marketing.quietHoursEnd } : null,
    segments: segments.map((s) => ({ id: s.id, name: s.name, code: s.code, memberCount: s.memberCount, isActive: s.isActive })),
    campaign: campaign ? { id: campaign.id, name: campaign.name, status: campaign.status, refusal: editRefusal(campaign), values: formValuesOf(campaign, store.timeZone) } : null,
    variables: templateVariables(),
    /** Where a test email goes: the signed-in user's own address. */
    me: { email: user.email },
  });
}

const list = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === "string");
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};
/** "12" as the number 12; anything else as it came, for the schema to name. */
const segmentIdOf = (v: string) => (/^\d{1,10}$/.test(v) ? Number(v) : v);

/**
 * The posted form as the API's campaign input. A store-zone time is turned into the instant it
 * names; one that is not a date and time is reported here, under the field the API would name.
 */
export function campaignInputOfForm(form: FormData, storeTimeZone: string): { input: Record<string, unknown>; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const channels = list(form, "channels");
  const kind = text(form, "scheduleKind");
  const timeZoneMode = text(form, "timeZoneMode") ?? "store";
  const at = (text(form, "sendAt") ?? "").trim();
  let schedule: Record<string, unknown> = { kind, timeZoneMode };
  if (kind === "at" && timeZoneMode === "store") {
    const instant = at && WallTime.safeParse(at).success ? wallTimeToInstant(at, storeTimeZone) : null;
    if (at && !instant) problems.push({ field: "schedule.sendAt", reason: msg("campaigns.form.dateTime") });
    schedule = { ...schedule, sendAt: instant ?? undefined };
  } else if (kind === "at") {
    schedule = { ...schedule, localSendAt: at || undefined };
  } else if (kind === "now") {
    schedule = { kind };
  }
  const templates: Record<string, unknown> = {};
  for (const channel of channels) {
    if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel) || channel in templates) continue;
    const field = (f: string) => text(form, `templates.${channel}.${f}`) ?? "";
    templates[channel] = channel === "email" ? { subject: field("subject"), htmlBody: field("htmlBody"), textBody: field("textBody") || null } : { textBody: field("textBody") };
  }
  return {
    input: {
      name: text(form, "name") ?? "",
      channels,
      includeSegmentIds: list(form, "includeSegmentIds").map(segmentIdOf),
      excludeSegmentIds: list(form, "excludeSegmentIds").map(segmentIdOf),
      schedule,
      quietHours: text(form, "quietHoursMode") === "own" ? { start: text(form, "quietHoursStart") ?? "", end: text(form, "quietHoursEnd") ?? "" } : null,
      templates,
    },
    problems,
  };
}

/** Every answer of the editor's action that is not a redirect. */
export interface EditorAnswer {
  errors?: FieldError[];
  /** The campaign's state forbids the change. */
  refused?: string;
}

export async function editorAction({ request, context }: ActionFunctionArgs, campaignId?: number) {
  const user = await requireRole(request, context, ...CAMPAIGN_ROLES);
  const form = await readForm(request, context);
  const { services } = context;
  const store = await getStoreSettings(services.db);
  const { input, problems } = campaignInputOfForm(form, store.timeZone);
  const now = new Date();
  const actor = { userId: user.id, ip: context.clientIp };
  const options = { hooks: campaignSaveHooks(services), checkTemplates: templateFieldErrors };
  if (problems.length) {
    // the rest of the form is checked too, so that one answer lists every problem; nothing is saved
    const rest = await checkCampaign(services.db, { ...input, schedule: { kind: "now" } }, now, options);
    return json<EditorAnswer>({ errors: [...problems, ...(rest.ok ? [] : rest.errors)] }, { status: 400 });
  }
  const saved = campaignId ? await updateCampaign(services.db, campaignId, input, actor, now, options) : await createCampaign(services.db, input, actor, now, options);
  if (saved.ok) return redirect(`/campaigns/${saved.campaign.id}?saved=1`);
  if (saved.kind === "not_found") throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
  if (saved.kind === "refused") return json<EditorAnswer>({ refused: saved.reason }, { status: 409 });
  return json<EditorAnswer>({ errors: saved.errors }, { status: 400 });
}
