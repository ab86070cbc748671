import { msg } from "../messages";
import type { Database } from "../db";
import { bulkInsert } from "../sql/bulk";
import type { IngestOptions, UpsertOutcome, UpsertResult } from "./customers.server";
import { errorList, positionOf, findDuplicates } from "./lookups.server";
import type { CategoryInput } from "./schemas";
import { inTransaction } from "./util";

interface CategoryNode {
  id: number;
  externalId: string;
  name: string;
  parentId: number | null;
  path: string;
}

// path is VARCHAR(255) of "/id/id/…/": twenty levels of ten-digit ids still fit
const MAX_DEPTH = 20;

/**
 * Creates or updates categories by external id. A parent may be an existing category or one
 * earlier or later in the same batch; a parent that would make a cycle is refused. Every
 * category's materialised path ("/1/4/9/") is kept right, including those below a moved category.
 */
export async function upsertCategories(db: Database, inputs: CategoryInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const position = positionOf(options);
  const { errors, fail, sorted } = errorList(position);
  const first = findDuplicates(inputs.map((i) => i.externalId), fail, position);
  if (errors.length) return { ok: false, errors: sorted() };

  return inTransaction(db, options.transaction, async (transaction) => {
    // the tree is small (hundreds, maybe thousands of nodes) and every check needs all of it
    const stored = (await db.models.Category.findAll({ attributes: ["id", "externalId", "name", "parentId", "path"], transaction, raw: true })) as CategoryNode[];
    const byExternalId = new Map(stored.map((c) => [c.externalId, c]));
    const externalIdOf = new Map(stored.map((c) => [c.id, c.externalId]));
    // the tree after the batch, by external id: child → parent
    const parentOf = new Map<string, string | null>(stored.map((c) => [c.externalId, c.parentId === null ? null : externalIdOf.get(c.parentId)!]));
    inputs.forEach((input, index) => {
      if (first.get(input.externalId) !== index) return;
      const before = byExternalId.get(input.externalId);
      const parent = input.parentExternalId === undefined ? (before ? parentOf.get(input.externalId)! : null) : input.parentExternalId;
      if (parent !== null && !first.has(parent) && !byExternalId.has(parent)) fail(index, "parentExternalId", msg("ingest.unknownParentCategory"));
      else if (parent === input.externalId) fail(index, "parentExternalId", msg("ingest.categoryItself"));
      parentOf.set(input.externalId, parent);
    });
    if (errors.length) return { ok: false, errors: sorted() };
    inputs.forEach((input, index) => {
      if (first.get(input.externalId) !== index) return;
      let depth = 0;
      const seen = new Set<string>([input.externalId]);
      for (let at = parentOf.get(input.externalId); at != null; at = parentOf.get(at)) {
        if (seen.has(at)) {
          fail(index, "parentExternalId", msg("ingest.categoryCycle"));
          return;
        }
        seen.add(at);
        if (++depth >= MAX_DEPTH) {
          fail(index, "parentExternalId", msg("ingest.categoryTooDeep", { count: MAX_DEPTH }));
          return;
        }
      }
    });
    if (errors.length) return { ok: false, errors: sorted() };
    if (options.validateOnly) return { ok: true, results: [] };

    const batch = inputs.filter((input, index) => first.get(input.externalId) === index);
    const fresh = batch.filter((i) => !byExternalId.has(i.externalId));
    await bulkInsert(db, "categories", ["external_id", "name", "path", "created_at", "updated_at"], fresh.map((i) => [i.externalId, i.name, "/", now, now]), { transaction });
    const all = (await db.models.Category.findAll({ attributes: ["id", "externalId", "name", "parentId", "path"], transaction, raw: true })) as CategoryNode[];
    const idOf = new Map(all.map((c) => [c.externalId, c.id]));
    const status = new Map<string, UpsertResult["status"]>();
    for (const input of batch) {
      const before = byExternalId.get(input.externalId);
      const parentId = parentOf.get(input.externalId) == null ? null : idOf.get(parentOf.get(input.externalId)!)!;
      status.set(input.externalId, !before ? "created" : before.name !== input.name || before.parentId !== parentId ? "updated" : "unchanged");
    }

    // recompute every path from the new parents; write those that differ
    const pathOf = new Map<string, string>();
    const pathFor = (externalId: string): string => {
      const known = pathOf.get(externalId);
      if (known) return known;
      const parent = parentOf.get(externalId);
      const path = `${parent == null ? "/" : pathFor(parent)}${idOf.get(externalId)}/`;
      pathOf.set(externalId, path);
      return path;
    };
    const nameOf = new Map(batch.map((i) => [i.externalId, i.name]));
    const storedById = new Map(all.map((c) => [c.id, c]));
    const rows = all
      .map((c) => {
        const parent = parentOf.get(c.externalId);
        return { ...c, name: nameOf.get(c.externalId) ?? c.name, parentId: parent == null ? null : idOf.get(parent)!, path: pathFor(c.externalId) };
      })
      .filter((c) => {
        const before = storedById.get(c.id)!;
        return before.path !== c.path || before.parentId !== c.parentId || before.name !== c.name;
      });
    await bulkInsert(
      db,
      "categories",
      ["id", "external_id", "name", "parent_id", "path", "created_at", "updated_at"],
      rows.map((c) => [c.id, c.externalId, c.name, c.parentId, c.path, now, now]),
      { transaction, conflict: { keys: ["id"], update: ["name", "parent_id", "path", "updated_at"] } },
    );
    const results: UpsertResult[] = [];
    inputs.forEach((input, index) => {
      if (first.get(input.externalId) === index) results.push({ index, externalId: input.externalId, id: idOf.get(input.externalId)!, status: status.get(input.externalId)! });
    });
    return { ok: true, results };
  });
}
