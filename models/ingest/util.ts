import type { Transaction } from "sequelize";
import type { Database } from "../db";
import { foldedSearchNames } from "../customers/name-folding";

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Runs `work` in the caller's transaction, or in a new one that commits when it returns. */
export function inTransaction<T>(db: Database, transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
  return transaction ? work(transaction) : db.sequelize.transaction((t) => work(t));
}

/**
 * The "first last" and "last first" that name search and sorting use, folded as search compares
 * them: every writer stores them through here, so a typed Соловьева finds a stored Соловьёва.
 */
export const searchNames = foldedSearchNames;
