// Issue 5, item 3: each segment's recompute job follows its saves. Active dynamic and accumulating
// segments repeat on their own interval, a snapshot runs once and is then locked with no job left,
// inactive and manual ones have none; the job is written in the save's transaction; the worker's
// reconcile fixes drift; "Recompute now" moves the one job, so a segment never recomputes twice at once.
import type { Job } from "agenda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_NAMES, type RecomputeJobData } from "../../jobs/job-names";
import { findRecomputeJob, reconcileRecomputeJobs, requestRecompute, segmentScheduleHooks } from "../../jobs/segment-schedule";
import { saveSegment } from "../../segments/store.server";
import { startWorker, type RunningWorker } from "../../server/worker";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { api, recomputeJobRows, recomputeRuns, until } from "./support";

const MINUTE = 60_000;

describe(`segment recompute schedule on ${testDialect}`, () => {
  let app: TestApp;
  let call: ReturnType<typeof api>;
  let worker: RunningWorker | null = null;

  beforeAll(async () => {
    // no worker yet: the jobs stay as the saves leave them
    app = await startTestApp();
    call = api(app, (await app.apiKey(["customers:write", "segments:read", "segments:write"])).secret);
    for (const [externalId, country] of [
      ["anna", "BG"],
      ["boris", "BG"],
      ["cveta", "DE"],
    ]) {
      expect((await call.post("/customers", { externalId, country })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await worker?.stop(5_000);
    await app?.close();
  });

  const definition = (code: string, extra: object = {}) => ({ name: `Segment ${code}`, code, type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }], ...extra });

  async function create(code: string, extra: object = {}): Promise<number> {
    const res = await call.post("/segments", definition(code, extra));
    expect(res.status, res.text).toBe(201);
    return res.body.id as number;
  }
  const jobOf = (segmentId: number) => findRecomputeJob(app.services.jobs, segmentId);

  it("an active dynamic segment saved through the API gets one repeating job on the default 5 minutes, due now", async () => {
    const before = Date.now();
    const id = await create("dyn");
    const rows = await recomputeJobRows(app.db, id);
    expect(rows).toHaveLength(1);
    const job = await jobOf(id);
    expect(job).toMatchObject({ name: JOB_NAMES.recomputeSegment, data: { segmentId: id }, repeatInterval: 5 * MINUTE });
    expect(job!.nextRunAt!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(job!.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now());
    // a web process only enqueues
    expect(app.services.jobs.isAgendaMade).toBe(false);
  });

  it("an accumulating segment repeats on its own interval; inactive and manual segments get none", async () => {
    const acc = await create("acc", { type: "accumulating", recomputeEveryMinutes: 15 });
    expect(await jobOf(acc)).toMatchObject({ repeatInterval: 15 * MINUTE });
    const off = await create("off", { isActive: false });
    expect(await recomputeJobRows(app.db, off)).toEqual([]);
    const manual = await create("hand", { type: "manual", criteria: [] });
    expect(await recomputeJobRows(app.db, manual)).toEqual([]);
  });

  it("changing the interval moves the job, switching a segment off removes it, switching it on brings it back", async () => {
    const id = (await call.get("/segments/dyn")).body.id as number;
    const before = (await jobOf(id))!;
    const moved = await call.put("/segments/dyn", definition("dyn", { recomputeEveryMinutes: 30 }));
    expect(moved.status, moved.text).toBe(200);
    const after = (await jobOf(id))!;
    expect(String(after._id)).toBe(String(before._id));
    expect(after.repeatInterval).toBe(30 * MINUTE);
    expect(await recomputeJobRows(app.db, id)).toHaveLength(1);

    expect((await call.put("/segments/dyn", definition("dyn", { recomputeEveryMinutes: 30, isActive: false }))).status).toBe(200);
    expect(await recomputeJobRows(app.db, id)).toEqual([]);
    expect((await call.put("/segments/dyn", definition("dyn", { recomputeEveryMinutes: 30 }))).status).toBe(200);
    expect(await jobOf(id)).toMatchObject({ repeatInterval: 30 * MINUTE });
    expect(await recomputeJobRows(app.db, id)).toHaveLength(1);
  });

  it("deleting a segment through the API removes its job", async () => {
    const id = await create("gone");
    expect(await recomputeJobRows(app.db, id)).toHaveLength(1);
    expect((await call.delete("/segments/gone")).status).toBe(200);
    expect(await recomputeJobRows(app.db, id)).toEqual([]);
  });

  it("segments created at once, each with its job, without the saves getting in each other's way", async () => {
    const codes = Array.from({ length: 12 }, (_, i) => `many-${i}`);
    const answers = await Promise.all(codes.map((code) => call.post("/segments", definition(code, { isActive: true }))));
    expect(answers.map((a) => a.status), answers.find((a) => a.status !== 201)?.text).toEqual(codes.map(() => 201));
    for (const a of answers) expect(await recomputeJobRows(app.db, a.body.id as number)).toHaveLength(1);
    // and deleted at once, each taking its job along
    const deleted = await Promise.all(codes.map((code) => call.delete(`/segments/${code}`)));
    expect(deleted.map((d) => d.status)).toEqual(codes.map(() => 200));
    for (const a of answers) expect(await recomputeJobRows(app.db, a.body.id as number)).toEqual([]);

    // more saves at once than the pool has connections: a save's hooks work on its own connection
    const hooks = segmentScheduleHooks(app.services.jobs);
    const saved = await Promise.all(Array.from({ length: 14 }, (_, i) => saveSegment(app.db, definition(`pool-${i}`), { userId: null }, undefined, hooks)));
    for (const outcome of saved) {
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(await recomputeJobRows(app.db, outcome.segment.id)).toHaveLength(1);
    }
    for (let i = 0; i < 14; i++) expect((await call.delete(`/segments/pool-${i}`)).status).toBe(200);
  });

  it("the console's pages keep the job too: the editor's save makes and moves it, the list's delete removes it", async () => {
    const marketer = await signIn(app, "marketer");
    const created = await marketer.submit("/segments/new", { intent: "save", definition: JSON.stringify(definition("from-page", { recomputeEveryMinutes: 7 })) });
    expect(created.status).toBe(302);
    const id = Number(created.headers.get("location")?.match(/^\/segments\/(\d+)\?saved=1$/)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(await jobOf(id)).toMatchObject({ repeatInterval: 7 * MINUTE });
    const edited = await marketer.submit(`/segments/${id}/edit`, { intent: "save", definition: JSON.stringify(definition("from-page", { recomputeEveryMinutes: 9 })) });
    expect(edited.status).toBe(302);
    expect(await jobOf(id)).toMatchObject({ repeatInterval: 9 * MINUTE });
    expect(await recomputeJobRows(app.db, id)).toHaveLength(1);
    const deleted = await marketer.submit("/segments?index", { intent: "delete", segmentId: String(id) }, "/segments");
    expect(deleted.status).toBe(200);
    expect(await app.db.models.Segment.count({ where: { id, deletedAt: null } })).toBe(0);
    expect(await recomputeJobRows(app.db, id)).toEqual([]);
  });

  it("the job is written in the save's transaction: a save that rolls back leaves neither segment nor job", async () => {
    const schedule = segmentScheduleHooks(app.services.jobs);
    let scheduled = false;
    const failing = {
      async onSaved(...args: Parameters<NonNullable<typeof schedule.onSaved>>) {
        await schedule.onSaved!(...args);
        scheduled = true;
        throw new Error("the save fails after its job was written");
      },
    };
    const jobsBefore = (await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.recomputeSegment })).total;
    await expect(saveSegment(app.db, definition("rolled-back"), { userId: null }, undefined, failing)).rejects.toThrow(/the save fails/);
    expect(scheduled).toBe(true);
    expect(await app.db.models.Segment.count({ where: { code: "rolled-back" } })).toBe(0);
    expect((await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.recomputeSegment })).total).toBe(jobsBefore);
  });

  it("reconcileRecomputeJobs brings drifted jobs back in line with the segments", async () => {
    const queue = app.services.jobs;
    const acc = (await call.get("/segments/acc")).body.id as number;
    const dyn = (await call.get("/segments/dyn")).body.id as number;
    const off = (await call.get("/segments/off")).body.id as number;
    // drift: one job lost, one on a wrong interval, one for an inactive segment, one for no segment
    await queue.repository.removeJobs({ name: JOB_NAMES.recomputeSegment, data: { segmentId: acc } });
    await queue.save({ name: JOB_NAMES.recomputeSegment, data: { segmentId: dyn }, nextRunAt: new Date(), priority: 0, type: "normal", repeatInterval: 99 * MINUTE, unique: { "data.segmentId": dyn } });
    await queue.save({ name: JOB_NAMES.recomputeSegment, data: { segmentId: off }, nextRunAt: new Date(), priority: 0, type: "normal", unique: { "data.segmentId": off } });
    await queue.save({ name: JOB_NAMES.recomputeSegment, data: { segmentId: 987_654 }, nextRunAt: new Date(), priority: 0, type: "normal" });

    expect(await reconcileRecomputeJobs(queue, new Date())).toEqual({ created: 1, updated: 1, removed: 2 });
    expect(await jobOf(acc)).toMatchObject({ repeatInterval: 15 * MINUTE });
    expect(await jobOf(dyn)).toMatchObject({ repeatInterval: 30 * MINUTE });
    expect(await recomputeJobRows(app.db, off)).toEqual([]);
    expect(await recomputeJobRows(app.db, 987_654)).toEqual([]);
    // nothing left to fix
    expect(await reconcileRecomputeJobs(queue, new Date())).toEqual({ created: 0, updated: 0, removed: 0 });
  });

  it("a snapshot is computed once by its job, then locked, and keeps no job", async () => {
    // saved with the schedule's hooks only: the worker forms it
    const saved = await saveSegment(app.db, definition("snap", { type: "snapshot" }), { userId: null }, undefined, segmentScheduleHooks(app.services.jobs));
    expect(saved.ok).toBe(true);
    const id = saved.ok ? saved.segment.id : 0;
    const job = (await jobOf(id))!;
    expect(job.repeatInterval).toBeUndefined();
    expect(job.nextRunAt).toBeInstanceOf(Date);

    worker = await startWorker(app.services, { mailer: null, followPollMs: 50 });
    expect(app.services.jobs.isAgendaMade).toBe(true);
    await until(async () => (await app.db.models.Segment.findByPk(id, { raw: true }))?.lockedAt, Date.now() + 10_000, "the snapshot to be locked");
    await until(async () => (await recomputeJobRows(app.db, id)).length === 0, Date.now() + 5_000, "the snapshot's job to be gone");
    expect(await app.db.models.Segment.findByPk(id, { raw: true })).toMatchObject({ memberCount: 2 });
    expect(await recomputeRuns(app.db, id)).toBe(1);
    // a locked snapshot has nothing to recompute
    expect(await requestRecompute(app.services.jobs, id, new Date())).toEqual({ ok: false, reason: "locked" });
    expect(await reconcileRecomputeJobs(app.services.jobs, new Date())).toEqual({ created: 0, updated: 0, removed: 0 });
  });

  it("'Recompute now' runs the segment's one job; requests at once never run two recomputes of it together", async () => {
    const queue = app.services.jobs;
    const agenda = queue.agenda;
    const id = (await call.get("/segments/acc")).body.id as number;
    // the worker's first runs of the due jobs are behind us
    await until(async () => (await jobOf(id))?.lastFinishedAt, Date.now() + 10_000, "the first run of the accumulating segment's job");
    await until(async () => !(await jobOf(id))?.lockedAt, Date.now() + 10_000, "the job to be idle");
    const runsBefore = await recomputeRuns(app.db, id);

    let running = 0;
    let mostAtOnce = 0;
    let started = 0;
    const ours = (job: Job) => (job.attrs.data as RecomputeJobData).segmentId === id;
    const onStart = (job: Job) => {
      if (!ours(job)) return;
      started++;
      mostAtOnce = Math.max(mostAtOnce, ++running);
    };
    const onComplete = (job: Job) => {
      if (ours(job)) running--;
    };
    agenda.on(`start:${JOB_NAMES.recomputeSegment}`, onStart);
    agenda.on(`complete:${JOB_NAMES.recomputeSegment}`, onComplete);
    try {
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => requestRecompute(queue, id, new Date())));
      expect(outcomes).toEqual(Array(6).fill({ ok: true }));
      expect(await recomputeJobRows(app.db, id)).toHaveLength(1);
      await until(async () => (await recomputeRuns(app.db, id)) > runsBefore, Date.now() + 10_000, "the requested recompute");
      // more requests while it may be running: still one job
      await Promise.all(Array.from({ length: 3 }, () => requestRecompute(queue, id, new Date())));
      expect(await recomputeJobRows(app.db, id)).toHaveLength(1);
      await until(async () => {
        const job = await jobOf(id);
        return job && !job.lockedAt && job.nextRunAt && job.nextRunAt.getTime() > Date.now() + 10 * MINUTE;
      }, Date.now() + 10_000, "the job back on its interval after the requests");
    } finally {
      agenda.off(`start:${JOB_NAMES.recomputeSegment}`, onStart);
      agenda.off(`complete:${JOB_NAMES.recomputeSegment}`, onComplete);
    }
    expect(started).toBeGreaterThanOrEqual(1);
    expect(mostAtOnce).toBe(1);
    // a run recorded for every start, and no more
    expect(await recomputeRuns(app.db, id)).toBe(runsBefore + started);
    const recomputes = await app.db.models.SegmentRecompute.findAll({ where: { segmentId: id }, order: [["id", "ASC"]], raw: true });
    for (let i = 1; i < recomputes.length; i++) {
      expect(new Date(recomputes[i].startedAt).getTime()).toBeGreaterThanOrEqual(new Date(recomputes[i - 1].finishedAt!).getTime());
    }
    expect(await requestRecompute(queue, (await call.get("/segments/off")).body.id as number, new Date())).toEqual({ ok: false, reason: "inactive" });
    expect(await requestRecompute(queue, (await call.get("/segments/hand")).body.id as number, new Date())).toEqual({ ok: false, reason: "manual" });
    expect(await requestRecompute(queue, 987_654, new Date())).toEqual({ ok: false, reason: "missing" });
  });
});
