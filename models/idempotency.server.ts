import crypto from "node:crypto";
import { Op, TimeoutError, UniqueConstraintError, type Transaction } from "sequelize";
import type { Database } from "./db";
import { inWriteLine } from "./sql/write-line";

/** A response as the API sent it: what a retry with the same idempotency key gets back. */
export interface StoredResponse {
  status: number;
  /** The JSON body, serialised. */
  body: string;
}

/** The result of a write: its response, and whether the write is kept (a 2xx) or rolled back. */
export interface WriteResult extends StoredResponse {
  commit: boolean;
}

export interface IdempotencyClaim {
  apiKeyId: number;
  /** The client's Idempotency-Key header. */
  key: string;
  /** What the request was (method, path, body); the same key with another request is refused. */
  requestHash: string;
}

export type WriteOutcome =
  | { kind: "done"; response: StoredResponse; replayed: boolean }
  /** The key was used before for a different request. */
  | { kind: "key_reused" };

/** A client retrying after a day is sending a new request, not a retry. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS = 6;

/**
 * A pause before the next attempt of a write that lost a conflict: random and growing, so writers
 * that deadlocked on the same rows do not start again together and deadlock again (6 concurrent
 * orders of one customer on MariaDB did, once, with immediate retries).
 */
function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * 10 * 2 ** attempt;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The hash that tells two requests under one idempotency key apart. */
export function hashRequest(method: string, path: string, body: Uint8Array): string {
  return crypto.createHash("sha256").update(`${method} ${path}\n`).update(body).digest("hex");
}

class KeyTaken extends Error {}
class RolledBack extends Error {
  constructor(readonly result: WriteResult) {
    super("rolled back");
  }
}

/**
 * Runs a write in one transaction, at most once per idempotency key. With a key, the key is claimed
 * by inserting its row first in the transaction: a concurrent request with the same key waits on
 * that row's unique index and, once the first commits, gets its stored response instead of
 * writing again. Only kept writes (commit: true) are remembered; a refused request may be retried
 * with the same key once the client has fixed what was wrong.
 *
 * Conflicts with concurrent writers of the same rows (a duplicate new external id, a deadlock, a
 * busy SQLite) roll the attempt back and run it again, so they never reach the client.
 */
export async function writeOnce(
  db: Database,
  claim: IdempotencyClaim | null,
  work: (transaction: Transaction) => Promise<WriteResult>,
  now = new Date(),
): Promise<WriteOutcome> {
  const { IdempotencyKey } = db.models;
  for (let attempt = 1; ; attempt++) {
    if (claim) {
      const earlier = await findClaim(db, claim, now);
      if (earlier) return earlier;
    }
    try {
      const response = await db.sequelize.transaction(async (transaction) => {
        if (claim) {
          try {
            await IdempotencyKey.create(
              { apiKeyId: claim.apiKeyId, key: claim.key, requestHash: claim.requestHash, status: 0, response: "", createdAt: now },
              { transaction },
            );
          } catch (error) {
            if (error instanceof UniqueConstraintError) throw new KeyTaken();
            throw error;
          }
        }
        const result = await work(transaction);
        if (!result.commit) throw new RolledBack(result);
        if (claim) {
          await IdempotencyKey.update({ status: result.status, response: result.body }, { where: { apiKeyId: claim.apiKeyId, key: claim.key }, transaction });
        }
        return { status: result.status, body: result.body };
      });
      return { kind: "done", response, replayed: false };
    } catch (error) {
      if (error instanceof RolledBack) return { kind: "done", response: { status: error.result.status, body: error.result.body }, replayed: false };
      // the other request with this key has committed by now: the next round finds its response
      if (error instanceof KeyTaken && attempt < MAX_ATTEMPTS) continue;
      if (isConflict(error) && attempt < MAX_ATTEMPTS) {
        await backOff(attempt);
        continue;
      }
      throw error;
    }
  }
}

/**
 * For an operation that is safe to repeat by itself and runs its own transaction (starting a
 * campaign twice is a no-op): at most one answer per idempotency key. A retry with the key gets the
 * first answer back; the operation runs outside any transaction of ours (on SQLite a transaction
 * inside another would wait for it forever), and a kept answer (commit: true) is remembered after.
 */
export async function answerOnce(db: Database, claim: IdempotencyClaim | null, work: () => Promise<WriteResult>, now = new Date()): Promise<WriteOutcome> {
  if (claim) {
    const earlier = await findClaim(db, claim, now);
    if (earlier) return earlier;
  }
  const result = await work();
  const response = { status: result.status, body: result.body };
  if (claim && result.commit) {
    try {
      await inWriteLine(db.sequelize, () =>
        db.models.IdempotencyKey.create({ apiKeyId: claim.apiKeyId, key: claim.key, requestHash: claim.requestHash, status: result.status, response: result.body, createdAt: now }),
      );
    } catch (error) {
      // a concurrent request with the key answered first: both did the same repeatable thing, its answer is the one kept
      if (!(error instanceof UniqueConstraintError)) throw error;
      const earlier = await findClaim(db, claim, now);
      if (earlier) return earlier;
    }
  }
  return { kind: "done", response, replayed: false };
}

/** A finished request under this key, or null; an expired one is removed so the key can be used again. */
async function findClaim(db: Database, claim: IdempotencyClaim, now: Date): Promise<WriteOutcome | null> {
  const row = await db.models.IdempotencyKey.findOne({ where: { apiKeyId: claim.apiKeyId, key: claim.key }, raw: true });
  if (!row) return null;
  if (now.getTime() - new Date(row.createdAt).getTime() > IDEMPOTENCY_WINDOW_MS) {
    await db.models.IdempotencyKey.destroy({ where: { id: row.id } });
    return null;
  }
  if (row.requestHash !== claim.requestHash) return { kind: "key_reused" };
  return { kind: "done", response: { status: row.status, body: row.response }, replayed: true };
}

/** Errors that mean "another transaction got there first": worth running the whole write again. */
export function isConflict(error: unknown): boolean {
  if (error instanceof UniqueConstraintError || error instanceof TimeoutError) return true;
  const errno = (error as { parent?: { errno?: number } })?.parent?.errno;
  // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
  return errno === 1213 || errno === 1205;
}

export interface PruneOptions {
  /** Keys deleted per statement: each batch is a short transaction of its own, so a large backlog never holds the table for long. */
  batchSize?: number;
  /** Called after each batch with how many it deleted (the job keeps its lock with it). */
  onBatch?: (deleted: number) => Promise<void> | void;
  signal?: AbortSignal;
}

/** Deletes the keys past the window, oldest first, in batches; returns how many went. */
export async function pruneIdempotencyKeys(db: Database, now: Date, { batchSize = 1000, onBatch, signal }: PruneOptions = {}): Promise<number> {
  const { IdempotencyKey } = db.models;
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
  let total = 0;
  while (!signal?.aborted) {
    // the ids first, through the created_at index: neither database deletes with a LIMIT portably
    const rows = await IdempotencyKey.findAll({ attributes: ["id"], where: { createdAt: { [Op.lt]: cutoff } }, order: [["createdAt", "ASC"]], limit: batchSize, raw: true });
    if (!rows.length) break;
    const deleted = await IdempotencyKey.destroy({ where: { id: { [Op.in]: rows.map((r) => r.id) }, createdAt: { [Op.lt]: cutoff } } });
    total += deleted;
    await onBatch?.(deleted);
    if (rows.length < batchSize) break;
  }
  return total;
}
