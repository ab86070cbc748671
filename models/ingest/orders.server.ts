import { msg } from "../messages";
import { Op } from "sequelize";
import type { Database } from "../db";
import { appendChanges, type CustomerChangeEntry } from "../change-log.server";
import { refreshOrderTotals } from "../customers/order-totals.server";
import { getStoreSettings } from "../store.server";
import { bulkInsert, readTimestamp } from "../sql/bulk";
import type { IngestOptions, UpsertOutcome, UpsertResult } from "./customers.server";
import { errorList, positionOf, findByExternalIds, findDuplicates, same } from "./lookups.server";
import type { OrderInput } from "./schemas";
import { chunks, inTransaction } from "./util";

interface OrderRow {
  id: number;
  externalId: string;
  customerId: number;
  status: string;
  total: number;
  currency: string;
  placedAt: Date | string;
}

interface ItemRow {
  productId: number | null;
  variantId: number | null;
  categoryId: number | null;
  quantity: number;
  price: number;
}

interface Plan {
  index: number;
  input: OrderInput;
  customerId: number;
  existing: OrderRow | undefined;
  items: ItemRow[];
  id?: number;
  status?: UpsertResult["status"];
}

const ORDER_COLUMNS = ["external_id", "customer_id", "status", "total", "currency", "placed_at"];
const itemKey = (i: ItemRow) => `${i.productId}|${i.variantId}|${i.quantity}|${i.price}`;

/**
 * Creates or updates orders by external id, replacing the items of an updated order, sets the order
 * totals of each customer whose orders changed and appends an "order" change for them, in one
 * transaction. The customer and every product and variant must exist, and the currency must be the
 * store's; with any bad record nothing is written and every problem is returned.
 */
export async function upsertOrders(db: Database, inputs: OrderInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const t = options.transaction;
  const position = positionOf(options);
  const { errors, fail, sorted } = errorList(position);
  const { Customer, Order, Product, ProductVariant, OrderItem } = db.models;
  const first = findDuplicates(inputs.map((i) => i.externalId), fail, position);

  const { currency } = await getStoreSettings(db);
  const customers = await findByExternalIds<{ id: number }>(Customer, inputs.map((i) => i.customerExternalId), ["id", "externalId"], t);
  const existing = await findByExternalIds<OrderRow>(Order, first.keys(), ["id", "externalId", "customerId", "status", "total", "currency", "placedAt"], t);
  const items = inputs.flatMap((i) => i.items);
  const products = await findByExternalIds<{ id: number; categoryId: number | null }>(
    Product,
    items.flatMap((i) => (i.productExternalId ? [i.productExternalId] : [])),
    ["id", "externalId", "categoryId"],
    t,
  );
  const variants = await findByExternalIds<{ id: number; productId: number }>(
    ProductVariant,
    items.flatMap((i) => (i.variantExternalId ? [i.variantExternalId] : [])),
    ["id", "externalId", "productId"],
    t,
  );
  // a variant named without its product still files the item under the product's category
  const variantProductIds = [...new Set([...variants.values()].map((v) => v.productId))];
  const categoryOfProduct = new Map<number, number | null>([...products.values()].map((p) => [p.id, p.categoryId]));
  const missing = variantProductIds.filter((id) => !categoryOfProduct.has(id));
  for (const part of chunks(missing, 1000)) {
    const rows = await Product.findAll({ attributes: ["id", "categoryId"], where: { id: { [Op.in]: part } }, transaction: t, raw: true });
    for (const p of rows) categoryOfProduct.set(p.id, p.categoryId);
  }

  const plans: Plan[] = [];
  inputs.forEach((input, index) => {
    if (first.get(input.externalId) !== index) return;
    const customer = customers.get(input.customerExternalId);
    if (!customer) fail(index, "customerExternalId", msg("ingest.unknownCustomer"));
    if (input.currency !== currency) fail(index, "currency", msg("ingest.storeCurrency", { currency }));
    const rows: ItemRow[] = [];
    input.items.forEach((item, i) => {
      const at = `items[${i}]`;
      const product = item.productExternalId === undefined ? undefined : products.get(item.productExternalId);
      const variant = item.variantExternalId === undefined ? undefined : variants.get(item.variantExternalId);
      if (item.productExternalId !== undefined && !product) fail(index, `${at}.productExternalId`, msg("ingest.unknownProduct"));
      if (item.variantExternalId !== undefined && !variant) fail(index, `${at}.variantExternalId`, msg("ingest.unknownVariant"));
      if (product && variant && variant.productId !== product.id) fail(index, `${at}.variantExternalId`, msg("ingest.otherProductsVariant"));
      const productId = product?.id ?? variant?.productId ?? null;
      rows.push({
        productId,
        variantId: variant?.id ?? null,
        categoryId: productId === null ? null : (categoryOfProduct.get(productId) ?? null),
        quantity: item.quantity,
        price: item.price,
      });
    });
    if (customer) plans.push({ index, input, customerId: customer.id, existing: existing.get(input.externalId), items: rows });
  });
  if (errors.length) return { ok: false, errors: sorted() };
  if (options.validateOnly) return { ok: true, results: [] };

  return inTransaction(db, t, async (transaction) => {
    const existingIds = plans.flatMap((p) => (p.existing ? [p.existing.id] : []));
    const itemsOf = new Map<number, string[]>();
    for (const part of chunks(existingIds, 1000)) {
      const rows = await OrderItem.findAll({ attributes: ["orderId", "productId", "variantId", "quantity", "price"], where: { orderId: { [Op.in]: part } }, transaction, raw: true });
      for (const r of rows) itemsOf.set(r.orderId, [...(itemsOf.get(r.orderId) ?? []), itemKey(r as ItemRow)]);
    }

    const toInsert: Plan[] = [];
    const toUpdate: Plan[] = [];
    for (const p of plans) {
      if (!p.existing) {
        p.status = "created";
        toInsert.push(p);
        continue;
      }
      p.id = p.existing.id;
      const e = p.existing;
      const sameOrder =
        e.customerId === p.customerId &&
        e.status === p.input.status &&
        Number(e.total) === p.input.total &&
        e.currency === p.input.currency &&
        same(readTimestamp(e.placedAt), p.input.placedAt);
      const sameItems = (itemsOf.get(e.id) ?? []).sort().join(",") === p.items.map(itemKey).sort().join(",");
      p.status = sameOrder && sameItems ? "unchanged" : "updated";
      if (p.status === "updated") toUpdate.push(p);
    }

    const values = (p: Plan) => [p.input.externalId, p.customerId, p.input.status, p.input.total, p.input.currency, p.input.placedAt];
    await bulkInsert(db, "orders", [...ORDER_COLUMNS, "created_at", "updated_at"], toInsert.map((p) => [...values(p), now, now]), { transaction });
    await bulkInsert(db, "orders", ["id", ...ORDER_COLUMNS, "created_at", "updated_at"], toUpdate.map((p) => [p.id!, ...values(p), now, now]), {
      transaction,
      conflict: { keys: ["id"], update: [...ORDER_COLUMNS, "updated_at"] },
    });
    const created = await findByExternalIds<{ id: number }>(Order, toInsert.map((p) => p.input.externalId), ["id", "externalId"], transaction);
    for (const p of toInsert) p.id = created.get(p.input.externalId)!.id;

    for (const part of chunks(toUpdate.map((p) => p.id!), 1000)) await OrderItem.destroy({ where: { orderId: { [Op.in]: part } }, transaction });
    const written = [...toInsert, ...toUpdate];
    await bulkInsert(
      db,
      "order_items",
      ["order_id", "product_id", "variant_id", "category_id", "quantity", "price"],
      written.flatMap((p) => p.items.map((i) => [p.id!, i.productId, i.variantId, i.categoryId, i.quantity, i.price])),
      { transaction },
    );

    // one change per customer; an order moved to another customer changes both
    const changed = new Map<number, string[]>();
    const note = (customerId: number, externalId: string) => changed.set(customerId, [...(changed.get(customerId) ?? []), externalId]);
    for (const p of written) {
      note(p.customerId, p.input.externalId);
      if (p.existing && p.existing.customerId !== p.customerId) note(p.existing.customerId, p.input.externalId);
    }
    await refreshOrderTotals(db, changed.keys(), transaction);
    const entries: CustomerChangeEntry[] = [...changed].map(([customerId, orders]) => ({ customerId, kind: "order", fields: { orders } }));
    await appendChanges(db, entries, options.source, transaction, now);

    return { ok: true, results: plans.map((p) => ({ index: p.index, externalId: p.input.externalId, id: p.id!, status: p.status! })) };
  });
}
