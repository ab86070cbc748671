import { Op, type WhereOptions } from "sequelize";
import type { Database } from "../db";
import type { Order, OrderStatus } from "../models";
import { readTimestamp } from "../sql/bulk";

export const CUSTOMER_ORDERS_PAGE_SIZE = 10;

export interface CustomerOrderItemView {
  id: number;
  productName: string | null;
  variantName: string | null;
  categoryName: string | null;
  quantity: number;
  /** Unit price, minor units. */
  price: number;
}

export interface CustomerOrderView {
  id: number;
  externalId: string;
  status: OrderStatus;
  total: number;
  currency: string;
  placedAt: string;
  items: CustomerOrderItemView[];
}

export interface CustomerOrdersPage {
  orders: CustomerOrderView[];
  /** Cursor of the next (older) page, or null on the last one. */
  olderCursor: string | null;
  /** Every order of the customer, any status. */
  total: number;
}

function encode(at: Date, id: number): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString("base64url");
}

/** A keyset position (placed_at, id); null for a text that is not one. */
export function decodeOrderCursor(text: string | null | undefined): { at: Date; id: number } | null {
  if (!text) return null;
  try {
    const [ms, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(id)) return { at: new Date(ms as number), id: id as number };
  } catch {
    // not a cursor: the first page
  }
  return null;
}

/** A customer's orders, newest first, a page at a time, each with its items. The caller checks access. */
export async function listCustomerOrders(
  db: Database,
  input: { customerId: number; cursor?: string | null; pageSize?: number },
): Promise<CustomerOrdersPage> {
  const { Order, OrderItem, Product, ProductVariant, Category } = db.models;
  const pageSize = input.pageSize ?? CUSTOMER_ORDERS_PAGE_SIZE;
  const cursor = decodeOrderCursor(input.cursor);
  const where: WhereOptions<Order> = cursor
    ? {
        customerId: input.customerId,
        [Op.or]: [{ placedAt: { [Op.lt]: cursor.at } }, { placedAt: cursor.at, id: { [Op.lt]: cursor.id } }],
      }
    : { customerId: input.customerId };
  const [rows, total] = await Promise.all([
    Order.findAll({ where, order: [["placedAt", "DESC"], ["id", "DESC"]], limit: pageSize + 1, raw: true }),
    Order.count({ where: { customerId: input.customerId } }),
  ]);
  const page = rows.slice(0, pageSize);
  const orderIds = page.map((o) => o.id);
  const items = orderIds.length ? await OrderItem.findAll({ where: { orderId: { [Op.in]: orderIds } }, order: [["id", "ASC"]], raw: true }) : [];
  const productIds = [...new Set(items.map((i) => i.productId).filter((v): v is number => v !== null))];
  const variantIds = [...new Set(items.map((i) => i.variantId).filter((v): v is number => v !== null))];
  const categoryIds = [...new Set(items.map((i) => i.categoryId).filter((v): v is number => v !== null))];
  const [products, variants, categories] = await Promise.all([
    productIds.length ? Product.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: productIds } }, raw: true }) : [],
    variantIds.length ? ProductVariant.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: variantIds } }, raw: true }) : [],
    categoryIds.length ? Category.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: categoryIds } }, raw: true }) : [],
  ]);
  const name = (list: Array<{ id: number; name: string }>) => new Map(list.map((r) => [r.id, r.name]));
  const productName = name(products);
  const variantName = name(variants);
  const categoryName = name(categories);

  const orders = page.map((o) => ({
    id: o.id,
    externalId: o.externalId,
    status: o.status,
    total: Number(o.total),
    currency: o.currency,
    placedAt: readTimestamp(o.placedAt)!.toISOString(),
    items: items
      .filter((i) => i.orderId === o.id)
      .map((i) => ({
        id: i.id,
        productName: i.productId === null ? null : (productName.get(i.productId) ?? null),
        variantName: i.variantId === null ? null : (variantName.get(i.variantId) ?? null),
        categoryName: i.categoryId === null ? null : (categoryName.get(i.categoryId) ?? null),
        quantity: i.quantity,
        price: Number(i.price),
      })),
  }));
  const last = page[page.length - 1];
  return { orders, olderCursor: rows.length > pageSize && last ? encode(readTimestamp(last.placedAt)!, last.id) : null, total };
}
