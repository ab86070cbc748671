// The campaign, automation and task errors in the reader's language, through the real paths: the
// API answers in its caller's Accept-Language (English without one), the pages in their user's
// chosen language; the same input gets the same problems, only the words change.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { setUserLocale } from "../../models/users.server";
import { addSegment, campaignBody, campaignForm } from "./support";
import type { PreviewAnswer, TestSendAnswer } from "../../app/routes/campaigns.ui/try-out";

type Visitor = Awaited<ReturnType<typeof signIn>>;
type ApiError = { error: { code: string; message: string; fields: Array<{ field: string; reason: string }> } };

describe(`campaign, automation and task errors in the reader's language on ${testDialect}`, () => {
  let app: TestApp;
  let key = "";
  let vip = 0;

  beforeAll(async () => {
    app = await startTestApp();
    vip = await addSegment(app.db, "VIP", "vip");
    key = (await app.apiKey(["campaigns:read", "campaigns:write", "automations:read", "tasks:read"])).secret;
  });
  afterAll(() => app?.close());

  const api = (method: "get" | "post" | "patch", path: string, language?: string) => {
    const r = request(app.url)[method](`/api/v1${path}`).set("Authorization", `Bearer ${key}`);
    return language ? r.set("Accept-Language", language) : r;
  };
  /** A signed-in user of `role` whose console speaks `locale`. */
  const userIn = async (role: "marketer" | "manager", locale: string): Promise<Visitor> => {
    const visitor = await signIn(app, role);
    expect(await setUserLocale(app.db, visitor.id, locale)).toBe(true);
    return visitor;
  };

  it("the API names the same problems in Russian for Accept-Language: ru, and in English without it", async () => {
    const body = campaignBody(vip, {
      includeSegmentIds: [424242],
      schedule: { kind: "at", sendAt: "2020-06-01T08:00:00Z" },
      templates: { email: { subject: "Hi", htmlBody: "<p>x</p>" }, sms: { textBody: "Hi {{ customer.frist_name }}" } },
    });
    const ru = await api("post", "/campaigns", "ru;q=0.9, fr").send(body);
    expect(ru.status).toBe(422);
    expect((ru.body as ApiError).error).toEqual({
      code: "validation_failed",
      message: "В рассылке есть ошибки; ничего не сохранено.",
      fields: [
        { field: "templates.sms.textBody", reason: "строка 1: Текст SMS, строка 1: неизвестная переменная «customer.frist_name». Возможно, вы имели в виду customer.first_name?" },
        { field: "includeSegmentIds[0]", reason: "не является сегментом (сегмента с ID 424242 нет)" },
        { field: "schedule.sendAt", reason: "уже в прошлом: выберите более поздний момент или отправьте сейчас" },
      ],
      requestId: expect.any(String),
    });
    const en = await api("post", "/campaigns").send(body);
    expect(en.status).toBe(422);
    expect((en.body as ApiError).error).toMatchObject({
      code: "validation_failed",
      message: "The campaign has errors; nothing was saved.",
      fields: [
        { field: "templates.sms.textBody", reason: 'line 1: SMS text, line 1: unknown variable "customer.frist_name". Did you mean customer.first_name?' },
        { field: "includeSegmentIds[0]", reason: "is not a segment (no segment has id 424242)" },
        { field: "schedule.sendAt", reason: "is in the past: choose a later moment, or send now" },
      ],
    });
  });

  it("a schema's own words, a refusal with the campaign's state, and unknown ids are translated too; codes stay English", async () => {
    const shape = await api("post", "/campaigns", "uk").send(campaignBody(vip, { channels: ["email", "sms", "viber"], quietHours: { start: "21:00", end: "21:00" } }));
    expect(shape.status).toBe(422);
    expect((shape.body as ApiError).error.fields).toEqual([
      { field: "quietHours.end", reason: "має відрізнятися від початку" },
      { field: "templates.viber", reason: "обов’язкове: кожному каналу ланцюжка потрібне своє повідомлення" },
    ]);

    const created = await api("post", "/campaigns").send(campaignBody(vip));
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: number }).id;
    await app.db.models.Campaign.update({ status: "sending", startedAt: new Date() }, { where: { id } });
    const bg = await api("patch", `/campaigns/${id}`, "bg-BG,bg;q=0.9").send({ name: "Нещо друго" });
    expect(bg.status).toBe(409);
    expect((bg.body as ApiError).error).toMatchObject({
      code: "conflict",
      message: "Кампанията е в състояние „Изпраща се“: може да се променя само чернова или насрочена кампания, която още не е започнала. Дублирайте я, за да изпратите нещо подобно.",
    });
    const en = await api("patch", `/campaigns/${id}`).send({ name: "Something else" });
    expect((en.body as ApiError).error.message).toBe(
      "The campaign is sending: only a draft, or a scheduled campaign that has not started, can be changed. Duplicate it to send something like it.",
    );

    const el = await api("get", "/campaigns/999999", "el");
    expect(el.status).toBe(404);
    expect((el.body as ApiError).error).toMatchObject({ code: "not_found", message: "Δεν υπάρχει καμπάνια με αυτό το ID.", fields: [{ field: "id", reason: "δεν είναι ID καμπάνιας" }] });
    const uk = await api("get", "/automations/999999", "uk");
    expect((uk.body as ApiError).error).toMatchObject({ code: "not_found", message: "Автоматизації з таким ID немає.", fields: [{ field: "id", reason: "не є ID автоматизації" }] });
    const ru = await api("get", "/tasks/999999", "ru");
    expect((ru.body as ApiError).error).toMatchObject({ code: "not_found", message: "Задачи с таким ID нет.", fields: [{ field: "id", reason: "не является ID задачи" }] });
    const query = await api("get", "/tasks?status=later&cursor=x", "ru");
    expect(query.status).toBe(422);
    expect((query.body as ApiError).error.fields).toEqual([
      { field: "status", reason: "должно быть open или done" },
      { field: "cursor", reason: "не является курсором, который выдал этот API" },
    ]);
  });

  it("the campaign form answers a user in the language they chose, whatever the browser asks for", async () => {
    const bg = await userIn("marketer", "bg");
    const en = await userIn("marketer", "en");
    const fields = campaignForm(vip, { includeSegmentIds: ["987654"], scheduleKind: "at", sendAt: "tomorrow", "templates.sms.textBody": "Здравей, {{ customer.frist_name }}" });
    const post = async (visitor: Visitor) => {
      const res = await visitor.submit("/campaigns/new?_data=routes%2Fcampaigns.new", fields);
      expect(res.status).toBe(400);
      return ((await res.json()) as { errors: Array<{ field: string; reason: string }> }).errors;
    };
    expect(await post(bg)).toEqual([
      { field: "schedule.sendAt", reason: "трябва да е дата и час" },
      { field: "templates.sms.textBody", reason: "ред 1: Текст на SMS, ред 1: непозната променлива „customer.frist_name“. Може би имахте предвид customer.first_name?" },
      { field: "includeSegmentIds[0]", reason: "не е сегмент (няма сегмент с ID 987654)" },
    ]);
    expect(await post(en)).toEqual([
      { field: "schedule.sendAt", reason: "must be a date and time" },
      { field: "templates.sms.textBody", reason: 'line 1: SMS text, line 1: unknown variable "customer.frist_name". Did you mean customer.first_name?' },
      { field: "includeSegmentIds[0]", reason: "is not a segment (no segment has id 987654)" },
    ]);

    // a control the campaign's state refuses names the state in the page's words
    const created = await bg.submit("/campaigns/new", campaignForm(vip));
    const id = Number(/\/campaigns\/(\d+)/.exec(created.headers.get("location") ?? "")![1]);
    const pause = await bg.submit(`/campaigns/${id}?_data=${encodeURIComponent("routes/campaigns.$id")}`, { intent: "pause" });
    expect(pause.status).toBe(409);
    expect(((await pause.json()) as { control: { reason: string } }).control.reason).toBe("Кампанията е в състояние „Чернова“: не може да бъде поставена на пауза.");
  });

  it("the preview's template problems and the test send's refusals follow the user's language", async () => {
    const el = await userIn("marketer", "el");
    const preview = await el.submit("/campaigns/preview", { customerId: "", channels: ["viber"], "templates.viber.textBody": "Γεια {{ customer.frist_name }}" }, "/campaigns/new");
    expect(preview.status).toBe(200);
    const [viber] = ((await preview.json()) as PreviewAnswer).previews!;
    expect(viber.problems.map((p) => p.message)).toEqual(["Κείμενο Viber, γραμμή 1: άγνωστη μεταβλητή «customer.frist_name». Μήπως εννοείτε customer.first_name;"]);

    const uk = await userIn("marketer", "uk");
    const send = await uk.submit("/campaigns/test-send", { channel: "sms", customerId: "", to: "", "templates.sms.textBody": "Привіт" }, "/campaigns/new");
    expect(send.status).toBe(400);
    expect(((await send.json()) as TestSendAnswer).errors).toEqual([
      { field: "to", reason: "обов’язкове: номер телефону в міжнародному форматі, + і від 7 до 15 цифр, напр., +380501234567" },
    ]);
  });

  it("a task page refuses a reassignment in its manager's language", async () => {
    const ru = await userIn("manager", "ru");
    const marketer = await signIn(app, "marketer");
    const now = new Date();
    const task = await app.db.models.Task.create({ customerId: null, assigneeId: ru.id, title: "Позвонить", description: null, dueAt: null, status: "open", automationId: null, firingId: null, createdById: null, createdAt: now, updatedAt: now });
    const res = await ru.submit(`/tasks/${task.id}?_data=${encodeURIComponent("routes/tasks.$id")}`, { intent: "reassign", assigneeId: String(marketer.id) }, `/tasks/${task.id}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({
      assigneeId: `не является активным менеджером или администратором (с ID ${marketer.id} таких нет)`,
    });
  });
});
