// The automation pages through the real app: creating one with the form (each kind of action),
// bad input named by field with nothing written and what was typed given back, changing, pausing,
// resuming and deleting it from its page, the list with its counts, and what a manager may do
// (read, never write) and see of other managers' customers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { createUser } from "../../models/users.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;

/** A message automation as the page form posts it. */
function automationForm(segmentId: number, fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: "Welcome back",
    triggerKind: "entered",
    triggerSegmentId: String(segmentId),
    delayKind: "days",
    delayAmount: "3",
    delayTime: "10:00",
    actionKind: "message",
    channels: ["email", "sms"],
    "templates.email.subject": "We missed you, {{ customer.first_name }}",
    "templates.email.htmlBody": "<p>Come back for 10% off</p>",
    "templates.email.textBody": "",
    "templates.sms.textBody": "Come back for 10% off",
    capKind: "days",
    capDays: "30",
    firingHoursMode: "own",
    firingHoursStart: "09:00",
    firingHoursEnd: "20:00",
    isActive: "on",
    ...fields,
  };
}

describe(`the automation pages on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Visitor;
  let manager: Visitor;
  let lapsed = 0;
  let winners = 0;
  let fallbackUserId = 0;

  beforeAll(async () => {
    app = await startTestApp();
    [marketer, manager] = await Promise.all([signIn(app, "marketer"), signIn(app, "manager")]);
    lapsed = await addSegment(app.db, "Lapsed big spenders", "lapsed");
    winners = await addSegment(app.db, "Won back", "won-back");
    fallbackUserId = (await createUser(app.db, { email: "lead@shop.test", name: "Lena Lead", password: "x".repeat(14), role: "manager" })).id;
  });
  afterAll(() => app?.close());

  const data = async <T,>(visitor: Visitor, path: string, route: string): Promise<T> => {
    const res = await visitor.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const create = async (fields: Record<string, string | string[]> = {}) => {
    const res = await marketer.submit("/automations/new", automationForm(lapsed, fields));
    expect(res.status, await res.clone().text()).toBe(302);
    return Number(/\/automations\/(\d+)\?saved=1$/.exec(res.headers.get("location") ?? "")![1]);
  };

  it("a marketer creates a message automation through the form: trigger, delay, chain with templates, cap and firing hours", async () => {
    const id = await create();
    const row = (await app.db.models.Automation.findByPk(id, { raw: true }))!;
    expect(row).toMatchObject({ name: "Welcome back", segmentId: lapsed, triggerKind: "entered", delayKind: "days", delayAmount: 3, actionKind: "message", channels: "email,sms", capKind: "days", capDays: 30, firingHoursStart: "09:00", firingHoursEnd: "20:00" });
    expect(Boolean(row.isActive)).toBe(true);
    const templates = await app.db.models.MessageTemplate.findAll({ where: { ownerKind: "automation", ownerId: id }, order: [["channel", "ASC"]], raw: true });
    expect(templates.map((t) => [t.channel, t.subject, t.textBody])).toEqual([
      ["email", "We missed you, {{ customer.first_name }}", null],
      ["sms", null, "Come back for 10% off"],
    ]);
    expect(await app.db.models.AuditEntry.count({ where: { action: "automation.create", targetId: String(id) } })).toBe(1);
    // the edit page gives the saved automation back as the form's values
    const edit = await data<{ automation: { values: Record<string, unknown> } }>(marketer, `/automations/${id}/edit`, "routes/automations.$id_.edit");
    expect(edit.automation.values).toMatchObject({ triggerSegmentId: String(lapsed), delayKind: "days", delayAmount: "3", channels: ["email", "sms"], capKind: "days", capDays: "30", firingHoursMode: "own" });
  });

  it("a task, a notification and a manual segment change are made through the same form", async () => {
    const task = await create({ name: "Call them", actionKind: "task", taskTitle: "Call {{ customer.first_name }}", taskDescription: "From {{ customer.city }}", taskDueInHours: "48", taskFallbackUserId: String(fallbackUserId), delayKind: "next_day_at", delayTime: "10:30", capKind: "once" });
    expect(await app.db.models.Automation.findByPk(task, { raw: true })).toMatchObject({ actionKind: "task", taskTitle: "Call {{ customer.first_name }}", taskDueHours: 48, fallbackUserId, delayKind: "next_day_at", delayTime: "10:30", capKind: "once" });
    const notify = await create({ name: "Tell Lena", actionKind: "notify", notifyUserId: String(fallbackUserId), triggerKind: "left" });
    expect(await app.db.models.Automation.findByPk(notify, { raw: true })).toMatchObject({ actionKind: "notify", notifyUserId: fallbackUserId, triggerKind: "left" });
    const add = await create({ name: "Mark as won back", actionKind: "add_to_segment", targetSegmentId: String(winners), firingHoursMode: "any" });
    expect(await app.db.models.Automation.findByPk(add, { raw: true })).toMatchObject({ actionKind: "add_to_segment", targetSegmentId: winners, firingHoursStart: null });
  });

  it("bad input gets every problem named by its field, nothing is written, and what was typed comes back", async () => {
    const cases: Array<[Record<string, string | string[]>, string[]]> = [
      [{ name: "  " }, ["name"]],
      [{ triggerSegmentId: "" }, ["trigger.segmentId"]],
      [{ triggerSegmentId: "987654" }, ["trigger.segmentId"]],
      [{ delayAmount: "soon" }, ["delay.amount"]],
      [{ delayAmount: "0" }, ["delay.amount"]],
      [{ delayKind: "next_day_at", delayTime: "25:00" }, ["delay.time"]],
      [{ "templates.sms.textBody": "" }, ["action.templates.sms.textBody"]],
      [{ "templates.email.subject": "Hi {{ customer.first_name " }, ["action.templates.email.subject"]],
      [{ actionKind: "task", taskTitle: "" }, ["action.title"]],
      [{ actionKind: "task", taskTitle: "Call", taskDueInHours: "-1" }, ["action.dueInHours"]],
      [{ actionKind: "notify", notifyUserId: "" }, ["action.userId"]],
      [{ actionKind: "add_to_segment", targetSegmentId: String(lapsed) }, ["action.segmentId"]],
      [{ capKind: "days", capDays: "x" }, ["cap.days"]],
      [{ firingHoursStart: "09:00", firingHoursEnd: "09:00" }, ["firingHours.end"]],
      [{ name: "", triggerSegmentId: "", delayAmount: "" }, ["name", "trigger.segmentId", "delay.amount"]],
    ];
    for (const [fields, named] of cases) {
      const before = await tableContents(app.db);
      const res = await marketer.submit("/automations/new?_data=routes%2Fautomations.new", automationForm(lapsed, fields), "/automations/new");
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const body = (await res.json()) as { errors: Array<{ field: string; reason: string }>; values: Record<string, unknown> };
      const fieldsNamed = body.errors.map((e) => e.field);
      for (const field of named) expect(fieldsNamed, `${JSON.stringify(fields)}: ${JSON.stringify(body.errors)}`).toContain(field);
      expect(body.errors.every((e) => e.reason.length > 0)).toBe(true);
      expect(await tableContents(app.db), JSON.stringify(fields)).toBe(before);
      // the form comes back as it was posted
      for (const [key, value] of Object.entries(fields)) if (!key.startsWith("templates.") && typeof value === "string" && key !== "taskDueInHours") expect(body.values[key], key).toBe(value);
    }
    const typed = await marketer.submit("/automations/new?_data=routes%2Fautomations.new", automationForm(lapsed, { name: "", "templates.sms.textBody": "Still here" }), "/automations/new");
    expect(((await typed.json()) as { values: { templates: { sms: { textBody: string } } } }).values.templates.sms.textBody).toBe("Still here");
  });

  it("an edit changes the automation and its templates; a bad edit changes nothing", async () => {
    const id = await create({ name: "To be changed" });
    const res = await marketer.submit(`/automations/${id}/edit`, automationForm(lapsed, { name: "Changed", channels: ["viber"], "templates.viber.textBody": "On Viber", capKind: "once" }));
    expect(res.status).toBe(302);
    expect(await app.db.models.Automation.findByPk(id, { raw: true })).toMatchObject({ name: "Changed", channels: "viber", capKind: "once" });
    const templates = await app.db.models.MessageTemplate.findAll({ where: { ownerKind: "automation", ownerId: id }, raw: true });
    expect(templates.map((t) => [t.channel, t.textBody])).toEqual([["viber", "On Viber"]]);
    const before = await tableContents(app.db);
    const bad = await marketer.submit(`/automations/${id}/edit?_data=${encodeURIComponent("routes/automations.$id_.edit")}`, automationForm(lapsed, { name: "" }), `/automations/${id}/edit`);
    expect(bad.status).toBe(400);
    expect(await tableContents(app.db)).toBe(before);
    expect((await marketer.get("/automations/999999/edit")).status).toBe(404);
  });

  it("the page pauses, resumes and deletes: waiting firings are held, released, then cancelled", async () => {
    const id = await create({ name: "Controlled" });
    const [customerId] = await addCustomers(app.db, [{ externalId: "ctl-1", firstName: "Ctl" }]);
    const now = new Date();
    await app.db.models.AutomationFiring.create({ automationId: id, segmentEventId: 900_001, customerId, eventKind: "entered", eventAt: now, status: "pending", dueAt: now, createdAt: now, updatedAt: now });
    const status = async () => (await app.db.models.AutomationFiring.findOne({ where: { automationId: id }, raw: true }))!.status;
    const route = encodeURIComponent("routes/automations.$id");
    expect((await marketer.submit(`/automations/${id}?_data=${route}`, { intent: "pause" }, `/automations/${id}`)).status).toBe(200);
    expect(Boolean((await app.db.models.Automation.findByPk(id))!.isActive)).toBe(false);
    expect(await status()).toBe("held");
    expect((await marketer.submit(`/automations/${id}?_data=${route}`, { intent: "resume" }, `/automations/${id}`)).status).toBe(200);
    expect(Boolean((await app.db.models.Automation.findByPk(id))!.isActive)).toBe(true);
    expect(await status()).toBe("pending");
    const deleted = await marketer.submit(`/automations/${id}`, { intent: "delete" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe(`/automations?deleted=${encodeURIComponent("Controlled")}`);
    expect((await app.db.models.Automation.findByPk(id))!.deletedAt).not.toBeNull();
    expect(await status()).toBe("cancelled");
    expect((await marketer.get(`/automations/${id}`)).status).toBe(404);
    const before = await tableContents(app.db);
    expect((await marketer.submit(`/automations/${id}?_data=${route}`, { intent: "explode" }, "/automations")).status).toBe(400);
    expect(await tableContents(app.db)).toBe(before);
  });

  it("the list shows each automation's trigger, action, state and fired and skipped counts, filtered by name, state and action", async () => {
    const id = await create({ name: "Зимна промоция" });
    const [a, b] = await addCustomers(app.db, [{ externalId: "cnt-1" }, { externalId: "cnt-2" }]);
    const now = new Date();
    const firing = (event: number, customerId: number, status: "done" | "skipped") =>
      app.db.models.AutomationFiring.create({ automationId: id, segmentEventId: event, customerId, eventKind: "entered", eventAt: now, status, skipReason: status === "skipped" ? "left_before_delay" : null, dueAt: now, actedAt: now, createdAt: now, updatedAt: now });
    await firing(800_001, a, "done");
    await firing(800_002, b, "done");
    await firing(800_003, a, "skipped");
    type List = { automations: Array<{ id: number; name: string; isActive: boolean; trigger: { segment: string }; counts: { done: number; skipped: number } }>; canEdit: boolean };
    const all = await data<List>(marketer, "/automations?index", "routes/automations._index");
    expect(all.canEdit).toBe(true);
    expect(all.automations.find((x) => x.id === id)).toMatchObject({ name: "Зимна промоция", isActive: true, trigger: { segment: "Lapsed big spenders" }, counts: { done: 2, skipped: 1 } });
    const found = await data<List>(marketer, `/automations?index&q=${encodeURIComponent("ЗИМНА")}`, "routes/automations._index");
    expect(found.automations.map((x) => x.id)).toEqual([id]);
    const tasks = await data<List>(marketer, "/automations?index&action=task", "routes/automations._index");
    expect(tasks.automations.map((x) => x.name)).toEqual(["Call them"]);
    await marketer.submit(`/automations/${id}`, { intent: "pause" });
    const paused = await data<List>(marketer, "/automations?index&state=paused", "routes/automations._index");
    expect(paused.automations.map((x) => x.id)).toEqual([id]);
    const page = await data<{ report: { byStatus: { done: number; skipped: number }; skipped: Array<{ reason: string; count: number }>; perDay: Array<{ acted: number; skipped: number }> } }>(marketer, `/automations/${id}`, "routes/automations.$id");
    expect(page.report.byStatus).toMatchObject({ done: 2, skipped: 1 });
    expect(page.report.skipped).toEqual([{ reason: "left_before_delay", count: 1 }]);
    expect(page.report.perDay).toEqual([{ day: now.toISOString().slice(0, 10), acted: 2, skipped: 1 }]);
  });

  it("the page shows the chain's messages as written, the task's description, and filters who it fired for by outcome", async () => {
    const id = await create({ name: "Shown whole" });
    const html = await (await marketer.get(`/automations/${id}`)).text();
    expect(html).toContain('data-testid="template-email"');
    expect(html).toContain("We missed you, {{ customer.first_name }}");
    expect(html).toContain('data-testid="template-sms"');
    expect(html.indexOf('data-testid="template-email"')).toBeLessThan(html.indexOf('data-testid="template-sms"'));
    const [a, b, c] = await addCustomers(app.db, [
      { externalId: "filter-1", firstName: "Fired" },
      { externalId: "filter-2", firstName: "Skipped" },
      { externalId: "filter-3", firstName: "Waiting" },
    ]);
    const now = new Date();
    const fire = (event: number, customerId: number, status: "done" | "skipped" | "pending") =>
      app.db.models.AutomationFiring.create({ automationId: id, segmentEventId: event, customerId, eventKind: "entered", eventAt: now, status, skipReason: status === "skipped" ? "no_consent" : null, dueAt: now, actedAt: status === "pending" ? null : now, createdAt: now, updatedAt: now });
    await fire(710_001, a, "done");
    await fire(710_002, b, "skipped");
    await fire(710_003, c, "pending");
    type Page = { firings: { status: string | null; rows: Array<{ customer: { name: string }; status: string }> } };
    const all = await data<Page>(marketer, `/automations/${id}`, "routes/automations.$id");
    expect(all.firings.rows.map((r) => r.customer.name).sort()).toEqual(["Fired", "Skipped", "Waiting"]);
    const skipped = await data<Page>(marketer, `/automations/${id}?status=skipped`, "routes/automations.$id");
    expect(skipped.firings).toMatchObject({ status: "skipped", rows: [{ customer: { name: "Skipped" }, status: "skipped" }] });
    expect(skipped.firings.rows).toHaveLength(1);
    // an outcome that does not exist shows them all rather than an error
    expect((await data<Page>(marketer, `/automations/${id}?status=exploded`, "routes/automations.$id")).firings.rows).toHaveLength(3);

    const task = await create({ name: "Call them", actionKind: "task", taskTitle: "Call {{ customer.first_name }}", taskDescription: "Ask about their city, {{ customer.city }}", taskDueInHours: "24", taskFallbackUserId: String(fallbackUserId) });
    const taskHtml = await (await marketer.get(`/automations/${task}`)).text();
    expect(taskHtml).toContain('data-testid="task-description"');
    expect(taskHtml).toContain("Ask about their city, {{ customer.city }}");
  });

  it("a manager reads the list and a page, sees other managers' customers by name only, and may change nothing", async () => {
    const id = await create({ name: "Read by managers" });
    const me = (await app.db.models.User.findOne({ where: { role: "manager", name: "Manager Person" }, order: [["id", "DESC"]] }))!.id;
    const [mine, theirs] = await addCustomers(app.db, [
      { externalId: "mine-1", firstName: "Mine", email: "mine@shop.test", managerId: me },
      { externalId: "theirs-1", firstName: "Theirs", email: "theirs@shop.test", managerId: fallbackUserId },
    ]);
    const now = new Date();
    for (const [event, customerId] of [[700_001, mine], [700_002, theirs]])
      await app.db.models.AutomationFiring.create({ automationId: id, segmentEventId: event, customerId, eventKind: "entered", eventAt: now, status: "done", dueAt: now, actedAt: now, createdAt: now, updatedAt: now });
    const list = await data<{ canEdit: boolean; automations: Array<{ id: number }> }>(manager, "/automations?index", "routes/automations._index");
    expect(list.canEdit).toBe(false);
    expect(list.automations.some((a) => a.id === id)).toBe(true);
    const page = await data<{ canEdit: boolean; firings: { rows: Array<{ customer: { id: number | null; name: string } }> } }>(manager, `/automations/${id}`, "routes/automations.$id");
    expect(page.canEdit).toBe(false);
    expect(page.firings.rows.map((r) => r.customer).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { id: mine, name: "Mine" },
      { id: null, name: "Theirs" },
    ]);
    const html = await (await manager.get(`/automations/${id}`)).text();
    expect(html).not.toContain(`/customers/${theirs}`);
    expect(html).toContain(`/customers/${mine}`);
    expect(html).not.toContain('data-testid="automation-controls"');
    expect((await manager.get("/automations/new")).status).toBe(403);
    expect((await manager.get(`/automations/${id}/edit`)).status).toBe(403);
    const before = await tableContents(app.db);
    const token = await manager.tokenFrom("/account");
    for (const [path, fields] of [
      ["/automations/new", automationForm(lapsed)],
      [`/automations/${id}/edit`, automationForm(lapsed, { name: "Hijacked" })],
      [`/automations/${id}`, { intent: "pause" }],
      [`/automations/${id}`, { intent: "delete" }],
    ] as const) {
      const body = new URLSearchParams({ csrf: token });
      for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
      expect((await manager.post(path, body)).status, path).toBe(403);
    }
    expect(await tableContents(app.db)).toBe(before);
  });

  it("editing a segment an automation uses shows, through the live preview before saving, who would enter and for how many the automation would fire", async () => {
    const key = (await app.apiKey(["customers:write"])).secret;
    const customers = Array.from({ length: 3 }, (_, i) => ({ externalId: `bg-${i}`, country: "BG" }));
    const bulk = await fetch(`${app.url}/api/v1/customers/bulk`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ customers }) });
    expect(bulk.status).toBe(200);
    const definition = { name: "Bulgarians", code: "bulgarians", type: "dynamic", isActive: true, match: "all", recomputeEveryMinutes: 60, criteria: [{ field: "tag", values: [{ value: "nobody-has-it", mode: "include" }] }] };
    const made = await marketer.submit("/segments/new", { intent: "save", definition: JSON.stringify(definition) });
    expect(made.status).toBe(302);
    const segmentId = Number(/\/segments\/(\d+)/.exec(made.headers.get("location") ?? "")![1]);
    const onEnter = await marketer.submit("/automations/new", automationForm(segmentId, { name: "Welcome, Bulgarians" }));
    expect(onEnter.status).toBe(302);
    const edited = { ...definition, criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] };
    const res = await marketer.submit("/segments/preview", { definition: JSON.stringify(edited), segmentId: String(segmentId), incomplete: "" }, `/segments/${segmentId}/edit`);
    expect(res.status).toBe(200);
    const impact = ((await res.json()) as { result: { impact: { entering: number; leaving: number; automations: Array<{ name: string; fires: number; triggerKind: string }> } } }).result.impact;
    expect(impact).toMatchObject({ entering: 3, leaving: 0, automations: [{ name: "Welcome, Bulgarians", triggerKind: "entered", fires: 3 }] });
  });
});
