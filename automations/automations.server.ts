// Saving, reading, listing, pausing, resuming and deleting automations (docs/decisions/0031). An
// automation is checked whole (shape, then the segments, users and templates it names) before
// anything is written; each change is one transaction with its audit entry and what it does to the
// automation's firings and its hidden campaign (the owner of its messages on the sending path).
import { Op, QueryTypes, type Transaction } from "sequelize";
import { msg } from "../models/messages";
import type { Database } from "../models/db";
import type { AutomationRow, FiringSkipReason, FiringStatus } from "../models/automation-models";
import { FIRING_SKIP_REASONS, FIRING_STATUSES } from "../models/automation-models";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { parseInput, type FieldError } from "../models/ingest/schemas";
import { sendingTransaction } from "../campaigns/delivery-sql";
import { saveSendJob } from "../campaigns/send.server";
import { checkTemplate } from "../campaigns/templates/check";
import { CAMPAIGN_CHANNELS, type CampaignChannel, type CampaignTemplates } from "../campaigns/definition";
import type { JobQueue } from "../jobs/job-queue";
import { AutomationInput, AutomationPatch, type AutomationAction, type AutomationDelay } from "./definition";

export const OWNER_KIND = "automation";

export interface AutomationView {
  id: number;
  name: string;
  trigger: { segmentId: number; kind: "entered" | "left" };
  delay: AutomationDelay;
  action: AutomationAction;
  cap: { kind: "none" } | { kind: "once" } | { kind: "days"; days: number };
  firingHours: { start: string; end: string } | null;
  isActive: boolean;
  /** The hidden campaign that sends a message automation's messages (its deliveries are the report's). */
  campaignId: number | null;
  createdById: number | null;
  pausedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SaveOutcome = { ok: true; automation: AutomationView } | { ok: false; kind: "invalid"; errors: FieldError[] } | { ok: false; kind: "missing" };
export type ControlOutcome = { ok: true; automation: AutomationView } | { ok: false; kind: "missing" };

/** The templates of an automation's message, by channel. */
async function templatesOf(db: Database, automationId: number, transaction?: Transaction): Promise<CampaignTemplates> {
  const rows = await db.models.MessageTemplate.findAll({ where: { ownerKind: OWNER_KIND, ownerId: automationId }, order: [["id", "ASC"]], raw: true, transaction });
  const templates: CampaignTemplates = {};
  for (const t of rows) {
    if (t.channel === "email") templates.email = { subject: t.subject ?? "", htmlBody: t.htmlBody ?? "", textBody: t.textBody };
    else if ((CAMPAIGN_CHANNELS as readonly string[]).includes(t.channel)) templates[t.channel as Exclude<CampaignChannel, "email">] = { textBody: t.textBody ?? "" };
  }
  return templates;
}

function actionOf(row: AutomationRow, templates: CampaignTemplates): AutomationAction {
  switch (row.actionKind) {
    case "message":
      return { kind: "message", channels: (row.channels ?? "").split(",").filter(Boolean) as CampaignChannel[], templates };
    case "task":
      return { kind: "task", title: row.taskTitle ?? "", description: row.taskDescription ?? "", dueInHours: row.taskDueHours, fallbackUserId: row.fallbackUserId };
    case "notify":
      return { kind: "notify", userId: row.notifyUserId ?? 0 };
    default:
      return { kind: row.actionKind, segmentId: row.targetSegmentId ?? 0 };
  }
}

function delayOfRow(row: AutomationRow): AutomationDelay {
  if (row.delayKind === "none") return { kind: "none" };
  if (row.delayKind === "next_day_at") return { kind: "next_day_at", time: row.delayTime ?? "00:00" };
  return { kind: row.delayKind, amount: row.delayAmount ?? 0 };
}

async function viewOf(db: Database, row: AutomationRow, transaction?: Transaction): Promise<AutomationView> {
  const templates = row.actionKind === "message" ? await templatesOf(db, row.id, transaction) : {};
  const campaign = await db.models.Campaign.findOne({ attributes: ["id"], where: { automationId: row.id }, raw: true, transaction });
  return {
    id: row.id,
    name: row.name,
    trigger: { segmentId: row.segmentId, kind: row.triggerKind },
    delay: delayOfRow(row),
    action: actionOf(row, templates),
    cap: row.capKind === "days" ? { kind: "days", days: row.capDays ?? 1 } : { kind: row.capKind },
    firingHours: row.firingHoursStart && row.firingHoursEnd ? { start: row.firingHoursStart, end: row.firingHoursEnd } : null,
    isActive: Boolean(row.isActive),
    campaignId: campaign?.id ?? null,
    createdById: row.createdById,
    pausedAt: row.pausedAt ? new Date(row.pausedAt) : null,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/** The saved automation as input, for a patch to be merged over. */
export function inputOf(a: AutomationView): AutomationInput {
  return { name: a.name, trigger: a.trigger, delay: a.delay, action: a.action, cap: a.cap, firingHours: a.firingHours, isActive: a.isActive };
}

/** The row's columns for a checked automation. */
function columnsOf(a: AutomationInput) {
  const action = a.action;
  return {
    name: a.name,
    segmentId: a.trigger.segmentId,
    triggerKind: a.trigger.kind,
    delayKind: a.delay.kind,
    delayAmount: "amount" in a.delay ? a.delay.amount : null,
    delayTime: a.delay.kind === "next_day_at" ? a.delay.time : null,
    actionKind: action.kind,
    channels: action.kind === "message" ? action.channels.join(",") : null,
    taskTitle: action.kind === "task" ? action.title : null,
    taskDescription: action.kind === "task" ? action.description : null,
    taskDueHours: action.kind === "task" ? action.dueInHours : null,
    fallbackUserId: action.kind === "task" ? action.fallbackUserId : null,
    notifyUserId: action.kind === "notify" ? action.userId : null,
    targetSegmentId: action.kind === "add_to_segment" || action.kind === "remove_from_segment" ? action.segmentId : null,
    capKind: a.cap.kind,
    capDays: a.cap.kind === "days" ? a.cap.days : null,
    firingHoursStart: a.firingHours?.start ?? null,
    firingHoursEnd: a.firingHours?.end ?? null,
  };
}

/**
 * Checks an automation whole: its shape, then that its segments exist (an add/remove target is a
 * manual segment, and not the trigger itself), its users are active, and its templates and task
 * description are valid Liquid. Returns the parsed automation or every problem, by field.
 */
export async function checkAutomation(db: Database, input: unknown, transaction?: Transaction): Promise<{ ok: true; automation: AutomationInput } | { ok: false; errors: FieldError[] }> {
  const parsed = parseInput(AutomationInput, input);
  if (!parsed.ok) return parsed;
  const a = parsed.value;
  const errors: FieldError[] = [];
  const segment = await db.models.Segment.findOne({ attributes: ["id"], where: { id: a.trigger.segmentId, deletedAt: { [Op.is]: null } }, raw: true, transaction });
  if (!segment) errors.push({ field: "trigger.segmentId", reason: msg("campaigns.form.noSegment", { id: a.trigger.segmentId }) });
  const action = a.action;
  if (action.kind === "add_to_segment" || action.kind === "remove_from_segment") {
    const target = await db.models.Segment.findOne({ attributes: ["id", "type"], where: { id: action.segmentId, deletedAt: { [Op.is]: null } }, raw: true, transaction });
    if (!target) errors.push({ field: "action.segmentId", reason: msg("campaigns.form.noSegment", { id: action.segmentId }) });
    else if (target.type !== "manual") errors.push({ field: "action.segmentId", reason: msg("campaigns.automation.notManual") });
    else if (action.segmentId === a.trigger.segmentId) errors.push({ field: "action.segmentId", reason: msg("campaigns.automation.triggerSegment") });
  }
  const userField = action.kind === "notify" ? { field: "action.userId", id: action.userId } : action.kind === "task" && action.fallbackUserId ? { field: "action.fallbackUserId", id: action.fallbackUserId } : null;
  if (userField) {
    const user = await db.models.User.findOne({ attributes: ["id"], where: { id: userField.id, isActive: true }, raw: true, transaction });
    if (!user) errors.push({ field: userField.field, reason: msg("campaigns.automation.noUser", { id: userField.id }) });
  }
  if (action.kind === "message") {
    for (const channel of action.channels) {
      const template = action.templates[channel];
      if (!template) continue;
      for (const problem of checkTemplate({ channel, ...template })) errors.push({ field: `action.templates.${channel}.${problem.field}`, reason: problem.message });
    }
  }
  if (action.kind === "task" && action.description) {
    for (const problem of checkTemplate({ channel: "viber", textBody: action.description })) errors.push({ field: "action.description", reason: problem.message });
  }
  return errors.length ? { ok: false, errors } : { ok: true, automation: a };
}

async function writeTemplates(db: Database, automationId: number, a: AutomationInput, now: Date, transaction: Transaction) {
  await db.models.MessageTemplate.destroy({ where: { ownerKind: OWNER_KIND, ownerId: automationId }, transaction });
  if (a.action.kind !== "message") return;
  const rows = a.action.channels.map((channel) => {
    const t = a.action.kind === "message" ? a.action.templates[channel] : undefined;
    const email = channel === "email" ? (t as { subject: string; htmlBody: string; textBody?: string | null }) : null;
    return {
      ownerKind: OWNER_KIND as "automation",
      ownerId: automationId,
      channel,
      subject: email?.subject ?? null,
      htmlBody: email?.htmlBody ?? null,
      textBody: email ? (email.textBody ?? null) : ((t as { textBody: string } | undefined)?.textBody ?? null),
      createdAt: now,
      updatedAt: now,
    };
  });
  await db.models.MessageTemplate.bulkCreate(rows, { transaction });
}

/**
 * The hidden campaign that owns a message automation's deliveries: made with the automation, its
 * chain kept equal to the automation's, sending while the automation is active and paused while
 * it is not. Its status is the sender's gate: a paused automation's queued messages wait too.
 */
async function keepHiddenCampaign(db: Database, queue: JobQueue | null, row: AutomationRow, now: Date, transaction: Transaction): Promise<void> {
  const campaign = await db.models.Campaign.findOne({ where: { automationId: row.id }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
  if (row.actionKind !== "message") {
    // its messages already queued go on with the chain they were made for
    return;
  }
  const name = `Automation: ${row.name}`.slice(0, 200);
  if (!campaign) {
    await db.models.Campaign.create(
      {
        name,
        status: row.isActive ? "sending" : "paused",
        channels: row.channels ?? "",
        includeSegmentIds: "[]",
        excludeSegmentIds: "[]",
        scheduleKind: "now",
        timeZoneMode: "store",
        sendAt: null,
        localSendAt: null,
        quietHoursStart: null,
        quietHoursEnd: null,
        createdById: row.createdById,
        automationId: row.id,
        startedAt: now,
        createdAt: now,
        updatedAt: now,
      },
      { transaction },
    );
    return;
  }
  const status = campaign.status === "cancelled" ? "cancelled" : !row.isActive ? "paused" : campaign.status === "paused" ? "sending" : campaign.status;
  await db.models.Campaign.update({ name, channels: row.channels ?? "", status, pausedAt: status === "paused" ? now : null, updatedAt: now }, { where: { id: campaign.id }, transaction });
  // messages held by the pause go once it is lifted
  if (campaign.status === "paused" && status === "sending" && queue) await saveSendJob(queue, campaign.id, now, transaction);
}

/** The id of the newest segment event: an automation made now fires for events after it. */
async function lastEventId(db: Database, transaction: Transaction): Promise<number> {
  const [row] = await db.sequelize.query<{ id: number | string | null }>("SELECT MAX(id) AS id FROM segment_events", { type: QueryTypes.SELECT, transaction });
  return Number(row?.id ?? 0);
}

/** Creates an automation (active unless `isActive: false`); it fires for segment events from now on. */
export async function createAutomation(db: Database, input: unknown, actor: AuditActor, now: Date, options: { queue?: JobQueue; transaction?: Transaction } = {}): Promise<SaveOutcome> {
  const checked = await checkAutomation(db, input, options.transaction);
  if (!checked.ok) return { ok: false, kind: "invalid", errors: checked.errors };
  const a = checked.automation;
  // inside a caller's transaction (the API's idempotency key is written in the same one), or its own
  const inTransaction = <T>(work: (transaction: Transaction) => Promise<T>) => (options.transaction ? work(options.transaction) : sendingTransaction(db, work));
  return inTransaction(async (transaction) => {
    const row = await db.models.Automation.create(
      { ...columnsOf(a), isActive: a.isActive, pausedAt: a.isActive ? null : now, sinceEventId: await lastEventId(db, transaction), createdById: actor.userId ?? null, createdAt: now, updatedAt: now },
      { transaction },
    );
    await writeTemplates(db, row.id, a, now, transaction);
    await keepHiddenCampaign(db, options.queue ?? null, row, now, transaction);
    const automation = await viewOf(db, row, transaction);
    await recordAudit(db, actor, "automation.create", { type: "automation", id: row.id, detail: { name: a.name, trigger: a.trigger, action: a.action.kind } }, transaction, now);
    return { ok: true as const, automation };
  });
}

/** A live (not deleted) automation's row, locked for the transaction on MariaDB. */
async function lockAutomation(db: Database, id: number, transaction: Transaction) {
  return db.models.Automation.findOne({ where: { id, deletedAt: { [Op.is]: null } }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
}

/**
 * Changes an automation; with `patch`, `input` holds only the fields to change. A new trigger
 * (another segment, or enter for leave) cancels the firings the old one left waiting, and the
 * automation fires for the new trigger's events from now on. Pausing or resuming through isActive
 * does what pauseAutomation / resumeAutomation do.
 */
export async function updateAutomation(db: Database, id: number, input: unknown, actor: AuditActor, now: Date, options: { patch?: boolean; queue?: JobQueue } = {}): Promise<SaveOutcome> {
  const current = await getAutomation(db, id);
  if (!current) return { ok: false, kind: "missing" };
  let whole = input;
  if (options.patch) {
    const patch = parseInput(AutomationPatch, input);
    if (!patch.ok) return { ok: false, kind: "invalid", errors: patch.errors };
    whole = { ...inputOf(current), ...patch.value };
  }
  const checked = await checkAutomation(db, whole);
  if (!checked.ok) return { ok: false, kind: "invalid", errors: checked.errors };
  const a = checked.automation;
  return sendingTransaction(db, async (transaction) => {
    const row = await lockAutomation(db, id, transaction);
    if (!row) return { ok: false as const, kind: "missing" as const };
    const triggerChanged = row.segmentId !== a.trigger.segmentId || row.triggerKind !== a.trigger.kind;
    const wasActive = Boolean(row.isActive);
    await db.models.Automation.update(
      {
        ...columnsOf(a),
        isActive: a.isActive,
        pausedAt: a.isActive ? null : (row.pausedAt ?? now),
        ...(triggerChanged ? { sinceEventId: await lastEventId(db, transaction) } : {}),
        updatedAt: now,
      },
      { where: { id }, transaction },
    );
    if (triggerChanged) await settleWaiting(db, id, ["pending", "held", "claimed"], "cancelled", now, transaction);
    else if (wasActive && !a.isActive) await settleWaiting(db, id, ["pending", "claimed"], "held", now, transaction);
    else if (!wasActive && a.isActive) await settleWaiting(db, id, ["held"], "pending", now, transaction);
    await writeTemplates(db, id, a, now, transaction);
    const saved = (await db.models.Automation.findByPk(id, { transaction }))!;
    await keepHiddenCampaign(db, options.queue ?? null, saved, now, transaction);
    await recordAudit(db, actor, "automation.update", { type: "automation", id, detail: { name: a.name, trigger: a.trigger, action: a.action.kind, isActive: a.isActive } }, transaction, now);
    return { ok: true as const, automation: await viewOf(db, saved, transaction) };
  });
}

/** Moves an automation's waiting firings from some statuses to another (claims dropped: a claimed firing has not acted). */
async function settleWaiting(db: Database, automationId: number, from: FiringStatus[], to: FiringStatus, now: Date, transaction: Transaction): Promise<number> {
  const [changed] = await db.models.AutomationFiring.update(
    { status: to, claimedBy: null, claimedAt: null, updatedAt: now },
    { where: { automationId, status: { [Op.in]: from } }, transaction },
  );
  return changed;
}

/** Pauses an automation: its waiting firings are held (and its queued messages wait) until it is resumed. Twice is a no-op. */
export async function pauseAutomation(db: Database, id: number, actor: AuditActor, now: Date): Promise<ControlOutcome> {
  return setActive(db, null, id, false, actor, now);
}

/** Resumes a paused automation: held firings become due again (at once when their time has passed), held messages go. */
export async function resumeAutomation(db: Database, queue: JobQueue, id: number, actor: AuditActor, now: Date): Promise<ControlOutcome> {
  return setActive(db, queue, id, true, actor, now);
}

async function setActive(db: Database, queue: JobQueue | null, id: number, isActive: boolean, actor: AuditActor, now: Date): Promise<ControlOutcome> {
  return sendingTransaction(db, async (transaction) => {
    const row = await lockAutomation(db, id, transaction);
    if (!row) return { ok: false as const, kind: "missing" as const };
    if (Boolean(row.isActive) !== isActive) {
      await db.models.Automation.update({ isActive, pausedAt: isActive ? null : now, updatedAt: now }, { where: { id }, transaction });
      if (isActive) await settleWaiting(db, id, ["held"], "pending", now, transaction);
      else await settleWaiting(db, id, ["pending", "claimed"], "held", now, transaction);
      const saved = (await db.models.Automation.findByPk(id, { transaction }))!;
      await keepHiddenCampaign(db, queue, saved, now, transaction);
      await recordAudit(db, actor, isActive ? "automation.resume" : "automation.pause", { type: "automation", id }, transaction, now);
    }
    const saved = (await db.models.Automation.findByPk(id, { transaction }))!;
    return { ok: true as const, automation: await viewOf(db, saved, transaction) };
  });
}

/**
 * Deletes an automation: its waiting firings are cancelled and its queued messages with them; its
 * history (firings, tasks, messages sent) stays for the record.
 */
export async function deleteAutomation(db: Database, id: number, actor: AuditActor, now: Date): Promise<{ ok: true; cancelled: number } | { ok: false; kind: "missing" }> {
  return sendingTransaction(db, async (transaction) => {
    const row = await lockAutomation(db, id, transaction);
    if (!row) return { ok: false as const, kind: "missing" as const };
    await db.models.Automation.update({ isActive: false, deletedAt: now, updatedAt: now }, { where: { id }, transaction });
    const cancelled = await settleWaiting(db, id, ["pending", "held", "claimed"], "cancelled", now, transaction);
    const campaign = await db.models.Campaign.findOne({ where: { automationId: id }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    if (campaign && campaign.status !== "cancelled") {
      await db.models.Campaign.update({ status: "cancelled", cancelledAt: now, updatedAt: now }, { where: { id: campaign.id }, transaction });
      await db.models.CampaignDelivery.update({ status: "cancelled", updatedAt: now }, { where: { campaignId: campaign.id, status: "queued" }, transaction });
    }
    await recordAudit(db, actor, "automation.delete", { type: "automation", id, detail: { name: row.name, cancelled } }, transaction, now);
    return { ok: true as const, cancelled };
  });
}

/** One live automation with its templates, or null. */
export async function getAutomation(db: Database, id: number): Promise<AutomationView | null> {
  const row = await db.models.Automation.findOne({ where: { id, deletedAt: { [Op.is]: null } } });
  return row ? viewOf(db, row) : null;
}

/** Every live automation, newest first, optionally those on one segment. */
export async function listAutomations(db: Database, query: { segmentId?: number } = {}): Promise<AutomationView[]> {
  const rows = await db.models.Automation.findAll({
    where: { deletedAt: { [Op.is]: null }, ...(query.segmentId ? { segmentId: query.segmentId } : {}) },
    order: [["id", "DESC"]],
  });
  return Promise.all(rows.map((row) => viewOf(db, row)));
}

export interface AutomationReport {
  byStatus: Record<FiringStatus, number>;
  skipped: Record<FiringSkipReason, number>;
  /** Firings that acted, per day (UTC) of acting, oldest first. */
  actedPerDay: Array<{ day: string; count: number }>;
  /** Firings that acted and that were skipped, per day (UTC) they settled, oldest first. */
  settledPerDay: Array<{ day: string; acted: number; skipped: number }>;
}

/** How often an automation fired, skipped (by reason) and waits, and its actions per day. */
export async function automationReport(db: Database, automationId: number, transaction?: Transaction): Promise<AutomationReport> {
  const rows = (await db.sequelize.query(
    "SELECT status, skip_reason AS reason, COUNT(*) AS n FROM automation_firings WHERE automation_id = :automationId GROUP BY status, skip_reason",
    { replacements: { automationId }, type: QueryTypes.SELECT, transaction },
  )) as Array<{ status: FiringStatus; reason: FiringSkipReason | null; n: number | string }>;
  const byStatus = Object.fromEntries(FIRING_STATUSES.map((s) => [s, 0])) as Record<FiringStatus, number>;
  const skipped = Object.fromEntries(FIRING_SKIP_REASONS.map((r) => [r, 0])) as Record<FiringSkipReason, number>;
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + Number(r.n);
    if (r.status === "skipped" && r.reason) skipped[r.reason] = (skipped[r.reason] ?? 0) + Number(r.n);
  }
  const settled = await db.models.AutomationFiring.findAll({ attributes: ["actedAt", "status"], where: { automationId, status: { [Op.in]: ["done", "skipped"] } }, raw: true, transaction });
  const perDay = new Map<string, { acted: number; skipped: number }>();
  for (const f of settled) {
    if (!f.actedAt) continue;
    const day = new Date(f.actedAt).toISOString().slice(0, 10);
    const counts = perDay.get(day) ?? { acted: 0, skipped: 0 };
    if (f.status === "done") counts.acted += 1;
    else counts.skipped += 1;
    perDay.set(day, counts);
  }
  const days = [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    byStatus,
    skipped,
    actedPerDay: days.filter(([, c]) => c.acted > 0).map(([day, c]) => ({ day, count: c.acted })),
    settledPerDay: days.map(([day, c]) => ({ day, ...c })),
  };
}

/** An automation's firings, newest first, a page at a time: for whom, when, and what came of it. */
export async function listFirings(db: Database, automationId: number, page: { before?: number; limit: number; status?: FiringStatus }) {
  const rows = await db.models.AutomationFiring.findAll({
    where: { automationId, ...(page.before ? { id: { [Op.lt]: page.before } } : {}), ...(page.status ? { status: page.status } : {}) },
    order: [["id", "DESC"]],
    limit: Math.min(Math.max(page.limit, 1), 201),
    raw: true,
  });
  return rows.map((f) => ({
    id: Number(f.id),
    customerId: f.customerId,
    eventKind: f.eventKind,
    eventAt: new Date(f.eventAt),
    status: f.status,
    skipReason: f.skipReason,
    dueAt: new Date(f.dueAt),
    actedAt: f.actedAt ? new Date(f.actedAt) : null,
    deliveryId: f.deliveryId === null ? null : Number(f.deliveryId),
    taskId: f.taskId === null ? null : Number(f.taskId),
    error: f.error,
  }));
}

export interface FiringCounts {
  /** Firings that acted. */
  done: number;
  skipped: number;
  /** Pending, claimed or held: not acted yet. */
  waiting: number;
}

/** How many times each of these automations acted, skipped and waits, in one grouped read. */
export async function firingCounts(db: Database, automationIds: number[]): Promise<Map<number, FiringCounts>> {
  const counts = new Map<number, FiringCounts>(automationIds.map((id) => [id, { done: 0, skipped: 0, waiting: 0 }]));
  if (automationIds.length === 0) return counts;
  const rows = (await db.sequelize.query("SELECT automation_id AS id, status, COUNT(*) AS n FROM automation_firings WHERE automation_id IN (:ids) GROUP BY automation_id, status", {
    replacements: { ids: automationIds },
    type: QueryTypes.SELECT,
  })) as Array<{ id: number | string; status: FiringStatus; n: number | string }>;
  for (const r of rows) {
    const c = counts.get(Number(r.id));
    if (!c) continue;
    if (r.status === "done") c.done += Number(r.n);
    else if (r.status === "skipped") c.skipped += Number(r.n);
    else if (r.status !== "cancelled") c.waiting += Number(r.n);
  }
  return counts;
}

/** The customers firings name: names and their manager (a viewer's page decides what of them to show). */
export async function firingCustomers(db: Database, customerIds: number[]): Promise<Map<number, { id: number; externalId: string; firstName: string | null; lastName: string | null; managerId: number | null }>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.models.Customer.findAll({ attributes: ["id", "externalId", "firstName", "lastName", "managerId"], where: { id: { [Op.in]: [...new Set(customerIds)] } }, raw: true });
  return new Map(rows.map((c) => [c.id, { id: c.id, externalId: c.externalId, firstName: c.firstName, lastName: c.lastName, managerId: c.managerId }]));
}
