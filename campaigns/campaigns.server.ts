// Saving, reading, listing, copying and deleting campaigns with their templates. A campaign is
// checked whole (shape, then the segments it names and its time) before anything is written; each
// change is one transaction with its audit entry. Only drafts and scheduled campaigns that have not
// started change; what sending does to a campaign is send.server.ts's.
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../models/db";
import type { CampaignRow, CampaignStatus, DeliveryStatus, MessageTemplateRow } from "../models/campaign-models";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { parseInput, type FieldError } from "../models/ingest/schemas";
import { foldForSearch } from "../models/customers/name-folding";
import { msg } from "../models/messages";
import {
  CAMPAIGN_CHANNELS,
  CAMPAIGN_NAME_MAX,
  CampaignInput,
  CampaignPatch,
  EDITABLE_STATUSES,
  type CampaignChannel,
  type CampaignSchedule,
  type CampaignTemplates,
} from "./definition";

export interface CampaignSegmentName {
  id: number;
  code: string;
  name: string;
  /** The segment was deleted after the campaign named it. */
  isDeleted: boolean;
}

export interface CampaignView {
  id: number;
  name: string;
  status: CampaignStatus;
  channels: CampaignChannel[];
  includeSegmentIds: number[];
  excludeSegmentIds: number[];
  schedule: { kind: "now" | "at"; timeZoneMode: "store" | "customer"; sendAt: Date | null; localSendAt: string | null };
  quietHours: { start: string; end: string } | null;
  templates: CampaignTemplates;
  /** The names of the segments in includeSegmentIds and excludeSegmentIds. */
  segments: CampaignSegmentName[];
  createdById: number | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  pausedAt: Date | null;
  cancelledAt: Date | null;
}

/** What a save changed, for work that must commit or roll back with it (moving a scheduled campaign's start job). */
export interface CampaignChange {
  campaign: CampaignView;
  /** null when created. */
  previous: CampaignView | null;
}

/** Work the caller hands in to run inside the save's transaction; this module knows nothing of the job queue. */
export interface CampaignSaveHooks {
  onSaved?(change: CampaignChange, transaction: Transaction): Promise<void>;
}

export type CampaignRefusal =
  | { ok: false; kind: "invalid"; errors: FieldError[] }
  | { ok: false; kind: "not_found" }
  /** The campaign's state forbids the change; `reason` says why in a sentence. */
  | { ok: false; kind: "refused"; status: CampaignStatus; reason: string };

export type SaveOutcome = { ok: true; campaign: CampaignView } | CampaignRefusal;

/** The templates' own problems (syntax, unknown variables, channel limits), as field errors; the templates part provides it. */
export type TemplateChecker = (channels: readonly CampaignChannel[], templates: CampaignTemplates) => FieldError[];

export interface SaveOptions {
  /** Join the caller's transaction (an idempotent API write) instead of opening one. */
  transaction?: Transaction;
  hooks?: CampaignSaveHooks;
  checkTemplates?: TemplateChecker;
}

const OWNER_KIND = "campaign";

const readIds = (json: string): number[] => {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is number => Number.isSafeInteger(v)) : [];
  } catch {
    return [];
  }
};

const readChannels = (text: string): CampaignChannel[] => text.split(",").filter((c): c is CampaignChannel => (CAMPAIGN_CHANNELS as readonly string[]).includes(c));

function templatesOf(rows: MessageTemplateRow[]): CampaignTemplates {
  const templates: CampaignTemplates = {};
  for (const r of rows) {
    if (r.channel === "email") templates.email = { subject: r.subject ?? "", htmlBody: r.htmlBody ?? "", textBody: r.textBody ?? null };
    else if ((CAMPAIGN_CHANNELS as readonly string[]).includes(r.channel)) templates[r.channel as Exclude<CampaignChannel, "email">] = { textBody: r.textBody ?? "" };
  }
  return templates;
}

async function segmentNames(db: Database, ids: number[], transaction?: Transaction): Promise<Map<number, CampaignSegmentName>> {
  if (ids.length === 0) return new Map();
  const rows = await db.models.Segment.findAll({ attributes: ["id", "code", "name", "deletedAt"], where: { id: [...new Set(ids)] }, raw: true, transaction });
  // a deleted segment's code carries "~deleted~<id>" so that the code is free again: show the code it had
  return new Map(rows.map((s) => [s.id, { id: s.id, code: s.code.replace(/~deleted~\d+$/, ""), name: s.name, isDeleted: s.deletedAt !== null }]));
}

function toView(row: CampaignRow, templates: MessageTemplateRow[], names: Map<number, CampaignSegmentName>): CampaignView {
  const includeSegmentIds = readIds(row.includeSegmentIds);
  const excludeSegmentIds = readIds(row.excludeSegmentIds);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    channels: readChannels(row.channels),
    includeSegmentIds,
    excludeSegmentIds,
    schedule: { kind: row.scheduleKind, timeZoneMode: row.timeZoneMode, sendAt: row.sendAt ?? null, localSendAt: row.localSendAt ?? null },
    quietHours: row.quietHoursStart && row.quietHoursEnd ? { start: row.quietHoursStart, end: row.quietHoursEnd } : null,
    templates: templatesOf(templates),
    segments: [...includeSegmentIds, ...excludeSegmentIds].map((id) => names.get(id) ?? { id, code: "", name: `#${id}`, isDeleted: true }),
    createdById: row.createdById ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt ?? null,
    pausedAt: row.pausedAt ?? null,
    cancelledAt: row.cancelledAt ?? null,
  };
}

async function viewOf(db: Database, row: CampaignRow, transaction?: Transaction): Promise<CampaignView> {
  const [templates, names] = await Promise.all([
    db.models.MessageTemplate.findAll({ where: { ownerKind: OWNER_KIND, ownerId: row.id }, order: [["id", "ASC"]], transaction }),
    segmentNames(db, [...readIds(row.includeSegmentIds), ...readIds(row.excludeSegmentIds)], transaction),
  ]);
  return toView(row, templates, names);
}

/** One campaign with its templates and the names of its segments, or null. */
export async function getCampaign(db: Database, id: number, transaction?: Transaction): Promise<CampaignView | null> {
  const row = await db.models.Campaign.findByPk(id, { transaction });
  // an automation's hidden campaign is the automation's business, not a campaign of the list (decision 0031)
  return row && !row.automationId ? viewOf(db, row, transaction) : null;
}

/** The wall time "2026-12-24T10:00" read at the latest offset on Earth (UTC−12): past there, it is past everywhere. */
const latestInstantOf = (wallTime: string) => Date.parse(`${wallTime}:00-12:00`);

/**
 * Checks a campaign as a whole: its shape, that every segment it names exists, and that its time
 * is not past. Errors name the field ("includeSegmentIds[1]", "schedule.sendAt").
 */
export async function checkCampaign(
  db: Database,
  input: unknown,
  now: Date,
  options: { transaction?: Transaction; checkTemplates?: TemplateChecker } = {},
): Promise<{ ok: true; campaign: CampaignInput } | { ok: false; errors: FieldError[] }> {
  const { transaction } = options;
  const parsed = parseInput(CampaignInput, input);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const errors: FieldError[] = [...(options.checkTemplates?.(c.channels, c.templates) ?? [])];
  const live = await db.models.Segment.findAll({
    attributes: ["id"],
    where: { id: [...c.includeSegmentIds, ...c.excludeSegmentIds], deletedAt: { [Op.is]: null } },
    raw: true,
    transaction,
  });
  const exists = new Set(live.map((s) => s.id));
  for (const key of ["includeSegmentIds", "excludeSegmentIds"] as const) {
    c[key].forEach((id, i) => {
      if (!exists.has(id)) errors.push({ field: `${key}[${i}]`, reason: msg("campaigns.form.noSegment", { id }) });
    });
  }
  if (c.schedule.kind === "at") {
    if (c.schedule.timeZoneMode === "store" && c.schedule.sendAt && Date.parse(c.schedule.sendAt) <= now.getTime()) {
      errors.push({ field: "schedule.sendAt", reason: msg("campaigns.form.sendAtPast") });
    }
    if (c.schedule.timeZoneMode === "customer" && c.schedule.localSendAt && latestInstantOf(c.schedule.localSendAt) <= now.getTime()) {
      errors.push({ field: "schedule.localSendAt", reason: msg("campaigns.form.localSendAtPast") });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, campaign: c };
}

function columnsOf(c: CampaignInput) {
  const schedule: CampaignSchedule = c.schedule;
  return {
    name: c.name,
    channels: c.channels.join(","),
    includeSegmentIds: JSON.stringify(c.includeSegmentIds),
    excludeSegmentIds: JSON.stringify(c.excludeSegmentIds),
    scheduleKind: schedule.kind,
    timeZoneMode: schedule.timeZoneMode,
    sendAt: schedule.kind === "at" && schedule.timeZoneMode === "store" && schedule.sendAt ? new Date(schedule.sendAt) : null,
    localSendAt: schedule.kind === "at" && schedule.timeZoneMode === "customer" ? (schedule.localSendAt ?? null) : null,
    quietHoursStart: c.quietHours?.start ?? null,
    quietHoursEnd: c.quietHours?.end ?? null,
  };
}

async function writeTemplates(db: Database, campaignId: number, c: CampaignInput, now: Date, transaction: Transaction) {
  await db.models.MessageTemplate.destroy({ where: { ownerKind: OWNER_KIND, ownerId: campaignId }, transaction });
  await db.models.MessageTemplate.bulkCreate(
    c.channels.map((channel) => {
      const t = c.templates[channel]!;
      const isEmail = "subject" in t;
      return {
        ownerKind: OWNER_KIND as "campaign",
        ownerId: campaignId,
        channel,
        subject: isEmail ? t.subject : null,
        htmlBody: isEmail ? t.htmlBody : null,
        // an empty text part of an email is made from its HTML when it is sent
        textBody: isEmail ? t.textBody || null : t.textBody,
        createdAt: now,
        updatedAt: now,
      };
    }),
    { transaction },
  );
}

/** What the audit log keeps of a campaign: its settings, not its message bodies. */
const auditDetail = (c: CampaignView) => ({
  name: c.name,
  status: c.status,
  channels: c.channels,
  includeSegmentIds: c.includeSegmentIds,
  excludeSegmentIds: c.excludeSegmentIds,
  schedule: { ...c.schedule, sendAt: c.schedule.sendAt?.toISOString() ?? null },
  quietHours: c.quietHours,
});

const inTransaction = <T>(db: Database, transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> =>
  transaction ? work(transaction) : db.sequelize.transaction(work);

/** Creates a draft campaign with its templates. */
export async function createCampaign(db: Database, input: unknown, actor: AuditActor, now: Date, options: SaveOptions = {}): Promise<SaveOutcome> {
  const checked = await checkCampaign(db, input, now, options);
  if (!checked.ok) return { ok: false, kind: "invalid", errors: checked.errors };
  return inTransaction(db, options.transaction, async (transaction) => {
    const row = await db.models.Campaign.create(
      { ...columnsOf(checked.campaign), status: "draft", createdById: actor.userId ?? null, createdAt: now, updatedAt: now },
      { transaction, silent: true },
    );
    await writeTemplates(db, row.id, checked.campaign, now, transaction);
    const campaign = await viewOf(db, row, transaction);
    await recordAudit(db, actor, "campaign.create", { type: "campaign", id: row.id, detail: auditDetail(campaign) }, transaction, now);
    await options.hooks?.onSaved?.({ campaign, previous: null }, transaction);
    return { ok: true as const, campaign };
  });
}

/** A campaign's state as a refusal names it, in the reader's language. */
export const statusName = (status: CampaignStatus) => msg(`campaigns.status.${status}`);

/** Why a campaign in this state cannot change, or null when it can. */
export function editRefusal(campaign: { status: CampaignStatus; startedAt: Date | null }): string | null {
  if ((EDITABLE_STATUSES as readonly string[]).includes(campaign.status) && !campaign.startedAt) return null;
  return msg("campaigns.control.notEditable", { status: statusName(campaign.status) });
}

/** The saved campaign as input, for a PATCH to be merged over. */
export function inputOf(c: CampaignView): CampaignInput {
  return {
    name: c.name,
    channels: c.channels,
    includeSegmentIds: c.includeSegmentIds,
    excludeSegmentIds: c.excludeSegmentIds,
    schedule: { kind: c.schedule.kind, timeZoneMode: c.schedule.timeZoneMode, sendAt: c.schedule.sendAt?.toISOString() ?? null, localSendAt: c.schedule.localSendAt },
    quietHours: c.quietHours,
    templates: c.templates,
  };
}

/**
 * The campaign a patch makes: its fields over the saved ones. Templates merge by channel, and a
 * saved template of a channel the patch takes out of the chain goes with it.
 */
function merge(saved: CampaignInput, patch: CampaignPatch): Record<string, unknown> {
  const channels = patch.channels ?? saved.channels;
  const kept = Object.fromEntries(Object.entries(saved.templates).filter(([channel]) => (channels as string[]).includes(channel)));
  return { ...saved, ...patch, templates: { ...kept, ...(patch.templates ?? {}) } };
}

/**
 * A campaign's row as the marketer's pages and API may act on it: an automation's hidden campaign
 * is not found. With a transaction it is held until the transaction ends (MariaDB; SQLite's write
 * transaction holds the whole file).
 */
export function findMarketerCampaignRow(db: Database, id: number, transaction?: Transaction) {
  return db.models.Campaign.findOne({
    where: { id, automationId: { [Op.is]: null } },
    ...(transaction ? { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined } : {}),
  });
}

/**
 * Changes a draft, or a scheduled campaign that has not started; anything else is refused with the
 * reason. With `patch`, `input` holds only the fields to change.
 */
export async function updateCampaign(
  db: Database,
  id: number,
  input: unknown,
  actor: AuditActor,
  now: Date,
  options: SaveOptions & { patch?: boolean } = {},
): Promise<SaveOutcome> {
  const current = await getCampaign(db, id, options.transaction);
  if (!current) return { ok: false, kind: "not_found" };
  const refusal = editRefusal(current);
  if (refusal) return { ok: false, kind: "refused", status: current.status, reason: refusal };
  let whole: unknown = input;
  if (options.patch) {
    const patch = parseInput(CampaignPatch, input);
    if (!patch.ok) return { ok: false, kind: "invalid", errors: patch.errors };
    whole = merge(inputOf(current), patch.value);
  }
  const checked = await checkCampaign(db, whole, now, options);
  if (!checked.ok) return { ok: false, kind: "invalid", errors: checked.errors };
  return inTransaction(db, options.transaction, async (transaction) => {
    // the row is held while it changes, so sending cannot start halfway through the edit
    const row = await findMarketerCampaignRow(db, id, transaction);
    if (!row) return { ok: false as const, kind: "not_found" as const };
    const previous = await viewOf(db, row, transaction);
    const lateRefusal = editRefusal(previous);
    if (lateRefusal) return { ok: false as const, kind: "refused" as const, status: previous.status, reason: lateRefusal };
    const [changed] = await db.models.Campaign.update(
      { ...columnsOf(checked.campaign), updatedAt: now },
      { where: { id, status: [...EDITABLE_STATUSES], startedAt: { [Op.is]: null } }, transaction, silent: true },
    );
    if (changed !== 1) return { ok: false as const, kind: "refused" as const, status: previous.status, reason: editRefusal({ status: "sending", startedAt: now })! };
    await writeTemplates(db, id, checked.campaign, now, transaction);
    await row.reload({ transaction });
    const campaign = await viewOf(db, row, transaction);
    await recordAudit(db, actor, "campaign.update", { type: "campaign", id, detail: auditDetail(campaign) }, transaction, now);
    await options.hooks?.onSaved?.({ campaign, previous }, transaction);
    return { ok: true as const, campaign };
  });
}

/** Deletes a draft and its templates; a campaign that was ever scheduled stays, for its history. */
export async function deleteCampaign(db: Database, id: number, actor: AuditActor, now: Date, options: { transaction?: Transaction } = {}): Promise<{ ok: true; name: string } | CampaignRefusal> {
  return inTransaction(db, options.transaction, async (transaction) => {
    const row = await findMarketerCampaignRow(db, id, transaction);
    if (!row) return { ok: false as const, kind: "not_found" as const };
    if (row.status !== "draft") {
      return { ok: false as const, kind: "refused" as const, status: row.status, reason: msg("campaigns.control.notDeletable", { status: statusName(row.status) }) };
    }
    const deleted = await db.models.Campaign.destroy({ where: { id, status: "draft" }, transaction });
    if (deleted !== 1) return { ok: false as const, kind: "not_found" as const };
    await db.models.MessageTemplate.destroy({ where: { ownerKind: OWNER_KIND, ownerId: id }, transaction });
    await recordAudit(db, actor, "campaign.delete", { type: "campaign", id, detail: { name: row.name, channels: readChannels(row.channels) } }, transaction, now);
    return { ok: true as const, name: row.name };
  });
}

/** The name of a copy: "Summer sale (copy)", kept within the name's length. */
export function copyName(name: string): string {
  const suffix = " (copy)";
  return name.length + suffix.length <= CAMPAIGN_NAME_MAX ? `${name}${suffix}` : `${name.slice(0, CAMPAIGN_NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * A new draft like this campaign: the same channels, audience, quiet hours and templates. A time
 * that has passed is not copied (the copy is sent now unless given another); a deleted segment is
 * left out, and a copy with no segment left is refused as bad input would be.
 */
export async function duplicateCampaign(db: Database, id: number, actor: AuditActor, now: Date, options: SaveOptions = {}): Promise<SaveOutcome> {
  const source = await getCampaign(db, id, options.transaction);
  if (!source) return { ok: false, kind: "not_found" };
  const input = inputOf(source);
  const live = new Set(source.segments.filter((s) => !s.isDeleted).map((s) => s.id));
  const schedule = input.schedule;
  const isPast =
    schedule.kind === "at" &&
    ((schedule.timeZoneMode === "store" && schedule.sendAt !== null && schedule.sendAt !== undefined && Date.parse(schedule.sendAt) <= now.getTime()) ||
      (schedule.timeZoneMode === "customer" && schedule.localSendAt !== null && schedule.localSendAt !== undefined && latestInstantOf(schedule.localSendAt) <= now.getTime()));
  const copy: CampaignInput = {
    ...input,
    name: copyName(source.name),
    includeSegmentIds: input.includeSegmentIds.filter((s) => live.has(s)),
    excludeSegmentIds: input.excludeSegmentIds.filter((s) => live.has(s)),
    schedule: isPast ? { kind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null } : schedule,
  };
  const out = await createCampaign(db, copy, actor, now, options);
  return out;
}

export interface CampaignListQuery {
  status?: CampaignStatus;
  /** A part of the name, in any case (folded as customer names are). */
  search?: string;
  /** Campaigns older than this id (the next page). */
  before?: number;
  limit: number;
}

export interface CampaignListItem {
  id: number;
  name: string;
  status: CampaignStatus;
  channels: CampaignChannel[];
  segments: CampaignSegmentName[];
  includeSegmentIds: number[];
  excludeSegmentIds: number[];
  schedule: CampaignView["schedule"];
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Delivery rows: all of them, and those that went out (sent, delivered or read). */
  recipients: { total: number; sent: number };
}

const SENT_STATUSES: DeliveryStatus[] = ["sent", "delivered", "read"];

/**
 * Campaigns newest first, a page at a time (keyset on id), of one status and matching a part of
 * the name. Names are matched in JavaScript, folded as the customer search folds them: SQLite's
 * LIKE folds only ASCII, and these names are often Cyrillic or Greek. Ids and names of every
 * campaign are few enough to read whole.
 */
export async function listCampaigns(db: Database, query: CampaignListQuery): Promise<{ campaigns: CampaignListItem[]; nextBefore: number | null }> {
  const limit = Math.min(Math.max(query.limit, 1), 200);
  const where = {
    automationId: { [Op.is]: null },
    ...(query.status ? { status: query.status } : {}),
    ...(query.before !== undefined ? { id: { [Op.lt]: query.before } } : {}),
  };
  let ids: number[];
  let hasMore: boolean;
  const needle = query.search?.trim() ? foldForSearch(query.search.trim()) : null;
  if (needle) {
    const all = await db.models.Campaign.findAll({ attributes: ["id", "name"], where, order: [["id", "DESC"]], raw: true });
    const matching = all.filter((c) => foldForSearch(c.name).includes(needle)).map((c) => c.id);
    ids = matching.slice(0, limit);
    hasMore = matching.length > limit;
  } else {
    const rows = await db.models.Campaign.findAll({ attributes: ["id"], where, order: [["id", "DESC"]], limit: limit + 1, raw: true });
    ids = rows.slice(0, limit).map((r) => r.id);
    hasMore = rows.length > limit;
  }
  if (ids.length === 0) return { campaigns: [], nextBefore: null };
  const rows = await db.models.Campaign.findAll({ where: { id: ids }, order: [["id", "DESC"]] });
  const names = await segmentNames(db, rows.flatMap((r) => [...readIds(r.includeSegmentIds), ...readIds(r.excludeSegmentIds)]));
  const counts = await recipientCounts(db, ids);
  const campaigns = rows.map((r) => {
    const v = toView(r, [], names);
    return {
      id: v.id,
      name: v.name,
      status: v.status,
      channels: v.channels,
      segments: v.segments,
      includeSegmentIds: v.includeSegmentIds,
      excludeSegmentIds: v.excludeSegmentIds,
      schedule: v.schedule,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      startedAt: v.startedAt,
      finishedAt: v.finishedAt,
      recipients: counts.get(v.id) ?? { total: 0, sent: 0 },
    };
  });
  return { campaigns, nextBefore: hasMore ? ids[ids.length - 1] : null };
}

/** Per campaign, its delivery rows and those that went out; read from the (campaign_id, status, …) index. */
async function recipientCounts(db: Database, campaignIds: number[]): Promise<Map<number, { total: number; sent: number }>> {
  const rows = await db.sequelize.query<{ campaignId: number | string; status: string; n: number | string }>(
    "SELECT campaign_id AS campaignId, status, COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id IN (:ids) GROUP BY campaign_id, status",
    { replacements: { ids: campaignIds }, type: QueryTypes.SELECT },
  );
  const out = new Map<number, { total: number; sent: number }>();
  for (const r of rows) {
    const id = Number(r.campaignId);
    const entry = out.get(id) ?? { total: 0, sent: 0 };
    entry.total += Number(r.n);
    if ((SENT_STATUSES as string[]).includes(r.status)) entry.sent += Number(r.n);
    out.set(id, entry);
  }
  return out;
}
