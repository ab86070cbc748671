import type { Transaction } from "sequelize";
import type { Database } from "../db";

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Runs `work` in the caller's transaction, or in a new one that commits when it returns. */
export function inTransaction<T>(db: Database, transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
  return transaction ? work(transaction) : db.sequelize.transaction((t) => work(t));
}

/** The lower-cased "first last" and "last first" that name search and sorting use. */
export function searchNames(firstName: string | null, lastName: string | null): { searchName: string; sortName: string } {
  const first = (firstName ?? "").trim().toLowerCase();
  const last = (lastName ?? "").trim().toLowerCase();
  const joined = (a: string, b: string) => (a && b ? `${a} ${b}` : a || b).slice(0, 201);
  return { searchName: joined(first, last), sortName: joined(last, first) };
}
