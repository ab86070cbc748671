import type { Transaction } from "sequelize";
import type { Database } from "./db";
import { bulkInsert } from "./sql/bulk";

export type ChangeSource = "api" | "import" | "ui" | "webhook" | "seed";

export interface CustomerChangeEntry {
  customerId: number;
  kind: string;
  fields?: unknown;
}

/**
 * Appends to the change log. Always inside the transaction of the change itself: a change that
 * commits is in the log, and one that rolls back is not.
 */
export async function appendChanges(
  db: Database,
  entries: CustomerChangeEntry[],
  source: ChangeSource,
  transaction: Transaction,
  now = new Date(),
): Promise<void> {
  if (entries.length === 0) return;
  await bulkInsert(
    db,
    "customer_changes",
    ["customer_id", "kind", "fields", "source", "created_at"],
    entries.map((e) => [e.customerId, e.kind, e.fields === undefined ? null : JSON.stringify(e.fields), source, now]),
    { transaction },
  );
}
