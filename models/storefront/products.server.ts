// The catalogue as the products pages show it: products by name with search and keyset paging, and
// one product with its variants and each variant's segment restriction.
import { Op, QueryTypes, type WhereOptions } from "sequelize";
import type { Database } from "../db";
import type { Product } from "../models";
import { segmentsOfVariants, type VariantView } from "./variant-segments.server";

export interface ProductListRow {
  id: number;
  externalId: string;
  name: string;
  category: string | null;
  variants: number;
  restrictedVariants: number;
}

export interface ProductPage {
  products: ProductListRow[];
  /** Pass as `after` for the next page; null on the last. */
  nextAfter: string | null;
}

export interface ProductQuery {
  /** Found in the name, the external id or a variant's SKU or external id (letters compared in lower case). */
  search?: string;
  /** Only products with at least one restricted variant. */
  isRestricted?: boolean;
  /** The `nextAfter` of the previous page. */
  after?: string;
  limit?: number;
}

/** The keyset of the list's order (name, then id), as the page's cursor. */
const cursorOf = (p: { name: string; id: number }) => Buffer.from(JSON.stringify([p.name, p.id])).toString("base64url");

function readCursor(cursor: string | undefined): { name: string; id: number } | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && Number.isSafeInteger(value[1])) return { name: value[0], id: value[1] as number };
  } catch {
    // an unreadable cursor is the first page
  }
  return null;
}

/** A page of products by name. */
export async function listProducts(db: Database, query: ProductQuery): Promise<ProductPage> {
  const limit = query.limit ?? 50;
  const { sequelize } = db;
  const and: WhereOptions<Product>[] = [];
  const search = query.search?.trim().toLowerCase();
  if (search) {
    // "!" escapes LIKE's wildcards: the same in both dialects, unlike a backslash
    const like = sequelize.escape(`%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`);
    const matches = (column: string) => `LOWER(${column}) LIKE ${like} ESCAPE '!'`;
    // LOWER on both sides: MariaDB compares these columns with a binary collation, SQLite's LIKE folds ASCII only
    and.push({
      [Op.or]: [
        sequelize.literal(matches("products.name")),
        sequelize.literal(matches("products.external_id")),
        sequelize.literal(`EXISTS (SELECT 1 FROM product_variants pv WHERE pv.product_id = products.id AND (${matches("pv.external_id")} OR ${matches("pv.sku")}))`),
      ],
    } as WhereOptions<Product>);
  }
  if (query.isRestricted) {
    and.push(sequelize.literal("EXISTS (SELECT 1 FROM product_variants pv JOIN variant_segments vs ON vs.variant_id = pv.id WHERE pv.product_id = products.id)") as WhereOptions<Product>);
  }
  const after = readCursor(query.after);
  if (after) and.push({ [Op.or]: [{ name: { [Op.gt]: after.name } }, { name: after.name, id: { [Op.gt]: after.id } }] } as WhereOptions<Product>);
  const rows = await db.models.Product.findAll({
    attributes: ["id", "externalId", "name", "categoryId"],
    where: and.length ? { [Op.and]: and } : {},
    order: [["name", "ASC"], ["id", "ASC"]],
    limit: limit + 1,
    raw: true,
  });
  const page = rows.slice(0, limit);
  const ids = page.map((p) => p.id);
  const counts = new Map<number, { variants: number; restricted: number }>();
  const categories = new Map<number, string>();
  if (ids.length) {
    const countRows = await sequelize.query<{ product_id: number; variants: number; restricted: number }>(
      `SELECT v.product_id, COUNT(*) AS variants, SUM(CASE WHEN EXISTS (SELECT 1 FROM variant_segments vs WHERE vs.variant_id = v.id) THEN 1 ELSE 0 END) AS restricted
       FROM product_variants v WHERE v.product_id IN (:ids) GROUP BY v.product_id`,
      { replacements: { ids }, type: QueryTypes.SELECT },
    );
    for (const r of countRows) counts.set(Number(r.product_id), { variants: Number(r.variants), restricted: Number(r.restricted ?? 0) });
    const categoryIds = [...new Set(page.map((p) => p.categoryId).filter((id): id is number => id !== null))];
    if (categoryIds.length) {
      for (const c of await db.models.Category.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: categoryIds } }, raw: true })) categories.set(c.id, c.name);
    }
  }
  return {
    products: page.map((p) => ({
      id: p.id,
      externalId: p.externalId,
      name: p.name,
      category: p.categoryId === null ? null : (categories.get(p.categoryId) ?? null),
      variants: counts.get(p.id)?.variants ?? 0,
      restrictedVariants: counts.get(p.id)?.restricted ?? 0,
    })),
    nextAfter: rows.length > limit ? cursorOf(page[page.length - 1]) : null,
  };
}

export interface ProductView {
  id: number;
  externalId: string;
  name: string;
  category: string | null;
  variants: VariantView[];
}

/** One product with its variants (by name) and their restrictions; null when there is none with this id. */
export async function getProduct(db: Database, id: number): Promise<ProductView | null> {
  const product = await db.models.Product.findByPk(id, { raw: true });
  if (!product) return null;
  const [category, variants] = await Promise.all([
    product.categoryId === null ? null : db.models.Category.findByPk(product.categoryId, { attributes: ["name"], raw: true }),
    db.models.ProductVariant.findAll({ where: { productId: id }, order: [["name", "ASC"], ["id", "ASC"]], raw: true }),
  ]);
  const segments = await segmentsOfVariants(
    db,
    variants.map((v) => v.id),
  );
  return {
    id: product.id,
    externalId: product.externalId,
    name: product.name,
    category: category?.name ?? null,
    variants: variants.map((v) => ({ id: v.id, externalId: v.externalId, name: v.name, sku: v.sku ?? null, price: Number(v.price), segments: segments.get(v.id) ?? [] })),
  };
}
