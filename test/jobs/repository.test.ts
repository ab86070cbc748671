import { computeJobState, type JobParameters, type JobState } from "agenda";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import type { SequelizeJobRepository } from "../../jobs/job-repository";
import { createTestDatabase, testDialect } from "../support/db";
import { newJob } from "./support";

const T0 = new Date("2030-03-01T10:00:00.123Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

describe(`the job repository on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let repo: SequelizeJobRepository;
  let now = T0;

  beforeAll(async () => {
    db = await createTestDatabase();
    const backend = new SequelizeBackend({ sequelize: db.sequelize, clock: () => now });
    await backend.connect();
    repo = backend.repository;
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    now = T0;
    await repo.purgeAllJobs();
  });

  const save = (overrides: Partial<JobParameters> = {}) => repo.saveJob(newJob({ nextRunAt: T0, ...overrides }), undefined);
  const ids = (jobs: Array<{ _id?: unknown }>) => jobs.map((j) => String(j._id)).sort((a, b) => Number(a) - Number(b));

  describe("saving", () => {
    it("saves a new job and reads back every field it was given", async () => {
      const fields: JobParameters = {
        name: "recompute-segment",
        priority: 10,
        nextRunAt: at(MINUTE),
        type: "normal",
        data: { segmentId: 42, label: "Клиенти с поръчки", nested: { tags: ["vip", "new"], ratio: 0.25 }, none: null },
        repeatInterval: "5 minutes",
        repeatTimezone: "Europe/Sofia",
        startDate: at(-MINUTE),
        endDate: at(60 * MINUTE),
        skipDays: [0, 6],
        disabled: true,
        fork: true,
      };
      const saved = await repo.saveJob(fields, { lastModifiedBy: "web-1" });
      expect(saved._id).toMatch(/^\d+$/);
      expect(await repo.getJobById(saved._id!)).toEqual({ ...fields, _id: saved._id, lastModifiedBy: "web-1" });
    });

    it("reads a numeric repeat interval back as a number, and no data as null", async () => {
      const saved = await save({ repeatInterval: 90_000, data: undefined });
      const job = await repo.getJobById(saved._id!);
      expect(job?.repeatInterval).toBe(90_000);
      expect(job?.data).toBeNull();
    });

    it("updates a job by id, changing only the fields the save carries", async () => {
      const saved = await save({ data: { step: 1 } });
      await repo.saveJobState({ ...saved, lastRunAt: at(1), failedAt: at(2), failReason: "smtp timeout", failCount: 1 }, undefined);
      const updated = await repo.saveJob({ _id: saved._id, name: saved.name, priority: 5, type: "normal", nextRunAt: at(MINUTE), data: { step: 2 } }, undefined);
      expect(updated).toMatchObject({ priority: 5, nextRunAt: at(MINUTE), data: { step: 2 }, failReason: "smtp timeout", failCount: 1, lastRunAt: at(1) });
    });

    it("returns a job saved under an id that no longer exists as it was, creating nothing", async () => {
      const saved = await save();
      await repo.removeJobs({ id: saved._id });
      const again = await repo.saveJob({ ...saved, data: { changed: true } }, undefined);
      expect(again.data).toEqual({ changed: true });
      expect((await repo.queryJobs()).total).toBe(0);
    });

    it("keeps one row for a single job and does not pull its pending run forward to now", async () => {
      const first = await save({ name: "sample-segment-sizes", type: "single", nextRunAt: at(5 * MINUTE), repeatInterval: "5 minutes", data: { v: 1 } });
      const restart = await save({ name: "sample-segment-sizes", type: "single", nextRunAt: T0, repeatInterval: "10 minutes", data: { v: 2 } });
      expect(restart._id).toBe(first._id);
      expect(restart).toMatchObject({ nextRunAt: at(5 * MINUTE), repeatInterval: "10 minutes", data: { v: 2 } });
      const later = await save({ name: "sample-segment-sizes", type: "single", nextRunAt: at(20 * MINUTE) });
      expect(later.nextRunAt).toEqual(at(20 * MINUTE));
      expect((await repo.queryJobs({ name: "sample-segment-sizes" })).total).toBe(1);
    });

    it("gives a single job that has no next run the time the save asks for", async () => {
      const first = await save({ name: "nightly", type: "single", nextRunAt: null });
      const again = await save({ name: "nightly", type: "single", nextRunAt: T0 });
      expect(again._id).toBe(first._id);
      expect(again.nextRunAt).toEqual(T0);
    });

    it("keeps one row per unique constraint and updates it on each save", async () => {
      const a = await save({ name: "notify", data: { userId: 1, text: "a" }, unique: { "data.userId": 1 } });
      const b = await save({ name: "notify", data: { userId: 1, text: "b" }, unique: { "data.userId": 1 } });
      const other = await save({ name: "notify", data: { userId: 2, text: "c" }, unique: { "data.userId": 2 } });
      const otherName = await save({ name: "remind", data: { userId: 1 }, unique: { "data.userId": 1 } });
      expect(b._id).toBe(a._id);
      expect(b.data).toEqual({ userId: 1, text: "b" });
      expect(new Set([a._id, other._id, otherName._id]).size).toBe(3);
      expect((await repo.queryJobs()).total).toBe(3);
    });

    it("leaves an existing unique job as it was when the save is insertOnly", async () => {
      const a = await save({ name: "welcome", data: { customerId: 7, v: 1 }, unique: { "data.customerId": 7 }, uniqueOpts: { insertOnly: true } });
      const b = await save({ name: "welcome", data: { customerId: 7, v: 2 }, nextRunAt: at(MINUTE), unique: { "data.customerId": 7 }, uniqueOpts: { insertOnly: true } });
      expect(b._id).toBe(a._id);
      expect(b).toMatchObject({ data: { customerId: 7, v: 1 }, nextRunAt: T0 });
    });

    it("makes one row, and fails no save, when many saves of one new unique job race", async () => {
      // on MariaDB the losers of each race deadlock on the winner's row and are run again
      for (let segmentId = 1; segmentId <= 8; segmentId++) {
        const saves = Array.from({ length: 12 }, (_, i) => save({ name: "recompute-segment", data: { segmentId, i }, unique: { "data.segmentId": segmentId } }));
        const results = await Promise.all(saves);
        expect(new Set(results.map((r) => r._id)).size).toBe(1);
      }
      expect((await repo.queryJobs({ name: "recompute-segment" })).total).toBe(8);
    });

    it("debounces trailing: the run moves to delay after the latest save, but no later than maxWait after the first", async () => {
      const debounced = (data: unknown) =>
        save({ name: "reindex", data, unique: { "data.kind": "customers" }, uniqueOpts: { debounce: { delay: 10_000, maxWait: 25_000, strategy: "trailing" } } });
      const first = await debounced({ kind: "customers", n: 1 });
      expect(first.nextRunAt).toEqual(at(10_000));
      now = at(8_000);
      expect((await debounced({ kind: "customers", n: 2 })).nextRunAt).toEqual(at(18_000));
      now = at(20_000);
      const capped = await debounced({ kind: "customers", n: 3 });
      expect(capped.nextRunAt).toEqual(at(25_000));
      expect(capped.data).toEqual({ kind: "customers", n: 3 });
      expect((await repo.queryJobs({ name: "reindex" })).total).toBe(1);
    });

    it("a debounced save past maxWait forces the run now and clears the window, so the next burst starts a window of its own", async () => {
      const debounced = (n: number) =>
        save({ name: "reindex", data: { kind: "tags", n }, unique: { "data.kind": "tags" }, uniqueOpts: { debounce: { delay: 10_000, maxWait: 25_000 } } });
      expect(await debounced(1)).toMatchObject({ nextRunAt: at(10_000), debounceStartedAt: T0 });
      now = at(26_000);
      const forced = await debounced(2);
      expect(forced.nextRunAt).toEqual(at(26_000));
      expect(forced.debounceStartedAt).toBeUndefined();
      expect((await repo.getJobById(forced._id!))?.debounceStartedAt).toBeUndefined();
      // the next save, before the worker has run the job, opens a new window rather than forcing again
      now = at(27_000);
      expect(await debounced(3)).toMatchObject({ nextRunAt: at(37_000), debounceStartedAt: at(27_000), data: { kind: "tags", n: 3 } });
      expect((await repo.queryJobs({ name: "reindex" })).total).toBe(1);
    });

    it("debounces leading: the first save runs at once and saves within the delay only change the data", async () => {
      const debounced = (n: number) => save({ name: "alert", nextRunAt: now, data: { n }, unique: { name: "alert" }, uniqueOpts: { debounce: { delay: 60_000, strategy: "leading" } } });
      expect((await debounced(1)).nextRunAt).toEqual(T0);
      now = at(30_000);
      expect(await debounced(2)).toMatchObject({ nextRunAt: T0, data: { n: 2 } });
      now = at(61_000);
      expect((await debounced(3)).nextRunAt).toEqual(at(61_000));
    });

    it("does not let the end of a run undo a save that rescheduled the job while it ran", async () => {
      const job = await save({ name: "reindex", data: { kind: "orders" }, unique: { "data.kind": "orders" }, uniqueOpts: { debounce: { delay: 5_000 } } });
      now = at(6_000);
      const locked = await repo.getNextJobToRun("reindex", now, at(-10 * MINUTE), now, undefined);
      expect(locked?._id).toBe(job._id);
      // as Job.run() does: the run starts, a one-time job has no next run
      await repo.saveJobState({ ...locked!, lastRunAt: now, nextRunAt: null }, undefined);
      now = at(7_000);
      await save({ name: "reindex", data: { kind: "orders", more: true }, unique: { "data.kind": "orders" }, uniqueOpts: { debounce: { delay: 5_000 } } });
      await repo.saveJobState({ ...locked!, lastRunAt: at(6_000), lastFinishedAt: at(7_500), lockedAt: undefined, nextRunAt: null }, undefined);
      const after = await repo.getJobById(job._id!);
      expect(after).toMatchObject({ nextRunAt: at(12_000), lastFinishedAt: at(7_500), data: { kind: "orders", more: true } });
      expect(after?.lockedAt).toBeUndefined();
    });

    it("lets the end of a run clear the next run of a job nobody rescheduled", async () => {
      const job = await save({ name: "send-campaign" });
      const locked = await repo.getNextJobToRun("send-campaign", T0, at(-MINUTE), T0, undefined);
      await repo.saveJobState({ ...locked!, lastRunAt: T0, nextRunAt: null }, undefined);
      await repo.saveJobState({ ...locked!, lastRunAt: T0, lastFinishedAt: at(5), lockedAt: undefined, nextRunAt: null }, undefined);
      expect(await repo.getJobById(job._id!)).toMatchObject({ nextRunAt: null, lastFinishedAt: at(5) });
    });

    it("saveJobState writes what the processor sets and refuses a job that is gone", async () => {
      const job = await save();
      await repo.saveJobState({ ...job, lockedAt: at(1), lastRunAt: at(1), progress: 40, nextRunAt: at(MINUTE) }, { lastModifiedBy: "worker-2" });
      expect(await repo.getJobById(job._id!)).toMatchObject({ lockedAt: at(1), lastRunAt: at(1), progress: 40, nextRunAt: at(MINUTE), lastModifiedBy: "worker-2" });
      // the same state again changes no column: still a success on MariaDB, which counts changed rows
      await repo.saveJobState({ ...job, lockedAt: at(1), lastRunAt: at(1), progress: 40, nextRunAt: at(MINUTE) }, { lastModifiedBy: "worker-2" });
      await repo.removeJobs({ id: job._id });
      await expect(repo.saveJobState({ ...job, lockedAt: at(2) }, undefined)).rejects.toThrow(/cannot be updated/);
    });
  });

  describe("in a caller's transaction", () => {
    it("creates jobs that exist only if the transaction commits", async () => {
      await expect(
        db.sequelize.transaction(async (t) => {
          await repo.withTransaction(t, async () => {
            await save({ name: "in-tx" });
            await save({ name: "in-tx-single", type: "single" });
            await save({ name: "in-tx-unique", unique: { "data.k": 1 }, data: { k: 1 } });
          });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect((await repo.queryJobs()).total).toBe(0);

      await db.sequelize.transaction(async (t) => {
        await repo.saveJob(newJob({ name: "in-tx" }), { transaction: t });
        await repo.withTransaction(t, () => save({ name: "in-tx-single", type: "single" }));
      });
      expect(await repo.getDistinctJobNames()).toEqual(["in-tx", "in-tx-single"]);
    });

    it("removes, disables and enables jobs inside it", async () => {
      const a = await save({ name: "a" });
      await save({ name: "b" });
      await expect(
        db.sequelize.transaction(async (t) => {
          await repo.removeJobs({ id: a._id }, { transaction: t });
          await repo.withTransaction(t, () => repo.disableJobs({ name: "b" }));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(2);
    });

    it("refuses to write in a transaction that has ended", async () => {
      const t = await db.sequelize.transaction();
      await t.commit();
      await expect(repo.saveJob(newJob(), { transaction: t })).rejects.toThrow(/already ended/);
    });
  });

  describe("querying", () => {
    it("filters by name, names, id, ids, search and enabled, and ANDs them", async () => {
      const a = await save({ name: "send-campaign" });
      const b = await save({ name: "send-campaign", disabled: true });
      const c = await save({ name: "recompute-segment" });
      const d = await save({ name: "Notify_Manager" });
      expect(ids((await repo.queryJobs({ name: "send-campaign" })).jobs)).toEqual(ids([a, b]));
      expect(ids((await repo.queryJobs({ names: ["send-campaign", "recompute-segment"] })).jobs)).toEqual(ids([a, b, c]));
      expect(ids((await repo.queryJobs({ id: c._id })).jobs)).toEqual(ids([c]));
      expect(ids((await repo.queryJobs({ ids: [a._id!, d._id!, "nonsense"] })).jobs)).toEqual(ids([a, d]));
      expect((await repo.queryJobs({ id: "not-an-id" })).total).toBe(0);
      expect(ids((await repo.queryJobs({ search: "CAMPAIGN" })).jobs)).toEqual(ids([a, b]));
      expect(ids((await repo.queryJobs({ search: "y_m" })).jobs)).toEqual(ids([d]));
      expect(ids((await repo.queryJobs({ search: "_" })).jobs)).toEqual(ids([d]));
      expect(ids((await repo.queryJobs({ search: "%" })).jobs)).toEqual([]);
      expect(ids((await repo.queryJobs({ includeDisabled: false })).jobs)).toEqual(ids([a, c, d]));
      expect(ids((await repo.queryJobs({ name: "send-campaign", includeDisabled: false })).jobs)).toEqual(ids([a]));
    });

    it("matches data by partial object and by exact value", async () => {
      const j1 = await save({ data: { campaignId: 7, channel: "sms", batch: { from: 0, to: 100 } } });
      const j2 = await save({ data: { campaignId: 7, channel: "email", tags: ["a", "b"] } });
      const j3 = await save({ data: { campaignId: "7", channel: "SMS" } });
      const j4 = await save({ data: { note: "100% off_now!", who: "Ива" } });
      const j5 = await save({ data: "plain text" });
      const j6 = await save({ data: { campaignId: 8, extra: null } });
      const find = async (data: unknown) => ids((await repo.queryJobs({ data })).jobs);
      expect(await find({ campaignId: 7 })).toEqual(ids([j1, j2]));
      expect(await find({ campaignId: "7" })).toEqual(ids([j3]));
      expect(await find({ channel: "sms" })).toEqual(ids([j1]));
      expect(await find({ batch: { to: 100 } })).toEqual(ids([j1]));
      expect(await find({ tags: ["a", "b"] })).toEqual(ids([j2]));
      expect(await find({ tags: ["b"] })).toEqual([]);
      expect(await find({ note: "100% off_now!" })).toEqual(ids([j4]));
      expect(await find({ who: "ива" })).toEqual([]);
      expect(await find({ who: "Ива" })).toEqual(ids([j4]));
      expect(await find("plain text")).toEqual(ids([j5]));
      expect(await find({ extra: null, campaignId: 8 })).toEqual(ids([j6]));
      expect(await find({ extra: null })).toEqual(ids([j1, j2, j3, j4, j6]));
      expect(await find({})).toEqual(ids([j1, j2, j3, j4, j6]));
      const page = await repo.queryJobs({ data: { campaignId: 7 }, sort: { nextRunAt: "asc" }, limit: 1, skip: 1 });
      expect({ total: page.total, ids: ids(page.jobs) }).toEqual({ total: 2, ids: ids([j2]) });
    });

    const dateOrNull = fc.option(fc.integer({ min: -2, max: 2 }).map((m) => at(m * MINUTE)), { nil: undefined });
    const jobFields = fc.record({
      lockedAt: dateOrNull,
      failedAt: dateOrNull,
      lastFinishedAt: dateOrNull,
      nextRunAt: fc.option(fc.integer({ min: -2, max: 2 }).map((m) => at(m * MINUTE)), { nil: null }),
      repeatInterval: fc.constantFrom(undefined, "5 minutes", 60_000),
      disabled: fc.boolean(),
      name: fc.constantFrom("send-campaign", "recompute-segment", "notify"),
    });

    it("filters and counts each state exactly as Agenda's computeJobState decides it", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(jobFields, { minLength: 1, maxLength: 14 }), async (jobs) => {
          await repo.purgeAllJobs();
          for (const fields of jobs) await save(fields);
          const all = (await repo.queryJobs()).jobs;
          for (const job of all) expect(job.state).toBe(computeJobState(job, now));
          for (const state of ["running", "scheduled", "queued", "completed", "failed", "repeating"] as JobState[]) {
            const expected = ids(all.filter((j) => j.state === state));
            expect(ids((await repo.queryJobs({ state })).jobs), state).toEqual(expected);
          }
          expect(ids((await repo.queryJobs({ state: "paused" })).jobs)).toEqual(ids(all.filter((j) => j.disabled)));
          const overview = await repo.getJobsOverview();
          const names = [...new Set(all.map((j) => j.name))].sort();
          expect(overview.map((o) => o.name)).toEqual(names);
          for (const o of overview) {
            const mine = all.filter((j) => j.name === o.name);
            const count = (state: JobState) => mine.filter((j) => j.state === state).length;
            expect(o).toEqual({
              name: o.name,
              total: mine.length,
              running: count("running"),
              scheduled: count("scheduled"),
              queued: count("queued"),
              completed: count("completed"),
              failed: count("failed"),
              repeating: count("repeating"),
              paused: mine.filter((j) => j.disabled).length,
            });
          }
        }),
        { numRuns: 12 },
      );
    });

    it("sorts by each key both ways (empty values lowest) and pages after filtering", async () => {
      const made: JobParameters[] = [];
      const names = ["b", "a", "c", "a", "b", "d"];
      for (let i = 0; i < names.length; i++) {
        const job = await save({ name: names[i], priority: (i * 7) % 4, nextRunAt: i % 3 === 0 ? null : at(((i * 5) % 4) * MINUTE) });
        if (i % 2 === 0) await repo.saveJobState({ ...job, lastRunAt: at(-i * MINUTE), lastFinishedAt: i === 2 ? undefined : at(-i * MINUTE + 1) }, undefined);
        made.push((await repo.getJobById(job._id!))!);
      }
      const value = (job: JobParameters, key: string) => {
        const v = (job as unknown as Record<string, unknown>)[key];
        return v instanceof Date ? v.getTime() : (v ?? null);
      };
      for (const key of ["nextRunAt", "lastRunAt", "lastFinishedAt", "priority", "name"] as const) {
        for (const direction of ["asc", "desc"] as const) {
          const sign = direction === "asc" ? 1 : -1;
          const expected = [...made].sort((a, b) => {
            const va = value(a, key);
            const vb = value(b, key);
            const byValue = va === vb ? 0 : va === null ? -1 : vb === null ? 1 : va < vb ? -1 : 1;
            return sign * (byValue || Number(a._id) - Number(b._id));
          });
          const result = await repo.queryJobs({ sort: { [key]: direction } });
          expect(result.jobs.map((j) => j._id), `${key} ${direction}`).toEqual(expected.map((j) => j._id));
          const page = await repo.queryJobs({ sort: { [key]: direction }, skip: 2, limit: 3 });
          expect(page.total).toBe(made.length);
          expect(page.jobs.map((j) => j._id)).toEqual(expected.slice(2, 5).map((j) => j._id));
        }
      }
      const firstTwoAfterOne = await repo.queryJobs({ sort: { name: "asc", priority: "desc" }, skip: 1 });
      expect(firstTwoAfterOne.jobs).toHaveLength(made.length - 1);
      expect((await repo.queryJobs({ name: "a", sort: { data: "asc" } })).total).toBe(2);
    });

    it("lists distinct names in order and counts the jobs whose run time has passed", async () => {
      await save({ name: "b", nextRunAt: at(-1) });
      await save({ name: "a", nextRunAt: at(-MINUTE) });
      await save({ name: "b", nextRunAt: T0 });
      await save({ name: "c", nextRunAt: at(MINUTE) });
      await save({ name: "c", nextRunAt: null });
      expect(await repo.getDistinctJobNames()).toEqual(["a", "b", "c"]);
      expect(await repo.getQueueSize()).toBe(2);
      expect(await repo.getJobById("123456789")).toBeNull();
      expect(await repo.getJobById("abc")).toBeNull();
    });
  });

  describe("removing, disabling and enabling", () => {
    it("removes by id, ids, name, names, notNames and data, and removes nothing without criteria", async () => {
      const a = await save({ name: "a", data: { campaignId: 1 } });
      const b = await save({ name: "b", data: { campaignId: 1 } });
      const c = await save({ name: "c", data: { campaignId: 2 } });
      const d = await save({ name: "d" });
      const e = await save({ name: "e" });
      expect(await repo.removeJobs({})).toBe(0);
      expect(await repo.removeJobs({ id: "nope" })).toBe(0);
      expect(await repo.removeJobs({ id: e._id })).toBe(1);
      expect(await repo.removeJobs({ name: "a", data: { campaignId: 2 } })).toBe(0);
      expect(await repo.removeJobs({ data: { campaignId: 1 }, names: ["a", "c"] })).toBe(1);
      expect(ids((await repo.queryJobs()).jobs)).toEqual(ids([b, c, d]));
      expect(await repo.removeJobs({ notNames: ["b"] })).toBe(2);
      expect(await repo.removeJobs({ ids: [b._id!, a._id!] })).toBe(1);
      expect((await repo.queryJobs()).total).toBe(0);
    });

    it("disables and enables the selected jobs, counting only those it changed", async () => {
      await save({ name: "a", data: { segmentId: 1 } });
      await save({ name: "a", data: { segmentId: 2 } });
      await save({ name: "b", data: { segmentId: 1 } });
      expect(await repo.disableJobs({})).toBe(0);
      expect(await repo.disableJobs({ name: "a" })).toBe(2);
      expect(await repo.disableJobs({ name: "a" })).toBe(0);
      expect(await repo.enableJobs({ data: { segmentId: 1 } })).toBe(1);
      expect(await repo.disableJobs({ names: ["a", "b"], data: { segmentId: 1 } })).toBe(2);
      expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(0);
      expect(await repo.enableJobs({ notNames: ["b"] })).toBe(2);
      expect((await repo.queryJobs({ state: "paused" })).total).toBe(1);
    });

    it("purges every job", async () => {
      await save({ name: "a" });
      await save({ name: "b", type: "single" });
      expect(await repo.purgeAllJobs()).toBe(2);
      expect((await repo.queryJobs()).total).toBe(0);
    });
  });

  describe("locking", () => {
    it("takes an expired lock first, then due jobs by run time and priority, skipping disabled, locked and later ones", async () => {
      const a = await save({ name: "send", nextRunAt: at(-2 * MINUTE), priority: 0 });
      const b = await save({ name: "send", nextRunAt: at(-2 * MINUTE), priority: 10 });
      const c = await save({ name: "send", nextRunAt: at(-MINUTE), priority: 100 });
      const soon = await save({ name: "send", nextRunAt: at(4_000) });
      await save({ name: "send", nextRunAt: at(-3 * MINUTE), disabled: true });
      await save({ name: "send", nextRunAt: at(-5 * MINUTE), lockedAt: at(-1_000) });
      await save({ name: "send", nextRunAt: at(10 * MINUTE) });
      await save({ name: "other", nextRunAt: at(-10 * MINUTE) });
      const expired = await save({ name: "send", nextRunAt: null, lockedAt: at(-20 * MINUTE) });
      const taken: string[] = [];
      for (;;) {
        const job = await repo.getNextJobToRun("send", at(5_000), at(-10 * MINUTE), T0, { lastModifiedBy: "worker-1" });
        if (!job) break;
        expect(job.lockedAt).toEqual(T0);
        expect(job.lastModifiedBy).toBe("worker-1");
        taken.push(String(job._id));
      }
      expect(taken).toEqual([expired, b, a, c, soon].map((j) => String(j._id)));
    });

    it("never hands one job to two callers at once", async () => {
      const made = await Promise.all(Array.from({ length: 20 }, (_, i) => save({ name: "race", nextRunAt: at(-i) })));
      const results = await Promise.all(Array.from({ length: 50 }, () => repo.getNextJobToRun("race", T0, at(-MINUTE), T0, undefined)));
      const taken = results.filter((r) => r !== undefined).map((r) => String(r!._id));
      expect(taken.sort()).toEqual(made.map((j) => String(j._id)).sort());
    });

    it("locks a given job only while it is unlocked, enabled and due at the time the caller saw", async () => {
      const job = await save({ name: "send", nextRunAt: at(-MINUTE) });
      expect(await repo.lockJob({ ...job, nextRunAt: at(-2 * MINUTE) }, undefined)).toBeUndefined();
      expect((await repo.lockJob(job, { lastModifiedBy: "w" }))?.lockedAt).toEqual(T0);
      expect(await repo.lockJob(job, undefined)).toBeUndefined();
      const disabled = await save({ name: "send", disabled: true });
      expect(await repo.lockJob(disabled, undefined)).toBeUndefined();
      const unscheduled = await save({ name: "send", nextRunAt: null });
      expect(await repo.lockJob(unscheduled, undefined)).toBeDefined();
      expect(await repo.lockJob({ ...job, _id: undefined }, undefined)).toBeUndefined();
    });

    it("unlockJob leaves a job that has started (no next run) locked; unlockJobs unlocks every one given", async () => {
      const waiting = await save({ name: "send", lockedAt: T0, nextRunAt: at(MINUTE) });
      const started = await save({ name: "send", lockedAt: T0, nextRunAt: null });
      await repo.unlockJob(waiting);
      await repo.unlockJob(started);
      expect((await repo.getJobById(waiting._id!))?.lockedAt).toBeUndefined();
      expect((await repo.getJobById(started._id!))?.lockedAt).toEqual(T0);
      await repo.unlockJobs([started._id!, "bogus"]);
      expect((await repo.getJobById(started._id!))?.lockedAt).toBeUndefined();
      await repo.unlockJobs([]);
    });
  });
});
