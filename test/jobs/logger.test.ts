import type { JobLogEntry } from "agenda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import type { SequelizeJobLogger } from "../../jobs/job-logger";
import { createTestDatabase, testDialect } from "../support/db";

const T0 = new Date("2030-03-01T10:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe(`the job logger on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let logger: SequelizeJobLogger;

  beforeAll(async () => {
    db = await createTestDatabase();
    logger = new SequelizeBackend({ sequelize: db.sequelize }).logger;
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await logger.clearLogs();
  });

  const entry = (overrides: Partial<JobLogEntry>): Omit<JobLogEntry, "_id"> => ({
    timestamp: T0,
    level: "info",
    event: "start",
    jobId: "1",
    jobName: "send-campaign",
    message: "job started",
    ...overrides,
  });

  it("stores every field of an entry and reads it back", async () => {
    const full = entry({
      level: "info",
      event: "retry",
      message: "retry #2 scheduled in 4000ms",
      duration: 1234,
      error: "SMTP 421: try again later",
      failCount: 2,
      retryDelay: 4000,
      retryAttempt: 2,
      agendaName: "worker-1",
      meta: { campaignId: 7, note: "Кампания" },
    });
    await logger.log(full);
    const { entries, total } = await logger.getLogs();
    expect(total).toBe(1);
    expect(entries[0]).toEqual({ ...full, _id: entries[0]._id });
  });

  it("filters by job, name, level, event and time, newest first unless asked, with paging", async () => {
    await logger.log(entry({ timestamp: at(0), jobId: "1", event: "start" }));
    await logger.log(entry({ timestamp: at(1), jobId: "1", event: "fail", level: "error", error: "boom" }));
    await logger.log(entry({ timestamp: at(2), jobId: "1", event: "retry", level: "info" }));
    await logger.log(entry({ timestamp: at(3), jobId: "2", jobName: "recompute-segment", event: "locked", level: "debug" }));
    await logger.log(entry({ timestamp: at(4), jobId: "1", event: "success" }));
    const events = async (query: Parameters<SequelizeJobLogger["getLogs"]>[0]) => (await logger.getLogs(query)).entries.map((e) => e.event);
    expect(await events({})).toEqual(["success", "locked", "retry", "fail", "start"]);
    expect(await events({ sort: "asc", jobId: "1" })).toEqual(["start", "fail", "retry", "success"]);
    expect(await events({ jobName: "recompute-segment" })).toEqual(["locked"]);
    expect(await events({ level: "error" })).toEqual(["fail"]);
    expect(await events({ level: ["error", "debug"] })).toEqual(["locked", "fail"]);
    expect(await events({ event: ["start", "success"] })).toEqual(["success", "start"]);
    expect(await events({ from: at(1), to: at(3) })).toEqual(["locked", "retry", "fail"]);
    const page = await logger.getLogs({ limit: 2, offset: 1 });
    expect({ total: page.total, events: page.entries.map((e) => e.event) }).toEqual({ total: 5, events: ["locked", "retry"] });
  });

  it("returns 50 entries unless told otherwise", async () => {
    for (let i = 0; i < 55; i++) await logger.log(entry({ timestamp: at(i) }));
    const { entries, total } = await logger.getLogs();
    expect(total).toBe(55);
    expect(entries).toHaveLength(50);
  });

  it("clears the entries a query selects, or all of them", async () => {
    await logger.log(entry({ jobId: "1" }));
    await logger.log(entry({ jobId: "2" }));
    await logger.log(entry({ jobId: "2", event: "success" }));
    expect(await logger.clearLogs({ jobId: "2", event: "start" })).toBe(1);
    expect((await logger.getLogs()).total).toBe(2);
    expect(await logger.clearLogs()).toBe(2);
    expect((await logger.getLogs()).total).toBe(0);
  });
});
