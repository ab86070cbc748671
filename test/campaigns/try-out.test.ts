// The campaign form's preview and test send through the real app: the unsaved messages rendered for
// a picked customer, template mistakes with their line and variable, the test message through a
// real SMTP server on loopback or into the outbox, never a delivery; bad input named by field with
// nothing changed; a limit on test sends; managers refused.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { SmtpPeer } from "../support/stand-ins/smtp";
import type { PreviewAnswer, TestSendAnswer } from "../../app/routes/campaigns.ui/try-out";
import { TEST_SENDS_PER_MINUTE } from "../../campaigns/try-out";

type Visitor = Awaited<ReturnType<typeof signIn>>;

const EMAIL_DRAFT = {
  "templates.email.subject": "Spring is here, {{ customer.first_name }}",
  "templates.email.htmlBody": "<h1>Hello {{ customer.first_name }}</h1><p>New in {{ customer.city }}</p>",
  "templates.email.textBody": "",
};
const SMS_DRAFT = { "templates.sms.textBody": "Здравей, {{ customer.first_name }}! -20% днес." };

describe(`the campaign form's preview and test send on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Visitor;
  let marketerEmail = "";
  let manager: Visitor;
  let maria = 0;
  const smtp = new SmtpPeer();

  const signInAs = async (role: "marketer" | "manager" | "admin") => {
    const visitor = await signIn(app, role);
    const user = await app.db.models.User.findOne({ where: { role }, order: [["id", "DESC"]], raw: true });
    return { visitor, email: user!.email };
  };
  const preview = async (visitor: Visitor, fields: Record<string, string | string[]>) => {
    const res = await visitor.submit("/campaigns/preview", fields, "/campaigns/new");
    return { status: res.status, body: (await res.json()) as PreviewAnswer };
  };
  const testSend = async (visitor: Visitor, fields: Record<string, string | string[]>) => {
    const res = await visitor.submit("/campaigns/test-send", fields, "/campaigns/new");
    return { status: res.status, body: (await res.json()) as TestSendAnswer };
  };

  beforeAll(async () => {
    app = await startTestApp();
    await smtp.start();
    ({ visitor: marketer, email: marketerEmail } = await signInAs("marketer"));
    ({ visitor: manager } = await signInAs("manager"));
    [maria] = await addCustomers(app.db, [
      { externalId: "C-MARIA", firstName: "Мария", lastName: "Петрова", email: "maria@customer.test", phone: "+359888000111", city: "Пловдив", acceptsMarketing: true },
      { externalId: "C-OTHER", firstName: "<b>Ivo</b>", email: "ivo@customer.test", city: "Varna" },
    ]);
  });
  beforeEach(() => {
    smtp.reset();
    app.services.config.channels = {};
  });
  afterAll(async () => {
    await smtp.close();
    await app?.close();
  });

  it("the preview renders the unsaved messages with the picked customer's own values, and writes nothing", async () => {
    const before = await tableContents(app.db);
    const { status, body } = await preview(marketer, { customerId: String(maria), channels: ["email", "sms"], ...EMAIL_DRAFT, ...SMS_DRAFT });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.customerId).toBe(maria);
    const [email, sms] = body.previews!;
    expect(email.channel).toBe("email");
    expect(email.problems).toEqual([]);
    expect(email.message).toMatchObject({ subject: "Spring is here, Мария", html: "<h1>Hello Мария</h1><p>New in Пловдив</p>" });
    // the text part is made from the HTML when the draft leaves it empty
    expect(email.message!.text).toContain("HELLO МАРИЯ");
    expect(sms.message!.text).toBe("Здравей, Мария! -20% днес.");
    expect(sms.sms).toEqual({ characters: 26, encoding: "UCS-2", parts: 1 });
    expect(await tableContents(app.db)).toBe(before);
  });

  it("a customer's value is escaped in the HTML, and no customer means the sample customer", async () => {
    const ivo = (await app.db.models.Customer.findOne({ where: { externalId: "C-OTHER" }, raw: true }))!.id;
    const escaped = await preview(marketer, { customerId: String(ivo), channels: ["email"], ...EMAIL_DRAFT });
    expect(escaped.body.previews![0].message!.html).toBe("<h1>Hello &lt;b&gt;Ivo&lt;/b&gt;</h1><p>New in Varna</p>");
    const sample = await preview(marketer, { customerId: "", channels: ["viber"], "templates.viber.textBody": "Hi {{ customer.first_name }}" });
    expect(sample.status).toBe(200);
    expect(sample.body.customerId).toBeNull();
    expect(sample.body.previews![0].message!.text).toMatch(/^Hi \S+/);
  });

  it("a template mistake comes back with its line and variable; what renders still shows", async () => {
    const { status, body } = await preview(marketer, {
      customerId: String(maria),
      channels: ["sms", "messenger"],
      "templates.sms.textBody": "Hello\n{{ customer.frist_name }}",
      "templates.messenger.textBody": "Hi {{ customer.first_name }}",
    });
    expect(status).toBe(200);
    const [sms, messenger] = body.previews!;
    expect(sms.message).toBeNull();
    expect(sms.problems).toEqual([expect.objectContaining({ field: "textBody", line: 2, variable: "customer.frist_name" })]);
    expect(sms.problems[0].message).toMatch(/line 2.*customer\.frist_name/);
    expect(messenger.message!.text).toBe("Hi Мария");
  });

  it("bad preview requests name the field", async () => {
    const cases: Array<[Record<string, string | string[]>, string, number]> = [
      [{ customerId: "abc", channels: ["sms"], "templates.sms.textBody": "Hi" }, "customerId", 400],
      [{ customerId: String(maria), channels: ["fax"] }, "channels[0]", 400],
      [{ customerId: String(maria), channels: [] }, "channels", 400],
      [{ customerId: "987654321", channels: ["sms"], "templates.sms.textBody": "Hi" }, "customerId", 404],
    ];
    for (const [fields, field, code] of cases) {
      const { status, body } = await preview(marketer, fields);
      expect(status, JSON.stringify(fields)).toBe(code);
      expect(body.errors!.map((e) => e.field), JSON.stringify(body)).toContain(field);
    }
  });

  it("a test email reaches the SMTP server, to the marketer, with [Test] in the subject, and is no delivery", async () => {
    app.services.config.channels = { email: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: "Shop <news@shop.test>" } };
    const outboxBefore = await app.db.models.OutboxMessage.count();
    const { status, body } = await testSend(marketer, { channel: "email", customerId: String(maria), to: "someone-else@evil.test", ...EMAIL_DRAFT });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.sent).toMatchObject({ channel: "email", provider: "smtp", to: marketerEmail });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.envelopeTo).toEqual([marketerEmail]);
    expect(mail.parsed.subject).toBe("[Test] Spring is here, Мария");
    expect(mail.parsed.html).toContain("<h1>Hello Мария</h1>");
    // the unsubscribe link of a test message unsubscribes nobody
    expect(mail.raw).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1\/unsubscribe\/test-message>/m);
    expect(await app.db.models.CampaignDelivery.count()).toBe(0);
    expect(await app.db.models.OutboxMessage.count()).toBe(outboxBefore);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "campaign.test" }, order: [["id", "DESC"]], raw: true });
    expect(JSON.parse(audit!.detail!)).toEqual({ channel: "email", customerId: maria, provider: "smtp", sent: true });
    expect(audit!.detail).not.toContain(marketerEmail);
  });

  it("without credentials the test messages land in the outbox, marked as tests; the sample customer stands in when none is picked", async () => {
    const email = await testSend(marketer, { channel: "email", customerId: "", ...EMAIL_DRAFT });
    expect(email.status, JSON.stringify(email.body)).toBe(200);
    expect(email.body.sent).toMatchObject({ provider: "outbox", to: marketerEmail });
    const sms = await testSend(marketer, { channel: "sms", customerId: String(maria), to: " +359888123456 ", ...SMS_DRAFT });
    expect(sms.status, JSON.stringify(sms.body)).toBe(200);
    const rows = await app.db.models.OutboxMessage.findAll({ where: { purpose: "test" }, order: [["id", "ASC"]], raw: true });
    expect(rows.slice(-2).map((r) => [r.channel, r.recipient, r.subject?.startsWith("[Test] Spring is here, ") ?? null, r.deliveryId, r.customerId])).toEqual([
      ["email", marketerEmail, true, null, null],
      ["sms", "+359888123456", null, null, null],
    ]);
    expect(rows.at(-1)!.textBody).toBe("Здравей, Мария! -20% днес.");
    expect(await app.db.models.CampaignDelivery.count()).toBe(0);
    expect(smtp.mails).toHaveLength(0);
  });

  it("bad test sends name the field and change nothing", async () => {
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ channel: "sms", customerId: String(maria), to: "0888 123", ...SMS_DRAFT }, "to"],
      [{ channel: "sms", customerId: String(maria), to: "", ...SMS_DRAFT }, "to"],
      [{ channel: "viber", customerId: "", to: "bad id!", "templates.viber.textBody": "Hi" }, "to"],
      [{ channel: "messenger", customerId: "", to: "12ab", "templates.messenger.textBody": "Hi" }, "to"],
      [{ channel: "fax", customerId: "", to: "+359888123456" }, "channel"],
      [{ channel: "sms", customerId: "x1", to: "+359888123456", ...SMS_DRAFT }, "customerId"],
      [{ channel: "sms", customerId: "", to: "+359888123456", "templates.sms.textBody": "Hi {{ customer.nope }}" }, "templates.sms.textBody"],
      [{ channel: "email", customerId: "", ...EMAIL_DRAFT, "templates.email.subject": "" }, "templates.email.subject"],
    ];
    for (const [fields, field] of cases) {
      const before = await tableContents(app.db);
      const { status, body } = await testSend(marketer, fields);
      expect(status, JSON.stringify(fields)).toBe(400);
      expect(body.errors!.map((e) => e.field), JSON.stringify(body)).toContain(field);
      expect(body.errors!.every((e) => e.reason.length > 0)).toBe(true);
      expect(await tableContents(app.db), JSON.stringify(fields)).toBe(before);
    }
    const phone = await testSend(marketer, { channel: "sms", customerId: "", to: "0888", ...SMS_DRAFT });
    expect(phone.body.errors).toEqual([{ field: "to", reason: expect.stringMatching(/phone number in international form/) }]);
  });

  it(`a marketer gets ${TEST_SENDS_PER_MINUTE} test sends a minute; the next is refused with the wait, and nothing is sent`, async () => {
    const { visitor } = await signInAs("marketer");
    for (let i = 0; i < TEST_SENDS_PER_MINUTE; i++) {
      const { status } = await testSend(visitor, { channel: "sms", customerId: "", to: "+359888123456", ...SMS_DRAFT });
      expect(status).toBe(200);
    }
    const before = await tableContents(app.db);
    const refused = await testSend(visitor, { channel: "sms", customerId: "", to: "+359888123456", ...SMS_DRAFT });
    expect(refused.status).toBe(429);
    expect(refused.body.retryAfterS).toBeGreaterThan(0);
    expect(refused.body.errors![0].reason).toMatch(/test messages a minute/);
    expect(await tableContents(app.db)).toBe(before);
    // another marketer's allowance is their own
    expect((await testSend(marketer, { channel: "sms", customerId: "", to: "+359888123456", ...SMS_DRAFT })).status).toBe(200);
  });

  it("a manager gets 403 from the preview, the test send and the campaign form, and nothing is sent", async () => {
    const before = await tableContents(app.db);
    const token = await manager.tokenFrom("/account");
    for (const path of ["/campaigns/preview", "/campaigns/test-send", "/campaigns/new"]) {
      const body = new URLSearchParams({ csrf: token, channel: "sms", channels: "sms", customerId: String(maria), to: "+359888123456", "templates.sms.textBody": "Hi" });
      const res = await manager.post(path, body);
      expect(res.status, path).toBe(403);
      await res.text();
    }
    expect((await manager.get("/campaigns/new")).status).toBe(403);
    expect(await tableContents(app.db)).toBe(before);
  });

  it("a form without the session's token is refused", async () => {
    const res = await marketer.post("/campaigns/test-send", new URLSearchParams({ csrf: "forged", channel: "sms", to: "+359888123456", "templates.sms.textBody": "Hi" }));
    expect(res.status).toBe(403);
    await res.text();
  });
});
