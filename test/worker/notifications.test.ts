// Issue 5, item 6: when a segment's formation takes long (here: longer than 0 ms), the worker tells
// its creator in the app and by email, through the outbox, to a real SMTP server on loopback. With
// no mailer the email stays in the outbox, not lost and not sent twice.
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_NAMES } from "../../jobs/job-names";
import { requestRecompute, segmentScheduleHooks } from "../../jobs/segment-schedule";
import { deliverOutboxMessage } from "../../models/notifications/deliver-email.server";
import { createMailer, type Mailer } from "../../models/notifications/mailer.server";
import { countUnreadNotifications, listNotifications } from "../../models/notifications/notifications.server";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { api, recomputeRuns, until } from "./support";

interface Received {
  envelopeTo: string[];
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on a free loopback port that keeps what it receives. */
async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? "");
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), to, subject: mail.subject ?? "", text: mail.text ?? "" });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const bulgaria = (code: string) => ({ name: `Bulgaria ${code}`, code, type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG" }] }] });

/** Through the API, so the change log (and so every fact index) has them. */
async function addCustomers(app: TestApp) {
  const call = api(app, (await app.apiKey(["customers:write"])).secret);
  const customers = ["BG", "BG", "BG", "DE"].map((country, i) => ({ externalId: `c${i}`, country, firstName: `C${i}` }));
  const res = await call.post("/customers/bulk", { customers });
  expect(res.status, res.text).toBe(200);
}

/** Saves a segment as its creator would, with the schedule's hooks only: the worker's job forms it. */
async function createByUser(app: TestApp, userId: number, code: string): Promise<number> {
  const saved = await saveSegment(app.db, bulgaria(code), { userId }, undefined, segmentScheduleHooks(app.services.jobs));
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return saved.segment.id;
}

describe(`segment formed: notification and email on ${testDialect}`, () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let mailer: Mailer;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    mailer = createMailer({ smtpUrl: smtp.url, from: "Segment console <console@shop.test>", ratePerSecond: 100 })!;
    app = await startTestApp({ worker: { mailer, longFormationMs: 0 } });
    await addCustomers(app);
  });
  afterAll(async () => {
    // the worker closes the mailer as it stops
    await app?.close();
    await smtp?.close();
  });

  it("tells the creator in the app (one unread) and by an email that reaches the SMTP server, with the segment's link", async () => {
    const marta = await createUser(app.db, { email: "Marta@Shop.test", name: "Marta", password: "pw-123456", role: "marketer" });
    const id = await createByUser(app, marta.id, "bg");

    await until(() => smtp.received.length > 0, Date.now() + 15_000, "the email at the SMTP server");
    expect(await countUnreadNotifications(app.db, marta.id)).toBe(1);
    const { notifications } = await listNotifications(app.db, marta.id, { limit: 10 });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ kind: "segment.formed", link: `/segments/${id}`, params: { segmentId: id, name: "Bulgaria bg", size: 3 }, readAt: null });

    const [mail] = smtp.received;
    expect(mail.envelopeTo).toEqual(["marta@shop.test"]);
    expect(mail.subject).toBe("Segment “Bulgaria bg” is ready: 3 members");
    expect(mail.text).toContain(`Open it: http://127.0.0.1/segments/${id}`);
    await until(async () => (await app.db.models.OutboxMessage.findOne({ where: { userId: marta.id }, raw: true }))?.status === "sent", Date.now() + 5_000, "the outbox row marked sent");
    const outbox = await app.db.models.OutboxMessage.findAll({ raw: true });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ recipient: "marta@shop.test", status: "sent", attempts: 1, purpose: "notification" });
    expect(outbox[0].providerMessageId).toBeTruthy();
  });

  it("a later recompute of the same rule is no formation: no second notification, no second email", async () => {
    const marta = (await app.db.models.User.findOne({ where: { email: "marta@shop.test" }, raw: true }))!;
    const id = (await app.db.models.Segment.findOne({ where: { code: "bg" }, raw: true }))!.id;
    const runs = await recomputeRuns(app.db, id);
    await until(async () => !(await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.recomputeSegment, data: { segmentId: id } })).jobs[0]?.lockedAt, Date.now() + 5_000, "the job idle");
    expect(await requestRecompute(app.services.jobs, id, new Date())).toEqual({ ok: true });
    await until(async () => (await recomputeRuns(app.db, id)) > runs, Date.now() + 10_000, "the requested recompute");
    // the delivery job of a second email would be enqueued in the recompute's own transaction
    expect((await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.deliverEmail })).total).toBe(0);
    expect(await app.db.models.Notification.count({ where: { userId: marta.id } })).toBe(1);
    expect(await app.db.models.OutboxMessage.count()).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it("a changed rule forms the segment again, and its creator is told again", async () => {
    const marta = (await app.db.models.User.findOne({ where: { email: "marta@shop.test" }, raw: true }))!;
    const id = (await app.db.models.Segment.findOne({ where: { code: "bg" }, raw: true }))!.id;
    const germany = { ...bulgaria("bg"), criteria: [{ field: "country", values: [{ value: "DE" }] }] };
    const saved = await saveSegment(app.db, germany, { userId: marta.id }, id, segmentScheduleHooks(app.services.jobs));
    expect(saved).toMatchObject({ ok: true, definitionChanged: true });
    await until(() => smtp.received.length === 2, Date.now() + 15_000, "the second email");
    expect(smtp.received[1]).toMatchObject({ envelopeTo: ["marta@shop.test"], subject: "Segment “Bulgaria bg” is ready: 1 member" });
    expect(smtp.received[1].text).toContain("It has 1 member.");
    expect(await countUnreadNotifications(app.db, marta.id)).toBe(2);
    const { notifications } = await listNotifications(app.db, marta.id, { limit: 10 });
    expect(notifications[0]).toMatchObject({ kind: "segment.formed", params: { segmentId: id, size: 1 } });
  });

  it("a creator who turned email off gets the notification only", async () => {
    const petar = await createUser(app.db, { email: "petar@shop.test", name: "Petar", password: "pw-123456", role: "marketer" });
    await app.db.models.User.update({ notifyByEmail: false }, { where: { id: petar.id } });
    const id = await createByUser(app, petar.id, "bg-quiet");
    await until(async () => (await countUnreadNotifications(app.db, petar.id)) === 1, Date.now() + 15_000, "Petar's notification");
    expect((await app.db.models.Segment.findByPk(id, { raw: true }))?.memberCount).toBe(3);
    expect(await app.db.models.OutboxMessage.count({ where: { userId: petar.id } })).toBe(0);
    expect(smtp.received).toHaveLength(2);
  });
});

describe(`segment formed with no mailer on ${testDialect}`, () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startTestApp({ worker: { mailer: null, longFormationMs: 0 } });
    await addCustomers(app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it("keeps the email in the outbox as stored, readable, and never sends it later", async () => {
    const marta = await createUser(app.db, { email: "marta@shop.test", name: "Marta", password: "pw-123456", role: "marketer" });
    await createByUser(app, marta.id, "bg");
    const stored = await until(async () => {
      const row = await app.db.models.OutboxMessage.findOne({ where: { userId: marta.id }, raw: true });
      return row?.status === "stored" ? row : null;
    }, Date.now() + 15_000, "the email stored in the outbox");
    expect(stored.value).toMatchObject({ recipient: "marta@shop.test", subject: "Segment “Bulgaria bg” is ready: 3 members", attempts: 0, sentAt: null });
    expect(stored.value.textBody).toContain("Open it: http://127.0.0.1/segments/");
    expect(await countUnreadNotifications(app.db, marta.id)).toBe(1);
    // its delivery job is done and gone: nothing will pick it up again
    await until(async () => (await app.services.jobs.repository.queryJobs({ name: JOB_NAMES.deliverEmail })).total === 0, Date.now() + 5_000, "the delivery job removed");

    // a delivery attempted again (a retried job, a second worker) with a mailer leaves it alone
    const mailer = createMailer({ smtpUrl: smtp.url, from: "Segment console <console@shop.test>", ratePerSecond: 100 })!;
    try {
      expect(await deliverOutboxMessage(app.db, mailer, stored.value.id, () => new Date())).toBe("skipped");
    } finally {
      mailer.close();
    }
    expect(smtp.received).toEqual([]);
    expect(await app.db.models.OutboxMessage.findByPk(stored.value.id, { raw: true })).toMatchObject({ status: "stored", attempts: 0 });
    expect(await app.db.models.OutboxMessage.count()).toBe(1);
  });
});
