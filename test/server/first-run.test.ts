import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareFirstRun } from "../../server/bootstrap";
import { createServices } from "../../server/services";
import { createLogger } from "../../server/logger";
import { segmentScheduleHooks } from "../../jobs/segment-schedule";
import { JOB_NAMES } from "../../jobs/job-names";
import { listSegments } from "../../segments/store.server";
import { createTestDatabase } from "../support/db";

describe("the first start", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("makes one login per role, a demo store with example segments scheduled for their first recompute, and nothing on a second start", async () => {
    const services = createServices(db, createLogger("silent"), { dataDir: "/tmp", publicUrl: "http://127.0.0.1", sessionSecret: "x".repeat(32), secureCookies: false });
    const lines: string[] = [];
    const options = { demoCustomers: 300, demoSeed: 7, log: (line: string) => lines.push(line), segmentHooks: segmentScheduleHooks(services.jobs) };
    const logins = await prepareFirstRun(db, options);
    expect(logins.map((l) => l.role)).toEqual(["admin", "marketer", "manager"]);
    expect(await db.models.Customer.count()).toBe(300);

    const segments = await listSegments(db);
    expect(segments.length).toBe(7);
    const marketer = await db.models.User.findOne({ where: { role: "marketer", email: "marketer@demo.store" }, raw: true });
    expect(new Set(segments.map((s) => s.createdById))).toEqual(new Set([marketer!.id]));
    expect(lines.some((l) => l.includes("skipped"))).toBe(false);
    // every example is active and recomputing, so each has its repeating job, due now
    const { jobs } = await services.jobs.repository.queryJobs({ name: JOB_NAMES.recomputeSegment });
    expect(jobs.map((j) => Number((j.data as { segmentId: number }).segmentId)).sort((a, b) => a - b)).toEqual(segments.map((s) => s.id).sort((a, b) => a - b));
    expect(jobs.every((j) => Number(j.repeatInterval) === 5 * 60_000)).toBe(true);

    expect(await prepareFirstRun(db, options)).toEqual([]);
    expect((await listSegments(db)).length).toBe(7);
    expect(await db.models.User.count()).toBe(3 + 4);
  });
});
