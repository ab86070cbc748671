import { Op, QueryTypes, type Transaction } from "sequelize";
import { normalizePhone, phoneProblem } from "./phone";
import type { Database } from "../db";
import { CHANNELS, type Channel, type Customer } from "../models";
import { appendChanges, type ChangeSource, type CustomerChangeEntry } from "../change-log.server";
import { PlainDate, type CustomerInput, type FieldError } from "./schemas";
import { chunks, inTransaction, searchNames } from "./util";
import { duplicateReason, positionOf } from "./lookups.server";
import { msg } from "../messages";
import { appendConsents, consentSourceOf, type ConsentChange, type ConsentOrigin } from "../privacy/consents.server";
import { bulkInsert, bulkInsertReturning, formatTimestamp, readTimestamp, sqlLiteral, type SqlValue } from "../sql/bulk";

export interface UpsertResult {
  index: number;
  externalId: string;
  id: number;
  status: "created" | "updated" | "unchanged";
}

export type UpsertOutcome = { ok: true; results: UpsertResult[] } | { ok: false; errors: FieldError[] };

export interface IngestOptions {
  source: ChangeSource;
  /** Join the caller's transaction instead of opening one. */
  transaction?: Transaction;
  now?: Date;
  /** Added to each record's position in the errors (an import's row number, say). */
  indexOffset?: number;
  /**
   * The position each record is reported at, by its index (the records of a bulk request that passed
   * the schema, at their places in the request); wins over indexOffset. Errors, and the positions
   * their reasons name, are written with these.
   */
  positions?: readonly number[];
  /** Run every check, references included, and write nothing; `results` is then empty. */
  validateOnly?: boolean;
  /** Recorded with each consent change (models/privacy/consents.server.ts): its source when not the change log's, and what made it ("api_key:3"). */
  consent?: Partial<ConsentOrigin>;
}

type CustomerRow = {
  id?: number;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  searchName: string;
  sortName: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  birthday: string | null;
  registeredAt: Date | null;
  acceptsMarketing: boolean;
  customerGroupId: number | null;
  managerId: number | null;
  locale: string | null;
  firstInteractionAt: Date | null;
  lastInteractionAt: Date | null;
};

/** customers columns written by an upsert, with the CustomerRow key each comes from. */
const CUSTOMER_COLUMNS: Array<[string, keyof CustomerRow]> = [
  ["external_id", "externalId"],
  ["first_name", "firstName"],
  ["last_name", "lastName"],
  ["search_name", "searchName"],
  ["sort_name", "sortName"],
  ["email", "email"],
  ["phone", "phone"],
  ["country", "country"],
  ["city", "city"],
  ["birthday", "birthday"],
  ["registered_at", "registeredAt"],
  ["accepts_marketing", "acceptsMarketing"],
  ["customer_group_id", "customerGroupId"],
  ["manager_id", "managerId"],
  ["locale", "locale"],
  ["first_interaction_at", "firstInteractionAt"],
  ["last_interaction_at", "lastInteractionAt"],
];

const PROFILE_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "country",
  "city",
  "birthday",
  "registeredAt",
  "acceptsMarketing",
  "customerGroupId",
  "managerId",
  "locale",
  "firstInteractionAt",
  "lastInteractionAt",
] as const;

interface ChannelRow {
  customerId: number;
  channel: Channel;
  address: string | null;
  isSubscribed: boolean;
  subscriptionChangedAt: Date | null;
}

interface Plan {
  index: number;
  input: CustomerInput;
  existing: CustomerRow | null;
  row: CustomerRow;
  tagNames?: string[];
  fieldValues?: Map<number, { valueText: string | null; valueNumber: number | null; valueDate: string | null } | null>;
  answers?: Map<number, number[]>;
  channels: Map<Channel, { address: string | null; isSubscribed: boolean; changedAt: Date }>;
}

export { normalizePhone } from "./phone";

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return (a ? new Date(a as Date).getTime() : null) === (b ? new Date(b as Date).getTime() : null);
  }
  return (a ?? null) === (b ?? null);
}

/** A customers row read with `raw: true`: dates are strings on SQLite, booleans 0/1. */
function toRow(c: Customer): CustomerRow {
  return {
    id: c.id,
    externalId: c.externalId,
    firstName: c.firstName,
    lastName: c.lastName,
    searchName: c.searchName,
    sortName: c.sortName,
    email: c.email,
    phone: c.phone,
    country: c.country,
    city: c.city,
    birthday: c.birthday,
    registeredAt: readTimestamp(c.registeredAt),
    acceptsMarketing: Boolean(c.acceptsMarketing),
    customerGroupId: c.customerGroupId,
    managerId: c.managerId,
    locale: c.locale ?? null,
    firstInteractionAt: readTimestamp(c.firstInteractionAt),
    lastInteractionAt: readTimestamp(c.lastInteractionAt),
  };
}

/**
 * Creates or updates customers by external id, with their tags, custom fields, registration answers
 * and channel subscriptions, and appends a change-log entry for each customer that changed, all in
 * one transaction. Every record is checked first: with any bad record, nothing is written and
 * every problem is returned.
 */
export async function upsertCustomers(db: Database, inputs: CustomerInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const position = positionOf(options);
  const errors: FieldError[] = [];
  const fail = (index: number, field: string, reason: string) => errors.push({ index: position(index), field, reason });

  const firstIndex = new Map<string, number>();
  inputs.forEach((input, index) => {
    const seen = firstIndex.get(input.externalId);
    if (seen !== undefined) fail(index, "externalId", duplicateReason(position(seen)));
    else firstIndex.set(input.externalId, index);
  });

  const { CustomField, RegistrationQuestion, RegistrationOption, User } = db.models;
  const t = options.transaction;
  const existingRows = new Map<string, CustomerRow>();
  // written out rather than Customer.findAll: Sequelize's escaping of 1,000 ids and its row
  // mapping cost ~2 ms a bulk of 1,000, for what is usually an empty answer
  const selected = `SELECT id, ${CUSTOMER_COLUMNS.map(([column, key]) => `${column} AS ${key}`).join(", ")} FROM customers WHERE external_id IN `;
  for (const part of chunks([...firstIndex.keys()], 1000)) {
    const found = await db.sequelize.query<Customer>(`${selected}(${part.map((id) => sqlLiteral(id, db)).join(",")})`, { type: QueryTypes.SELECT, transaction: t, raw: true });
    for (const c of found) existingRows.set(c.externalId, toRow(c));
  }

  const fieldKeys = new Set(inputs.flatMap((i) => Object.keys(i.customFields ?? {})));
  const fields = fieldKeys.size ? await CustomField.findAll({ where: { key: { [Op.in]: [...fieldKeys] } }, transaction: t }) : [];
  const fieldByKey = new Map(fields.map((f) => [f.key, f]));
  const questionKeys = new Set(inputs.flatMap((i) => Object.keys(i.answers ?? {})));
  const questions = questionKeys.size ? await RegistrationQuestion.findAll({ where: { key: { [Op.in]: [...questionKeys] } }, transaction: t }) : [];
  const options_ = questions.length
    ? await RegistrationOption.findAll({ where: { questionId: { [Op.in]: questions.map((q) => q.id) } }, transaction: t })
    : [];
  const questionByKey = new Map(questions.map((q) => [q.key, q]));
  const optionByKey = new Map(options_.map((o) => [`${o.questionId}|${o.key}`, o.id]));
  const managerEmails = new Set(inputs.map((i) => i.managerEmail).filter((e): e is string => typeof e === "string"));
  const managers = managerEmails.size
    ? await User.findAll({ where: { email: { [Op.in]: [...managerEmails] }, isActive: true, role: "manager" }, transaction: t })
    : [];
  const managerByEmail = new Map(managers.map((m) => [m.email, m.id]));

  const plans: Plan[] = [];
  inputs.forEach((input, index) => {
    if (firstIndex.get(input.externalId) !== index) return;
    const existing = existingRows.get(input.externalId) ?? null;
    const row: CustomerRow = existing
      ? { ...existing }
      : {
          externalId: input.externalId,
          firstName: null,
          lastName: null,
          searchName: "",
          sortName: "",
          email: null,
          phone: null,
          country: null,
          city: null,
          birthday: null,
          registeredAt: now,
          acceptsMarketing: false,
          customerGroupId: null,
          managerId: null,
          locale: null,
          firstInteractionAt: null,
          lastInteractionAt: null,
        };
    const set = <K extends keyof CustomerRow>(key: K, value: CustomerRow[K] | undefined) => {
      if (value !== undefined) row[key] = value;
    };
    set("firstName", input.firstName || (input.firstName === undefined ? undefined : null));
    set("lastName", input.lastName || (input.lastName === undefined ? undefined : null));
    set("email", input.email || (input.email === undefined ? undefined : null));
    set("country", input.country);
    set("city", input.city || (input.city === undefined ? undefined : null));
    set("birthday", input.birthday);
    set("registeredAt", input.registeredAt);
    set("acceptsMarketing", input.acceptsMarketing);
    set("locale", input.locale);
    set("firstInteractionAt", input.firstInteractionAt);
    set("lastInteractionAt", input.lastInteractionAt);
    if (input.phone !== undefined) {
      if (input.phone === null || input.phone === "") row.phone = null;
      else {
        const phone = normalizePhone(input.phone, row.country);
        if (phone) row.phone = phone;
        else fail(index, "phone", phoneProblem(input.phone, row.country));
      }
    }
    if (input.managerEmail !== undefined) {
      if (input.managerEmail === null) row.managerId = null;
      else {
        const managerId = managerByEmail.get(input.managerEmail);
        if (managerId === undefined) fail(index, "managerEmail", msg("ingest.notManager"));
        else row.managerId = managerId;
      }
    }
    if (row.firstInteractionAt && row.lastInteractionAt && row.firstInteractionAt > row.lastInteractionAt) {
      fail(index, "lastInteractionAt", msg("ingest.notBefore", { other: "firstInteractionAt" }));
    }
    Object.assign(row, searchNames(row.firstName, row.lastName));

    const plan: Plan = { index, input, existing, row, channels: new Map() };
    if (input.tags) plan.tagNames = [...new Set(input.tags)].sort();

    if (input.customFields) {
      plan.fieldValues = new Map();
      for (const [key, value] of Object.entries(input.customFields)) {
        const field = fieldByKey.get(key);
        const at = `customFields.${key}`;
        if (!field) {
          fail(index, at, msg("ingest.unknownCustomField"));
          continue;
        }
        if (value === null || value === "" || (field.type === "number" && typeof value === "string" && value.trim() === "")) {
          plan.fieldValues.set(field.id, null);
          continue;
        }
        const empty = { valueText: null, valueNumber: null, valueDate: null };
        if (field.type === "number") {
          const n = typeof value === "number" ? value : numberFromText(value);
          if (!Number.isFinite(n)) fail(index, at, msg("generic.type.number"));
          else plan.fieldValues.set(field.id, { ...empty, valueNumber: n });
        } else if (field.type === "date") {
          if (typeof value !== "string" || !PlainDate.safeParse(value).success) fail(index, at, msg("generic.format.date"));
          else plan.fieldValues.set(field.id, { ...empty, valueDate: value });
        } else if (field.type === "select") {
          const allowed: string[] = field.options ? JSON.parse(field.options) : [];
          if (typeof value !== "string" || !allowed.includes(value)) fail(index, at, msg("ingest.oneOfOptions", { values: allowed.join(", ") }));
          else plan.fieldValues.set(field.id, { ...empty, valueText: value });
        } else {
          plan.fieldValues.set(field.id, { ...empty, valueText: String(value) });
        }
      }
    }

    if (input.answers) {
      plan.answers = new Map();
      for (const [key, optionKeys] of Object.entries(input.answers)) {
        const question = questionByKey.get(key);
        if (!question) {
          fail(index, `answers.${key}`, msg("ingest.unknownQuestion"));
          continue;
        }
        const ids: number[] = [];
        for (const optionKey of new Set(optionKeys)) {
          const id = optionByKey.get(`${question.id}|${optionKey}`);
          if (id === undefined) fail(index, `answers.${key}`, msg("ingest.notAnOption", { option: optionKey }));
          else ids.push(id);
        }
        plan.answers.set(question.id, ids.sort((a, b) => a - b));
      }
    }

    for (const channel of CHANNELS) {
      const state = input.channels?.[channel];
      if (!state) continue;
      let address = state.address === undefined ? null : state.address;
      if (address === null && channel === "email") address = row.email;
      if (address === null && channel === "sms") address = row.phone;
      if (address !== null && channel === "email") {
        address = address.toLowerCase();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) fail(index, "channels.email.address", msg("generic.format.email"));
      }
      if (address !== null && channel === "sms" && state.address) {
        const phone = normalizePhone(address, row.country);
        if (!phone) fail(index, "channels.sms.address", phoneProblem(address, row.country));
        address = phone;
      }
      plan.channels.set(channel, { address, isSubscribed: state.subscribed, changedAt: state.changedAt ?? now });
    }
    plans.push(plan);
  });

  if (errors.length) return { ok: false, errors: errors.sort((a, b) => (a.index ?? 0) - (b.index ?? 0)) };
  if (options.validateOnly) return { ok: true, results: [] };
  return inTransaction(db, t, (tx) => writePlans(db, plans, options, tx, now));
}

async function writePlans(db: Database, plans: Plan[], options: IngestOptions, transaction: Transaction, now: Date): Promise<UpsertOutcome> {
  const source = options.source;
  // only real changes: a new customer's consent given, or an existing one's changed
  const consents: ConsentChange[] = [];
  const { CustomerTag, CustomerFieldValue, RegistrationAnswer, ChannelIdentity } = db.models;

  // groups are named in the input; a new name creates the group
  const groupNames = new Set(plans.map((p) => p.input.customerGroup).filter((g): g is string => typeof g === "string"));
  const groupIds = await idsByName(db, "customer_groups", groupNames, transaction, now);
  for (const p of plans) {
    if (p.input.customerGroup !== undefined) p.row.customerGroupId = p.input.customerGroup === null ? null : groupIds.get(p.input.customerGroup)!;
  }

  const changedFields = new Map<Plan, string[]>();
  const toInsert: CustomerRow[] = [];
  const toUpdate: CustomerRow[] = [];
  for (const p of plans) {
    if (!p.existing) {
      toInsert.push(p.row);
      continue;
    }
    const changed = PROFILE_FIELDS.filter((f) => !same(p.existing![f], p.row[f]));
    if (changed.length) {
      changedFields.set(p, [...changed]);
      toUpdate.push(p.row);
    }
  }
  const values = (r: CustomerRow, ...more: SqlValue[]) => {
    const list: SqlValue[] = more;
    for (const [, key] of CUSTOMER_COLUMNS) list.push(r[key]);
    return list;
  };
  const names = CUSTOMER_COLUMNS.map(([column]) => column);
  const created = await bulkInsertReturning<{ id: number; external_id: string }>(
    db,
    "customers",
    ["created_at", "updated_at", ...names],
    toInsert.map((r) => values(r, now, now)),
    ["id", "external_id"],
    { transaction },
  );
  const idOf = new Map(created.map((c) => [c.external_id, c.id]));
  for (const r of toInsert) r.id = idOf.get(r.externalId);
  // an upsert on id: the insert half never happens, but needs every NOT NULL column to parse
  await bulkInsert(db, "customers", ["id", "created_at", "updated_at", ...names], toUpdate.map((r) => values(r, r.id!, now, now)), {
    transaction,
    conflict: { keys: ["id"], update: [...names, "updated_at"] },
  });
  const existingIds = plans.filter((p) => p.existing).map((p) => p.row.id!);

  // tags: replace the set of each customer that sent one
  const withTags = plans.filter((p) => p.tagNames);
  if (withTags.length) {
    const tagIds = await idsByName(db, "tags", new Set(withTags.flatMap((p) => p.tagNames!)), transaction, now);
    const existingWithTags = withTags.filter((p) => p.existing).map((p) => p.row.id!);
    const current = existingWithTags.length ? await CustomerTag.findAll({ where: { customerId: { [Op.in]: existingWithTags } }, transaction, raw: true }) : [];
    const currentBy = groupBy(current, (r) => r.customerId, (r) => r.tagId);
    const replace = withTags.filter((p) => {
      if (!p.existing) return p.tagNames!.length > 0;
      const want = p.tagNames!.map((n) => tagIds.get(n)!).sort((a, b) => a - b);
      const have = (currentBy.get(p.row.id!) ?? []).sort((a, b) => a - b);
      return want.join(",") !== have.join(",");
    });
    if (replace.length) {
      // a new customer has no tags to remove
      const ids = replace.filter((p) => p.existing).map((p) => p.row.id!);
      for (const part of chunks(ids, 1000)) await CustomerTag.destroy({ where: { customerId: { [Op.in]: part } }, transaction });
      const rows = replace.flatMap((p) => p.tagNames!.map((n) => [p.row.id!, tagIds.get(n)!]));
      await bulkInsert(db, "customer_tags", ["customer_id", "tag_id"], rows, { transaction });
      for (const p of replace) if (p.existing) addChange(changedFields, p, "tags");
    }
  }

  // custom fields: set or clear the named ones
  const withFields = plans.filter((p) => p.fieldValues?.size);
  if (withFields.length) {
    const current = existingIds.length ? await CustomerFieldValue.findAll({ where: { customerId: { [Op.in]: existingIds } }, transaction }) : [];
    const currentBy = new Map(current.map((v) => [`${v.customerId}|${v.customFieldId}`, v]));
    const upserts: Array<{ customerId: number; customFieldId: number; valueText: string | null; valueNumber: number | null; valueDate: string | null }> = [];
    const clears: Array<{ customerId: number; customFieldId: number }> = [];
    for (const p of withFields) {
      for (const [fieldId, value] of p.fieldValues!) {
        const have = currentBy.get(`${p.row.id}|${fieldId}`);
        if (value === null) {
          if (have) clears.push({ customerId: p.row.id!, customFieldId: fieldId });
          else continue;
        } else if (have && same(have.valueText, value.valueText) && same(have.valueNumber, value.valueNumber) && same(have.valueDate, value.valueDate)) {
          continue;
        } else upserts.push({ customerId: p.row.id!, customFieldId: fieldId, ...value });
        if (p.existing) addChange(changedFields, p, "customFields");
      }
    }
    await bulkInsert(
      db,
      "customer_field_values",
      ["customer_id", "custom_field_id", "value_text", "value_number", "value_date"],
      upserts.map((u) => [u.customerId, u.customFieldId, u.valueText, u.valueNumber, u.valueDate]),
      { transaction, conflict: { keys: ["customer_id", "custom_field_id"], update: ["value_text", "value_number", "value_date"] } },
    );
    for (const c of clears) await CustomerFieldValue.destroy({ where: c, transaction });
  }

  // registration answers: replace the answer to each named question
  const withAnswers = plans.filter((p) => p.answers?.size);
  if (withAnswers.length) {
    const current = existingIds.length ? await RegistrationAnswer.findAll({ where: { customerId: { [Op.in]: existingIds } }, transaction }) : [];
    const currentBy = groupBy(current, (a) => `${a.customerId}|${a.questionId}`, (a) => a.optionId);
    const inserts: Array<{ customerId: number; optionId: number; questionId: number; answeredAt: Date }> = [];
    for (const p of withAnswers) {
      for (const [questionId, optionIds] of p.answers!) {
        const have = (currentBy.get(`${p.row.id}|${questionId}`) ?? []).sort((a, b) => a - b);
        if (have.join(",") === optionIds.join(",")) continue;
        if (have.length) await RegistrationAnswer.destroy({ where: { customerId: p.row.id!, questionId }, transaction });
        for (const optionId of optionIds) inserts.push({ customerId: p.row.id!, optionId, questionId, answeredAt: now });
        if (p.existing) addChange(changedFields, p, "answers");
      }
    }
    await bulkInsert(
      db,
      "registration_answers",
      ["customer_id", "option_id", "question_id", "answered_at"],
      inserts.map((a) => [a.customerId, a.optionId, a.questionId, a.answeredAt]),
      { transaction },
    );
  }

  // channels: subscription state per channel, with when it changed
  const withChannels = plans.filter((p) => p.channels.size);
  if (withChannels.length) {
    const current = existingIds.length ? await ChannelIdentity.findAll({ where: { customerId: { [Op.in]: existingIds } }, transaction, raw: true }) : [];
    const currentBy = new Map(current.map((c) => [`${c.customerId}|${c.channel}`, c]));
    const rows: ChannelRow[] = [];
    for (const p of withChannels) {
      for (const [channel, state] of p.channels) {
        // a customer created by this call has no channels yet
        const have = p.existing ? currentBy.get(`${p.row.id}|${channel}`) : undefined;
        if (have && have.address === state.address && Boolean(have.isSubscribed) === state.isSubscribed) continue;
        const stateChanged = !have || Boolean(have.isSubscribed) !== state.isSubscribed;
        if (stateChanged && (have || state.isSubscribed)) consents.push({ customerId: p.row.id!, subject: channel, isGranted: state.isSubscribed, occurredAt: state.changedAt });
        rows.push({
          customerId: p.row.id!,
          channel,
          address: state.address,
          isSubscribed: state.isSubscribed,
          subscriptionChangedAt: stateChanged ? state.changedAt : readTimestamp(have!.subscriptionChangedAt),
        });
        if (p.existing) addChange(changedFields, p, `channels.${channel}`);
      }
    }
    await bulkInsert(
      db,
      "channel_identities",
      ["customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"],
      rows.map((r) => [r.customerId, r.channel, r.address, r.isSubscribed, r.subscriptionChangedAt, now, now]),
      { transaction, conflict: { keys: ["customer_id", "channel"], update: ["address", "is_subscribed", "subscription_changed_at", "updated_at"] } },
    );
  }

  // the customer record changed even when only its tags, fields, answers or channels did:
  // updated_at says so, which the API's updatedSince listing relies on
  const updatedRows = new Set(toUpdate);
  const touched = plans.filter((p) => p.existing && changedFields.has(p) && !updatedRows.has(p.row)).map((p) => p.row.id!);
  for (const part of chunks(touched, 1000)) {
    // written as bulk.ts writes timestamps, so every row of the column reads back the same way
    await db.sequelize.getQueryInterface().bulkUpdate("customers", { updated_at: formatTimestamp(now, db.dialect) }, { id: { [Op.in]: part } }, { transaction });
  }

  for (const p of plans) {
    const changed = p.existing ? p.existing.acceptsMarketing !== p.row.acceptsMarketing : p.row.acceptsMarketing;
    if (changed) consents.push({ customerId: p.row.id!, subject: "marketing", isGranted: p.row.acceptsMarketing, occurredAt: now });
  }
  await appendConsents(db, consents, { source: options.consent?.source ?? consentSourceOf(source), reference: options.consent?.reference }, transaction, now);

  const entries: CustomerChangeEntry[] = [];
  const results: UpsertResult[] = plans.map((p) => {
    const changed = changedFields.get(p);
    if (!p.existing) entries.push({ customerId: p.row.id!, kind: "created", fields: { externalId: p.row.externalId } });
    else if (changed) entries.push({ customerId: p.row.id!, kind: "profile", fields: { changed } });
    return { index: p.index, externalId: p.row.externalId, id: p.row.id!, status: !p.existing ? "created" : changed ? "updated" : "unchanged" };
  });
  await appendChanges(db, entries, source, transaction, now);
  return { ok: true, results };
}

function addChange(changed: Map<Plan, string[]>, plan: Plan, field: string) {
  const list = changed.get(plan) ?? [];
  if (!list.includes(field)) list.push(field);
  changed.set(plan, list);
}

function groupBy<T, K, V>(rows: T[], key: (r: T) => K, value: (r: T) => V): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const r of rows) {
    const list = map.get(key(r)) ?? [];
    list.push(value(r));
    map.set(key(r), list);
  }
  return map;
}

/** Ids of named rows (tags, groups), creating the names not there yet. */
async function idsByName(
  db: Database,
  table: "tags" | "customer_groups",
  names: Set<string>,
  transaction: Transaction,
  now: Date,
): Promise<Map<string, number>> {
  if (names.size === 0) return new Map();
  const list = [...names];
  await bulkInsert(db, table, ["name", "created_at", "updated_at"], list.map((name) => [name, now, now]), { transaction, conflict: "ignore" });
  const model = (table === "tags" ? db.models.Tag : db.models.CustomerGroup) as Database["models"]["Tag"];
  // a locking read sees names a concurrent transaction committed after ours began (MariaDB's
  // snapshot would not), which INSERT IGNORE just skipped
  const rows = await model.findAll({ attributes: ["id", "name"], where: { name: { [Op.in]: list } }, transaction, lock: transaction.LOCK.SHARE, raw: true });
  return new Map(rows.map((r) => [r.name, r.id]));
}

// a decimal as people type it (comma or point), not whatever Number() accepts: " " is 0 to it,
// "0x10" is 16 and "Infinity" a number
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$/i;

function numberFromText(text: string): number {
  const trimmed = text.trim();
  return DECIMAL_TEXT.test(trimmed) ? Number(trimmed.replace(",", ".")) : Number.NaN;
}
