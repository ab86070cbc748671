// Builds the fact index from the database, and re-reads the facts of changed customers.
import { Op } from "sequelize";
import type { Database } from "../../models/db";
import { CHANNEL_BIT, FactIndex, ListColumn, NO_DAY, STATUS_BIT, buildList, type CustomerFacts } from "./fact-index";
import { streamByKey, utcMsOf, type KeyedSelect } from "./stream.server";
import { dayOfPlainDate, storeClock, type StoreClock } from "../time";
import type { Channel, CustomFieldType } from "../../models/models";

export interface LoadProgress {
  (step: string, rows: number): void;
}

const plainDay = (value: unknown): number => {
  if (value === null || value === undefined) return NO_DAY;
  const s = value instanceof Date ? value.toISOString() : String(value);
  return dayOfPlainDate(s.slice(0, 10));
};

const storeDay = (clock: StoreClock, value: unknown): number => {
  const ms = utcMsOf(value);
  return ms === null ? NO_DAY : clock.dayOf(ms);
};

/** The small tables every criterion resolves names against: categories, tags, groups, fields, questions. */
export async function refreshReferenceData(db: Database, index: FactIndex): Promise<void> {
  const m = db.models;
  const [categories, tags, groups, fields, questions, options] = await Promise.all([
    m.Category.findAll({ attributes: ["id", "externalId", "parentId"], raw: true }),
    m.Tag.findAll({ attributes: ["id", "name"], raw: true }),
    m.CustomerGroup.findAll({ attributes: ["id", "name"], raw: true }),
    m.CustomField.findAll({ attributes: ["id", "key", "type", "options"], raw: true }),
    m.RegistrationQuestion.findAll({ attributes: ["id", "key"], raw: true }),
    m.RegistrationOption.findAll({ attributes: ["id", "questionId", "key"], raw: true }),
  ]);
  index.categoryNodes = new Map(categories.map((c) => [c.id, { id: c.id, externalId: c.externalId, parentId: c.parentId }]));
  index.categoryIdByExternalId = new Map(categories.map((c) => [c.externalId, c.id]));
  index.tagIdByName = new Map(tags.map((t) => [t.name, t.id]));
  index.groupIdByName = new Map(groups.map((g) => [g.name, g.id]));
  const questionKey = new Map(questions.map((q) => [q.id, q.key]));
  index.optionIds = new Map(questions.map((q) => [q.key, new Map<string, number>()]));
  for (const o of options) index.optionIds.get(questionKey.get(o.questionId)!)?.set(o.key, o.id);
  for (const f of fields) {
    index.fieldColumn({ id: f.id, key: f.key, type: f.type as CustomFieldType, options: f.options ? (JSON.parse(f.options) as string[]) : [] });
  }
}

/**
 * Reads the whole store into a new fact index: one streamed pass per table. The change-log
 * watermark is read first, so changes committed while it loads are re-applied by the tail.
 */
export async function loadFactIndex(db: Database, timeZone: string, progress: LoadProgress = () => {}): Promise<FactIndex> {
  const clock = storeClock(timeZone);
  const [{ max }] = (await db.sequelize.query("SELECT MAX(id) AS max FROM customer_changes", { type: "SELECT" })) as Array<{ max: number | null }>;
  const [{ n }] = (await db.sequelize.query("SELECT COUNT(*) AS n FROM customers", { type: "SELECT" })) as Array<{ n: number }>;
  const index = new FactIndex(timeZone, Math.ceil(Number(n) * 1.1) + 16);
  index.watermark = Number(max ?? 0);
  await refreshReferenceData(db, index);

  const rows = await streamByKey(
    db,
    { columns: "id, registered_at, first_interaction_at, last_interaction_at, birthday, accepts_marketing, country, city, customer_group_id", from: "customers", key: "id", ordered: true },
    (r) => {
      const slot = index.ensureSlot(r[0] as number);
      index.registeredDay[slot] = storeDay(clock, r[1]);
      index.firstInteractionDay[slot] = storeDay(clock, r[2]);
      index.lastInteractionDay[slot] = storeDay(clock, r[3]);
      index.birthdayDay[slot] = plainDay(r[4]);
      index.acceptsMarketing[slot] = Number(r[5]) ? 1 : 0;
      if (r[6] !== null) index.country[slot] = index.countries.code(r[6] as string);
      if (r[7] !== null) index.city[slot] = index.cities.code(r[7] as string);
      if (r[8] !== null) {
        index.groupId[slot] = r[8] as number;
        if ((r[8] as number) >= index.groupCodeLimit) index.groupCodeLimit = (r[8] as number) + 1;
      }
    },
  );
  progress("customers", rows);
  const size = index.size;
  const capacity = index.capacity;
  const slotOf = (id: unknown) => index.slotOf(id as number);

  // orders: status mask and last non-cancelled order for everyone, completed ones as lists
  {
    let slots = new Int32Array(1 << 20);
    let days = new Int32Array(1 << 20);
    let totals = new Float64Array(1 << 20);
    let count = 0;
    const completed = STATUS_BIT.completed;
    const cancelled = STATUS_BIT.cancelled;
    const seen = await streamByKey(db, { columns: "customer_id, status, total, placed_at", from: "orders", key: "id" }, (r) => {
      const slot = slotOf(r[0]);
      if (slot === undefined) return;
      const bit = STATUS_BIT[r[1] as string] ?? 0;
      index.statusMask[slot] |= bit;
      const day = storeDay(clock, r[3]);
      if (bit !== cancelled && day > index.lastOrderDay[slot]) index.lastOrderDay[slot] = day;
      if (bit !== completed) return;
      const total = Number(r[2]);
      index.totalSpent[slot] += total;
      index.orderCount[slot]++;
      if (count === slots.length) {
        const grow = <T extends Int32Array | Float64Array>(a: T): T => {
          const next = new (a.constructor as new (n: number) => T)(a.length * 2);
          next.set(a);
          return next;
        };
        slots = grow(slots);
        days = grow(days);
        totals = grow(totals);
      }
      slots[count] = slot;
      days[count] = day;
      totals[count] = total;
      count++;
    });
    progress("orders", seen);
    // order each customer's completed orders by day: sort pair positions within each slot's run
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    const bySlot = buildList(size, capacity, count, slots, order, (k) => new Int32Array(k));
    const sortedDays = new Int32Array(count);
    const sortedTotals = new Float64Array(count);
    for (let s = 0; s < size; s++) {
      const from = bySlot.offsets[s];
      const to = bySlot.offsets[s + 1];
      const run = Array.from(bySlot.values.subarray(from, to)).sort((a, b) => days[a] - days[b]);
      for (let k = 0; k < run.length; k++) {
        sortedDays[from + k] = days[run[k]];
        sortedTotals[from + k] = totals[run[k]];
      }
    }
    index.orderDays = new ListColumn(bySlot.offsets, sortedDays, new Int32Array(0), capacity);
    index.orderTotals = new ListColumn(bySlot.offsets, sortedTotals, new Float64Array(0), capacity);
  }

  // categories of the products in completed orders
  index.categories = await loadPairs(
    db,
    { columns: "o.customer_id, i.category_id", from: "order_items i JOIN orders o ON o.id = i.order_id", where: "o.status = 'completed' AND i.category_id IS NOT NULL", key: "i.id" },
    index,
    (r) => r[1] as number,
    true,
  );
  index.buildCategoryPostings();
  progress("order items", index.categories.values.length);

  index.cartDays = await loadPairs(db, { columns: "customer_id, abandoned_at", from: "abandoned_carts", where: "recovered_at IS NULL", key: "id" }, index, (r) => storeDay(clock, r[1]), false);
  progress("abandoned carts", index.cartDays.values.length);
  index.tags = await loadPairs(db, { columns: "customer_id, tag_id", from: "customer_tags", key: "rowid" }, index, (r) => r[1] as number, true);
  progress("tags", index.tags.values.length);
  index.options = await loadPairs(db, { columns: "customer_id, option_id", from: "registration_answers", key: "rowid" }, index, (r) => r[1] as number, true);
  progress("registration answers", index.options.values.length);

  const channelRows = await streamByKey(
    db,
    { columns: "customer_id, channel, is_subscribed, CASE WHEN address IS NULL THEN 0 ELSE 1 END AS has_address", from: "channel_identities", key: "id" },
    (r) => {
      const slot = slotOf(r[0]);
      if (slot === undefined || !Number(r[2])) return;
      const bit = CHANNEL_BIT[r[1] as Channel] ?? 0;
      index.subscribedMask[slot] |= bit;
      if (Number(r[3])) index.reachableMask[slot] |= bit;
    },
  );
  progress("channels", channelRows);

  const fieldRows = await streamByKey(db, { columns: "customer_id, custom_field_id, value_text, value_number, value_date", from: "customer_field_values", key: "rowid" }, (r) => {
    const slot = slotOf(r[0]);
    const column = index.fields.get(r[1] as number);
    if (slot === undefined || !column) return;
    if (r[3] !== null) column.numbers[slot] = Number(r[3]);
    if (r[4] !== null) column.days[slot] = plainDay(r[4]);
    if (r[2] !== null) column.codes[slot] = column.dict.code(r[2] as string);
  });
  progress("custom fields", fieldRows);
  return index;
}

/** (customer, value) rows into a list column. */
async function loadPairs(
  db: Database,
  select: KeyedSelect,
  index: FactIndex,
  valueOf: (row: unknown[]) => number,
  distinct: boolean,
) {
  let slots = new Int32Array(1 << 16);
  let values = new Int32Array(1 << 16);
  let count = 0;
  await streamByKey(db, select, (r) => {
    const slot = index.slotOf(r[0] as number);
    if (slot === undefined) return;
    if (count === slots.length) {
      const s2 = new Int32Array(slots.length * 2);
      s2.set(slots);
      slots = s2;
      const v2 = new Int32Array(values.length * 2);
      v2.set(values);
      values = v2;
    }
    slots[count] = slot;
    values[count] = valueOf(r);
    count++;
  });
  return buildList(index.size, index.capacity, count, slots, values, (n) => new Int32Array(n), { distinct });
}

/** Everything about these customers, read afresh: the unit of an incremental update. */
export async function loadCustomerFacts(db: Database, ids: number[], timeZone: string): Promise<CustomerFacts[]> {
  if (ids.length === 0) return [];
  const clock = storeClock(timeZone);
  const m = db.models;
  const where = { customerId: { [Op.in]: ids } };
  const [customers, orders, items, carts, channels, tags, answers, fields] = await Promise.all([
    m.Customer.findAll({ where: { id: { [Op.in]: ids } }, raw: true }),
    m.Order.findAll({ where, attributes: ["id", "customerId", "status", "total", "placedAt"], raw: true }),
    db.sequelize.query(
      `SELECT o.customer_id AS customerId, i.category_id AS categoryId FROM order_items i JOIN orders o ON o.id = i.order_id
       WHERE o.status = 'completed' AND i.category_id IS NOT NULL AND o.customer_id IN (:ids)`,
      { replacements: { ids }, type: "SELECT" },
    ) as Promise<Array<{ customerId: number; categoryId: number }>>,
    m.AbandonedCart.findAll({ where: { ...where, recoveredAt: { [Op.is]: null } }, attributes: ["customerId", "abandonedAt"], raw: true }),
    m.ChannelIdentity.findAll({ where, attributes: ["customerId", "channel", "isSubscribed", "address"], raw: true }),
    m.CustomerTag.findAll({ where, raw: true }),
    m.RegistrationAnswer.findAll({ where, attributes: ["customerId", "optionId"], raw: true }),
    m.CustomerFieldValue.findAll({ where, raw: true }),
  ]);
  const facts = new Map<number, CustomerFacts>();
  for (const c of customers) {
    facts.set(c.id, {
      id: c.id,
      registeredDay: storeDay(clock, c.registeredAt),
      firstInteractionDay: storeDay(clock, c.firstInteractionAt),
      lastInteractionDay: storeDay(clock, c.lastInteractionAt),
      birthdayDay: plainDay(c.birthday),
      acceptsMarketing: Boolean(Number(c.acceptsMarketing)),
      country: c.country,
      city: c.city,
      groupId: c.customerGroupId,
      statusMask: 0,
      lastOrderDay: NO_DAY,
      completedDays: [],
      completedTotals: [],
      unrecoveredCartDays: [],
      tagIds: [],
      categoryIds: [],
      optionIds: [],
      subscribedMask: 0,
      reachableMask: 0,
      fields: new Map(),
    });
  }
  const completed: Array<{ customerId: number; day: number; total: number }> = [];
  for (const o of orders) {
    const f = facts.get(o.customerId);
    if (!f) continue;
    const day = storeDay(clock, o.placedAt);
    f.statusMask |= STATUS_BIT[o.status] ?? 0;
    if (o.status !== "cancelled" && day > f.lastOrderDay) f.lastOrderDay = day;
    if (o.status === "completed") completed.push({ customerId: o.customerId, day, total: Number(o.total) });
  }
  completed.sort((a, b) => a.day - b.day);
  for (const o of completed) {
    const f = facts.get(o.customerId)!;
    f.completedDays.push(o.day);
    f.completedTotals.push(o.total);
  }
  for (const i of items) facts.get(i.customerId)?.categoryIds.push(i.categoryId);
  for (const c of carts) facts.get(c.customerId)?.unrecoveredCartDays.push(storeDay(clock, c.abandonedAt));
  for (const c of channels) {
    const f = facts.get(c.customerId);
    if (!f || !Number(c.isSubscribed)) continue;
    f.subscribedMask |= CHANNEL_BIT[c.channel];
    if (c.address !== null) f.reachableMask |= CHANNEL_BIT[c.channel];
  }
  for (const t of tags) facts.get(t.customerId)?.tagIds.push(t.tagId);
  for (const a of answers) facts.get(a.customerId)?.optionIds.push(a.optionId);
  for (const v of fields) {
    facts.get(v.customerId)?.fields.set(v.customFieldId, {
      text: v.valueText,
      number: v.valueNumber === null ? null : Number(v.valueNumber),
      day: plainDay(v.valueDate),
    });
  }
  return [...facts.values()];
}

/** Re-reads the given customers into the index (after refreshing the names they may use). */
export async function updateFactIndex(db: Database, index: FactIndex, customerIds: number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await refreshReferenceData(db, index);
  for (let i = 0; i < customerIds.length; i += 1000) {
    const facts = await loadCustomerFacts(db, customerIds.slice(i, i + 1000), index.timeZone);
    for (const f of facts) index.setCustomer(f);
  }
}
