import { msg } from "../messages";
import { Op, type WhereOptions } from "sequelize";
import type { Database } from "../db";
import type { Channel, Customer } from "../models";
import { readTimestamp } from "../sql/bulk";
import type { CustomerPage, CustomerRecord } from "./responses";
import { isStoredMoment } from "./schemas";
import { chunks } from "./util";

export interface CustomerListOptions {
  limit: number;
  /** A nextCursor from an earlier page. */
  cursor?: string;
  /** Only customers whose record changed at or after this moment, in order of that change. */
  updatedSince?: Date;
  /** Segment codes: only members of every one. */
  segment?: string[];
  /** Segment codes: only members of none. */
  notSegment?: string[];
}

type Cursor = { i: number; u?: string };

export type CustomerListOutcome = { ok: true; page: CustomerPage } | { ok: false; field: "cursor" | "segment" | "notSegment"; reason: string };

const iso = (value: unknown) => readTimestamp(value)?.toISOString() ?? null;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string, withTime: boolean): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Cursor;
    if (!Number.isSafeInteger(value.i) || value.i < 0) return null;
    if (withTime !== (typeof value.u === "string") || (value.u !== undefined && !isStoredMoment(new Date(value.u)))) return null;
    return value;
  } catch {
    return null;
  }
}

/** One customer by external id, with tags, group, manager, channels, custom fields and answers; null when unknown. */
export async function getCustomerRecord(db: Database, externalId: string): Promise<CustomerRecord | null> {
  // an erased customer's tombstone is nobody's record (docs/decisions/0040)
  const row = await db.models.Customer.findOne({ where: { externalId, erasedAt: { [Op.is]: null } }, raw: true });
  return row ? (await customerRecords(db, [row]))[0] : null;
}

/**
 * A page of customers in a stable order: by id, or with `updatedSince` by (updated_at, id) so that
 * an integration can follow changes. The cursor carries the last row's keys.
 */
export async function listCustomerRecords(db: Database, options: CustomerListOptions): Promise<CustomerListOutcome> {
  const since = options.updatedSince;
  const cursor = options.cursor === undefined ? null : decodeCursor(options.cursor, since !== undefined);
  if (options.cursor !== undefined && !cursor) {
    return { ok: false, field: "cursor", reason: since ? msg("ingest.notCursorOfUpdatedSince") : msg("ingest.notCursor") };
  }
  // an erased customer's tombstone is in no list (docs/decisions/0040)
  const conditions: WhereOptions[] = [{ erasedAt: { [Op.is]: null } }];
  const segments = await segmentIdsOf(db, options);
  if (!segments.ok) return segments;
  const { memberOf, memberOfNone } = segments;
  // membership is a lookup in segment_members' (segment_id, customer_id) key for each customer read
  const membership = (segmentId: number, isMember: boolean) =>
    db.sequelize.where(db.sequelize.literal(`(SELECT COUNT(*) FROM segment_members sm WHERE sm.segment_id = ${segmentId} AND sm.customer_id = customers.id)`), isMember ? Op.gt : Op.eq, 0);
  if (since) conditions.push({ updatedAt: { [Op.gte]: since } });
  if (cursor && since) {
    const u = new Date(cursor.u!);
    conditions.push({ [Op.or]: [{ updatedAt: { [Op.gt]: u } }, { updatedAt: u, id: { [Op.gt]: cursor.i } }] });
  } else if (cursor) conditions.push({ id: { [Op.gt]: cursor.i } });
  let rows: Customer[];
  if (memberOf.length && !since) {
    // in id order, a segment's members are a range of its key: the page is found there, then read
    const [first, ...others] = memberOf;
    const inOthers = (sm: string, segmentId: number, isMember: boolean) =>
      db.sequelize.where(db.sequelize.literal(`(SELECT COUNT(*) FROM segment_members o WHERE o.segment_id = ${segmentId} AND o.customer_id = ${sm}.customer_id)`), isMember ? Op.gt : Op.eq, 0);
    const members = await db.models.SegmentMember.findAll({
      attributes: ["customerId"],
      where: {
        segmentId: first,
        ...(cursor ? { customerId: { [Op.gt]: cursor.i } } : {}),
        [Op.and]: [...others.map((id) => inOthers("segment_members", id, true)), ...memberOfNone.map((id) => inOthers("segment_members", id, false))],
      },
      order: [["customerId", "ASC"]],
      limit: options.limit + 1,
      raw: true,
    });
    const ids = members.map((m) => m.customerId);
    const found = ids.length ? await db.models.Customer.findAll({ where: { id: { [Op.in]: ids }, erasedAt: { [Op.is]: null } }, raw: true }) : [];
    const byId = new Map(found.map((c) => [c.id, c]));
    rows = ids.map((id) => byId.get(id)).filter((c): c is Customer => c !== undefined);
  } else {
    for (const id of memberOf) conditions.push(membership(id, true));
    for (const id of memberOfNone) conditions.push(membership(id, false));
    rows = await db.models.Customer.findAll({
      where: { [Op.and]: conditions },
      order: since ? [["updatedAt", "ASC"], ["id", "ASC"]] : [["id", "ASC"]],
      limit: options.limit + 1,
      raw: true,
    });
  }
  const more = rows.length > options.limit;
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  const nextCursor = more && last ? encodeCursor(since ? { i: last.id, u: iso(last.updatedAt)! } : { i: last.id }) : null;
  return { ok: true, page: { customers: await customerRecords(db, page), nextCursor } };
}

/** The live segments the codes name, or the field that names one that is not. */
async function segmentIdsOf(
  db: Database,
  options: Pick<CustomerListOptions, "segment" | "notSegment">,
): Promise<{ ok: true; memberOf: number[]; memberOfNone: number[] } | { ok: false; field: "segment" | "notSegment"; reason: string }> {
  const codes = [...(options.segment ?? []), ...(options.notSegment ?? [])];
  if (!codes.length) return { ok: true, memberOf: [], memberOfNone: [] };
  const found = await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: { [Op.in]: codes }, deletedAt: { [Op.is]: null } }, raw: true });
  const idOf = new Map(found.map((s) => [s.code, s.id]));
  for (const field of ["segment", "notSegment"] as const) {
    const unknown = (options[field] ?? []).filter((code) => !idOf.has(code));
    if (unknown.length) return { ok: false, field, reason: msg("ingest.noSuchSegments", { codes: unknown.join(", ") }) };
  }
  return { ok: true, memberOf: (options.segment ?? []).map((c) => idOf.get(c)!), memberOfNone: (options.notSegment ?? []).map((c) => idOf.get(c)!) };
}

/** Customers rows (raw) with everything attached, in the same order. */
async function customerRecords(db: Database, rows: Customer[]): Promise<CustomerRecord[]> {
  if (rows.length === 0) return [];
  const { CustomerGroup, User, CustomerTag, Tag, ChannelIdentity, CustomerFieldValue, CustomField, RegistrationAnswer, RegistrationQuestion, RegistrationOption } = db.models;
  const ids = rows.map((r) => r.id);
  const groupIds = [...new Set(rows.map((r) => r.customerGroupId).filter((id): id is number => id !== null))];
  const managerIds = [...new Set(rows.map((r) => r.managerId).filter((id): id is number => id !== null))];
  const [groups, managers, fields, questions] = await Promise.all([
    groupIds.length ? CustomerGroup.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: groupIds } }, raw: true }) : [],
    managerIds.length ? User.findAll({ attributes: ["id", "email"], where: { id: { [Op.in]: managerIds } }, raw: true }) : [],
    CustomField.findAll({ attributes: ["id", "key", "type"], raw: true }),
    RegistrationQuestion.findAll({ attributes: ["id", "key"], raw: true }),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const managerEmail = new Map(managers.map((m) => [m.id, m.email]));
  const field = new Map(fields.map((f) => [f.id, f]));
  const questionKey = new Map(questions.map((q) => [q.id, q.key]));

  const tagsOf = new Map<number, string[]>();
  const channelsOf = new Map<number, CustomerRecord["channels"]>();
  const fieldsOf = new Map<number, CustomerRecord["customFields"]>();
  const answersOf = new Map<number, CustomerRecord["answers"]>();
  for (const part of chunks(ids, 1000)) {
    const where = { customerId: { [Op.in]: part } };
    const [links, channels, values, answers] = await Promise.all([
      CustomerTag.findAll({ where, raw: true }),
      ChannelIdentity.findAll({ where, raw: true }),
      CustomerFieldValue.findAll({ where, raw: true }),
      RegistrationAnswer.findAll({ where, raw: true }),
    ]);
    const tagIds = [...new Set(links.map((l) => l.tagId))];
    const optionIds = [...new Set(answers.map((a) => a.optionId))];
    const [tags, options] = await Promise.all([
      tagIds.length ? Tag.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: tagIds } }, raw: true }) : [],
      optionIds.length ? RegistrationOption.findAll({ attributes: ["id", "key"], where: { id: { [Op.in]: optionIds } }, raw: true }) : [],
    ]);
    const tagName = new Map(tags.map((t) => [t.id, t.name]));
    const optionKey = new Map(options.map((o) => [o.id, o.key]));
    for (const l of links) tagsOf.set(l.customerId, [...(tagsOf.get(l.customerId) ?? []), tagName.get(l.tagId)!]);
    for (const c of channels) {
      const of = channelsOf.get(c.customerId) ?? {};
      of[c.channel as Channel] = { address: c.address, subscribed: Boolean(c.isSubscribed), changedAt: iso(c.subscriptionChangedAt) };
      channelsOf.set(c.customerId, of);
    }
    for (const v of values) {
      const f = field.get(v.customFieldId);
      if (!f) continue;
      const value = f.type === "number" ? v.valueNumber : f.type === "date" ? v.valueDate : v.valueText;
      if (value === null) continue;
      const of = fieldsOf.get(v.customerId) ?? {};
      of[f.key] = typeof value === "number" ? value : String(value);
      fieldsOf.set(v.customerId, of);
    }
    for (const a of answers) {
      const key = questionKey.get(a.questionId);
      const option = optionKey.get(a.optionId);
      if (!key || !option) continue;
      const of = answersOf.get(a.customerId) ?? {};
      of[key] = [...(of[key] ?? []), option].sort();
      answersOf.set(a.customerId, of);
    }
  }

  return rows.map((r) => ({
    id: r.id,
    externalId: r.externalId,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    phone: r.phone,
    country: r.country,
    city: r.city,
    birthday: r.birthday === null ? null : String(r.birthday).slice(0, 10),
    registeredAt: iso(r.registeredAt),
    acceptsMarketing: Boolean(r.acceptsMarketing),
    customerGroup: r.customerGroupId === null ? null : (groupName.get(r.customerGroupId) ?? null),
    tags: (tagsOf.get(r.id) ?? []).sort(),
    managerEmail: r.managerId === null ? null : (managerEmail.get(r.managerId) ?? null),
    locale: r.locale ?? null,
    firstInteractionAt: iso(r.firstInteractionAt),
    lastInteractionAt: iso(r.lastInteractionAt),
    customFields: fieldsOf.get(r.id) ?? {},
    answers: answersOf.get(r.id) ?? {},
    channels: channelsOf.get(r.id) ?? {},
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  }));
}
