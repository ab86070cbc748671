// Where a follower of the change log (customer_changes) has got to, kept in the database so a
// restarted follower carries on from there.
import type { Database } from "../models/db";

export async function readChangeLogPosition(db: Database, reader: string): Promise<number | null> {
  const row = await db.models.ChangeLogPosition.findByPk(reader, { raw: true });
  return row ? Number(row.changeId) : null;
}

export async function saveChangeLogPosition(db: Database, reader: string, changeId: number, now: Date): Promise<void> {
  await db.models.ChangeLogPosition.upsert({ reader, changeId, updatedAt: now });
}
