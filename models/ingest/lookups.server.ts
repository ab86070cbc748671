import { Op, type Model, type ModelStatic, type Transaction } from "sequelize";
import type { FieldError } from "./schemas";
import { msg } from "../messages";
import { chunks } from "./util";

/** Rows (raw) of a table with an external_id, for the given external ids; unknown ids are simply absent. */
export async function findByExternalIds<R>(
  model: ModelStatic<Model>,
  externalIds: Iterable<string>,
  attributes: string[],
  transaction: Transaction | undefined,
): Promise<Map<string, R>> {
  const byId = new Map<string, R>();
  const unique = [...new Set(externalIds)];
  for (const part of chunks(unique, 1000)) {
    const rows = (await model.findAll({ attributes, where: { externalId: { [Op.in]: part } }, transaction, raw: true })) as unknown as Array<R & { externalId: string }>;
    for (const row of rows) byId.set(row.externalId, row);
  }
  return byId;
}

/** Where the inputs of a batch are reported (models/ingest/customers.server.ts's IngestOptions). */
export interface Positions {
  /** Added to each input's index. */
  indexOffset?: number;
  /** The position of each input, by index; wins over indexOffset. */
  positions?: readonly number[];
}

/** The position an error reports for the input at `index`: the caller's, so no message needs rewriting afterwards. */
export function positionOf({ indexOffset = 0, positions }: Positions): (index: number) => number {
  return positions ? (index) => positions[index] ?? index + indexOffset : (index) => index + indexOffset;
}

/** The reason of a record whose external id is already at `position` in the same batch. */
export const duplicateReason = (position: number) => msg("ingest.duplicate", { position });

/** Reports each record whose external id appeared earlier in the same batch. */
export function findDuplicates(externalIds: string[], fail: (index: number, field: string, reason: string) => void, at: (index: number) => number = (i) => i): Map<string, number> {
  const first = new Map<string, number>();
  externalIds.forEach((id, index) => {
    const seen = first.get(id);
    if (seen !== undefined) fail(index, "externalId", duplicateReason(at(seen)));
    else first.set(id, index);
  });
  return first;
}

/** Collects field errors at the positions the caller reports (`at`), sorted by record as the API reports them. */
export function errorList(at: (index: number) => number = (i) => i) {
  const errors: FieldError[] = [];
  return {
    errors,
    fail(index: number, field: string, reason: string) {
      errors.push({ index: at(index), field, reason });
    },
    sorted(): FieldError[] {
      return errors.map((e, i) => [e, i] as const).sort((a, b) => (a[0].index ?? 0) - (b[0].index ?? 0) || a[1] - b[1]).map(([e]) => e);
    },
  };
}

/** Two stored values are the same (dates by instant, null and undefined alike). */
export function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return (a ? new Date(a as Date).getTime() : null) === (b ? new Date(b as Date).getTime() : null);
  }
  return (a ?? null) === (b ?? null);
}
