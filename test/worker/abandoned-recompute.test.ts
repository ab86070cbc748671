// Issue 13, item 5: a worker killed in the middle of a large recompute. Its members, events, size
// sample and count are written in one transaction, so none of them shows, during the run or after
// the kill; the run's record, left unfinished, is marked failed when the segment's job runs again
// after the lock lifetime, and that run writes the whole difference. Waits poll with a deadline.
import { spawn } from "node:child_process";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { saveChangeLogPosition } from "../../jobs/change-log-position";
import { FOLLOWER } from "../../jobs/follow-customer-changes";
import { RECOMPUTE_LOCK_MS } from "../../jobs/recompute-segment";
import { requestRecompute } from "../../jobs/segment-schedule";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { ABANDONED_REASON } from "../../segments/recompute.server";
import { saveSegment } from "../../segments/store.server";
import { startWorker, type RunningWorker } from "../../server/worker";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { until } from "./support";

const CHILD = new URL("./recompute-process.ts", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;
const CUSTOMERS = 300;

describe(`a recompute whose worker dies half-way on ${testDialect}`, () => {
  let app: TestApp;
  let worker: RunningWorker | null = null;

  beforeAll(async () => {
    app = await startTestApp();
    const out = await upsertCustomers(
      app.db,
      Array.from({ length: CUSTOMERS }, (_, i) => ({ externalId: `c${i}`, country: "BG" })),
      { source: "api" },
    );
    expect(out.ok).toBe(true);
  });
  afterAll(async () => {
    await worker?.stop(5_000);
    await app?.close();
  });

  /** What a reader sees of the segment: its count, its members, its events and size samples. */
  async function visible(segmentId: number) {
    const segment = await app.db.models.Segment.findByPk(segmentId, { raw: true });
    return {
      memberCount: segment!.memberCount,
      members: await app.db.models.SegmentMember.count({ where: { segmentId } }),
      events: await app.db.models.SegmentEvent.count({ where: { segmentId } }),
      sizes: await app.db.models.SegmentSize.count({ where: { segmentId } }),
    };
  }

  it("shows nothing of the dead run, marks its record failed when the job runs again, and that run writes everything", async () => {
    // no job yet: only the doomed process recomputes it
    const saved = await saveSegment(app.db, { name: "Bulgaria", code: "bulgaria", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }] }, { userId: null });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const id = saved.segment.id;
    const nothing = { memberCount: 0, members: 0, events: 0, sizes: 0 };

    // the dead run started longer ago than the job's lock lasts
    const startedAt = new Date(Date.now() - RECOMPUTE_LOCK_MS - 60_000);
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, app.db.url, String(id), startedAt.toISOString()], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    try {
      await until(() => lines.includes("midway") || child.exitCode !== null, Date.now() + 30_000, "the recompute process half-way");
      expect(lines, stderr).toContain("midway");
      // 100 members written, not committed: a reader sees none of them, nor a count that disagrees
      expect(await visible(id)).toEqual(nothing);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    expect(await visible(id)).toEqual(nothing);
    const [dead] = await app.db.models.SegmentRecompute.findAll({ where: { segmentId: id }, raw: true });
    expect(dead).toMatchObject({ finishedAt: null, error: null });

    // the change follower has seen the customers come in: only the job moves them into the segment
    const [{ last }] = await app.db.sequelize.query<{ last: number }>("SELECT MAX(id) AS last FROM customer_changes", { type: QueryTypes.SELECT });
    await saveChangeLogPosition(app.db, FOLLOWER, Number(last), new Date());
    worker = await startWorker(app.services, { mailer: null, followPollMs: 50 });
    expect(await requestRecompute(app.services.jobs, id, new Date())).toMatchObject({ ok: true });
    await until(async () => (await visible(id)).members === CUSTOMERS, Date.now() + 30_000, "the job's run to write the members");
    expect(await visible(id)).toEqual({ memberCount: CUSTOMERS, members: CUSTOMERS, events: CUSTOMERS, sizes: 1 });
    const runs = await app.db.models.SegmentRecompute.findAll({ where: { segmentId: id }, order: [["id", "ASC"]], raw: true });
    expect(runs.map((r) => ({ id: Number(r.id), error: r.error, finished: r.finishedAt !== null, entered: r.entered }))).toEqual([
      { id: Number(dead.id), error: ABANDONED_REASON, finished: false, entered: null },
      { id: expect.any(Number), error: null, finished: true, entered: CUSTOMERS },
    ]);
  });
});
