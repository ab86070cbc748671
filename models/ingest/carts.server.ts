import { msg } from "../messages";
import type { Database } from "../db";
import { appendChanges } from "../change-log.server";
import { getStoreSettings } from "../store.server";
import { bulkInsert, readTimestamp } from "../sql/bulk";
import type { IngestOptions, UpsertOutcome, UpsertResult } from "./customers.server";
import { errorList, positionOf, findByExternalIds, findDuplicates, same } from "./lookups.server";
import type { CartInput } from "./schemas";
import { inTransaction } from "./util";

interface CartRow {
  id: number;
  externalId: string;
  customerId: number;
  abandonedAt: Date | string;
  value: number;
  currency: string;
  recoveredAt: Date | string | null;
}

interface Plan {
  index: number;
  input: CartInput;
  customerId: number;
  existing: CartRow | undefined;
  recoveredAt: Date | null;
  id?: number;
  status?: UpsertResult["status"];
}

const CART_COLUMNS = ["external_id", "customer_id", "abandoned_at", "value", "currency", "recovered_at"];

/**
 * Creates or updates abandoned carts by external id and appends a "cart" change for each customer
 * whose carts changed, in one transaction. The customer must exist and the currency must be the
 * store's; with any bad record nothing is written and every problem is returned.
 */
export async function upsertCarts(db: Database, inputs: CartInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const t = options.transaction;
  const position = positionOf(options);
  const { errors, fail, sorted } = errorList(position);
  const { Customer, AbandonedCart } = db.models;
  const first = findDuplicates(inputs.map((i) => i.externalId), fail, position);

  const { currency } = await getStoreSettings(db);
  const customers = await findByExternalIds<{ id: number }>(Customer, inputs.map((i) => i.customerExternalId), ["id", "externalId"], t);
  const existing = await findByExternalIds<CartRow>(
    AbandonedCart,
    first.keys(),
    ["id", "externalId", "customerId", "abandonedAt", "value", "currency", "recoveredAt"],
    t,
  );

  const plans: Plan[] = [];
  inputs.forEach((input, index) => {
    if (first.get(input.externalId) !== index) return;
    const customer = customers.get(input.customerExternalId);
    if (!customer) fail(index, "customerExternalId", msg("ingest.unknownCustomer"));
    if (input.currency !== currency) fail(index, "currency", msg("ingest.storeCurrency", { currency }));
    const before = existing.get(input.externalId);
    // absent keeps the stored recovery, null clears it
    const recoveredAt = input.recoveredAt === undefined ? readTimestamp(before?.recoveredAt) : input.recoveredAt;
    if (recoveredAt && recoveredAt < input.abandonedAt) fail(index, "recoveredAt", msg("ingest.notBefore", { other: "abandonedAt" }));
    if (customer) plans.push({ index, input, customerId: customer.id, existing: before, recoveredAt });
  });
  if (errors.length) return { ok: false, errors: sorted() };
  if (options.validateOnly) return { ok: true, results: [] };

  return inTransaction(db, t, async (transaction) => {
    const toInsert: Plan[] = [];
    const toUpdate: Plan[] = [];
    for (const p of plans) {
      const e = p.existing;
      if (!e) {
        p.status = "created";
        toInsert.push(p);
        continue;
      }
      p.id = e.id;
      const unchanged =
        e.customerId === p.customerId &&
        Number(e.value) === p.input.value &&
        e.currency === p.input.currency &&
        same(readTimestamp(e.abandonedAt), p.input.abandonedAt) &&
        same(readTimestamp(e.recoveredAt), p.recoveredAt);
      p.status = unchanged ? "unchanged" : "updated";
      if (!unchanged) toUpdate.push(p);
    }
    const values = (p: Plan) => [p.input.externalId, p.customerId, p.input.abandonedAt, p.input.value, p.input.currency, p.recoveredAt];
    await bulkInsert(db, "abandoned_carts", [...CART_COLUMNS, "created_at", "updated_at"], toInsert.map((p) => [...values(p), now, now]), { transaction });
    await bulkInsert(db, "abandoned_carts", ["id", ...CART_COLUMNS, "created_at", "updated_at"], toUpdate.map((p) => [p.id!, ...values(p), now, now]), {
      transaction,
      conflict: { keys: ["id"], update: [...CART_COLUMNS, "updated_at"] },
    });
    const created = await findByExternalIds<{ id: number }>(AbandonedCart, toInsert.map((p) => p.input.externalId), ["id", "externalId"], transaction);
    for (const p of toInsert) p.id = created.get(p.input.externalId)!.id;

    const changed = new Map<number, string[]>();
    const note = (customerId: number, externalId: string) => changed.set(customerId, [...(changed.get(customerId) ?? []), externalId]);
    for (const p of [...toInsert, ...toUpdate]) {
      note(p.customerId, p.input.externalId);
      if (p.existing && p.existing.customerId !== p.customerId) note(p.existing.customerId, p.input.externalId);
    }
    await appendChanges(db, [...changed].map(([customerId, carts]) => ({ customerId, kind: "cart", fields: { carts } })), options.source, transaction, now);

    return { ok: true, results: plans.map((p) => ({ index: p.index, externalId: p.input.externalId, id: p.id!, status: p.status! })) };
  });
}
