import { Agenda, constant, exponential, type Job, type RetryDetails } from "agenda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import { createTestDatabase, testDialect } from "../support/db";
import { gate, waitFor } from "./support";

const PROCESS_EVERY_MS = 100;

interface Worker {
  agenda: Agenda;
  backend: SequelizeBackend;
  /** How many times this worker has looked for a job to lock: lets a test wait for polls to pass. */
  polls(): number;
  errors: Error[];
}

describe(`Agenda running jobs through the Sequelize backend on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let workers: Worker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    workers = [];
    await new SequelizeBackend({ sequelize: db.sequelize }).repository.purgeAllJobs();
  });
  afterEach(async () => {
    for (const worker of workers) await worker.agenda.stop();
    for (const worker of workers) expect(worker.errors).toEqual([]);
  });

  function startWorker(name: string, options: Partial<ConstructorParameters<typeof Agenda>[0]> = {}): Worker {
    const backend = new SequelizeBackend({ sequelize: db.sequelize });
    let polls = 0;
    const lockNext = backend.repository.getNextJobToRun.bind(backend.repository);
    backend.repository.getNextJobToRun = (...args) => {
      polls++;
      return lockNext(...args);
    };
    const agenda = new Agenda({ backend, name, processEvery: PROCESS_EVERY_MS, logging: true, ...options });
    const worker: Worker = { agenda, backend, polls: () => polls, errors: [] };
    agenda.on("error", (error) => worker.errors.push(error));
    // A name with no jobs: the worker looks for it on every poll, even while its other names are at their lock limits.
    agenda.define("poll-tick", async () => {});
    workers.push(worker);
    return worker;
  }

  /** Waits until the worker has polled `count` more times: time enough for it to have run anything it could. */
  async function pollsPass(worker: Worker, count = 3) {
    const target = worker.polls() + count;
    await waitFor(() => worker.polls() >= target, 5_000, `${count} polls`);
  }

  const jobsNamed = async (name: string) => (await workers[0].agenda.queryJobs({ name })).jobs;

  it("runs a job created with now() once and leaves it completed", async () => {
    const w = startWorker("worker-a");
    const runs: unknown[] = [];
    w.agenda.define("welcome-email", async (job: Job<{ customerId: number }>) => {
      runs.push(job.attrs.data);
    });
    await w.agenda.start();
    await w.agenda.now("welcome-email", { customerId: 12 });
    await waitFor(() => runs.length === 1, 5_000, "the run");
    await waitFor(async () => (await jobsNamed("welcome-email"))[0]?.state === "completed", 5_000, "completed state");
    await pollsPass(w);
    expect(runs).toEqual([{ customerId: 12 }]);
    const [job] = await jobsNamed("welcome-email");
    expect(job.lockedAt).toBeUndefined();
    expect(job.lastFinishedAt!.getTime()).toBeGreaterThanOrEqual(job.lastRunAt!.getTime());
    await waitFor(async () => (await w.agenda.getLogs({ jobId: String(job._id) })).total >= 4, 5_000, "the log entries");
    // written fire-and-forget, so two events of one millisecond may land in either order
    const logged = (await w.agenda.getLogs({ jobId: String(job._id) })).entries.map((e) => e.event);
    expect(logged.sort()).toEqual(["complete", "locked", "start", "success"]);
  });

  it("runs a scheduled job no earlier than its time", async () => {
    const w = startWorker("worker-a");
    const startedAt: number[] = [];
    w.agenda.define("scheduled-send", async () => {
      startedAt.push(Date.now());
    });
    await w.agenda.start();
    const when = new Date(Date.now() + 1_500);
    await w.agenda.schedule(when, "scheduled-send", { campaignId: 3 });
    expect((await jobsNamed("scheduled-send"))[0].state).toBe("scheduled");
    await waitFor(() => startedAt.length === 1, 5_000, "the scheduled run");
    expect(startedAt[0]).toBeGreaterThanOrEqual(when.getTime());
  });

  it("repeats a job with every() on its interval, keeping one row however often every() is called", async () => {
    const w = startWorker("worker-a");
    const startedAt: number[] = [];
    w.agenda.define("sample-segment-sizes", async (job) => {
      startedAt.push(job.attrs.lastRunAt!.getTime());
    });
    await w.agenda.start();
    await w.agenda.every(300, "sample-segment-sizes");
    await w.agenda.every(300, "sample-segment-sizes");
    await waitFor(() => startedAt.length >= 3, 10_000, "three runs");
    await w.agenda.every(300, "sample-segment-sizes");
    const rows = await jobsNamed("sample-segment-sizes");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: "single", repeatInterval: 300 });
    for (let i = 1; i < startedAt.length; i++) expect(startedAt[i] - startedAt[i - 1]).toBeGreaterThanOrEqual(300);
  });

  it("runs no more jobs of a name at once than its concurrency", async () => {
    const w = startWorker("worker-a");
    const hold = gate();
    let active = 0;
    let mostActive = 0;
    let done = 0;
    w.agenda.define(
      "send-batch",
      async () => {
        active++;
        mostActive = Math.max(mostActive, active);
        await hold.promise;
        active--;
        done++;
      },
      { concurrency: 2 },
    );
    await w.agenda.start();
    for (let i = 0; i < 6; i++) await w.agenda.now("send-batch", { batch: i });
    await waitFor(() => active === 2, 5_000, "two running");
    await pollsPass(w, 4);
    expect(mostActive).toBe(2);
    hold.open();
    await waitFor(() => done === 6, 10_000, "all six done");
    expect(mostActive).toBe(2);
  });

  it("locks no more jobs of a name than its lockLimit, leaving the rest to other workers", async () => {
    const a = startWorker("worker-a");
    const b = startWorker("worker-b");
    const hold = gate();
    const ranOn: Record<string, number> = { "worker-a": 0, "worker-b": 0 };
    let done = 0;
    for (const w of [a, b]) {
      w.agenda.define(
        "recompute-segment",
        async () => {
          ranOn[w.agenda.attrs.name!]++;
          await hold.promise;
          done++;
        },
        { lockLimit: 2, concurrency: 10 },
      );
    }
    await a.agenda.start();
    for (let i = 0; i < 6; i++) await a.agenda.now("recompute-segment", { segmentId: i });
    await waitFor(() => ranOn["worker-a"] === 2, 5_000, "worker a to hold two");
    await pollsPass(a, 4);
    const running = async () => (await a.agenda.queryJobs({ name: "recompute-segment", state: "running" })).total;
    expect(await running()).toBe(2);
    await b.agenda.start();
    await waitFor(() => ranOn["worker-b"] === 2, 5_000, "worker b to take two more");
    await pollsPass(b, 4);
    expect(await running()).toBe(4);
    expect(ranOn).toEqual({ "worker-a": 2, "worker-b": 2 });
    hold.open();
    await waitFor(() => done === 6, 10_000, "all six done");
  });

  it("retries a failing job with exponential backoff until it succeeds", async () => {
    const w = startWorker("worker-a");
    const startedAt: number[] = [];
    const retries: RetryDetails[] = [];
    let succeeded = false;
    w.agenda.define(
      "deliver-webhook",
      async () => {
        startedAt.push(Date.now());
        if (startedAt.length < 3) throw new Error(`provider down (${startedAt.length})`);
      },
      { backoff: exponential({ delay: 200, factor: 2, maxRetries: 3 }) },
    );
    w.agenda.on("retry:deliver-webhook", (_job: unknown, details: RetryDetails) => retries.push(details));
    w.agenda.on("success:deliver-webhook", () => (succeeded = true));
    await w.agenda.start();
    const job = await w.agenda.now("deliver-webhook", { deliveryId: 9 });
    await waitFor(() => succeeded, 10_000, "success after retries");
    expect(startedAt).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.delay])).toEqual([
      [1, 200],
      [2, 400],
    ]);
    for (let i = 0; i < 2; i++) expect(startedAt[i + 1]).toBeGreaterThanOrEqual(retries[i].nextRunAt.getTime());
    await waitFor(async () => (await jobsNamed("deliver-webhook"))[0]?.state === "completed", 5_000, "completed state");
    const [row] = await jobsNamed("deliver-webhook");
    expect(row.failCount ?? 0).toBe(0);
    await waitFor(async () => (await w.agenda.getLogs({ jobId: String(job.attrs._id), event: ["fail", "retry", "success"] })).total === 5, 5_000, "logged events");
    const events = (await w.agenda.getLogs({ jobId: String(job.attrs._id), event: ["fail", "retry", "success"], sort: "asc" })).entries.map((e) => e.event);
    expect(events.filter((e) => e === "fail")).toHaveLength(2);
    expect(events.filter((e) => e === "retry")).toHaveLength(2);
    expect(events.at(-1)).toBe("success");
  });

  it("gives up after the last retry and leaves the job failed with its reason", async () => {
    const w = startWorker("worker-a");
    let runs = 0;
    let exhausted = false;
    w.agenda.define(
      "sync-provider",
      async () => {
        runs++;
        throw new Error("credentials rejected");
      },
      { backoff: constant({ delay: 100, maxRetries: 2 }) },
    );
    w.agenda.on("retry exhausted:sync-provider", () => (exhausted = true));
    await w.agenda.start();
    await w.agenda.now("sync-provider");
    await waitFor(() => exhausted, 10_000, "retries exhausted");
    await waitFor(async () => (await jobsNamed("sync-provider"))[0]?.lockedAt === undefined, 5_000, "unlocked");
    await pollsPass(w);
    expect(runs).toBe(3);
    expect((await jobsNamed("sync-provider"))[0]).toMatchObject({ state: "failed", failCount: 3, failReason: "credentials rejected", nextRunAt: null });
  });

  it("runs a unique job once however many times it was saved before it ran", async () => {
    const w = startWorker("worker-a");
    const runs: unknown[] = [];
    w.agenda.define("recompute-segment", async (job) => {
      runs.push(job.attrs.data);
    });
    for (let i = 1; i <= 5; i++) {
      await w.agenda.create("recompute-segment", { segmentId: 4, request: i }).unique({ "data.segmentId": 4 }).schedule(new Date()).save();
    }
    expect(await jobsNamed("recompute-segment")).toHaveLength(1);
    await w.agenda.start();
    await waitFor(() => runs.length === 1, 5_000, "the run");
    await pollsPass(w);
    expect(runs).toEqual([{ segmentId: 4, request: 5 }]);
  });

  it("debounces a burst of saves into one run with the last data, after the quiet period", async () => {
    const w = startWorker("worker-a");
    const runs: Array<{ data: unknown; at: number }> = [];
    w.agenda.define("reindex-customers", async (job) => {
      runs.push({ data: job.attrs.data, at: Date.now() });
    });
    await w.agenda.start();
    let lastSaveStartedAt = 0;
    for (let i = 1; i <= 5; i++) {
      lastSaveStartedAt = Date.now();
      await w.agenda.nowDebounced("reindex-customers", { changed: i }, { name: "reindex-customers" }, 400);
    }
    await waitFor(() => runs.length === 1, 5_000, "the debounced run");
    await pollsPass(w, 5);
    expect(runs).toHaveLength(1);
    expect(runs[0].data).toEqual({ changed: 5 });
    expect(runs[0].at).toBeGreaterThanOrEqual(lastSaveStartedAt + 400);
  });

  it("removes a one-time job that succeeded when removeOnComplete is set, and keeps one that failed", async () => {
    const w = startWorker("worker-a");
    let finished = 0;
    w.agenda.define(
      "send-receipt",
      async (job: Job<{ ok: boolean }>) => {
        if (!job.attrs.data.ok) throw new Error("no address");
      },
      { removeOnComplete: true },
    );
    w.agenda.on("complete:send-receipt", () => finished++);
    await w.agenda.start();
    await w.agenda.now("send-receipt", { ok: true });
    await w.agenda.now("send-receipt", { ok: false });
    await waitFor(() => finished === 2, 5_000, "both runs");
    await waitFor(async () => (await jobsNamed("send-receipt")).length === 1, 5_000, "the removal");
    expect((await jobsNamed("send-receipt"))[0]).toMatchObject({ data: { ok: false }, state: "failed" });
  });

  it("does not run a disabled job until it is enabled", async () => {
    const w = startWorker("worker-a");
    let runs = 0;
    w.agenda.define("notify-manager", async () => {
      runs++;
    });
    await w.agenda.start();
    await w.agenda.create("notify-manager", { taskId: 1 }).schedule(new Date()).disable().save();
    await w.agenda.now("notify-manager", { taskId: 2 });
    await waitFor(() => runs === 1, 5_000, "the enabled job");
    await pollsPass(w);
    expect(runs).toBe(1);
    expect(await w.agenda.enable({ name: "notify-manager" })).toBe(1);
    await waitFor(() => runs === 2, 5_000, "the job once enabled");
  });

  it("runs a job created in a transaction only if the transaction commits", async () => {
    const w = startWorker("worker-a");
    const runs: unknown[] = [];
    w.agenda.define("start-campaign", async (job) => {
      runs.push(job.attrs.data);
    });
    await w.agenda.start();
    await expect(
      db.sequelize.transaction(async (t) => {
        await w.backend.withTransaction(t, () => w.agenda.now("start-campaign", { campaignId: 1 }));
        throw new Error("the campaign could not be saved");
      }),
    ).rejects.toThrow("could not be saved");
    await db.sequelize.transaction(async (t) => {
      await w.backend.withTransaction(t, () => w.agenda.now("start-campaign", { campaignId: 2 }));
    });
    await waitFor(() => runs.length === 1, 5_000, "the committed job");
    await pollsPass(w);
    expect(runs).toEqual([{ campaignId: 2 }]);
  });

  it("keeps a long job that touches its lock from being taken by another worker after lockLifetime", async () => {
    const a = startWorker("worker-a");
    const b = startWorker("worker-b");
    const hold = gate();
    const runsOn: string[] = [];
    let running: Job | undefined;
    for (const w of [a, b]) {
      w.agenda.define(
        "export-segment",
        async (job) => {
          runsOn.push(w.agenda.attrs.name!);
          running = job;
          await hold.promise;
        },
        { lockLifetime: 1_000 },
      );
    }
    await a.agenda.start();
    await a.agenda.now("export-segment", { segmentId: 1 });
    await waitFor(() => running, 5_000, "the job to start on worker a");
    await b.agenda.start();
    // three lock lifetimes, touching between polls of worker b
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      await running!.touch();
      await pollsPass(b, 1);
    }
    expect(runsOn).toEqual(["worker-a"]);
    hold.open();
    await waitFor(async () => (await jobsNamed("export-segment"))[0]?.state === "completed", 5_000, "completion");
    expect(runsOn).toEqual(["worker-a"]);
  });

  // Agenda 6.2.6's stop() hands the repository the jobs it had locked but not started (agenda#1778,
  // #1782: unlocking a job whose handler still runs let a second worker run the same occurrence).
  it("after stop(), the jobs a worker had locked but not started are unlocked and another worker runs them at once; the one still running is not run twice", async () => {
    const a = startWorker("worker-a");
    const b = startWorker("worker-b");
    const hold = gate();
    const runs: Array<{ worker: string; n: number }> = [];
    for (const w of [a, b]) {
      w.agenda.define(
        "export-orders",
        async (job: Job<{ n: number }>) => {
          runs.push({ worker: String(w.agenda.attrs.name), n: job.attrs.data.n });
          if (w === a) await hold.promise;
        },
        { concurrency: 1 },
      );
    }
    const first = await a.agenda.now("export-orders", { n: 1 });
    const second = await a.agenda.now("export-orders", { n: 2 });
    const lockOf = async (job: Job) => (await a.backend.repository.getJobById(String(job.attrs._id)))?.lockedAt;
    await a.agenda.start();
    await waitFor(() => runs.length === 1, 5_000, "worker a to start the first job");
    await waitFor(async () => (await lockOf(second)) !== undefined, 5_000, "worker a to lock the second job too");
    await a.agenda.stop();
    expect(await lockOf(second)).toBeUndefined();
    expect(await lockOf(first)).toBeInstanceOf(Date);

    // the default lock lifetime is ten minutes: worker b runs the second job because it was unlocked
    await b.agenda.start();
    await waitFor(() => runs.some((r) => r.worker === "worker-b"), 5_000, "worker b to run the unlocked job");
    await pollsPass(b);
    expect(runs).toEqual([
      { worker: "worker-a", n: 1 },
      { worker: "worker-b", n: 2 },
    ]);
    // the first job's handler was still running: it finishes, and its end unlocks it
    hold.open();
    await waitFor(async () => (await a.backend.repository.getJobById(String(first.attrs._id)))?.lastFinishedAt, 5_000, "the first job to finish");
    expect(await lockOf(first)).toBeUndefined();
    await pollsPass(b);
    expect(runs).toHaveLength(2);
  });

  it("leaves the caller's Sequelize open when Agenda stops", async () => {
    const w = startWorker("worker-a");
    await w.agenda.start();
    await w.agenda.stop();
    workers = workers.filter((x) => x !== w);
    expect(w.backend.ownsConnection).toBe(false);
    await expect(db.sequelize.query("SELECT 1")).resolves.toBeDefined();
  });
});
