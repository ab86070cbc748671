// The firing runner (docs/decisions/0031): claims due firings, works out what each should do
// (still in the segment? inside the firing hours? the action's own checks), then acts in one
// transaction per firing that also ends its claim: a guarded move from "claimed by this run" to
// done or skipped. Two runners never act on one firing (the claim, then the guard); a dead runner's
// claims have not acted and go back in line after the lease. A message is not sent here: the firing
// writes a delivery row of the automation's hidden campaign, and the campaign sender sends it with
// consent, quiet hours, throttling, the outbox and the in_flight → unknown rule.
import { Op, QueryTypes, type Transaction } from "sequelize";
import { msg } from "../models/messages";
import type { Database } from "../models/db";
import type { AutomationRow, FiringSkipReason } from "../models/automation-models";
import { bulkInsert, bulkInsertReturning, sqlLiteral, type SqlValue } from "../models/sql/bulk";
import { createNotification } from "../models/notifications/notifications.server";
import { queueEmail } from "../models/notifications/outbox.server";
import { reachOf } from "../campaigns/audience.server";
import { sendingTransaction } from "../campaigns/delivery-sql";
import { customersAtCap } from "../campaigns/frequency-cap.server";
import { customerZoneName, frequencyCapOf, nextAllowedInstant, quietHoursFor } from "../campaigns/schedule";
import { saveSendJob } from "../campaigns/send.server";
import { CHANNELS, type ChannelName } from "../campaigns/channels/channel";
import { createEngines } from "../campaigns/templates/engine";
import { loadTemplateContexts } from "../campaigns/templates/context.server";
import { prepareTemplate, renderMessage } from "../campaigns/templates/message";
import { addMembers, removeMembers } from "../segments/manual.server";
import { enqueueEmailDeliveries, enqueueEmailDelivery } from "../jobs/deliver-email";
import { JOB_NAMES } from "../jobs/job-names";
import type { JobQueue } from "../jobs/job-queue";
import { claimDueFirings, nextPendingDue, releaseAbandonedClaims, type ClaimedFiring } from "./claim-sql";
import { firingHoursOf, nextFiringInstant } from "./timing";
import { intlLocale, languageOf, translator } from "../models/i18n.server";

/** A claim older than this belongs to a runner that died: the run job's lock lifetime. */
export const FIRING_LEASE_MS = 2 * 60_000;
/**
 * Firings claimed and acted on together. Each batch's reads and its one transaction cost about the
 * same for 200 firings as for 1,000 (round trips, not rows), so larger batches go much faster
 * (docs/decisions/0034); a batch still takes well under a second, far inside the lease.
 */
export const FIRING_BATCH = 1_000;
/** A failed batch is tried again in halves down to this size, then one firing at a time. */
const SMALLEST_TOGETHER = 8;

/** The notification kind of a new task, worded by the UI catalogue. */
export const TASK_ASSIGNED = "task.assigned";
/** The notification kind of a notify action. */
export const AUTOMATION_NOTICE = "automation.notice";

export interface RunnerDeps {
  db: Database;
  queue: JobQueue;
  clock: () => Date;
  /** The console's address, for links in emails. */
  publicUrl: string;
  log: { warn(detail: object, message: string): void };
}

export interface RunnerOptions {
  batchSize?: number;
  /** The run stops claiming after this long. */
  maxRunMs?: number;
  leaseMs?: number;
}

export interface RunnerResult {
  claimed: number;
  done: number;
  skipped: number;
  /** Moved to a later time (firing hours) or held (paused) or cancelled (deleted) instead of acting. */
  deferred: number;
  released: number;
  /**
   * Firings whose own transaction failed (logged): not acted on, still claimed, back in line after
   * the lease like a stopped runner's.
   */
  failed: number;
  /** When a pending firing is next due; null when none waits. */
  nextDueAt: Date | null;
}

/** What a firing is to do, worked out before its transaction. */
type Plan =
  | { kind: "skip"; reason: FiringSkipReason; error?: string }
  | { kind: "later"; dueAt: Date }
  | { kind: "message"; channel: ChannelName; address: string; dueAt: Date }
  | { kind: "task"; assigneeId: number; title: string; description: string | null; dueAt: Date | null }
  | { kind: "notify"; userId: number }
  | { kind: "segment"; segmentId: number; add: boolean };

interface Batch {
  automations: Map<number, AutomationRow>;
  store: { timeZone: string; locale: string; quietHoursStart: string | null; quietHoursEnd: string | null; frequencyCapCount: number | null; frequencyCapDays: number | null };
  members: Set<string>;
  customers: Map<number, { id: number; managerId: number | null; acceptsMarketing: boolean; timeZone: string | null; lastInteractionAt: Date | null }>;
  identities: Map<number, Map<ChannelName, { address: string | null; isSubscribed: boolean }>>;
  descriptions: Map<string, string | { problem: string }>;
  activeUsers: Set<number>;
  capped: Set<number>;
}

/**
 * Acts on every due firing until none is due or the run's time is up. Returns what it did and when
 * the next pending firing is due.
 */
export async function runDueFirings(deps: RunnerDeps, runToken: string, options: RunnerOptions = {}): Promise<RunnerResult> {
  const { db } = deps;
  const started = Date.now();
  const lease = options.leaseMs ?? FIRING_LEASE_MS;
  const result: RunnerResult = { claimed: 0, done: 0, skipped: 0, deferred: 0, released: 0, failed: 0, nextDueAt: null };
  const at = deps.clock();
  result.released = await releaseAbandonedClaims(db, runToken, new Date(at.getTime() - lease), at);
  if (result.released > 0) deps.log.warn({ firings: result.released }, "automation firings claimed by a stopped runner put back in line");
  while (Date.now() - started < (options.maxRunMs ?? 60_000)) {
    const now = deps.clock();
    const claimed = await claimDueFirings(db, { runToken, now, limit: options.batchSize ?? FIRING_BATCH });
    if (claimed.length === 0) break;
    result.claimed += claimed.length;
    const batch = await loadBatch(db, claimed, now);
    for (const outcome of (await actOnClaimed(deps, runToken, claimed, batch, now)).values()) {
      if (outcome === "done") result.done++;
      else if (outcome === "skipped") result.skipped++;
      else if (outcome === "deferred") result.deferred++;
      else if (outcome === "failed") result.failed++;
    }
  }
  result.nextDueAt = await nextPendingDue(db);
  return result;
}

const memberKey = (segmentId: number, customerId: number) => `${segmentId}:${customerId}`;

/** What the batch's plans read, a few queries for the whole batch. */
async function loadBatch(db: Database, firings: ClaimedFiring[], now: Date): Promise<Batch> {
  const automationIds = [...new Set(firings.map((f) => f.automationId))];
  const customerIds = [...new Set(firings.map((f) => f.customerId))];
  const automations = new Map((await db.models.Automation.findAll({ where: { id: { [Op.in]: automationIds } }, raw: true })).map((a) => [a.id, a]));
  const storeRow = await db.models.StoreSettings.findByPk(1, { raw: true });
  const store = {
    timeZone: storeRow?.timeZone ?? "UTC",
    locale: storeRow?.locale ?? "en",
    quietHoursStart: storeRow?.quietHoursStart ?? null,
    quietHoursEnd: storeRow?.quietHoursEnd ?? null,
    frequencyCapCount: storeRow?.frequencyCapCount ?? null,
    frequencyCapDays: storeRow?.frequencyCapDays ?? null,
  };
  const segmentIds = [...new Set([...automations.values()].map((a) => a.segmentId))];
  const memberRows = (await db.sequelize.query("SELECT segment_id AS s, customer_id AS c FROM segment_members WHERE segment_id IN (:segmentIds) AND customer_id IN (:customerIds)", {
    replacements: { segmentIds, customerIds },
    type: QueryTypes.SELECT,
  })) as Array<{ s: number; c: number }>;
  const members = new Set(memberRows.map((r) => memberKey(Number(r.s), Number(r.c))));
  const customerRows = await db.models.Customer.findAll({
    attributes: ["id", "managerId", "acceptsMarketing", "timeZone", "lastInteractionAt"],
    where: { id: { [Op.in]: customerIds } },
    raw: true,
  });
  const customers = new Map(customerRows.map((c) => [c.id, { id: c.id, managerId: c.managerId, acceptsMarketing: Boolean(c.acceptsMarketing), timeZone: c.timeZone ?? null, lastInteractionAt: c.lastInteractionAt ? new Date(c.lastInteractionAt) : null }]));
  const identities = new Map<number, Map<ChannelName, { address: string | null; isSubscribed: boolean }>>();
  const messaged = firings.filter((f) => automations.get(f.automationId)?.actionKind === "message").map((f) => f.customerId);
  if (messaged.length) {
    const rows = await db.models.ChannelIdentity.findAll({ where: { customerId: { [Op.in]: [...new Set(messaged)] } }, raw: true });
    for (const r of rows) {
      if (!(CHANNELS as readonly string[]).includes(r.channel)) continue;
      let mine = identities.get(r.customerId);
      if (!mine) identities.set(r.customerId, (mine = new Map()));
      mine.set(r.channel as ChannelName, { address: r.address, isSubscribed: Boolean(r.isSubscribed) });
    }
  }
  const cap = frequencyCapOf(store);
  const capped = cap && messaged.length ? await customersAtCap(db, [...new Set(messaged)], now, cap) : new Set<number>();
  const userIds = new Set<number>();
  for (const a of automations.values()) {
    if (a.fallbackUserId) userIds.add(a.fallbackUserId);
    if (a.notifyUserId) userIds.add(a.notifyUserId);
  }
  for (const c of customers.values()) if (c.managerId) userIds.add(c.managerId);
  const activeUsers = new Set(
    userIds.size ? (await db.models.User.findAll({ attributes: ["id"], where: { id: { [Op.in]: [...userIds] }, isActive: true }, raw: true })).map((u) => u.id) : [],
  );
  const descriptions = await renderDescriptions(db, firings, automations, now);
  return { automations, store, members, customers, identities, descriptions, activeUsers, capped };
}

/** Task descriptions rendered with each customer's context (Liquid, as message templates are), keyed by automation and customer. */
async function renderDescriptions(db: Database, firings: ClaimedFiring[], automations: Map<number, AutomationRow>, now: Date) {
  const out = new Map<string, string | { problem: string }>();
  const wanted = firings.filter((f) => {
    const a = automations.get(f.automationId);
    return a?.actionKind === "task" && a.taskDescription;
  });
  if (wanted.length === 0) return out;
  const loaded = await loadTemplateContexts(db, [...new Set(wanted.map((f) => f.customerId))], { now });
  const engines = createEngines({ locale: loaded.locale, localNow: loaded.localNow });
  for (const f of wanted) {
    const a = automations.get(f.automationId)!;
    const base = loaded.contexts.get(f.customerId);
    if (!base) continue;
    const prepared = prepareTemplate({ channel: "viber", textBody: a.taskDescription }, engines, new Set(loaded.fieldKeys));
    if (!prepared.ok) {
      out.set(`${a.id}:${f.customerId}`, { problem: prepared.problems[0].message });
      continue;
    }
    const rendered = renderMessage(prepared.template, engines, { ...base, unsubscribe_url: "" });
    out.set(`${a.id}:${f.customerId}`, rendered.ok ? rendered.message.text : { problem: rendered.problem.message });
  }
  return out;
}

/** What a claimed firing is to do now. */
function planOf(firing: ClaimedFiring, a: AutomationRow, batch: Batch, now: Date): Plan {
  const hours = firingHoursOf(a);
  const allowed = nextFiringInstant(now, hours, batch.store.timeZone);
  if (allowed.getTime() > now.getTime()) return { kind: "later", dueAt: allowed };
  const isMember = batch.members.has(memberKey(a.segmentId, firing.customerId));
  if (firing.eventKind === "entered" && !isMember) return { kind: "skip", reason: "left_before_delay" };
  if (firing.eventKind === "left" && isMember) return { kind: "skip", reason: "came_back_before_delay" };
  const customer = batch.customers.get(firing.customerId);
  switch (a.actionKind) {
    case "message": {
      if (!customer) return { kind: "skip", reason: "customer_gone" };
      const chain = (a.channels ?? "").split(",").filter((c): c is ChannelName => (CHANNELS as readonly string[]).includes(c));
      const zone = customerZoneName(customer.timeZone, batch.store.timeZone);
      const quiet = quietHoursFor({ quietHoursStart: null, quietHoursEnd: null }, batch.store);
      const dueAt = quiet ? nextAllowedInstant(now, quiet, zone) : now;
      const reach = reachOf(
        { acceptsMarketing: customer.acceptsMarketing, timeZone: customer.timeZone, lastInteractionMs: customer.lastInteractionAt?.getTime() ?? null },
        batch.identities.get(customer.id) ?? new Map(),
        chain,
        dueAt,
      );
      if ("skipReason" in reach) return { kind: "skip", reason: reach.skipReason };
      if (batch.capped.has(customer.id)) return { kind: "skip", reason: "frequency_cap" };
      return { kind: "message", channel: reach.channel, address: reach.address, dueAt };
    }
    case "task": {
      if (!customer) return { kind: "skip", reason: "customer_gone" };
      const assigneeId = customer.managerId && batch.activeUsers.has(customer.managerId) ? customer.managerId : a.fallbackUserId && batch.activeUsers.has(a.fallbackUserId) ? a.fallbackUserId : null;
      if (!assigneeId) return { kind: "skip", reason: "no_assignee" };
      const description = a.taskDescription ? batch.descriptions.get(`${a.id}:${customer.id}`) : null;
      if (description && typeof description === "object") return { kind: "skip", reason: "template_problem", error: msg("campaigns.automation.descriptionProblem", { problem: description.problem }) };
      const dueAt = a.taskDueHours === null ? null : new Date(now.getTime() + a.taskDueHours * 3_600_000);
      return { kind: "task", assigneeId, title: a.taskTitle ?? a.name, description: description ?? null, dueAt };
    }
    case "notify":
      return a.notifyUserId && batch.activeUsers.has(a.notifyUserId) ? { kind: "notify", userId: a.notifyUserId } : { kind: "skip", reason: "no_user" };
    case "add_to_segment":
    case "remove_from_segment":
      return a.targetSegmentId ? { kind: "segment", segmentId: a.targetSegmentId, add: a.actionKind === "add_to_segment" } : { kind: "skip", reason: "segment_unusable" };
  }
}

/** Runs an UPDATE and returns how many rows it changed, on either dialect. */
async function affected(db: Database, sql: string, transaction: Transaction): Promise<number> {
  const result = (await db.sequelize.query(sql, { type: QueryTypes.UPDATE, transaction })) as unknown as [unknown, number];
  return Number(result[1] ?? 0);
}

/**
 * The automation's cap for this customer, taken for this firing if it allows one more: a row per
 * (automation, customer) holding its last firing. Race-free on both dialects: the primary key
 * admits one first row, and the conditional UPDATE one taker per window (InnoDB's row lock; SQLite's
 * single writer).
 */
async function takeCap(db: Database, a: AutomationRow, firing: ClaimedFiring, now: Date, transaction: Transaction): Promise<boolean> {
  if (a.capKind === "none") return true;
  const ignore = db.dialect === "mysql" ? "INSERT IGNORE" : "INSERT OR IGNORE";
  await db.sequelize.query(
    `${ignore} INTO automation_caps (automation_id, customer_id, firing_id, fired_at) VALUES (${a.id}, ${firing.customerId}, ${firing.id}, ${sqlLiteral(now, db)})`,
    { type: QueryTypes.INSERT, transaction },
  );
  if (a.capKind === "days") {
    const windowStart = new Date(now.getTime() - (a.capDays ?? 1) * 86_400_000);
    await affected(
      db,
      `UPDATE automation_caps SET firing_id = ${firing.id}, fired_at = ${sqlLiteral(now, db)}
       WHERE automation_id = ${a.id} AND customer_id = ${firing.customerId} AND firing_id <> ${firing.id} AND fired_at <= ${sqlLiteral(windowStart, db)}`,
      transaction,
    );
  }
  const [row] = await db.sequelize.query<{ firing_id: number | string }>(
    `SELECT firing_id FROM automation_caps WHERE automation_id = ${a.id} AND customer_id = ${firing.customerId}${db.dialect === "mysql" ? " FOR UPDATE" : ""}`,
    { type: QueryTypes.SELECT, transaction },
  );
  return Number(row?.firing_id) === firing.id;
}

type ActOutcome = "done" | "skipped" | "deferred" | "lost" | "failed";

/** Acts on one claimed firing, as planned, in one transaction; "lost" when the claim was no longer this run's. */
async function actOn(deps: RunnerDeps, runToken: string, firing: ClaimedFiring, batch: Batch, plan: Plan, now: Date): Promise<ActOutcome> {
  const { db } = deps;
  const a = batch.automations.get(firing.automationId);
  return sendingTransaction(db, async (transaction) => {
    const lock = db.dialect === "mysql" ? " FOR UPDATE" : "";
    const [mine] = await db.sequelize.query<{ status: string; claimed_by: string | null }>(`SELECT status, claimed_by FROM automation_firings WHERE id = ${firing.id}${lock}`, {
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!mine || mine.status !== "claimed" || mine.claimed_by !== runToken) return "lost";
    const [automation] = await db.sequelize.query<{ is_active: number | boolean; deleted_at: unknown }>(
      `SELECT is_active, deleted_at FROM automations WHERE id = ${firing.automationId}${db.dialect === "mysql" ? " LOCK IN SHARE MODE" : ""}`,
      { type: QueryTypes.SELECT, transaction },
    );
    const finish = (fields: Record<string, unknown>) =>
      db.models.AutomationFiring.update({ claimedBy: null, claimedAt: null, updatedAt: now, ...fields }, { where: { id: firing.id }, transaction });
    // made by the follower just as the automation was paused or deleted
    if (!automation || automation.deleted_at) return (await finish({ status: "cancelled" }), "deferred");
    if (!Number(automation.is_active)) return (await finish({ status: "held" }), "deferred");
    if (plan.kind === "later") return (await finish({ status: "pending", dueAt: plan.dueAt }), "deferred");
    if (plan.kind === "skip") return (await finish({ status: "skipped", skipReason: plan.reason, error: plan.error ?? null, actedAt: now }), "skipped");
    if (!(await takeCap(db, a!, firing, now, transaction))) return (await finish({ status: "skipped", skipReason: "automation_cap", actedAt: now }), "skipped");
    const refs = await perform(deps, a!, firing, plan, batch.store, now, transaction);
    if ("skip" in refs) return (await finish({ status: "skipped", skipReason: refs.skip, actedAt: now }), "skipped");
    await finish({ status: "done", actedAt: now, skipReason: null, ...refs });
    return "done";
  });
}

/** The action's writes, in the firing's transaction; returns what it made, or why it could not. */
async function perform(
  deps: RunnerDeps,
  a: AutomationRow,
  firing: ClaimedFiring,
  plan: Exclude<Plan, { kind: "skip" } | { kind: "later" }>,
  store: Batch["store"],
  now: Date,
  transaction: Transaction,
): Promise<{ deliveryId?: number; taskId?: number; notificationId?: number } | { skip: FiringSkipReason }> {
  const { db, queue } = deps;
  switch (plan.kind) {
    case "message": {
      const campaign = await db.models.Campaign.findOne({ where: { automationId: a.id }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
      if (!campaign || campaign.status === "cancelled") return { skip: "segment_unusable" };
      // the sender finishes the hidden campaign whenever nothing is left; a new message opens it again
      const reopened = campaign.status === "finished";
      if (reopened) await db.models.Campaign.update({ status: "sending", finishedAt: null, updatedAt: now }, { where: { id: campaign.id }, transaction });
      const delivery = await db.models.CampaignDelivery.create(
        { campaignId: campaign.id, customerId: firing.customerId, firingId: firing.id, channel: plan.channel, address: plan.address, status: "queued", skipReason: null, dueAt: plan.dueAt, createdAt: now, updatedAt: now },
        { transaction },
      );
      const job = await queue.repository.getUniqueJob(JOB_NAMES.sendCampaign, { "data.campaignId": campaign.id }, { transaction });
      const next = job?.nextRunAt ? new Date(job.nextRunAt) : null;
      if (reopened || !next || next.getTime() > plan.dueAt.getTime()) await saveSendJob(queue, campaign.id, plan.dueAt, transaction);
      return { deliveryId: Number(delivery.id) };
    }
    case "task": {
      const task = await db.models.Task.create(
        {
          customerId: firing.customerId,
          assigneeId: plan.assigneeId,
          title: plan.title,
          description: plan.description,
          dueAt: plan.dueAt,
          status: "open",
          automationId: a.id,
          firingId: firing.id,
          createdById: null,
          createdAt: now,
          updatedAt: now,
        },
        { transaction },
      );
      const taskId = Number(task.id);
      const notificationId = await createNotification(db, taskNotification(a, firing, plan, taskId), now, transaction);
      const user = await db.models.User.findByPk(plan.assigneeId, { attributes: ["email", "notifyByEmail", "locale"], raw: true, transaction });
      if (user?.notifyByEmail) {
        const emailId = await queueEmail(db, taskEmail(deps, plan, firing, taskId, user, store), now, transaction);
        await enqueueEmailDelivery(queue, emailId, now, transaction);
      }
      return { taskId, notificationId };
    }
    case "notify": {
      const notificationId = await createNotification(db, notice(a, firing, plan), now, transaction);
      return { notificationId };
    }
    case "segment": {
      const change = plan.add ? await addMembers(db, plan.segmentId, [firing.customerId], now, {}, transaction) : await removeMembers(db, plan.segmentId, [firing.customerId], now, {}, transaction);
      return change.ok ? {} : { skip: "segment_unusable" };
    }
  }
}

type TaskPlan = Extract<Plan, { kind: "task" }>;
type NotifyPlan = Extract<Plan, { kind: "notify" }>;
type MessagePlan = Extract<Plan, { kind: "message" }>;

/** The bell notification of a new task. */
function taskNotification(a: AutomationRow, firing: ClaimedFiring, plan: TaskPlan, taskId: number) {
  return { userId: plan.assigneeId, kind: TASK_ASSIGNED, params: { taskId, title: plan.title, customerId: firing.customerId, automationId: a.id }, link: `/tasks/${taskId}` };
}

/** The notification of a notify action. */
function notice(a: AutomationRow, firing: ClaimedFiring, plan: NotifyPlan) {
  return { userId: plan.userId, kind: AUTOMATION_NOTICE, params: { automationId: a.id, name: a.name, customerId: firing.customerId, event: firing.eventKind }, link: `/customers/${firing.customerId}` };
}

/** What a task email is written in: the assignee's language, the store's zone for the due time. */
interface Recipient {
  email: string;
  locale: string | null;
}

/** The email telling the assignee of a new task, in their language, the due time on the store's clock. */
function taskEmail(deps: RunnerDeps, plan: TaskPlan, firing: ClaimedFiring, taskId: number, recipient: Recipient, store: { locale: string; timeZone: string }) {
  const url = new URL(`/tasks/${taskId}`, deps.publicUrl).toString();
  const language = languageOf(recipient, store);
  const t = translator(language);
  const when = plan.dueAt
    ? new Intl.DateTimeFormat(intlLocale(language, store.locale), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: store.timeZone, timeZoneName: "short" }).format(plan.dueAt)
    : null;
  return {
    recipient: recipient.email,
    subject: t("taskAssigned.subject", { title: plan.title }),
    text: [plan.title, plan.description ?? "", when ? t("taskAssigned.due", { when }) : "", t("openIt", { url }), t("taskAssigned.why")].filter((line) => line !== "").join("\n\n"),
    purpose: "notification",
    userId: plan.assigneeId,
    customerId: firing.customerId,
  };
}

// ---- acting on a batch together (docs/decisions/0034) ---------------------------------------------

/** The plans that act (and take the automation's cap). */
const ACTS: ReadonlySet<Plan["kind"]> = new Set(["message", "task", "notify", "segment"]);

/**
 * Acts on a claimed batch: the firings that can go together in one transaction (guarded by their
 * claims as one firing's is, its rows written by multi-row statements), then the rest one by one.
 * The rest: segment actions (they go through the manual segment's own write path), a second firing
 * of one (automation, customer) in the batch (its cap depends on the first's commit), and the
 * smallest parts of a batch whose transaction fails (tried again in halves first). A firing whose own transaction fails is logged and left claimed:
 * it has not acted, and goes back in line after the lease.
 */
async function actOnClaimed(deps: RunnerDeps, runToken: string, claimed: ClaimedFiring[], batch: Batch, now: Date): Promise<Map<number, ActOutcome>> {
  const plans = new Map<number, Plan>();
  for (const f of claimed) {
    const a = batch.automations.get(f.automationId);
    plans.set(f.id, a ? planOf(f, a, batch, now) : { kind: "skip", reason: "segment_unusable" });
  }
  const together: ClaimedFiring[] = [];
  let alone: ClaimedFiring[] = [];
  const acting = new Set<string>();
  for (const f of claimed) {
    const plan = plans.get(f.id)!;
    if (plan.kind === "segment") {
      alone.push(f);
      continue;
    }
    if (ACTS.has(plan.kind)) {
      const key = `${f.automationId}:${f.customerId}`;
      if (acting.has(key)) {
        alone.push(f);
        continue;
      }
      acting.add(key);
    }
    together.push(f);
  }
  const outcomes = new Map<number, ActOutcome>();
  // a failed batch is tried again in halves, so one bad firing costs a few rolled-back
  // transactions, not one per firing of the batch; the smallest parts that still fail act alone
  const failedParts: ClaimedFiring[][] = [];
  const inParts = async (part: ClaimedFiring[]): Promise<void> => {
    try {
      for (const [id, outcome] of await actTogether(deps, runToken, part, batch, plans, now)) outcomes.set(id, outcome);
    } catch (error) {
      if (part.length === together.length) deps.log.warn({ err: error, firings: part.length }, "a batch of automation firings could not be written together: trying it in parts");
      if (part.length <= SMALLEST_TOGETHER) failedParts.push(part);
      else {
        const half = Math.ceil(part.length / 2);
        await inParts(part.slice(0, half));
        await inParts(part.slice(half));
      }
    }
  };
  if (together.length > 0) await inParts(together);
  if (failedParts.length > 0) alone = [...failedParts.flat(), ...alone].sort((x, y) => x.id - y.id);
  let failures = 0;
  let lastError: unknown = null;
  for (const f of alone) {
    try {
      outcomes.set(f.id, await actOn(deps, runToken, f, batch, plans.get(f.id)!, now));
    } catch (error) {
      failures++;
      lastError = error;
      outcomes.set(f.id, "failed");
      deps.log.warn({ err: error, firingId: f.id }, "an automation firing could not be acted on: it goes back in line after the lease");
    }
  }
  // not one got through alone: the database is at fault, not a firing, and the run stops
  if (failures > 0 && failures === alone.length) throw lastError;
  return outcomes;
}

/** How a firing of a batch ends: the columns its guarded move out of "claimed" sets. */
interface Finish {
  id: number;
  status: "cancelled" | "held" | "pending" | "skipped" | "done";
  dueAt?: Date;
  reason?: FiringSkipReason;
  error?: string | null;
  deliveryId?: number;
  taskId?: number;
  notificationId?: number;
}

interface Going {
  firing: ClaimedFiring;
  a: AutomationRow;
  plan: MessagePlan | TaskPlan | NotifyPlan;
}

type Refs = { deliveryId?: number; taskId?: number; notificationId?: number } | { skip: FiringSkipReason };

/**
 * One transaction for many firings, doing what actOn does for each: the claims still this run's
 * (locked), the automations still live, the caps taken, the actions' rows written, every firing
 * moved out of "claimed". Any failure rolls all of it back, and the caller acts on each alone.
 */
async function actTogether(deps: RunnerDeps, runToken: string, firings: ClaimedFiring[], batch: Batch, plans: Map<number, Plan>, now: Date): Promise<Map<number, ActOutcome>> {
  const { db } = deps;
  const mysql = db.dialect === "mysql";
  return sendingTransaction(db, async (transaction) => {
    const out = new Map<number, ActOutcome>();
    const rows = await db.sequelize.query<{ id: number | string; status: string; claimed_by: string | null }>(
      `SELECT id, status, claimed_by FROM automation_firings WHERE id IN (${firings.map((f) => f.id).join(",")}) ORDER BY id${mysql ? " FOR UPDATE" : ""}`,
      { type: QueryTypes.SELECT, transaction },
    );
    const mine = new Set(rows.filter((r) => r.status === "claimed" && r.claimed_by === runToken).map((r) => Number(r.id)));
    const live = firings.filter((f) => mine.has(f.id) || (out.set(f.id, "lost"), false));
    if (live.length === 0) return out;
    const automationIds = [...new Set(live.map((f) => f.automationId))].sort((x, y) => x - y);
    const states = await db.sequelize.query<{ id: number | string; is_active: number | boolean; deleted_at: unknown }>(
      `SELECT id, is_active, deleted_at FROM automations WHERE id IN (${automationIds.join(",")}) ORDER BY id${mysql ? " LOCK IN SHARE MODE" : ""}`,
      { type: QueryTypes.SELECT, transaction },
    );
    const stateOf = new Map(states.map((r) => [Number(r.id), r]));
    const finishes: Finish[] = [];
    const acting: Going[] = [];
    for (const f of live) {
      const state = stateOf.get(f.automationId);
      const plan = plans.get(f.id)!;
      const a = batch.automations.get(f.automationId);
      // made by the follower just as the automation was paused or deleted
      if (!state || state.deleted_at) finishes.push({ id: f.id, status: "cancelled" });
      else if (!Number(state.is_active)) finishes.push({ id: f.id, status: "held" });
      else if (plan.kind === "later") finishes.push({ id: f.id, status: "pending", dueAt: plan.dueAt });
      else if (plan.kind === "skip") finishes.push({ id: f.id, status: "skipped", reason: plan.reason, error: plan.error ?? null });
      else if (plan.kind === "segment" || !a) throw new Error(`firing ${f.id}: a ${plan.kind} plan cannot be acted on in a batch`);
      else acting.push({ firing: f, a, plan });
    }
    const won = await takeCaps(db, acting.filter((g) => g.a.capKind !== "none"), now, transaction);
    const going = acting.filter((g) => g.a.capKind === "none" || won.has(g.firing.id) || (finishes.push({ id: g.firing.id, status: "skipped", reason: "automation_cap" }), false));
    const refs = await performTogether(deps, going, batch.store, now, transaction);
    for (const g of going) {
      const made = refs.get(g.firing.id);
      if (!made) throw new Error(`firing ${g.firing.id}: the batch's writes made nothing for it`);
      finishes.push("skip" in made ? { id: g.firing.id, status: "skipped", reason: made.skip } : { id: g.firing.id, status: "done", ...made });
    }
    await finishTogether(db, runToken, finishes, now, transaction);
    for (const f of finishes) out.set(f.id, f.status === "done" ? "done" : f.status === "skipped" ? "skipped" : "deferred");
    return out;
  });
}

/**
 * takeCap for many firings at once, each (automation, customer) at most once among them: one
 * INSERT IGNORE of a first row each, one conditional UPDATE per automation with a cap in days, then
 * the rows read under lock. Returns the firings that hold their cap now.
 */
async function takeCaps(db: Database, entries: Going[], now: Date, transaction: Transaction): Promise<Set<number>> {
  if (entries.length === 0) return new Set();
  // one order for every batch's locks
  const sorted = [...entries].sort((x, y) => x.a.id - y.a.id || x.firing.customerId - y.firing.customerId);
  await bulkInsert(db, "automation_caps", ["automation_id", "customer_id", "firing_id", "fired_at"], sorted.map((g) => [g.a.id, g.firing.customerId, g.firing.id, now]), { transaction, conflict: "ignore" });
  const byAutomation = new Map<number, Going[]>();
  for (const g of sorted) byAutomation.set(g.a.id, [...(byAutomation.get(g.a.id) ?? []), g]);
  for (const [automationId, list] of byAutomation) {
    const a = list[0].a;
    if (a.capKind !== "days") continue;
    const windowStart = new Date(now.getTime() - (a.capDays ?? 1) * 86_400_000);
    const firingOf = `CASE customer_id ${list.map((g) => `WHEN ${g.firing.customerId} THEN ${g.firing.id}`).join(" ")} END`;
    await affected(
      db,
      `UPDATE automation_caps SET firing_id = ${firingOf}, fired_at = ${sqlLiteral(now, db)}
       WHERE automation_id = ${automationId} AND customer_id IN (${list.map((g) => g.firing.customerId).join(",")}) AND firing_id <> ${firingOf} AND fired_at <= ${sqlLiteral(windowStart, db)}`,
      transaction,
    );
  }
  const where = [...byAutomation].map(([automationId, list]) => `(automation_id = ${automationId} AND customer_id IN (${list.map((g) => g.firing.customerId).join(",")}))`).join(" OR ");
  const held = await db.sequelize.query<{ automation_id: number | string; customer_id: number | string; firing_id: number | string }>(
    `SELECT automation_id, customer_id, firing_id FROM automation_caps WHERE ${where}${db.dialect === "mysql" ? " FOR UPDATE" : ""}`,
    { type: QueryTypes.SELECT, transaction },
  );
  const holder = new Map(held.map((r) => [`${Number(r.automation_id)}:${Number(r.customer_id)}`, Number(r.firing_id)]));
  return new Set(sorted.filter((g) => holder.get(`${g.a.id}:${g.firing.customerId}`) === g.firing.id).map((g) => g.firing.id));
}

/** Maps rows a multi-row INSERT … RETURNING gave back to the keys they were written for; throws unless each key has exactly one. */
function oneEach<K>(rows: Array<{ id: number | string }>, keyOf: (row: never) => K, wanted: K[]): Map<K, number> {
  const out = new Map<K, number>();
  for (const r of rows) {
    const key = keyOf(r as never);
    if (out.has(key)) throw new Error("a multi-row insert gave back two rows for one key");
    out.set(key, Number(r.id));
  }
  if (out.size !== wanted.length || wanted.some((k) => !out.has(k))) throw new Error("a multi-row insert did not give back a row for each key");
  return out;
}

/** perform() for many firings: the messages' delivery rows per hidden campaign, the tasks, the notifications and the task emails, each kind by multi-row statements. */
async function performTogether(deps: RunnerDeps, going: Going[], store: Batch["store"], now: Date, transaction: Transaction): Promise<Map<number, Refs>> {
  const { db, queue } = deps;
  const out = new Map<number, Refs>();

  const messages = new Map<number, Array<Going & { plan: MessagePlan }>>();
  for (const g of going) if (g.plan.kind === "message") messages.set(g.a.id, [...(messages.get(g.a.id) ?? []), g as Going & { plan: MessagePlan }]);
  for (const automationId of [...messages.keys()].sort((x, y) => x - y)) {
    const list = messages.get(automationId)!;
    const campaign = await db.models.Campaign.findOne({ where: { automationId }, transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    if (!campaign || campaign.status === "cancelled") {
      for (const g of list) out.set(g.firing.id, { skip: "segment_unusable" });
      continue;
    }
    // the sender finishes the hidden campaign whenever nothing is left; a new message opens it again
    const reopened = campaign.status === "finished";
    if (reopened) await db.models.Campaign.update({ status: "sending", finishedAt: null, updatedAt: now }, { where: { id: campaign.id }, transaction });
    const made = await bulkInsertReturning<{ id: number | string; firing_id: number | string }>(
      db,
      "campaign_deliveries",
      ["campaign_id", "customer_id", "firing_id", "channel", "address", "status", "skip_reason", "due_at", "attempts", "created_at", "updated_at"],
      list.map((g) => [campaign.id, g.firing.customerId, g.firing.id, g.plan.channel, g.plan.address, "queued", null, g.plan.dueAt, 0, now, now]),
      ["id", "firing_id"],
      { transaction },
    );
    const deliveryOf = oneEach(made, (r: { firing_id: number | string }) => Number(r.firing_id), list.map((g) => g.firing.id));
    for (const g of list) out.set(g.firing.id, { deliveryId: deliveryOf.get(g.firing.id)! });
    const dueAt = new Date(Math.min(...list.map((g) => g.plan.dueAt.getTime())));
    const job = await queue.repository.getUniqueJob(JOB_NAMES.sendCampaign, { "data.campaignId": campaign.id }, { transaction });
    const next = job?.nextRunAt ? new Date(job.nextRunAt) : null;
    if (reopened || !next || next.getTime() > dueAt.getTime()) await saveSendJob(queue, campaign.id, dueAt, transaction);
  }

  const tasks = going.filter((g): g is Going & { plan: TaskPlan } => g.plan.kind === "task");
  const notes: Array<{ firingId: number; note: ReturnType<typeof taskNotification> | ReturnType<typeof notice> }> = [];
  if (tasks.length > 0) {
    const made = await bulkInsertReturning<{ id: number | string; firing_id: number | string }>(
      db,
      "tasks",
      ["customer_id", "assignee_id", "title", "description", "due_at", "status", "automation_id", "firing_id", "created_by_id", "created_at", "updated_at"],
      tasks.map((g) => [g.firing.customerId, g.plan.assigneeId, g.plan.title, g.plan.description, g.plan.dueAt, "open", g.a.id, g.firing.id, null, now, now]),
      ["id", "firing_id"],
      { transaction },
    );
    const taskOf = oneEach(made, (r: { firing_id: number | string }) => Number(r.firing_id), tasks.map((g) => g.firing.id));
    for (const g of tasks) notes.push({ firingId: g.firing.id, note: taskNotification(g.a, g.firing, g.plan, taskOf.get(g.firing.id)!) });
    const users = await db.models.User.findAll({ attributes: ["id", "email", "notifyByEmail", "locale"], where: { id: { [Op.in]: [...new Set(tasks.map((g) => g.plan.assigneeId))] } }, raw: true, transaction });
    const emailOf = new Map(users.filter((u) => u.notifyByEmail).map((u) => [u.id, u]));
    const emails = tasks.filter((g) => emailOf.has(g.plan.assigneeId)).map((g) => taskEmail(deps, g.plan, g.firing, taskOf.get(g.firing.id)!, emailOf.get(g.plan.assigneeId)!, store));
    if (emails.length > 0) {
      // which email is which does not matter: each gets its one delivery job
      const queued = await bulkInsertReturning<{ id: number | string }>(
        db,
        "outbox_messages",
        ["channel", "purpose", "recipient", "user_id", "customer_id", "subject", "text_body", "html_body", "status", "attempts", "created_at", "updated_at"],
        emails.map((e) => ["email", e.purpose, e.recipient, e.userId, e.customerId, e.subject.slice(0, 500), e.text, null, "queued", 0, now, now]),
        ["id"],
        { transaction },
      );
      if (queued.length !== emails.length) throw new Error("the task emails' insert did not give back a row for each");
      await enqueueEmailDeliveries(queue, queued.map((r) => Number(r.id)), now, transaction);
    }
    for (const g of tasks) out.set(g.firing.id, { taskId: taskOf.get(g.firing.id)! });
  }
  for (const g of going) if (g.plan.kind === "notify") notes.push({ firingId: g.firing.id, note: notice(g.a, g.firing, g.plan) });
  if (notes.length > 0) {
    // a notification's params name its task, or its automation and customer: one row each in a batch
    const keyOf = (userId: number, params: string) => `${userId}\n${params}`;
    const rows = notes.map(({ note }) => [note.userId, note.kind, JSON.stringify(note.params), note.link, null, now] as SqlValue[]);
    const made = await bulkInsertReturning<{ id: number | string; user_id: number | string; params: string }>(db, "notifications", ["user_id", "kind", "params", "link", "read_at", "created_at"], rows, ["id", "user_id", "params"], { transaction });
    const noteOf = oneEach(made, (r: { user_id: number | string; params: string }) => keyOf(Number(r.user_id), r.params), rows.map((r) => keyOf(r[0] as number, r[2] as string)));
    for (const { firingId, note } of notes) out.set(firingId, { ...out.get(firingId), notificationId: noteOf.get(keyOf(note.userId, JSON.stringify(note.params)))! });
  }
  return out;
}

/** Moves a batch's firings out of "claimed": one guarded UPDATE per way they end, a CASE over the ids for what differs. */
async function finishTogether(db: Database, runToken: string, finishes: Finish[], now: Date, transaction: Transaction): Promise<void> {
  const at = sqlLiteral(now, db);
  const perRow = (rows: Finish[], value: (f: Finish) => SqlValue, otherwise?: string) =>
    `CASE id ${rows.map((f) => `WHEN ${f.id} THEN ${sqlLiteral(value(f), db)}`).join(" ")}${otherwise ? ` ELSE ${otherwise}` : ""} END`;
  const ways = new Map<Finish["status"], Finish[]>();
  for (const f of finishes) ways.set(f.status, [...(ways.get(f.status) ?? []), f]);
  for (const [status, rows] of ways) {
    let set = `status = '${status}'`;
    if (status === "pending") set += `, due_at = ${perRow(rows, (f) => f.dueAt)}`;
    if (status === "skipped") set += `, skip_reason = ${perRow(rows, (f) => f.reason)}, error = ${perRow(rows, (f) => f.error ?? null)}, acted_at = ${at}`;
    if (status === "done") {
      set += `, skip_reason = NULL, acted_at = ${at}`;
      for (const [column, value] of [
        ["delivery_id", (f: Finish) => f.deliveryId],
        ["task_id", (f: Finish) => f.taskId],
        ["notification_id", (f: Finish) => f.notificationId],
      ] as const) {
        const given = rows.filter((f) => value(f) !== undefined);
        if (given.length) set += `, ${column} = ${perRow(given, value, column)}`;
      }
    }
    const changed = await affected(
      db,
      `UPDATE automation_firings SET ${set}, claimed_by = NULL, claimed_at = NULL, updated_at = ${at}
       WHERE id IN (${rows.map((f) => f.id).join(",")}) AND status = 'claimed' AND claimed_by = ${sqlLiteral(runToken, db)}`,
      transaction,
    );
    if (changed !== rows.length) throw new Error(`${rows.length - changed} firings of the batch were no longer this run's claims`);
  }
}
