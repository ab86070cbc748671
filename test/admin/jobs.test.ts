import type { Job } from "agenda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JobQueue, jobOf } from "../../jobs/job-queue";
import { JOB_NAMES } from "../../jobs/job-names";
import { jobCountsByName, jobNames, listJobs, recomputeScheduleOf, retryJob, setJobDisabled } from "../../app/domain/jobs.server";
import { listAuditEntries } from "../../models/audit.server";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { createTestDatabase, testDialect } from "../support/db";
import { waitFor } from "../jobs/support";

const MINUTE = 60_000;

describe(`the admin's jobs page on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let actor: { userId: number; ip: string };
  const started: JobQueue[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = await createUser(db, { email: "ada@shop.test", name: "Ada", password: "ada-password-1", role: "admin" });
    actor = { userId: admin.id, ip: "127.0.0.1" };
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    queue = new JobQueue(db, { name: "jobs-page-test", processEveryMs: 100 });
    await queue.repository.purgeAllJobs();
  });
  afterEach(async () => {
    for (const q of started.splice(0)) await q.agenda.stop();
  });

  /** One job in each state, as Agenda leaves them, for one name. */
  async function seedEveryState(now: Date) {
    const past = new Date(now.getTime() - MINUTE);
    const later = new Date(now.getTime() + MINUTE);
    const ids: Record<string, string> = {};
    const save = async (key: string, extra: object) => {
      const job = await queue.save({ ...jobOf("send-report", { report: key }, past), ...extra });
      ids[key] = String(job._id);
    };
    await save("queued", {});
    await save("scheduled", { nextRunAt: later });
    await save("repeating", { nextRunAt: later, repeatInterval: 5 * MINUTE });
    await save("failed", { nextRunAt: null, lastRunAt: past, lastFinishedAt: past, failedAt: past, failCount: 2, failReason: "the report server answered 502" });
    await save("completed", { nextRunAt: null, lastRunAt: past, lastFinishedAt: past });
    await save("running", { lockedAt: past, lastRunAt: past });
    await save("disabled", { nextRunAt: later, disabled: true });
    await queue.save(jobOf("other-job", {}, later));
    return ids;
  }

  it("counts jobs per name and state, and lists them filtered by name and state, a page at a time", async () => {
    const now = new Date();
    const ids = await seedEveryState(now);
    const counts = await jobCountsByName(queue);
    expect(counts).toEqual([
      { name: "other-job", total: 1, counts: { queued: 0, running: 0, scheduled: 1, repeating: 0, failed: 0, completed: 0, disabled: 0 } },
      // the disabled job is scheduled and also counted as disabled
      { name: "send-report", total: 7, counts: { queued: 1, running: 1, scheduled: 2, repeating: 1, failed: 1, completed: 1, disabled: 1 } },
    ]);
    for (const state of ["queued", "running", "repeating", "failed", "completed", "disabled"] as const) {
      const page = await listJobs(queue, { name: "send-report", state, page: 1, pageSize: 10 });
      expect({ state, ids: page.jobs.map((j) => j.id) }).toEqual({ state, ids: [ids[state]] });
    }
    const failed = (await listJobs(queue, { state: "failed", page: 1, pageSize: 10 })).jobs[0];
    expect(failed).toMatchObject({ name: "send-report", state: "failed", failCount: 2, failReason: "the report server answered 502", isDisabled: false, data: '{"report":"failed"}' });
    expect(failed.lastFinishedAt).toBeInstanceOf(Date);

    const pages = [1, 2, 3].map((page) => listJobs(queue, { page, pageSize: 3 }));
    const [p1, p2, p3] = await Promise.all(pages);
    expect([p1.total, p1.pageCount, p1.jobs.length, p2.jobs.length, p3.jobs.length]).toEqual([8, 3, 3, 3, 2]);
    const all = [...p1.jobs, ...p2.jobs, ...p3.jobs].map((j) => j.id);
    expect(new Set(all).size).toBe(8);
    // grouped by name
    expect([...p1.jobs, ...p2.jobs, ...p3.jobs].map((j) => j.name)[0]).toBe("other-job");
    expect(await jobNames(queue)).toEqual([...new Set([...Object.values(JOB_NAMES), "other-job", "send-report"])].sort());
  });

  it("retries a job that really failed: the worker runs it again and it completes, and the audit log says who", async () => {
    const worker = new JobQueue(db, { name: "worker-a", processEveryMs: 100 });
    started.push(worker);
    let runs = 0;
    worker.agenda.define("print-labels", async (_job: Job) => {
      runs++;
      if (runs === 1) throw new Error("the label printer is offline");
    });
    await worker.agenda.start();
    await worker.agenda.now("print-labels", { batch: 7 });
    const failed = await waitFor(async () => (await listJobs(queue, { name: "print-labels", state: "failed", page: 1, pageSize: 10 })).jobs[0], 10_000, "the failure");
    expect(failed).toMatchObject({ failCount: 1, failReason: "the label printer is offline" });
    expect(await retryJob(queue, failed.id, actor, new Date())).toEqual({ ok: true, name: "print-labels" });
    await waitFor(async () => (await listJobs(queue, { name: "print-labels", state: "completed", page: 1, pageSize: 10 })).jobs[0], 10_000, "the retried run to complete");
    expect(runs).toBe(2);
    const audit = await listAuditEntries(db, { action: "job.retry" });
    expect(audit.entries[0]).toMatchObject({ userId: actor.userId, ip: "127.0.0.1", targetType: "job", targetId: failed.id, detail: { name: "print-labels", failCount: 1, failReason: "the label printer is offline" } });
  });

  it("refuses to retry a job that is missing, not failed, running or disabled, and changes nothing", async () => {
    const now = new Date();
    const ids = await seedEveryState(now);
    const before = await listJobs(queue, { page: 1, pageSize: 50 });
    const auditBefore = (await listAuditEntries(db, { limit: 200 })).entries.length;
    expect(await retryJob(queue, "999999", actor, now)).toEqual({ ok: false, reason: "not_found" });
    expect(await retryJob(queue, "not-an-id", actor, now)).toEqual({ ok: false, reason: "not_found" });
    expect(await retryJob(queue, ids.scheduled, actor, now)).toEqual({ ok: false, reason: "not_failed" });
    expect(await retryJob(queue, ids.running, actor, now)).toEqual({ ok: false, reason: "running" });
    await setJobDisabled(queue, ids.failed, true, actor, now);
    expect(await retryJob(queue, ids.failed, actor, now)).toEqual({ ok: false, reason: "disabled" });
    const after = await listJobs(queue, { page: 1, pageSize: 50 });
    expect(after.jobs.map((j) => ({ ...j, isDisabled: j.id === ids.failed ? false : j.isDisabled }))).toEqual(before.jobs);
    // only the disable wrote to the log
    expect((await listAuditEntries(db, { limit: 200 })).entries.length).toBe(auditBefore + 1);
  });

  it("a disabled job is not run while others of its name are; enabled again, it runs; each change is audited once", async () => {
    const now = new Date();
    const runs: string[] = [];
    const first = await queue.save(jobOf("sync-stock", { warehouse: "first" }, new Date(now.getTime() - 2_000)));
    const id = String(first._id);
    expect(await setJobDisabled(queue, id, true, actor, now)).toEqual({ ok: true, name: "sync-stock" });
    expect(await setJobDisabled(queue, id, true, actor, now)).toEqual({ ok: false, reason: "unchanged" });
    expect(await setJobDisabled(queue, "424242", true, actor, now)).toEqual({ ok: false, reason: "not_found" });
    expect((await listJobs(queue, { state: "disabled", page: 1, pageSize: 10 })).jobs.map((j) => j.id)).toEqual([id]);

    const worker = new JobQueue(db, { name: "worker-b", processEveryMs: 100 });
    started.push(worker);
    worker.agenda.define("sync-stock", async (job: Job<{ warehouse: string }>) => {
      runs.push(job.attrs.data.warehouse);
    }, { concurrency: 1 });
    await worker.agenda.start();
    // due after the disabled one: had the first been enabled, it would have run before this
    await queue.save(jobOf("sync-stock", { warehouse: "second" }, new Date(now.getTime() - 1_000)));
    await waitFor(() => runs.includes("second"), 10_000, "the enabled job to run");
    expect(runs).toEqual(["second"]);

    expect(await setJobDisabled(queue, id, false, actor, new Date())).toEqual({ ok: true, name: "sync-stock" });
    await waitFor(() => runs.includes("first"), 10_000, "the re-enabled job to run");
    expect(runs).toEqual(["second", "first"]);
    const audit = (await listAuditEntries(db, { limit: 200 })).entries.filter((e) => e.targetId === id);
    expect(audit.map((e) => e.action)).toEqual(["job.enable", "job.disable"]);
  });

  it("names what the console's jobs act on, says when a one-off job has finished, and offers no Disable for a job with nothing to come", async () => {
    const now = new Date();
    const past = new Date(now.getTime() - MINUTE);
    const saved = await saveSegment(db, { name: "VIP", code: "vip-jobs", type: "snapshot", criteria: [{ field: "tag", values: [{ value: "vip" }] }] }, actor);
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    const upload = await db.models.Import.create({ userId: actor.userId, fileName: "customers-may.csv", filePath: "/tmp/customers-may.csv", status: "done", encoding: null, delimiter: null, header: null, mapping: null, totalRows: 2, errorReportPath: null } as never);
    const finished = { nextRunAt: null, lastRunAt: past, lastFinishedAt: past };
    const ids: Record<string, string> = {};
    const save = async (key: string, name: string, data: object, extra: object) => {
      ids[key] = String((await queue.save({ ...jobOf(name, data, past), ...extra }))._id);
    };
    await save("import", JOB_NAMES.runImport, { importId: upload.id, mode: "import" }, finished);
    await save("check", JOB_NAMES.runImport, { importId: 987654, mode: "check" }, { ...finished, failedAt: past, failCount: 1, failReason: "the file is gone" });
    await save("recompute", JOB_NAMES.recomputeSegment, { segmentId: saved.segment.id, formation: null }, { ...finished, unique: { "data.segmentId": saved.segment.id } });
    await save("email", JOB_NAMES.deliverEmail, { messageId: 12 }, { nextRunAt: new Date(now.getTime() + MINUTE) });
    await save("other", "send-report", { report: "weekly" }, finished);

    const byId = new Map((await listJobs(queue, { page: 1, pageSize: 50, now })).jobs.map((j) => [j.id, j]));
    const view = (key: string) => {
      const job = byId.get(ids[key])!;
      return { subject: job.subject, outcome: job.outcome, canDisable: job.canDisable };
    };
    expect(view("import")).toEqual({ subject: { kind: "import", id: upload.id, mode: "import", fileName: "customers-may.csv" }, outcome: "finished", canDisable: false });
    expect(view("check")).toEqual({ subject: { kind: "import", id: 987654, mode: "check", fileName: null }, outcome: "failed", canDisable: false });
    expect(view("recompute")).toEqual({ subject: { kind: "segment", id: saved.segment.id, name: "VIP" }, outcome: "finished", canDisable: false });
    expect(view("email")).toEqual({ subject: { kind: "email", id: 12 }, outcome: null, canDisable: true });
    // a job the console does not know keeps its data on show
    expect(view("other")).toEqual({ subject: null, outcome: "finished", canDisable: false });
    expect(byId.get(ids.other)!.data).toBe('{"report":"weekly"}');
  });

  it("never gives a running or due job's next run as a moment already past", async () => {
    const now = new Date();
    const ids = await seedEveryState(now);
    const later = new Date(now.getTime() + MINUTE);
    const past = new Date(now.getTime() - MINUTE);
    const runningRepeat = await queue.save({ ...jobOf("send-report", { report: "running-repeat" }, later), repeatInterval: 5 * MINUTE, lockedAt: past, lastRunAt: past });
    const disabledDue = await queue.save({ ...jobOf("send-report", { report: "disabled-due" }, past), disabled: true });
    const byId = new Map((await listJobs(queue, { page: 1, pageSize: 50, now })).jobs.map((j) => [j.id, j.nextRun]));
    expect(byId.get(ids.running)).toEqual({ kind: "runningNow", then: null });
    expect(byId.get(String(runningRepeat._id))).toEqual({ kind: "runningNow", then: later });
    expect(byId.get(ids.queued)).toEqual({ kind: "dueNow" });
    expect(byId.get(String(disabledDue._id))).toEqual({ kind: "whenEnabled" });
    expect(byId.get(ids.scheduled)).toEqual({ kind: "at", at: new Date(now.getTime() + MINUTE) });
    expect(byId.get(ids.completed)).toEqual({ kind: "none" });
    for (const nextRun of byId.values()) if (nextRun.kind === "at") expect(nextRun.at.getTime()).toBeGreaterThan(now.getTime());
  });

  it("tells the segment page when a segment's next recompute is, from its job", async () => {
    const next = new Date(Date.now() + 5 * MINUTE);
    await queue.save(jobOf(JOB_NAMES.recomputeSegment, { segmentId: 41, formation: null }, next, { repeatInterval: 5 * MINUTE, unique: { "data.segmentId": 41 } }));
    const schedule = await recomputeScheduleOf(queue, 41);
    expect(schedule).toEqual({ state: "repeating", isDisabled: false, nextRunAt: next, runningSince: null, failReason: null });
    expect(await recomputeScheduleOf(queue, 42)).toBeNull();
  });
});
