// Claiming due firings, both dialects side by side, as campaigns/delivery-sql.ts claims deliveries:
// SQLite one UPDATE … RETURNING under its single write lock; MariaDB SELECT … FOR UPDATE SKIP LOCKED
// then UPDATE, so two runners take different rows. A claim is only a reservation: a firing acts in
// one transaction that also moves it to done (or skipped), guarded by the claim, so a claim left by
// a dead runner has certainly not acted and goes back to pending after the lease.
import { QueryTypes } from "sequelize";
import type { Database } from "../models/db";
import { readTimestamp, sqlLiteral } from "../models/sql/bulk";
import { sendingTransaction } from "../campaigns/delivery-sql";

export interface ClaimedFiring {
  id: number;
  automationId: number;
  customerId: number;
  eventKind: "entered" | "left";
  eventAt: Date;
  dueAt: Date;
  attempts: number;
}

interface Columns {
  id: number | string;
  automation_id: number | string;
  customer_id: number | string;
  event_kind: string;
  event_at: unknown;
  due_at: unknown;
  attempts: number | string;
}

const toClaimed = (r: Columns): ClaimedFiring => ({
  id: Number(r.id),
  automationId: Number(r.automation_id),
  customerId: Number(r.customer_id),
  eventKind: r.event_kind as ClaimedFiring["eventKind"],
  eventAt: readTimestamp(r.event_at)!,
  dueAt: readTimestamp(r.due_at)!,
  attempts: Number(r.attempts),
});

const RETURNED = "id, automation_id, customer_id, event_kind, event_at, due_at, attempts";

/** Claims up to `limit` due pending firings for this run (claimed_by = token), oldest due first. */
export async function claimDueFirings(db: Database, request: { runToken: string; now: Date; limit: number }): Promise<ClaimedFiring[]> {
  const now = sqlLiteral(request.now, db);
  const set = `status = 'claimed', claimed_by = ${sqlLiteral(request.runToken, db)}, claimed_at = ${now}, attempts = attempts + 1, updated_at = ${now}`;
  const due = `SELECT id FROM automation_firings WHERE status = 'pending' AND due_at <= ${now} ORDER BY due_at, id LIMIT ${Math.max(1, Math.floor(request.limit))}`;
  let rows: Columns[];
  if (db.dialect === "mysql") {
    rows = await sendingTransaction(db, async (transaction) => {
      const found = await db.sequelize.query<Columns>(
        `SELECT ${RETURNED} FROM automation_firings FORCE INDEX (automation_firings_next) WHERE status = 'pending' AND due_at <= ${now} ORDER BY due_at, id LIMIT ${Math.max(1, Math.floor(request.limit))} FOR UPDATE SKIP LOCKED`,
        { type: QueryTypes.SELECT, transaction },
      );
      if (found.length === 0) return [];
      await db.sequelize.query(`UPDATE automation_firings SET ${set} WHERE id IN (${found.map((r) => Number(r.id)).join(",")})`, { type: QueryTypes.UPDATE, transaction });
      return found.map((r) => ({ ...r, attempts: Number(r.attempts) + 1 }));
    });
  } else {
    rows = await db.sequelize.transaction((transaction) =>
      db.sequelize.query<Columns>(`UPDATE automation_firings SET ${set} WHERE id IN (${due}) RETURNING ${RETURNED}`, { type: QueryTypes.SELECT, transaction }),
    );
  }
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
}

/** Puts back in line the claims of other runs older than the lease: those runs died before acting (acting ends a claim in the same commit). */
export async function releaseAbandonedClaims(db: Database, runToken: string, claimedBefore: Date, now: Date): Promise<number> {
  return sendingTransaction(db, async (transaction) => {
    const result = (await db.sequelize.query(
      `UPDATE automation_firings SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = ${sqlLiteral(now, db)}
       WHERE status = 'claimed' AND claimed_at <= ${sqlLiteral(claimedBefore, db)} AND claimed_by <> ${sqlLiteral(runToken, db)}`,
      { type: QueryTypes.UPDATE, transaction },
    )) as unknown as [unknown, number];
    return Number(result[1] ?? 0);
  });
}

/** When the next pending firing is due, or null when none waits. */
export async function nextPendingDue(db: Database): Promise<Date | null> {
  const [row] = await db.sequelize.query<{ at: unknown }>("SELECT MIN(due_at) AS at FROM automation_firings WHERE status = 'pending'", { type: QueryTypes.SELECT });
  return readTimestamp(row?.at ?? null);
}
