// The daily cleanup of the API's idempotency keys: only keys past their 24-hour window go, a
// batch per statement, and the worker schedules it once a day from its start.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JOB_NAMES } from "../../jobs/job-names";
import { pruneIdempotencyKeys } from "../../models/idempotency.server";
import { startWorker } from "../../server/worker";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { waitFor } from "./support";

const NOW = new Date("2031-05-02T03:00:00.000Z");
const HOUR = 60 * 60 * 1000;
const EXPIRED = [25 * HOUR, 30 * 24 * HOUR, 24 * HOUR + 1, 48 * HOUR, 24 * HOUR + 2, 72 * HOUR, 40 * HOUR];
const LIVE = [24 * HOUR, 23 * HOUR, HOUR, 0];

describe(`pruning idempotency keys on ${testDialect}`, () => {
  let app: TestApp;
  let apiKeyId: number;

  beforeAll(async () => {
    app = await startTestApp();
    apiKeyId = (await app.apiKey(["customers:write"])).id;
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    await app.db.models.IdempotencyKey.destroy({ where: {} });
  });

  const name = (ageMs: number) => `age-${String(ageMs).padStart(13, "0")}`;
  const addKeys = (ages: number[]) =>
    app.db.models.IdempotencyKey.bulkCreate(
      ages.map((ageMs) => ({ apiKeyId, key: name(ageMs), requestHash: "a".repeat(64), status: 201, response: "{}", createdAt: new Date(NOW.getTime() - ageMs) })),
    );
  const keysLeft = async () => (await app.db.models.IdempotencyKey.findAll({ attributes: ["key"], order: [["key", "ASC"]], raw: true })).map((r) => r.key);

  it("deletes only the keys older than 24 hours, a batch per statement", async () => {
    await addKeys([...EXPIRED, ...LIVE]);
    const batches: number[] = [];
    const deleted = await pruneIdempotencyKeys(app.db, NOW, { batchSize: 3, onBatch: (n) => void batches.push(n) });
    expect(deleted).toBe(EXPIRED.length);
    expect(batches).toEqual([3, 3, 1]);
    expect(await keysLeft()).toEqual(LIVE.map(name).sort());
    expect(await pruneIdempotencyKeys(app.db, NOW, { batchSize: 3 })).toBe(0);
  });

  it("a worker schedules the cleanup once a day and runs it on start, by its own clock", async () => {
    await addKeys([...EXPIRED, ...LIVE]);
    const worker = await startWorker(app.services, { mailer: null, followPollMs: 50, clock: () => NOW });
    try {
      await waitFor(async () => (await keysLeft()).length === LIVE.length, 15_000, "the expired keys to go");
      expect(await keysLeft()).toEqual(LIVE.map(name).sort());
      const { jobs } = await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.pruneIdempotencyKeys });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ type: "single", repeatInterval: "1 day" });
    } finally {
      await worker.stop(5_000);
    }
  });
});
