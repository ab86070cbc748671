import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import readline from "node:readline";
import { Agenda } from "agenda";
import { DataTypes, QueryTypes } from "sequelize";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import { createTestDatabase, testDialect } from "../support/db";
import { waitFor } from "./support";

const ROOT = new URL("../..", import.meta.url).pathname;
const WORKER = new URL("./worker-process.ts", import.meta.url).pathname;

interface WorkerProcess {
  name: string;
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<number | null>;
}

describe(`worker processes sharing one queue on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let backend: SequelizeBackend;
  let children: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    backend = new SequelizeBackend({ sequelize: db.sequelize });
    await backend.connect();
    await db.sequelize.getQueryInterface().createTable("job_runs", {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      job_id: { type: DataTypes.STRING(32), allowNull: false },
      worker: { type: DataTypes.STRING(32), allowNull: false },
    });
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    children = [];
    await backend.repository.purgeAllJobs();
    await db.sequelize.query("DELETE FROM job_runs");
  });
  afterEach(async () => {
    for (const worker of children) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await Promise.all(children.map((w) => w.exited));
  });

  function spawnWorker(name: string): WorkerProcess {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, db.url, name], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString()}`));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const worker = { name, child, lines, exited };
    children.push(worker);
    return worker;
  }

  const said = (worker: WorkerProcess, line: string) => waitFor(() => worker.lines.includes(line), 60_000, `${worker.name} to say ${line}`);

  const runs = () =>
    db.sequelize.query<{ job_id: string; worker: string }>("SELECT job_id, worker FROM job_runs", { type: QueryTypes.SELECT });

  it("two workers take 2,000 jobs between them and run each exactly once", { timeout: 240_000 }, async () => {
    const client = new Agenda({ backend });
    const enqueued: string[] = [];
    // created in one transaction, as a campaign's fan-out would be: no worker sees any before all exist
    await db.sequelize.transaction(async (t) => {
      await backend.withTransaction(t, async () => {
        for (let i = 0; i < 2_000; i++) enqueued.push(String((await client.now("count-run", { recipient: i })).attrs._id));
      });
    });
    const a = spawnWorker("worker-a");
    const b = spawnWorker("worker-b");
    await Promise.all([said(a, "ready"), said(b, "ready")]);
    const started = Date.now();
    a.child.stdin.write("start\n");
    b.child.stdin.write("start\n");

    await waitFor(async () => (await runs()).length >= 2_000, 180_000, "2,000 runs");
    const completed = async () => (await backend.repository.queryJobs({ name: "count-run", state: "completed" })).total;
    // a job run twice shows below as a duplicate rather than here as a timeout
    await waitFor(async () => (await completed()) === 2_000, 30_000, "every job completed").catch(() => {});
    const seconds = (Date.now() - started) / 1000;
    for (const worker of [a, b]) worker.child.stdin.write("stop\n");
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const all = await runs();
    const perJob = new Map<string, number>();
    for (const run of all) perJob.set(run.job_id, (perJob.get(run.job_id) ?? 0) + 1);
    expect([...perJob.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect([...perJob.keys()].sort()).toEqual([...enqueued].sort());
    expect(await completed()).toBe(2_000);
    const byWorker = { a: all.filter((r) => r.worker === "worker-a").length, b: all.filter((r) => r.worker === "worker-b").length };
    expect(byWorker.a).toBeGreaterThan(0);
    expect(byWorker.b).toBeGreaterThan(0);
    console.log(`${testDialect}: 2,000 jobs in ${seconds.toFixed(1)} s by two processes (worker-a ${byWorker.a}, worker-b ${byWorker.b})`);
  });

  it("runs a job whose worker process died mid-run on another worker once its lock has expired", { timeout: 120_000 }, async () => {
    const rescuer = new Agenda({ backend, name: "rescuer", processEvery: 100 });
    const rescued: Array<{ id: string; at: number }> = [];
    rescuer.define(
      "hang-run",
      async (job) => {
        rescued.push({ id: String(job.attrs._id), at: Date.now() });
      },
      { lockLifetime: 1_000 },
    );
    const job = await rescuer.now("hang-run", { exportId: 5 });
    const doomed = spawnWorker("doomed");
    await said(doomed, "ready");
    doomed.child.stdin.write("start\n");
    await waitFor(async () => (await runs()).some((r) => r.worker === "doomed"), 60_000, "the doomed worker to start the job");
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    const orphan = await backend.repository.getJobById(String(job.attrs._id));
    expect(orphan?.lockedAt).toBeInstanceOf(Date);
    expect(orphan?.nextRunAt).toBeNull();
    await rescuer.start();
    try {
      await waitFor(() => rescued.length === 1, 30_000, "the rescuer to run the job");
      expect(rescued[0].id).toBe(String(job.attrs._id));
      expect(rescued[0].at).toBeGreaterThanOrEqual(orphan!.lockedAt!.getTime() + 1_000);
      await waitFor(async () => (await backend.repository.getJobById(String(job.attrs._id)))?.lockedAt === undefined, 5_000, "the job to be unlocked");
    } finally {
      await rescuer.stop();
    }
    expect(rescued).toHaveLength(1);
  });
});
