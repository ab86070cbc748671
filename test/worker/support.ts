// Helpers for the worker tests: waiting for a condition with a deadline (never a bare sleep), and
// reading what the worker wrote.
import { Op, QueryTypes } from "sequelize";
import request from "supertest";
import type { Database } from "../../models/db";
import { JOB_NAMES } from "../../jobs/job-names";
import { startTestApp, type TestApp } from "../support/app";

/**
 * Polls `check` until it returns something truthy, and fails once `deadline` (a Date.now() value)
 * has passed. Returns the value and when it was first seen.
 */
export async function until<T>(check: () => Promise<T> | T, deadline: number, what: string): Promise<{ value: NonNullable<T>; at: number }> {
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return { value: value as NonNullable<T>, at: Date.now() };
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not by the deadline (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether the customer is a member of the segment now. */
export async function isMember(db: Database, segmentId: number, customerId: number): Promise<boolean> {
  return (await db.models.SegmentMember.count({ where: { segmentId, customerId } })) === 1;
}

/** The customer's events in this segment, oldest first, as their kinds. */
export async function eventKinds(db: Database, segmentId: number, customerId: number): Promise<string[]> {
  const rows = await db.models.SegmentEvent.findAll({ where: { segmentId, customerId }, order: [["id", "ASC"]], raw: true });
  return rows.map((r) => r.kind);
}

/**
 * Recomputes of the segment that finished. A run's record is written when it starts, so one still
 * running, or one that failed (and wrote nothing), is not counted.
 */
export async function recomputeRuns(db: Database, segmentId: number): Promise<number> {
  return db.models.SegmentRecompute.count({ where: { segmentId, finishedAt: { [Op.ne]: null } } });
}

/** Rows of the segment's recompute job, straight from the table: there must never be two. */
export async function recomputeJobRows(db: Database, segmentId: number) {
  const rows = await db.sequelize.query<{ id: number; data: string | null; repeat_interval: string | null; next_run_at: unknown; locked_at: unknown }>(
    "SELECT id, data, repeat_interval, next_run_at, locked_at FROM agenda_jobs WHERE name = :name",
    { replacements: { name: JOB_NAMES.recomputeSegment }, type: QueryTypes.SELECT },
  );
  return rows.filter((r) => Number((JSON.parse(String(r.data ?? "{}")) as { segmentId?: number }).segmentId) === segmentId);
}

/** A bearer-authenticated request to /api/v1. */
export function api(app: TestApp, key: string) {
  const call = (method: "get" | "post" | "put" | "delete", path: string) => request(app.url)[method](`/api/v1${path}`).set("Authorization", `Bearer ${key}`);
  return {
    get: (path: string) => call("get", path),
    post: (path: string, body: object) => call("post", path).send(body),
    put: (path: string, body: object) => call("put", path).send(body),
    delete: (path: string) => call("delete", path),
  };
}

/**
 * A console with its worker and a key for customers and segments, holding the given customers;
 * `ids` maps each external id to the customer's id.
 */
export async function startWorkerAppWith(customers: Array<{ externalId: string } & Record<string, unknown>>) {
  const app = await startTestApp({ worker: true });
  const call = api(app, (await app.apiKey(["customers:write", "customers:read", "segments:read", "segments:write"])).secret);
  const ids = new Map<string, number>();
  for (const customer of customers) {
    const res = await call.post("/customers", customer);
    if (res.status !== 201) throw new Error(`customer ${customer.externalId}: ${res.status} ${res.text}`);
    ids.set(customer.externalId, res.body.id as number);
  }
  return { app, call, ids };
}

/** Creates a segment through the API and waits until its first recompute is behind it; returns its id. */
export async function createFormedSegment(app: TestApp, call: ReturnType<typeof api>, definition: object): Promise<number> {
  const res = await call.post("/segments", definition);
  if (res.status !== 201) throw new Error(`segment: ${res.status} ${res.text}`);
  const id = res.body.id as number;
  await until(async () => (await recomputeRuns(app.db, id)) > 0, Date.now() + 10_000, "the first recompute");
  return id;
}
