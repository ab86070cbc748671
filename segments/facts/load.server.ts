// Builds the fact index from the database, and re-reads the facts of changed customers.
import { Op } from "sequelize";
import type { Database } from "../../models/db";
import { CHANNEL_BIT, FactIndex, Growable, ListBuilder, ListColumn, NO_DAY, STATUS_BIT, buildList, type CustomerFacts } from "./fact-index";
import { factSql, streamByKey, streamRecords, streamRecordsByKey, utcMsOf, type RecordSelect } from "./stream.server";
import { RecordReader } from "./records";
import { dayOfPlainDate, storeClock, type StoreClock } from "../time";
import { CHANNELS, type Channel, type CustomFieldType } from "../../models/models";

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
    m.Category.findAll({
      attributes: ["id", "externalId", "parentId"],
      raw: true,
    }),
    m.Tag.findAll({ attributes: ["id", "name"], raw: true }),
    m.CustomerGroup.findAll({ attributes: ["id", "name"], raw: true }),
    m.CustomField.findAll({
      attributes: ["id", "key", "type", "options"],
      raw: true,
    }),
    m.RegistrationQuestion.findAll({ attributes: ["id", "key"], raw: true }),
    m.RegistrationOption.findAll({
      attributes: ["id", "questionId", "key"],
      raw: true,
    }),
  ]);
  index.categoryNodes = new Map(categories.map((c) => [c.id, { id: c.id, externalId: c.externalId, parentId: c.parentId }]));
  index.categoryIdByExternalId = new Map(categories.map((c) => [c.externalId, c.id]));
  index.tagIdByName = new Map(tags.map((t) => [t.name, t.id]));
  index.groupIdByName = new Map(groups.map((g) => [g.name, g.id]));
  const questionKey = new Map(questions.map((q) => [q.id, q.key]));
  index.optionIds = new Map(questions.map((q) => [q.key, new Map<string, number>()]));
  for (const o of options) index.optionIds.get(questionKey.get(o.questionId)!)?.set(o.key, o.id);
  // a deleted field's key must not lead to its old column (a new field may take the key)
  index.fieldIdByKey = new Map();
  for (const f of fields) {
    index.fieldColumn({
      id: f.id,
      key: f.key,
      type: f.type as CustomFieldType,
      options: f.options ? (JSON.parse(f.options) as string[]) : [],
    });
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
  // How each table is read differs by dialect, measured at a million customers (decision record
  // 0011): node-sqlite3 turns every row into a JS object on the main thread, so SQLite hands over
  // texts of records per range of customers, several tables at once; MariaDB with its default
  // 128 MB buffer pool pays for the secondary-index lookups a grouped read needs more than for the
  // rows, so there each table streams in key order.
  if (db.dialect === "sqlite") await readSqlite(db, index, clock, progress);
  else await readMysql(db, index, clock, progress);
  index.buildPostings();
  const erased = (await db.sequelize.query("SELECT id FROM customers WHERE erased_at IS NOT NULL", { type: "SELECT" })) as Array<{ id: number }>;
  index.markErased(erased.map((r) => Number(r.id)));
  return index;
}

/** SQLite tables read at once after the customers (each on a connection of its own). */
const SQLITE_LANES = 3;

/** Runs the tasks, `lanes` at a time, in the order given; each is told its lane. */
async function inLanes(tasks: Array<(lane: string) => Promise<void>>, lanes: number): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (next < tasks.length && !failed) {
        const task = tasks[next++];
        try {
          await task(String(lane));
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

/**
 * SQLite: the customer ids first, then every table as texts of records per range of customers,
 * two tables at a time (`chunk`: customers per text; tests make it small).
 */
export async function readSqlite(db: Database, index: FactIndex, clock: StoreClock, progress: LoadProgress, chunk?: number): Promise<void> {
  // timestamps arrive as whole epoch seconds, dates as epoch days: no text to make and parse per value
  const day = (seconds: number | null) => (seconds === null ? NO_DAY : clock.dayOf(seconds * 1000));
  const orNothing = (expr: string) => `coalesce(${expr}, '')`;
  const record = (...fields: string[]) => fields.join(" || '|' || ");
  const sql = factSql("sqlite");
  const epochDay = (column: string) => orNothing(sql.epochDay(column));
  const epoch = (column: string) => orNothing(sql.epoch(column));

  // the ids first, in order, so slots ascend with ids and every read below arrives in slot order;
  // the customers' own columns are then one more table read beside the others
  await streamRecordsByKey(db, { key: "id", from: "customers", record: "id", chunk }, (text) => {
    const r = new RecordReader(text);
    while (r.more) index.ensureSlot(r.number()!);
  });
  const size = index.size;
  const capacity = index.capacity;
  const ids = index.ids;
  const slotOf = (id: number | null) => (id === null ? undefined : index.slotOf(id));
  const read = (select: Omit<RecordSelect, "lane">, lane: string, each: (r: RecordReader) => void) =>
    streamRecords(db, ids, size, { ...select, lane, chunk }, (text) => {
      const r = new RecordReader(text);
      while (r.more) each(r);
    });
  /** A list column from one grouped record per customer: its id, then the list. */
  const list = async (step: string, lane: string, select: { value: string; from: string; where?: string; customer?: string }, distinct: boolean, valueOf = (v: number) => v, estimate = size) => {
    const builder = new ListBuilder(size, (k) => new Int32Array(k), estimate);
    const customer = select.customer ?? "customer_id";
    await read({ customer, record: record(customer, `group_concat(${distinct ? "DISTINCT " : ""}${select.value})`), from: select.from, where: select.where, grouped: true }, lane, (r) => {
      const slot = slotOf(r.number());
      if (slot === undefined) return void r.list(() => {});
      r.list((v) => builder.add(slot, valueOf(v)));
    });
    const column = builder.finish(capacity, { distinct });
    progress(step, column.values.length);
    return column;
  };

  const statusBits = `SUM(DISTINCT CASE status ${Object.entries(STATUS_BIT)
    .map(([status, bit]) => `WHEN '${status}' THEN ${bit}`)
    .join(" ")} ELSE 0 END)`;
  const tasks: Array<(lane: string) => Promise<void>> = [
    async (lane) => {
      const seen = await read(
        {
          customer: "id",
          from: "customers",
          record: record(
            "id",
            epoch("registered_at"),
            epoch("first_interaction_at"),
            epoch("last_interaction_at"),
            epochDay("birthday"),
            orNothing("accepts_marketing"),
            "json_quote(country)",
            "json_quote(city)",
            orNothing("customer_group_id"),
          ),
        },
        lane,
        (r) => {
          const slot = index.slotOf(r.number()!)!;
          index.registeredDay[slot] = day(r.number());
          index.firstInteractionDay[slot] = day(r.number());
          index.lastInteractionDay[slot] = day(r.number());
          index.birthdayDay[slot] = r.number() ?? NO_DAY;
          index.acceptsMarketing[slot] = r.number() ? 1 : 0;
          const country = r.string();
          if (country !== null) index.country[slot] = index.countries.code(country);
          const city = r.string();
          if (city !== null) index.city[slot] = index.cities.code(city);
          const group = r.number();
          if (group !== null) {
            index.groupId[slot] = group;
            if (group >= index.groupCodeLimit) index.groupCodeLimit = group + 1;
          }
        },
      );
      progress("customers", seen);
    },
    // orders: the statuses, the last order that is not cancelled, and the completed ones by day
    async (lane) => {
      const days = new ListBuilder(size, (k) => new Int32Array(k), size * 3);
      const totals = new ListBuilder(size, (k) => new Float64Array(k), size * 3);
      const completed = `group_concat(CASE WHEN status = 'completed' THEN unixepoch(placed_at) || ':' || total END, ',' ORDER BY placed_at)`;
      const seen = await read(
        { customer: "customer_id", record: record("customer_id", statusBits, epoch("MAX(CASE WHEN status <> 'cancelled' THEN placed_at END)"), orNothing(completed)), from: "orders", grouped: true },
        lane,
        (r) => {
          const slot = slotOf(r.number());
          if (slot === undefined) {
            r.number();
            r.number();
            r.pairs(() => {});
            return;
          }
          index.statusMask[slot] = r.number() ?? 0;
          index.lastOrderDay[slot] = day(r.number());
          let sum = 0;
          let count = 0;
          r.pairs((seconds, total) => {
            days.add(slot, clock.dayOf(seconds * 1000));
            totals.add(slot, total);
            sum += total;
            count++;
          });
          index.totalSpent[slot] = sum;
          index.orderCount[slot] = count;
        },
      );
      index.orderDays = days.finish(capacity);
      index.orderTotals = totals.finish(capacity);
      // both lists hold the same orders: one offsets array serves both
      index.orderTotals.offsets = index.orderDays.offsets;
      progress("orders", seen);
    },
    // categories of the products in completed orders
    async (lane) => {
      index.categories = await list(
        "order items",
        lane,
        { customer: "o.customer_id", value: "i.category_id", from: "orders o JOIN order_items i ON i.order_id = o.id", where: "o.status = 'completed' AND i.category_id IS NOT NULL" },
        true,
        undefined,
        size * 3,
      );
    },
    async (lane) => {
      index.options = await list("registration answers", lane, { value: "option_id", from: "registration_answers" }, true, undefined, size * 2);
    },
    // the channel masks summed in SQL (a customer has one row per channel): two numbers a customer
    async (lane) => {
      const bit = (then: string) => `CASE WHEN is_subscribed = 1${then} THEN CASE channel ${CHANNELS.map((c) => `WHEN '${c}' THEN ${CHANNEL_BIT[c]}`).join(" ")} ELSE 0 END ELSE 0 END`;
      const seen = await read(
        { customer: "customer_id", record: record("customer_id", `SUM(${bit("")})`, `SUM(${bit(" AND address IS NOT NULL")})`), from: "channel_identities", grouped: true },
        lane,
        (r) => {
          const slot = slotOf(r.number());
          const subscribed = r.number() ?? 0;
          const reachable = r.number() ?? 0;
          if (slot === undefined) return;
          index.subscribedMask[slot] = subscribed;
          index.reachableMask[slot] = reachable;
        },
      );
      progress("channels", seen);
    },
    async (lane) => {
      index.tags = await list("tags", lane, { value: "tag_id", from: "customer_tags" }, true);
    },
    async (lane) => {
      index.cartDays = await list("abandoned carts", lane, { value: "unixepoch(abandoned_at)", from: "abandoned_carts", where: "recovered_at IS NULL" }, false, (seconds) => clock.dayOf(seconds * 1000));
    },
    // custom fields: a record per value
    async (lane) => {
      const seen = await read(
        { customer: "customer_id", record: record("customer_id", "custom_field_id", orNothing("value_number"), epochDay("value_date"), "json_quote(value_text)"), from: "customer_field_values" },
        lane,
        (r) => {
          const slot = slotOf(r.number());
          const column = index.fields.get(r.number()!);
          const number = r.number();
          const dayValue = r.number();
          const text = r.string();
          if (slot === undefined || !column) return;
          if (number !== null) column.numbers[slot] = number;
          if (dayValue !== null) column.days[slot] = dayValue;
          if (text !== null) column.codes[slot] = column.dict.code(text);
        },
      );
      progress("custom fields", seen);
    },
  ];
  await inLanes(tasks, SQLITE_LANES);
}

/**
 * MariaDB: each table streamed in key order, one row at a time. It reads a SQLite store too, which
 * is how the tests hold the SQLite reader to it.
 */
export async function readMysql(db: Database, index: FactIndex, clock: StoreClock, progress: LoadProgress): Promise<void> {
  const sql = factSql(db.dialect);
  // timestamps arrive as whole epoch seconds: no text to make and parse per value
  const day = (seconds: unknown) => (seconds === null ? NO_DAY : clock.dayOf(Number(seconds) * 1000));

  // in id order, so slots ascend with ids
  const rows = await streamByKey(
    db,
    {
      columns: `id, ${sql.epoch("registered_at")}, ${sql.epoch("first_interaction_at")}, ${sql.epoch("last_interaction_at")}, ${sql.epochDay("birthday")}, accepts_marketing, country, city, customer_group_id`,
      from: "customers",
      key: "id",
      ordered: true,
    },
    (r) => {
      const slot = index.ensureSlot(Number(r[0]));
      index.registeredDay[slot] = day(r[1]);
      index.firstInteractionDay[slot] = day(r[2]);
      index.lastInteractionDay[slot] = day(r[3]);
      index.birthdayDay[slot] = r[4] === null ? NO_DAY : Number(r[4]);
      index.acceptsMarketing[slot] = Number(r[5]) ? 1 : 0;
      if (r[6] !== null) index.country[slot] = index.countries.code(r[6] as string);
      if (r[7] !== null) index.city[slot] = index.cities.code(r[7] as string);
      if (r[8] !== null) {
        index.groupId[slot] = r[8] as number;
        if ((r[8] as number) >= index.groupCodeLimit) index.groupCodeLimit = (r[8] as number) + 1;
      }
    }
  );
  progress("customers", rows);
  const size = index.size;
  const capacity = index.capacity;
  const slotOf = (id: unknown) => index.slotOf(Number(id));

  // orders: the statuses, the last order that is not cancelled, and the completed ones by day;
  // completed order id → slot, for reading the order items without a join
  const orderSlots = new IdTable(size * 4);
  {
    const slots = new Growable(Int32Array, size * 3);
    const days = new Growable(Int32Array, size * 3);
    const totals = new Growable(Float64Array, size * 3);
    const completed = STATUS_BIT.completed;
    const cancelled = STATUS_BIT.cancelled;
    const seen = await streamByKey(
      db,
      {
        columns: `customer_id, status, total, ${sql.epoch("placed_at")}, id`,
        from: "orders",
        key: "id",
      },
      (r) => {
        const slot = slotOf(r[0]);
        if (slot === undefined) return;
        const bit = STATUS_BIT[r[1] as string] ?? 0;
        index.statusMask[slot] |= bit;
        const orderDay = day(r[3]);
        if (bit !== cancelled && orderDay > index.lastOrderDay[slot]) index.lastOrderDay[slot] = orderDay;
        if (bit !== completed) return;
        orderSlots.set(Number(r[4]), slot);
        const total = Number(r[2]);
        index.totalSpent[slot] += total;
        index.orderCount[slot]++;
        slots.push(slot);
        days.push(orderDay);
        totals.push(total);
      }
    );
    progress("orders", seen);
    // each customer's completed orders by day: sort positions within each slot's run
    const count = slots.length;
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    const bySlot = buildList(size, capacity, count, slots.array, order, (k) => new Int32Array(k));
    const dayOf = days.array;
    const totalOf = totals.array;
    const sortedDays = new Int32Array(count);
    const sortedTotals = new Float64Array(count);
    for (let s = 0; s < size; s++) {
      const from = bySlot.offsets[s];
      const run = bySlot.values.subarray(from, bySlot.offsets[s + 1]);
      if (run.length > 1) run.sort((a, b) => dayOf[a] - dayOf[b] || a - b);
      for (let k = 0; k < run.length; k++) {
        sortedDays[from + k] = dayOf[run[k]];
        sortedTotals[from + k] = totalOf[run[k]];
      }
    }
    index.orderDays = new ListColumn(bySlot.offsets, sortedDays, new Int32Array(0), capacity);
    index.orderTotals = new ListColumn(bySlot.offsets, sortedTotals, new Float64Array(0), capacity);
  }

  /** A list column of (customer, value) pairs in key order, sorted by slot afterwards. */
  const lists = async (select: { customer: string; value: string; from: string; where?: string; key: string }, valueOf: (n: number) => number, distinct: boolean, estimate = size) => {
    const slots = new Growable(Int32Array, estimate);
    const values = new Growable(Int32Array, estimate);
    await streamByKey(db, { columns: `${select.customer}, ${select.value}`, from: select.from, where: select.where, key: select.key }, (r) => {
      const slot = slotOf(r[0]);
      if (slot === undefined) return;
      slots.push(slot);
      values.push(valueOf(Number(r[1])));
    });
    return buildList(size, capacity, slots.length, slots.array, values.array, (k) => new Int32Array(k), { distinct });
  };
  const same = (v: number) => v;

  // categories of the products in completed orders: the items table alone in key order (a join
  // over 6M items took twice as long), each item's customer found through the orders read above
  {
    const slots = new Growable(Int32Array, size * 3);
    const categories = new Growable(Int32Array, size * 3);
    await streamByKey(db, { columns: "order_id, category_id", from: "order_items", where: "category_id IS NOT NULL", key: "id" }, (r) => {
      const slot = orderSlots.get(Number(r[0]));
      if (slot === undefined) return;
      slots.push(slot);
      categories.push(Number(r[1]));
    });
    index.categories = buildList(size, capacity, slots.length, slots.array, categories.array, (k) => new Int32Array(k), { distinct: true });
  }
  progress("order items", index.categories.values.length);

  index.cartDays = await lists(
    { customer: "customer_id", value: sql.epoch("abandoned_at"), from: "abandoned_carts", where: "recovered_at IS NULL", key: "id" },
    (seconds) => clock.dayOf(seconds * 1000),
    false
  );
  progress("abandoned carts", index.cartDays.values.length);
  index.tags = await lists({ customer: "customer_id", value: "tag_id", from: "customer_tags", key: "rowid" }, same, true);
  progress("tags", index.tags.values.length);
  index.options = await lists({ customer: "customer_id", value: "option_id", from: "registration_answers", key: "rowid" }, same, true, size * 2);
  progress("registration answers", index.options.values.length);

  const channelRows = await streamByKey(
    db,
    {
      columns: "customer_id, channel, CASE WHEN address IS NULL THEN 0 ELSE 1 END AS has_address",
      from: "channel_identities",
      where: "is_subscribed = 1",
      key: "id",
    },
    (r) => {
      const slot = slotOf(r[0]);
      if (slot === undefined) return;
      const bit = CHANNEL_BIT[r[1] as Channel] ?? 0;
      index.subscribedMask[slot] |= bit;
      if (Number(r[2]) === 1) index.reachableMask[slot] |= bit;
    }
  );
  progress("channels", channelRows);

  const fieldRows = await streamByKey(
    db,
    {
      columns: "customer_id, custom_field_id, value_text, value_number, value_date",
      from: "customer_field_values",
      key: "rowid",
    },
    (r) => {
      const slot = slotOf(r[0]);
      const column = index.fields.get(r[1] as number);
      if (slot === undefined || !column) return;
      if (r[3] !== null) column.numbers[slot] = Number(r[3]);
      if (r[4] !== null) column.days[slot] = plainDay(r[4]);
      if (r[2] !== null) column.codes[slot] = column.dict.code(r[2] as string);
    }
  );
  progress("custom fields", fieldRows);
}

/** Everything about these customers, read afresh: the unit of an incremental update. */
export async function loadCustomerFacts(db: Database, ids: number[], timeZone: string): Promise<CustomerFacts[]> {
  if (ids.length === 0) return [];
  const clock = storeClock(timeZone);
  const m = db.models;
  const where = { customerId: { [Op.in]: ids } };
  const [customers, orders, items, carts, channels, tags, answers, fields] = await Promise.all([
    m.Customer.findAll({ where: { id: { [Op.in]: ids } }, raw: true }),
    m.Order.findAll({
      where,
      attributes: ["id", "customerId", "status", "total", "placedAt"],
      raw: true,
    }),
    db.sequelize.query(
      `SELECT o.customer_id AS customerId, i.category_id AS categoryId FROM order_items i JOIN orders o ON o.id = i.order_id
       WHERE o.status = 'completed' AND i.category_id IS NOT NULL AND o.customer_id IN (:ids)`,
      { replacements: { ids }, type: "SELECT" }
    ) as Promise<Array<{ customerId: number; categoryId: number }>>,
    m.AbandonedCart.findAll({
      where: { ...where, recoveredAt: { [Op.is]: null } },
      attributes: ["customerId", "abandonedAt"],
      raw: true,
    }),
    m.ChannelIdentity.findAll({
      where,
      attributes: ["customerId", "channel", "isSubscribed", "address"],
      raw: true,
    }),
    m.CustomerTag.findAll({ where, raw: true }),
    m.RegistrationAnswer.findAll({
      where,
      attributes: ["customerId", "optionId"],
      raw: true,
    }),
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
      isErased: c.erasedAt !== null && c.erasedAt !== undefined,
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

/**
 * Customers read per round of queries. MariaDB turns an IN list of 1,000 values or more into a
 * derived table and then may scan a whole index (registration answers: 1.7M entries, 0.4 s a round).
 */
export const CUSTOMERS_PER_READ = 500;

/** Re-reads the given customers into the index (after refreshing the names they may use). */
export async function updateFactIndex(db: Database, index: FactIndex, customerIds: number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await refreshReferenceData(db, index);
  for (let i = 0; i < customerIds.length; i += CUSTOMERS_PER_READ) {
    const facts = await loadCustomerFacts(db, customerIds.slice(i, i + CUSTOMERS_PER_READ), index.timeZone);
    for (const f of facts) index.setCustomer(f);
  }
}

/** Positive integer id → non-negative number, as a table indexed by id (ids are auto-increment keys). */
class IdTable {
  private table: Int32Array;

  constructor(estimate: number) {
    this.table = new Int32Array(Math.max(16, estimate));
  }

  set(id: number, value: number): void {
    if (id >= this.table.length) {
      const next = new Int32Array(Math.max(id + 1, Math.ceil(this.table.length * 1.5)));
      next.set(this.table);
      this.table = next;
    }
    this.table[id] = value + 1;
  }

  get(id: number): number | undefined {
    const v = id < this.table.length ? this.table[id] : 0;
    return v === 0 ? undefined : v - 1;
  }
}
