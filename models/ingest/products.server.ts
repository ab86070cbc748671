import { msg } from "../messages";
import type { Database } from "../db";
import { bulkInsert } from "../sql/bulk";
import type { IngestOptions, UpsertOutcome, UpsertResult } from "./customers.server";
import { errorList, positionOf, findByExternalIds, findDuplicates } from "./lookups.server";
import type { ProductInput } from "./schemas";
import { inTransaction } from "./util";

interface ProductRow {
  id: number;
  externalId: string;
  name: string;
  categoryId: number | null;
}

interface VariantRow {
  id: number;
  externalId: string;
  productId: number;
  name: string;
  sku: string | null;
  price: number;
}

/**
 * Creates or updates products and their variants by external id. The category must exist; a
 * variant keeps belonging to the product it was created for. Variants not listed are kept.
 */
export async function upsertProducts(db: Database, inputs: ProductInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const t = options.transaction;
  const position = positionOf(options);
  const { errors, fail, sorted } = errorList(position);
  const { Category, Product, ProductVariant } = db.models;
  const first = findDuplicates(inputs.map((i) => i.externalId), fail, position);

  const categories = await findByExternalIds<{ id: number }>(
    Category,
    inputs.flatMap((i) => (i.categoryExternalId ? [i.categoryExternalId] : [])),
    ["id", "externalId"],
    t,
  );
  const products = await findByExternalIds<ProductRow>(Product, first.keys(), ["id", "externalId", "name", "categoryId"], t);
  const variants = await findByExternalIds<VariantRow>(
    ProductVariant,
    inputs.flatMap((i) => (i.variants ?? []).map((v) => v.externalId)),
    ["id", "externalId", "productId", "name", "sku", "price"],
    t,
  );
  // the product whose variant an external id already is in this batch
  const variantSeenAt = new Map<string, string>();
  inputs.forEach((input, index) => {
    if (first.get(input.externalId) !== index) return;
    if (input.categoryExternalId && !categories.has(input.categoryExternalId)) fail(index, "categoryExternalId", msg("ingest.unknownCategory"));
    const product = products.get(input.externalId);
    (input.variants ?? []).forEach((v, i) => {
      const field = `variants[${i}].externalId`;
      const seen = variantSeenAt.get(v.externalId);
      if (seen !== undefined) fail(index, field, msg("ingest.duplicateVariant", { product: seen }));
      variantSeenAt.set(v.externalId, input.externalId);
      const stored = variants.get(v.externalId);
      if (stored && stored.productId !== product?.id) fail(index, field, msg("ingest.otherProductsVariant"));
    });
  });
  if (errors.length) return { ok: false, errors: sorted() };
  if (options.validateOnly) return { ok: true, results: [] };

  return inTransaction(db, t, async (transaction) => {
    const batch = inputs.filter((input, index) => first.get(input.externalId) === index);
    const categoryId = (i: ProductInput) => (i.categoryExternalId ? categories.get(i.categoryExternalId)!.id : null);
    const status = new Map<string, UpsertResult["status"]>();
    const changedProducts = batch.filter((i) => {
      const before = products.get(i.externalId);
      const keepCategory = i.categoryExternalId === undefined && before;
      const changed = !before || before.name !== i.name || (!keepCategory && before.categoryId !== categoryId(i));
      status.set(i.externalId, !before ? "created" : changed ? "updated" : "unchanged");
      return changed;
    });
    await bulkInsert(
      db,
      "products",
      ["external_id", "name", "category_id", "created_at", "updated_at"],
      changedProducts.map((i) => {
        const before = products.get(i.externalId);
        return [i.externalId, i.name, i.categoryExternalId === undefined && before ? before.categoryId : categoryId(i), now, now];
      }),
      { transaction, conflict: { keys: ["external_id"], update: ["name", "category_id", "updated_at"] } },
    );
    const ids = await findByExternalIds<{ id: number }>(Product, batch.map((i) => i.externalId), ["id", "externalId"], transaction);

    const variantRows: unknown[][] = [];
    for (const i of batch) {
      for (const v of i.variants ?? []) {
        const before = variants.get(v.externalId);
        const sku = v.sku ?? null;
        if (before && before.name === v.name && (before.sku ?? null) === sku && Number(before.price) === v.price) continue;
        variantRows.push([v.externalId, ids.get(i.externalId)!.id, v.name, sku, v.price, now, now]);
        if (status.get(i.externalId) === "unchanged") status.set(i.externalId, "updated");
      }
    }
    await bulkInsert(db, "product_variants", ["external_id", "product_id", "name", "sku", "price", "created_at", "updated_at"], variantRows as never, {
      transaction,
      conflict: { keys: ["external_id"], update: ["name", "sku", "price", "updated_at"] },
    });
    const results: UpsertResult[] = [];
    inputs.forEach((input, index) => {
      if (first.get(input.externalId) === index) results.push({ index, externalId: input.externalId, id: ids.get(input.externalId)!.id, status: status.get(input.externalId)! });
    });
    return { ok: true, results };
  });
}
