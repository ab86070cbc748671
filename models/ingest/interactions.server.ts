import { msg } from "../messages";
import type { Database } from "../db";
import { appendChanges } from "../change-log.server";
import { bulkInsert, readTimestamp } from "../sql/bulk";
import type { IngestOptions, UpsertOutcome, UpsertResult } from "./customers.server";
import { errorList, positionOf, findByExternalIds } from "./lookups.server";
import type { InteractionInput } from "./schemas";
import { inTransaction } from "./util";

interface CustomerMoments {
  id: number;
  externalId: string;
  firstInteractionAt: Date | string | null;
  lastInteractionAt: Date | string | null;
}

/**
 * Records that customers interacted with the shop: each customer's first interaction moves to the
 * earliest moment known and the last to the latest, and a customer whose moments moved gets an
 * "interaction" change, in one transaction. Unknown customers are errors and write nothing.
 */
export async function recordInteractions(db: Database, inputs: InteractionInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const t = options.transaction;
  const { errors, fail, sorted } = errorList(positionOf(options));
  const customers = await findByExternalIds<CustomerMoments>(
    db.models.Customer,
    inputs.map((i) => i.customerExternalId),
    ["id", "externalId", "firstInteractionAt", "lastInteractionAt"],
    t,
  );
  inputs.forEach((input, index) => {
    if (!customers.has(input.customerExternalId)) fail(index, "customerExternalId", msg("ingest.unknownCustomer"));
  });
  if (errors.length) return { ok: false, errors: sorted() };
  if (options.validateOnly) return { ok: true, results: [] };

  return inTransaction(db, t, async (transaction) => {
    const moved = new Map<string, { id: number; first: Date | null; last: Date | null; sources: Set<string> }>();
    const results: UpsertResult[] = inputs.map((input, index) => {
      const c = customers.get(input.customerExternalId)!;
      const state = moved.get(c.externalId) ?? {
        id: c.id,
        first: readTimestamp(c.firstInteractionAt),
        last: readTimestamp(c.lastInteractionAt),
        sources: new Set<string>(),
      };
      moved.set(c.externalId, state);
      let status: UpsertResult["status"] = "unchanged";
      if (!state.first || input.at < state.first) {
        state.first = input.at;
        status = "updated";
      }
      if (!state.last || input.at > state.last) {
        state.last = input.at;
        status = "updated";
      }
      if (status === "updated") state.sources.add(input.source);
      return { index, externalId: input.customerExternalId, id: c.id, status };
    });
    const changed = [...moved].filter(([, s]) => s.sources.size > 0);
    // an upsert on id: the insert half never happens, but needs the NOT NULL columns to parse
    await bulkInsert(
      db,
      "customers",
      ["id", "external_id", "first_interaction_at", "last_interaction_at", "created_at", "updated_at"],
      changed.map(([externalId, s]) => [s.id, externalId, s.first, s.last, now, now]),
      { transaction, conflict: { keys: ["id"], update: ["first_interaction_at", "last_interaction_at", "updated_at"] } },
    );
    await appendChanges(
      db,
      changed.map(([, s]) => ({
        customerId: s.id,
        kind: "interaction",
        fields: { firstInteractionAt: s.first, lastInteractionAt: s.last, sources: [...s.sources].sort() },
      })),
      options.source,
      transaction,
      now,
    );
    return { ok: true, results };
  });
}
