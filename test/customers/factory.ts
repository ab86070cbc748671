// Small factories for the customer tests: rows go in through models/sql/bulk.ts, as the real write paths do.
import { Op } from "sequelize";
import type { Database } from "../../models/db";
import type { Channel, OrderStatus, Role } from "../../models/models";
import { bulkInsert } from "../../models/sql/bulk";
import { refreshOrderTotals } from "../../models/customers/order-totals.server";
import { searchNames } from "../../models/ingest/util";
import { hashPassword } from "../../models/passwords";

export interface CustomerSpec {
  externalId: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  city?: string | null;
  birthday?: string | null;
  registeredAt?: Date;
  acceptsMarketing?: boolean;
  customerGroupId?: number | null;
  managerId?: number | null;
}

const COLUMNS = [
  "external_id",
  "first_name",
  "last_name",
  "search_name",
  "sort_name",
  "email",
  "phone",
  "country",
  "city",
  "birthday",
  "registered_at",
  "accepts_marketing",
  "customer_group_id",
  "manager_id",
  "created_at",
  "updated_at",
];

/** Inserts customers; returns their ids in the order given. */
export async function addCustomers(db: Database, specs: CustomerSpec[], now = new Date("2025-01-15T10:00:00Z")): Promise<number[]> {
  const rows = specs.map((s) => {
    const names = searchNames(s.firstName ?? null, s.lastName ?? null);
    return [
      s.externalId,
      s.firstName ?? null,
      s.lastName ?? null,
      names.searchName,
      names.sortName,
      s.email ?? null,
      s.phone ?? null,
      s.country ?? null,
      s.city ?? null,
      s.birthday ?? null,
      s.registeredAt ?? now,
      s.acceptsMarketing ?? false,
      s.customerGroupId ?? null,
      s.managerId ?? null,
      now,
      now,
    ];
  });
  for (let i = 0; i < rows.length; i += 2000) await bulkInsert(db, "customers", COLUMNS, rows.slice(i, i + 2000));
  const found = await db.models.Customer.findAll({ attributes: ["id", "externalId"], where: { externalId: { [Op.in]: specs.map((s) => s.externalId) } }, raw: true });
  const idOf = new Map(found.map((c) => [c.externalId, c.id]));
  return specs.map((s) => idOf.get(s.externalId)!);
}

export async function addUser(db: Database, role: Role, email: string, name = email.split("@")[0]): Promise<number> {
  const user = await db.models.User.create({ email, name, role, passwordHash: await hashPassword("not-used-in-these-tests") });
  return user.id;
}

export async function addGroup(db: Database, name: string): Promise<number> {
  return (await db.models.CustomerGroup.create({ name })).id;
}

export async function addTag(db: Database, name: string, customerIds: number[]): Promise<number> {
  const tag = await db.models.Tag.create({ name });
  await bulkInsert(db, "customer_tags", ["customer_id", "tag_id"], customerIds.map((id) => [id, tag.id]));
  return tag.id;
}

export async function addChannel(db: Database, customerId: number, channel: Channel, isSubscribed: boolean, address: string | null, changedAt = new Date("2024-06-01T08:00:00Z")) {
  await db.models.ChannelIdentity.create({ customerId, channel, address, isSubscribed, subscriptionChangedAt: changedAt });
}

export async function addOrder(
  db: Database,
  customerId: number,
  spec: { externalId: string; status?: OrderStatus; total: number; placedAt: Date; currency?: string; items?: Array<{ productId?: number | null; categoryId?: number | null; quantity: number; price: number }> },
): Promise<number> {
  const order = await db.models.Order.create({
    externalId: spec.externalId,
    customerId,
    status: spec.status ?? "completed",
    total: spec.total,
    currency: spec.currency ?? "EUR",
    placedAt: spec.placedAt,
  });
  for (const item of spec.items ?? []) {
    await db.models.OrderItem.create({ orderId: order.id, productId: item.productId ?? null, variantId: null, categoryId: item.categoryId ?? null, quantity: item.quantity, price: item.price });
  }
  // as every order write does: the customer row's totals follow the orders
  await refreshOrderTotals(db, [customerId], undefined);
  return order.id;
}
