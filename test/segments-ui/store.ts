// A small store for the segment UI tests, written through the real ingestion functions (so the
// change log that keeps the engine current sees every write).
import type { z } from "zod/v4";
import type { Database } from "../../models/db";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { upsertOrders } from "../../models/ingest/orders.server";
import { CustomerInput, OrderInput } from "../../models/ingest/schemas";
import { saveStoreSettings } from "../../models/store.server";

export const STORE = { name: "Магазин", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" };

export async function writeCustomers(db: Database, customers: Array<z.input<typeof CustomerInput>>): Promise<Map<string, number>> {
  const out = await upsertCustomers(db, customers.map((c) => CustomerInput.parse(c)), { source: "api" });
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  return new Map(out.results.map((r) => [r.externalId, r.id]));
}

export async function writeOrders(db: Database, orders: Array<Omit<z.input<typeof OrderInput>, "currency">>): Promise<void> {
  const out = await upsertOrders(db, orders.map((o) => OrderInput.parse({ currency: "EUR", ...o })), { source: "api" });
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
}

/**
 * Five customers: ana and boris spent 812.40 and 600.00 (vip), vera 120.00, gosho nothing, and
 * dimitar (BG, Plovdiv) 500.00 exactly.
 */
export async function writeSmallStore(db: Database): Promise<Map<string, number>> {
  await saveStoreSettings(db, STORE);
  const ids = await writeCustomers(db, [
    { externalId: "ana", firstName: "Анна", lastName: "Петрова", email: "ana@shop.test", country: "BG", city: "София", tags: ["vip"] },
    { externalId: "boris", firstName: "Борис", lastName: "Иванов", email: "boris@shop.test", country: "BG", city: "София", tags: ["vip"] },
    { externalId: "vera", firstName: "Vera", lastName: "Nikolaou", email: "vera@shop.test", country: "GR", city: "Αθήνα" },
    { externalId: "gosho", firstName: "Gosho", country: "BG", city: "Варна" },
    { externalId: "dimitar", firstName: "Димитър", country: "BG", city: "Пловдив" },
  ]);
  await writeOrders(db, [
    { externalId: "o-1", customerExternalId: "ana", status: "completed", total: 81240, placedAt: "2026-02-20T10:00:00Z" },
    { externalId: "o-2", customerExternalId: "boris", status: "completed", total: 60000, placedAt: "2025-06-01T10:00:00Z" },
    { externalId: "o-3", customerExternalId: "vera", status: "completed", total: 12000, placedAt: "2026-01-05T10:00:00Z" },
    { externalId: "o-4", customerExternalId: "dimitar", status: "completed", total: 50000, placedAt: "2026-02-27T10:00:00Z" },
  ]);
  return ids;
}
