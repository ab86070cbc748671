// Product variants restricted to segments (docs/decisions/0037). A variant with no segments is shown
// to everyone; one with segments only to the members of at least one of them that is active. The
// restricted variants are few beside the catalogue, so each process keeps them in memory for the
// storefront lookup: re-read at most once a second, and at once after a change in this process.
import { Op, QueryTypes } from "sequelize";
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import type { FieldError } from "../ingest/schemas";

import { MAX_SEGMENTS_PER_VARIANT } from "./limits";
import { msg } from "../messages";

export interface RestrictedVariant {
  variantId: number;
  externalId: string;
  productExternalId: string;
  /** Ascending segment ids; inactive and deleted segments included (they let nobody in). */
  segmentIds: number[];
}

export interface RestrictionSegment {
  id: number;
  code: string;
  name: string;
  isActive: boolean;
  /** A deleted segment's restriction stays and lets nobody in, until an admin lifts it. */
  isDeleted: boolean;
}

export interface VariantView {
  id: number;
  externalId: string;
  name: string;
  sku: string | null;
  price: number;
  segments: RestrictionSegment[];
}

const FRESH_MS = 1000;

interface CacheEntry {
  readAt: number;
  version: number;
  variants: RestrictedVariant[];
  reading: Promise<RestrictedVariant[]> | null;
  /** The change count the read under way started at: one that started before a change is not waited for. */
  readingVersion: number;
}

const caches = new WeakMap<Database, CacheEntry>();
let changedInProcess = 0;

async function readRestrictedVariants(db: Database): Promise<RestrictedVariant[]> {
  const rows = await db.sequelize.query<{ variant_id: number; external_id: string; product_external_id: string; segment_id: number }>(
    "SELECT vs.variant_id, v.external_id, p.external_id AS product_external_id, vs.segment_id FROM variant_segments vs " +
      "JOIN product_variants v ON v.id = vs.variant_id JOIN products p ON p.id = v.product_id ORDER BY vs.variant_id, vs.segment_id",
    { type: QueryTypes.SELECT },
  );
  const out: RestrictedVariant[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.variantId === Number(r.variant_id)) last.segmentIds.push(Number(r.segment_id));
    else out.push({ variantId: Number(r.variant_id), externalId: String(r.external_id), productExternalId: String(r.product_external_id), segmentIds: [Number(r.segment_id)] });
  }
  // in the order the lookup answers them, so that it need not sort on every call
  return out.sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
}

/**
 * Every restricted variant with its segments, by external id (code-unit order), from this process's
 * memory: read again when older than a second (another process may have changed them) or changed
 * here since. A change made here is never answered from a read that started before it.
 */
export async function restrictedVariants(db: Database): Promise<RestrictedVariant[]> {
  let entry = caches.get(db);
  if (!entry) {
    entry = { readAt: -Infinity, version: -1, variants: [], reading: null, readingVersion: -1 };
    caches.set(db, entry);
  }
  if (entry.version === changedInProcess && performance.now() - entry.readAt < FRESH_MS) return entry.variants;
  if (!entry.reading || entry.readingVersion !== changedInProcess) {
    const version = changedInProcess;
    entry.readingVersion = version;
    const started = performance.now();
    const current = entry;
    current.reading = readRestrictedVariants(db)
      .then((variants) => {
        // a change made while this read was under way keeps the entry stale, so the next call reads again;
        // a read that started before another one never replaces what that one found
        if (version >= current.version) {
          current.variants = variants;
          current.readAt = started;
          current.version = version;
        }
        return variants;
      })
      .finally(() => {
        if (current.readingVersion === version) current.reading = null;
      });
  }
  return entry.reading!;
}

/** Who may see a restricted variant: a member of at least one of its segments, counting active segments only. */
export function isVisibleTo(variant: RestrictedVariant, activeSegmentIds: ReadonlySet<number>): boolean {
  return variant.segmentIds.some((id) => activeSegmentIds.has(id));
}

/** The live segments a restriction can name, by name (the product page's choices). */
export async function restrictionChoices(db: Database): Promise<Array<{ id: number; code: string; name: string; isActive: boolean }>> {
  const rows = await db.models.Segment.findAll({ attributes: ["id", "code", "name", "isActive"], where: { deletedAt: { [Op.is]: null } }, order: [["name", "ASC"], ["id", "ASC"]], raw: true });
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, isActive: Boolean(r.isActive) }));
}

/** The segments of these variants, by variant id (variants without restrictions are absent). */
export async function segmentsOfVariants(db: Database, variantIds: number[]): Promise<Map<number, RestrictionSegment[]>> {
  const out = new Map<number, RestrictionSegment[]>();
  if (variantIds.length === 0) return out;
  const links = await db.models.VariantSegment.findAll({ attributes: ["variantId", "segmentId"], where: { variantId: { [Op.in]: variantIds } }, raw: true });
  if (links.length === 0) return out;
  const segments = await db.models.Segment.findAll({
    attributes: ["id", "code", "name", "isActive", "deletedAt"],
    where: { id: { [Op.in]: [...new Set(links.map((l) => l.segmentId))] } },
    raw: true,
  });
  const byId = new Map(
    segments.map((s) => [
      s.id,
      // a deleted segment's code carries "~deleted~id" (segments/store.server.ts deleteSegment): show the code it had
      { id: s.id, code: s.deletedAt ? s.code.replace(/~deleted~\d+$/, "") : s.code, name: s.name, isActive: Boolean(s.isActive) && !s.deletedAt, isDeleted: Boolean(s.deletedAt) },
    ]),
  );
  for (const l of links) {
    const segment = byId.get(l.segmentId);
    if (!segment) continue;
    out.set(l.variantId, [...(out.get(l.variantId) ?? []), segment]);
  }
  for (const list of out.values()) list.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  return out;
}

/** A variant of a product, both by external id, with its restriction; null when either is unknown or the variant is another product's. */
export async function findVariant(db: Database, productExternalId: string, variantExternalId: string): Promise<{ productId: number; productExternalId: string; variant: VariantView } | null> {
  const product = await db.models.Product.findOne({ attributes: ["id", "externalId"], where: { externalId: productExternalId }, raw: true });
  if (!product) return null;
  const variant = await db.models.ProductVariant.findOne({ where: { externalId: variantExternalId, productId: product.id }, raw: true });
  if (!variant) return null;
  const segments = (await segmentsOfVariants(db, [variant.id])).get(variant.id) ?? [];
  return {
    productId: product.id,
    productExternalId: product.externalId,
    variant: { id: variant.id, externalId: variant.externalId, name: variant.name, sku: variant.sku ?? null, price: Number(variant.price), segments },
  };
}

export type SetRestrictionOutcome = { ok: true; segments: RestrictionSegment[]; isChanged: boolean } | { ok: false; errors: FieldError[] };

/**
 * Restricts a variant to these segments (by code, or by id from the product page), replacing what
 * it had; none lifts the restriction. Every segment must be live; a restriction to a segment that
 * was deleted since may be kept (it is listed by id), so lifting the others does not need it gone.
 */
export async function setVariantSegments(
  db: Database,
  variantId: number,
  wanted: { codes: string[] } | { ids: number[] },
  actor: AuditActor,
  now = new Date(),
  field = "segments",
): Promise<SetRestrictionOutcome> {
  const list: Array<string | number> = "codes" in wanted ? wanted.codes : wanted.ids;
  const errors: FieldError[] = [];
  if (list.length > MAX_SEGMENTS_PER_VARIANT) errors.push({ field, reason: msg("admin.variantSegmentsMax", { count: MAX_SEGMENTS_PER_VARIANT }) });
  const seen = new Map<string, number>();
  list.forEach((v, i) => {
    const key = String(v);
    if (seen.has(key)) errors.push({ field: `${field}[${i}]`, reason: msg("admin.sameSegmentAs", { other: `${field}[${seen.get(key)}]` }) });
    else seen.set(key, i);
  });
  if (errors.length) return { ok: false, errors };

  const outcome = await db.sequelize.transaction(async (transaction) => {
    const before = await db.models.VariantSegment.findAll({ attributes: ["segmentId"], where: { variantId }, raw: true, transaction });
    const kept = new Set(before.map((b) => b.segmentId));
    const found =
      "codes" in wanted
        ? await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: { [Op.in]: wanted.codes }, deletedAt: { [Op.is]: null } }, raw: true, transaction })
        : await db.models.Segment.findAll({ attributes: ["id", "code", "deletedAt"], where: { id: { [Op.in]: wanted.ids } }, raw: true, transaction });
    const ids: number[] = [];
    list.forEach((v, i) => {
      const segment = "codes" in wanted ? found.find((s) => s.code === v) : found.find((s) => s.id === v);
      // a deleted segment may stay where it already was; it cannot be added
      const isLive = segment && (!("deletedAt" in segment) || !segment.deletedAt || kept.has(segment.id));
      if (!segment || !isLive) errors.push({ field: `${field}[${i}]`, reason: "codes" in wanted ? msg("admin.notSegmentCode", { value: String(v) }) : msg("admin.valueNotSegment", { value: String(v) }) });
      else ids.push(segment.id);
    });
    if (errors.length) return { ok: false as const, errors };
    const next = new Set(ids);
    const added = ids.filter((id) => !kept.has(id));
    const removed = [...kept].filter((id) => !next.has(id));
    if (added.length) await db.models.VariantSegment.bulkCreate(added.map((segmentId) => ({ variantId, segmentId, createdAt: now })), { transaction });
    if (removed.length) await db.models.VariantSegment.destroy({ where: { variantId, segmentId: { [Op.in]: removed } }, transaction });
    const isChanged = added.length > 0 || removed.length > 0;
    if (isChanged) {
      await recordAudit(db, actor, "variant.restrict", { type: "product_variant", id: variantId, detail: { segmentIds: [...next].sort((a, b) => a - b), added, removed } }, transaction, now);
      transaction.afterCommit(() => {
        changedInProcess++;
      });
    }
    return { ok: true as const, isChanged };
  });
  if (!outcome.ok) return outcome;
  return { ok: true, segments: (await segmentsOfVariants(db, [variantId])).get(variantId) ?? [], isChanged: outcome.isChanged };
}
