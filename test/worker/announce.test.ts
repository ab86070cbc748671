// A formation that the web computes during the save (console or API) is announced like the worker's:
// over 10 s, the creator gets a notification and an email queued for delivery; at 10 s or less, nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceIfLong, LONG_FORMATION_MS } from "../../jobs/announce-formation";
import { JOB_NAMES } from "../../jobs/job-names";
import { countUnreadNotifications } from "../../models/notifications/notifications.server";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";

describe(`announcing a long formation on ${testDialect}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("tells the creator of a formation over 10 s, once per call, and nobody for a quick one or a skipped one", async () => {
    const user = await createUser(app.db, { email: "maker@shop.test", name: "Maker", password: "maker-password-1", role: "marketer" });
    const saved = await saveSegment(app.db, { name: "Big", code: "big", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }] }, { userId: user.id });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const id = saved.segment.id;
    const now = new Date();
    const options = { publicUrl: "http://console.test", now };
    const done = (durationMs: number) => ({ status: "done" as const, recomputeId: 1, size: 1234, entered: 1234, left: 0, durationMs });

    expect(await announceIfLong(app.services.jobs, id, done(LONG_FORMATION_MS), options)).toBe(false);
    expect(await announceIfLong(app.services.jobs, id, { status: "busy" }, options)).toBe(false);
    expect(await announceIfLong(app.services.jobs, id, undefined, options)).toBe(false);
    expect(await countUnreadNotifications(app.db, user.id)).toBe(0);
    expect(await app.db.models.OutboxMessage.count()).toBe(0);

    expect(await announceIfLong(app.services.jobs, id, done(12_345), options)).toBe(true);
    expect(await countUnreadNotifications(app.db, user.id)).toBe(1);
    const emails = await app.db.models.OutboxMessage.findAll({ raw: true });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ recipient: "maker@shop.test", userId: user.id, status: "queued" });
    expect(emails[0].textBody).toContain("http://console.test/segments/" + id);
    const { jobs } = await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.deliverEmail });
    expect(jobs.map((j) => Number((j.data as { messageId: number }).messageId))).toEqual([Number(emails[0].id)]);
  });
});
