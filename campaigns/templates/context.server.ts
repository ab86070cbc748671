// The template context of many customers at once: a handful of queries per thousand customers,
// never one per customer.

import { Op, QueryTypes } from "sequelize";
import type { Database } from "../../models/db";
import { readTimestamp } from "../../models/sql/bulk";
import { getStoreSettings } from "../../models/store.server";
import { LocalTime, MoneyFormat, type FieldValue, type LastOrderContext, type OrderItemContext, type StoreContext, type TemplateContext } from "./context";

/** Customers per round of queries: an IN list both dialects take comfortably. */
export const CONTEXT_BATCH = 1000;

/** A customer's context but the unsubscribe link, which differs per channel. */
export type CustomerTemplateContext = Omit<TemplateContext, "unsubscribe_url">;

export interface LoadedContexts {
  /** The store's language, for the date filter's month and weekday names. */
  locale: string;
  /** The store's wall time now, "YYYY-MM-DDTHH:mm:ss". */
  localNow: string;
  /** Every custom field key the store defines. */
  fieldKeys: string[];
  /** By customer id; an id with no customer has no entry. */
  contexts: Map<number, CustomerTemplateContext>;
}

/** The custom field keys of the store, for checkTemplate's `fieldKeys`. */
export async function storeFieldKeys(db: Database): Promise<string[]> {
  const fields = await db.models.CustomField.findAll({ attributes: ["key"], order: [["position", "ASC"], ["id", "ASC"]], raw: true });
  return fields.map((f) => f.key);
}

interface LastOrderRow {
  id: number;
  customer_id: number;
  external_id: string;
  status: string;
  total: number | string;
  currency: string;
  placed_at: unknown;
}

interface ItemRow {
  order_id: number;
  quantity: number | string;
  price: number | string;
  product_name: string | null;
  variant_name: string | null;
  category_name: string | null;
}

/**
 * The template context of each customer: profile, custom fields, last order (the latest that is not
 * cancelled, as segments count it) with its items, the store. Two queries, then four per
 * CONTEXT_BATCH customers.
 */
export async function loadTemplateContexts(db: Database, customerIds: readonly number[], options: { now: Date }): Promise<LoadedContexts> {
  const settings = await getStoreSettings(db);
  const fields = await db.models.CustomField.findAll({ attributes: ["id", "key", "type"], raw: true });
  const time = new LocalTime(settings.timeZone);
  const money = new MoneyFormat(settings.locale);
  const store: StoreContext = { name: settings.name, currency: settings.currency };
  const today = time.date(options.now);
  const contexts = new Map<number, CustomerTemplateContext>();
  const ids = [...new Set(customerIds)];
  for (let i = 0; i < ids.length; i += CONTEXT_BATCH) {
    const batch = ids.slice(i, i + CONTEXT_BATCH);
    const [customers, values, lastOrders] = await Promise.all([
      db.models.Customer.findAll({
        attributes: ["id", "externalId", "firstName", "lastName", "email", "phone", "country", "city", "birthday", "registeredAt"],
        where: { id: { [Op.in]: batch } },
        include: [{ model: db.models.CustomerGroup, as: "group", attributes: ["name"] }],
        raw: true,
      }) as unknown as Promise<Array<Record<string, unknown>>>,
      db.models.CustomerFieldValue.findAll({ where: { customerId: { [Op.in]: batch } }, raw: true }),
      lastOrdersOf(db, batch),
    ]);
    const items = await itemsOf(db, lastOrders.map((o) => Number(o.id)));
    const fieldsOf = new Map<number, Record<string, FieldValue>>();
    const fieldById = new Map(fields.map((f) => [f.id, f]));
    for (const v of values) {
      const field = fieldById.get(v.customFieldId);
      if (!field) continue;
      let own = fieldsOf.get(v.customerId);
      if (!own) fieldsOf.set(v.customerId, (own = {}));
      own[field.key] = field.type === "number" ? (v.valueNumber === null ? null : Number(v.valueNumber)) : field.type === "date" ? plainDate(v.valueDate) : v.valueText;
    }
    const itemsOfOrder = new Map<number, OrderItemContext[]>();
    const currencyOfOrder = new Map(lastOrders.map((o) => [Number(o.id), o.currency]));
    for (const item of items) {
      const orderId = Number(item.order_id);
      let list = itemsOfOrder.get(orderId);
      if (!list) itemsOfOrder.set(orderId, (list = []));
      list.push({
        name: item.product_name,
        variant: item.variant_name,
        category: item.category_name,
        quantity: Number(item.quantity),
        price: money.format(Number(item.price), currencyOfOrder.get(orderId) ?? settings.currency),
      });
    }
    const lastOrderOf = new Map<number, LastOrderContext>();
    for (const o of lastOrders) {
      const total = Number(o.total);
      lastOrderOf.set(Number(o.customer_id), {
        number: o.external_id,
        status: o.status,
        total: money.format(total, o.currency),
        total_amount: money.amount(total, o.currency),
        currency: o.currency,
        placed_at: time.date(readTimestamp(o.placed_at)!),
        items: itemsOfOrder.get(Number(o.id)) ?? [],
      });
    }
    for (const c of customers) {
      const id = Number(c.id);
      const firstName = (c.firstName as string | null) ?? null;
      const lastName = (c.lastName as string | null) ?? null;
      const registeredAt = c.registeredAt ? readTimestamp(c.registeredAt) : null;
      const own = fieldsOf.get(id) ?? {};
      contexts.set(id, {
        customer: {
          first_name: firstName,
          last_name: lastName,
          name: [firstName, lastName].filter(Boolean).join(" ") || null,
          email: (c.email as string | null) ?? null,
          phone: (c.phone as string | null) ?? null,
          country: (c.country as string | null) ?? null,
          city: (c.city as string | null) ?? null,
          birthday: plainDate(c.birthday),
          registered_at: registeredAt ? time.date(registeredAt) : null,
          external_id: String(c.externalId),
          group: (c["group.name"] as string | null) ?? null,
        },
        // every key the store defines is there, so only a key that exists nowhere is an unknown variable
        fields: Object.fromEntries(fields.map((f) => [f.key, own[f.key] ?? null])),
        last_order: lastOrderOf.get(id) ?? null,
        store,
        today,
      });
    }
  }
  return { locale: settings.locale, localNow: time.dateTime(options.now), fieldKeys: fields.map((f) => f.key), contexts };
}

/** A DATEONLY value as YYYY-MM-DD, whichever way the driver hands it over. */
function plainDate(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

// the latest order of each customer that is not cancelled; ties on placed_at go to the later id
const LAST_ORDERS_SQL = `
  SELECT id, customer_id, external_id, status, total, currency, placed_at FROM (
    SELECT o.id, o.customer_id, o.external_id, o.status, o.total, o.currency, o.placed_at,
           ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.placed_at DESC, o.id DESC) AS place
    FROM orders o
    WHERE o.customer_id IN (:ids) AND o.status <> 'cancelled'
  ) ranked
  WHERE place = 1`;

function lastOrdersOf(db: Database, customerIds: number[]): Promise<LastOrderRow[]> {
  return db.sequelize.query<LastOrderRow>(LAST_ORDERS_SQL, { replacements: { ids: customerIds }, type: QueryTypes.SELECT });
}

// the items of those orders, with the names a message shows; the item's own category, else its product's
const ITEMS_SQL = `
  SELECT oi.order_id, oi.quantity, oi.price, p.name AS product_name, v.name AS variant_name, c.name AS category_name
  FROM order_items oi
  LEFT JOIN products p ON p.id = oi.product_id
  LEFT JOIN product_variants v ON v.id = oi.variant_id
  LEFT JOIN categories c ON c.id = COALESCE(oi.category_id, p.category_id)
  WHERE oi.order_id IN (:ids)
  ORDER BY oi.order_id, oi.id`;

async function itemsOf(db: Database, orderIds: number[]): Promise<ItemRow[]> {
  if (orderIds.length === 0) return [];
  return db.sequelize.query<ItemRow>(ITEMS_SQL, { replacements: { ids: orderIds }, type: QueryTypes.SELECT });
}
