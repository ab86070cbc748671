// Erasure of a customer's personal data (docs/decisions/0040). The customer row stays as a tombstone
// (erased_at set, every personal column emptied, the external id replaced by a token no shop will
// send) so that their orders keep a customer and every revenue figure stays as it was; everything
// else that holds their data is deleted or blanked, in one transaction, with a change-log entry that
// makes every process's fact index drop them within seconds. Once that has committed, the files on
// disk that may hold their values are scrubbed or deleted (scrub-files.server.ts).
import crypto from "node:crypto";
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import { appendChanges } from "../change-log.server";
import { appendConsents, type ConsentChange } from "./consents.server";
import { CHANNELS } from "../models";
import { erasedValuesOf, scrubStoredFiles, type ErasedValues, type FileScrubDeps, type FileScrubReport } from "./scrub-files.server";

export type EraseOutcome =
  | { ok: true; customerId: number; erasedAt: Date; alreadyErased: boolean; /** What became of the stored files; absent when already erased. */ files?: FileScrubReport }
  | { ok: false; reason: "not_found" };

/** Prefix of the external id an erased customer's row gets; the rest is random, so it is never reused. */
export const ERASED_ID_PREFIX = "erased-";

const CHUNK = 500;

/**
 * Erases one customer. Erasing an erased customer again changes nothing and says so. The audit
 * entry names who, when and the internal id, never the erased values. After the commit the stored
 * files are scrubbed (`files` logs what fails and saves the job that removes what cannot be done
 * now); that never makes the erasure fail.
 */
export async function eraseCustomer(db: Database, customerId: number, actor: AuditActor, now: Date, files: FileScrubDeps): Promise<EraseOutcome> {
  // the values to look for in files: in memory only, never stored
  let values: ErasedValues | null = null;
  const outcome = await db.sequelize.transaction(async (t) => {
    const lock = db.dialect === "mysql" ? t.LOCK.UPDATE : undefined;
    const customer = await db.models.Customer.findByPk(customerId, { transaction: t, lock, raw: true });
    if (!customer) return { ok: false as const, reason: "not_found" as const };
    if (customer.erasedAt) return { ok: true as const, customerId, erasedAt: new Date(customer.erasedAt), alreadyErased: true };

    const identities = await db.models.ChannelIdentity.findAll({ where: { customerId }, transaction: t, raw: true });
    // the values that may have been copied elsewhere (a stored API answer, a notification's text)
    const fullName = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
    const reversedName = [customer.lastName, customer.firstName].filter(Boolean).join(" ");
    const copied = [customer.externalId, customer.email, customer.phone, fullName, reversedName, ...identities.map((i) => i.address)].filter(
      (v): v is string => typeof v === "string" && v.length >= 3,
    );
    const fieldValues = await db.models.CustomerFieldValue.findAll({ where: { customerId }, attributes: ["valueText", "valueNumber", "valueDate"], transaction: t, raw: true });
    values = erasedValuesOf(customer, identities, fieldValues);

    await withdrawConsents(db, customer, identities, actor, t, now);
    await blankCustomer(db, customerId, t, now);
    await eraseRelated(db, customerId, t, now);
    await scrubCopies(db, [...new Set(copied)], t);
    await leaveSegments(db, customerId, t);

    // the change log's payloads of this customer may carry their external id: emptied, then one
    // entry that makes every fact index re-read (and so drop) the customer
    await db.models.CustomerChange.update({ fields: null }, { where: { customerId }, transaction: t });
    await appendChanges(db, [{ customerId, kind: "erased" }], actor.apiKeyId ? "api" : "ui", t, now);
    await recordAudit(db, actor, "customer.erase", { type: "customer", id: customerId }, t, now);
    return { ok: true as const, customerId, erasedAt: now, alreadyErased: false };
  });
  if (!outcome.ok || outcome.alreadyErased || !values) return outcome;
  return { ...outcome, files: await scrubStoredFiles(db, values, now, { ...files, customerId }) };
}

async function withdrawConsents(
  db: Database,
  customer: { id: number; acceptsMarketing: boolean },
  identities: Array<{ channel: string; isSubscribed: boolean }>,
  actor: AuditActor,
  t: Transaction,
  now: Date,
): Promise<void> {
  const withdrawn: ConsentChange[] = [];
  if (Number(customer.acceptsMarketing)) withdrawn.push({ customerId: customer.id, subject: "marketing", isGranted: false, occurredAt: now });
  for (const i of identities) {
    if (Number(i.isSubscribed) && (CHANNELS as readonly string[]).includes(i.channel)) {
      withdrawn.push({ customerId: customer.id, subject: i.channel as ConsentChange["subject"], isGranted: false, occurredAt: now });
    }
  }
  const origin = actor.apiKeyId ? { source: "api" as const, reference: `api_key:${actor.apiKeyId}` } : { source: "admin" as const, reference: actor.userId ? `user:${actor.userId}` : null };
  await appendConsents(db, withdrawn, origin, t, now);
}

async function blankCustomer(db: Database, customerId: number, t: Transaction, now: Date): Promise<void> {
  const token = `${ERASED_ID_PREFIX}${crypto.randomBytes(12).toString("hex")}`;
  await db.models.Customer.update(
    {
      externalId: token,
      firstName: null,
      lastName: null,
      searchName: "",
      sortName: "",
      email: null,
      phone: null,
      country: null,
      city: null,
      birthday: null,
      acceptsMarketing: false,
      customerGroupId: null,
      managerId: null,
      locale: null,
      timeZone: null,
      firstInteractionAt: null,
      lastInteractionAt: null,
      erasedAt: now,
      updatedAt: now,
    },
    { where: { id: customerId }, transaction: t, silent: true },
  );
  await db.models.ChannelIdentity.update({ address: null, isSubscribed: false, subscriptionChangedAt: now, updatedAt: now }, { where: { customerId }, transaction: t, silent: true });
}

/** Rows about the customer: deleted where nothing else counts them, blanked where reports do. */
async function eraseRelated(db: Database, customerId: number, t: Transaction, now: Date): Promise<void> {
  const m = db.models;
  const where = { customerId };
  await m.CustomerTag.destroy({ where, transaction: t });
  await m.CustomerFieldValue.destroy({ where, transaction: t });
  await m.RegistrationAnswer.destroy({ where, transaction: t });
  await m.AbandonedCart.destroy({ where, transaction: t });

  // campaign reports count deliveries by status: the rows stay, without the address; those not
  // sent yet never will be (the customer withdrew every consent)
  await m.CampaignDelivery.update(
    { status: "skipped", skipReason: "no_consent", updatedAt: now },
    { where: { customerId, status: "queued" }, transaction: t, silent: true },
  );
  await m.CampaignDelivery.update({ address: null, error: null, updatedAt: now }, { where, transaction: t, silent: true });
  const deliveryIds = (await m.CampaignDelivery.findAll({ where, attributes: ["id"], transaction: t, raw: true })).map((d) => Number(d.id));
  const outboxWhere = deliveryIds.length ? { [Op.or]: [{ customerId }, { deliveryId: { [Op.in]: deliveryIds } }] } : { customerId };
  await m.OutboxMessage.update(
    { status: "failed", error: "erased", updatedAt: now },
    { where: { ...outboxWhere, status: { [Op.in]: ["queued", "sending"] } }, transaction: t, silent: true },
  );
  await m.OutboxMessage.update(
    { recipient: "erased", subject: null, textBody: null, htmlBody: null, providerMessageId: null, updatedAt: now },
    { where: outboxWhere, transaction: t, silent: true },
  );

  // automations: nothing more acts on the customer
  await m.AutomationFiring.update(
    { status: "cancelled", updatedAt: now },
    { where: { customerId, status: { [Op.in]: ["pending", "held"] } }, transaction: t, silent: true },
  );
  // tasks keep their place in the managers' counts; their words (rendered with the name) go
  const tasks = await m.Task.findAll({ where, attributes: ["id"], transaction: t, raw: true });
  if (tasks.length) {
    await m.Task.update({ title: "", description: null, updatedAt: now }, { where, transaction: t, silent: true });
    const taskIds = tasks.map((x) => Number(x.id));
    for (let i = 0; i < taskIds.length; i += CHUNK) await m.TaskComment.update({ body: "" }, { where: { taskId: { [Op.in]: taskIds.slice(i, i + CHUNK) } }, transaction: t });
  }
}

/** Text columns outside the customer's own rows that may hold a copy of their values. */
const COPY_COLUMNS: Array<{ table: string; key: string; columns: string[] }> = [
  { table: "notifications", key: "id", columns: ["params", "link"] },
  { table: "idempotency_keys", key: "id", columns: ["response"] },
  { table: "audit_log", key: "id", columns: ["detail"] },
  { table: "delivery_events", key: "id", columns: ["event_key", "payload"] },
  { table: "agenda_jobs", key: "id", columns: ["data", "fail_reason"] },
  { table: "agenda_job_logs", key: "id", columns: ["message", "error", "meta"] },
  { table: "imports", key: "id", columns: ["error"] },
  { table: "campaign_deliveries", key: "id", columns: ["error"] },
];

/**
 * Replaces each copy of the values in those columns by "[erased]". A rare, whole-table read (LIKE
 * finds the rows), so it is kept to the few columns that can hold a copy.
 */
async function scrubCopies(db: Database, values: string[], t: Transaction): Promise<void> {
  if (values.length === 0) return;
  const qi = db.sequelize.getQueryInterface();
  const q = (name: string) => qi.quoteIdentifier(name);
  // a value as it stands in text, and as JSON writes it inside a string
  const forms = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))];
  // "!" escapes: a backslash means different things in MariaDB's and SQLite's string literals
  const like = (v: string) => `%${v.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  for (const { table, key, columns } of COPY_COLUMNS) {
    const conditions = columns.flatMap((c) => forms.map(() => `${q(c)} LIKE ? ESCAPE '!'`));
    const rows = await db.sequelize.query<Record<string, string | number | null>>(
      `SELECT ${[key, ...columns].map(q).join(", ")} FROM ${q(table)} WHERE ${conditions.join(" OR ")}`,
      { replacements: columns.flatMap(() => forms.map(like)), type: QueryTypes.SELECT, transaction: t },
    );
    for (const row of rows) {
      const changed: Record<string, string | null> = {};
      for (const c of columns) {
        const text = row[c];
        if (typeof text !== "string") continue;
        let scrubbed = text;
        for (const form of forms.sort((a, b) => b.length - a.length)) scrubbed = scrubbed.split(form).join("[erased]");
        // a dedup key must stay unique: the scrubbed one gets a random tail
        if (scrubbed !== text) changed[c] = c === "event_key" ? `${scrubbed.slice(0, 200)}:${crypto.randomBytes(6).toString("hex")}` : scrubbed;
      }
      const names = Object.keys(changed);
      if (names.length === 0) continue;
      await db.sequelize.query(`UPDATE ${q(table)} SET ${names.map((n) => `${q(n)} = ?`).join(", ")} WHERE ${q(key)} = ?`, {
        replacements: [...names.map((n) => changed[n]), row[key]],
        transaction: t,
      });
    }
  }
}

/**
 * The customer leaves every segment at once, without leave events: an event would fire the
 * automations that act on leaving, and nothing may act on an erased customer.
 */
async function leaveSegments(db: Database, customerId: number, t: Transaction): Promise<void> {
  const memberships = await db.models.SegmentMember.findAll({ where: { customerId }, attributes: ["segmentId"], transaction: t, raw: true });
  if (memberships.length === 0) return;
  const segmentIds = memberships.map((s) => s.segmentId);
  await db.models.SegmentMember.destroy({ where: { customerId }, transaction: t });
  await db.models.Segment.update(
    { memberCount: db.sequelize.literal("member_count - 1") as never, membersVersion: db.sequelize.literal("members_version + 1") as never },
    { where: { id: { [Op.in]: segmentIds } }, transaction: t, silent: true },
  );
}

/** The internal id of a customer by external id, erased tombstones excluded; null when unknown. */
export async function customerIdByExternalId(db: Database, externalId: string): Promise<number | null> {
  const row = await db.models.Customer.findOne({ where: { externalId, erasedAt: { [Op.is]: null } }, attributes: ["id"], raw: true });
  return row ? row.id : null;
}

/** When the customer was erased; null when not (or unknown). */
export async function erasedAtOf(db: Database, customerId: number): Promise<Date | null> {
  const row = await db.models.Customer.findByPk(customerId, { attributes: ["erasedAt"], raw: true });
  return row?.erasedAt ? new Date(row.erasedAt) : null;
}

/** What the erase form checks the typed confirmation against; null when there is no such customer. */
export async function erasureSubject(db: Database, customerId: number): Promise<{ externalId: string; erasedAt: Date | null } | null> {
  const row = await db.models.Customer.findByPk(customerId, { attributes: ["externalId", "erasedAt"], raw: true });
  return row ? { externalId: row.externalId, erasedAt: row.erasedAt ? new Date(row.erasedAt) : null } : null;
}
