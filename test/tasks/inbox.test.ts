// The task inbox, the task page, the dashboard's task figures and the tasks API through the real
// app: tasks made by an automation (manual segment → follower → runner), a manager sees and works
// only their own (another manager's task is a 404 on the page and in the API, with nothing of its
// customer), admins see all, marketers read; bad input names the field and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { createAutomation } from "../../automations/automations.server";
import { followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { runDueFirings } from "../../automations/run.server";
import { addMembers } from "../../segments/manual.server";
import { inboxPage, readInboxCursor } from "../../automations/task-inbox.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;
const HOUR = 3_600_000;

describe(`the task inbox, page and API on ${testDialect}`, () => {
  let app: TestApp;
  let mila: Visitor;
  let oleg: Visitor;
  let admin: Visitor;
  let marketer: Visitor;
  let milasCustomer = 0;
  let olegsCustomer = 0;
  let madeTask = 0;
  let olegsTask = 0;
  let reader = "";
  let writer = "";
  const follower = newFollowerState();

  const addTask = async (assigneeId: number, customerId: number | null, dueAt: Date | null, title: string) =>
    Number((await app.db.models.Task.create({ customerId, assigneeId, title, description: null, dueAt, status: "open", automationId: null, firingId: null, createdById: null, createdAt: new Date(), updatedAt: new Date() })).id);

  beforeAll(async () => {
    app = await startTestApp();
    [mila, oleg, admin, marketer] = await Promise.all([signIn(app, "manager"), signIn(app, "manager"), signIn(app, "admin"), signIn(app, "marketer")]);
    [milasCustomer, olegsCustomer] = await addCustomers(app.db, [
      { externalId: "T-1", firstName: "Vesela", lastName: "Ivanova", email: "vesela@shop.test", managerId: mila.id },
      { externalId: "T-2", firstName: "Georgi", lastName: "Petrov", email: "georgi@shop.test", managerId: oleg.id },
    ]);
    // a task automation on a manual segment, fired the way the worker fires it
    const segment = await addSegment(app.db, "Called back", "called-back");
    const now = new Date();
    const made = await createAutomation(
      app.db,
      { name: "Call new regulars", trigger: { segmentId: segment, kind: "entered" }, action: { kind: "task", title: "Call to welcome", description: "Say hello to {{ customer.first_name }}", dueInHours: 2, fallbackUserId: null } },
      { userId: marketer.id },
      now,
      { queue: app.services.jobs },
    );
    if (!made.ok) throw new Error(JSON.stringify(made));
    await addMembers(app.db, segment, [milasCustomer, olegsCustomer], now);
    await followSegmentEvents(app.db, follower, { now, monotonicMs: performance.now() });
    await runDueFirings({ db: app.db, queue: app.services.jobs, clock: () => new Date(), publicUrl: app.url, log: { warn: () => {} } }, "inbox-test");
    const tasks = await app.db.models.Task.findAll({ order: [["id", "ASC"]], raw: true });
    expect(tasks.map((t) => [t.customerId, t.assigneeId])).toEqual([
      [milasCustomer, mila.id],
      [olegsCustomer, oleg.id],
    ]);
    madeTask = Number(tasks[0].id);
    olegsTask = Number(tasks[1].id);
    reader = (await app.apiKey(["tasks:read"])).secret;
    writer = (await app.apiKey(["tasks:read", "tasks:write"])).secret;
  });
  afterAll(() => app?.close());

  const data = async <T,>(visitor: Visitor, path: string, route: string, status = 200): Promise<T> => {
    const res = await visitor.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
    expect(res.status, path).toBe(status);
    return (await res.json()) as T;
  };
  type Inbox = { tasks: Array<{ id: number; title: string; isOverdue: boolean; customer: { name: string; id: number | null } | null; assignee: string | null }>; nextCursor: string | null };
  const inbox = (visitor: Visitor, query = "") => data<Inbox>(visitor, `/tasks${query}`, "routes/tasks._index");
  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
    fetch(`${app.url}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: { Authorization: `Bearer ${init.key ?? writer}`, ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it("a manager's inbox holds their open tasks, the overdue first and the undated last; another manager's never", async () => {
    const now = Date.now();
    const later = await addTask(mila.id, milasCustomer, new Date(now + 30 * HOUR), "Later");
    const overdue = await addTask(mila.id, milasCustomer, new Date(now - 5 * HOUR), "Overdue");
    const undated = await addTask(mila.id, null, null, "Whenever");
    await addTask(oleg.id, olegsCustomer, new Date(now - 9 * HOUR), "Oleg's overdue");
    const page = await inbox(mila);
    expect(page.tasks.map((t) => t.id)).toEqual([overdue, madeTask, later, undated]);
    expect(page.tasks.map((t) => t.isOverdue)).toEqual([true, false, false, false]);
    expect(page.tasks[1].customer).toEqual({ name: "Vesela Ivanova", id: milasCustomer });
    expect(page.tasks.every((t) => t.assignee === null)).toBe(true);
    // two at a time: the cursor walks the same order, overdue to undated
    const walked: number[] = [];
    let after = null as ReturnType<typeof readInboxCursor>;
    for (let round = 0; round < 5; round++) {
      const part = await inboxPage(app.db, { userId: mila.id, canSeeAll: false }, { status: "open" }, { after, limit: 2 }, new Date());
      walked.push(...part.tasks.map((t) => t.id));
      if (!part.nextCursor) break;
      after = readInboxCursor(part.nextCursor);
    }
    expect(walked).toEqual(page.tasks.map((t) => t.id));
    const html = await (await mila.get("/tasks")).text();
    expect(html).toContain("Vesela Ivanova");
    expect(html).not.toContain("Georgi");
    expect(html).not.toContain("Oleg&#x27;s overdue");
  });

  it("an admin sees every task, filtered by assignee; a marketer reads them all", async () => {
    const all = await inbox(admin);
    expect(new Set(all.tasks.map((t) => t.assignee))).toEqual(new Set(["Manager Person"]));
    expect(all.tasks.length).toBe(await app.db.models.Task.count({ where: { status: "open" } }));
    const olegs = await inbox(admin, `?assignee=${oleg.id}`);
    expect(olegs.tasks.map((t) => t.title).sort()).toEqual(["Call to welcome", "Oleg's overdue"]);
    const read = await inbox(marketer);
    expect(read.tasks.length).toBe(all.tasks.length);
    // a manager's assignee filter is ignored: still only their own
    const mine = await inbox(mila, `?assignee=${oleg.id}`);
    expect(mine.tasks.every((t) => t.title !== "Oleg's overdue")).toBe(true);
  });

  it("the task page shows the task, why the customer entered and the customer's cards; another manager gets 404 and nothing of the customer", async () => {
    const page = await data<{
      task: { title: string; description: string; assignee: { name: string } };
      origin: { automation: { name: string }; segment: { name: string }; event: { kind: string } };
      customer: { profile: { email: string; firstName: string }; orders: unknown; timeline: unknown } | null;
      customerState: string;
    }>(mila, `/tasks/${madeTask}`, "routes/tasks.$id");
    expect(page.task).toMatchObject({ title: "Call to welcome", description: "Say hello to Vesela" });
    expect(page.origin).toMatchObject({ automation: { name: "Call new regulars" }, segment: { name: "Called back" }, event: { kind: "entered" } });
    expect(page.customerState).toBe("shown");
    expect(page.customer?.profile).toMatchObject({ email: "vesela@shop.test", firstName: "Vesela" });
    const html = await (await mila.get(`/tasks/${madeTask}`)).text();
    expect(html).toContain("vesela@shop.test");

    const refused = await oleg.get(`/tasks/${madeTask}`);
    expect(refused.status).toBe(404);
    const text = await refused.text();
    expect(text).not.toContain("vesela@shop.test");
    expect(text).not.toContain("Vesela");
    const asData = await oleg.get(`/tasks/${madeTask}?_data=${encodeURIComponent("routes/tasks.$id")}`);
    expect(asData.status).toBe(404);
    expect(await asData.text()).not.toContain("Vesela");
    // a task of another manager's customer, given to Mila, shows her that customer's name only
    const given = await addTask(mila.id, olegsCustomer, null, "Covering for Oleg");
    const covering = await data<{ customer: unknown; customerState: string; customerName: string }>(mila, `/tasks/${given}`, "routes/tasks.$id");
    expect(covering).toMatchObject({ customer: null, customerState: "notYours", customerName: "Georgi Petrov" });
    expect(JSON.stringify(covering)).not.toContain("georgi@shop.test");
  });

  it("completing, commenting and reassigning through the page, with the form token", async () => {
    const id = await addTask(mila.id, milasCustomer, new Date(Date.now() + HOUR), "Send the catalogue");
    const commented = await mila.submit(`/tasks/${id}`, { intent: "comment", body: "Left a voicemail" });
    expect(commented.status).toBe(200);
    const comments = await app.db.models.TaskComment.findAll({ where: { taskId: id }, raw: true });
    expect(comments.map((c) => [c.body, c.authorId])).toEqual([["Left a voicemail", mila.id]]);
    const page = await data<{ comments: Array<{ body: string; author: string }> }>(mila, `/tasks/${id}`, "routes/tasks.$id");
    expect(page.comments).toMatchObject([{ body: "Left a voicemail", author: "Manager Person" }]);

    // another manager posts to it: 404, nothing written
    const before = await tableContents(app.db);
    expect((await oleg.submit(`/tasks/${id}`, { intent: "complete" }, "/tasks")).status).toBe(404);
    expect((await oleg.submit(`/tasks/${id}`, { intent: "comment", body: "mine now" }, "/tasks")).status).toBe(404);
    // a marketer reads but may not work tasks
    expect((await marketer.submit(`/tasks/${id}`, { intent: "complete" }, "/tasks")).status).toBe(403);
    // without the form token
    expect((await mila.post(`/tasks/${id}`, new URLSearchParams({ intent: "complete" }))).status).toBe(403);
    expect(await tableContents(app.db)).toBe(before);

    const reassigned = await mila.submit(`/tasks/${id}`, { intent: "reassign", assigneeId: String(oleg.id) });
    expect(reassigned.status).toBe(302);
    expect(reassigned.headers.get("location")).toBe(`/tasks?reassigned=${id}`);
    expect(await app.db.models.Notification.count({ where: { userId: oleg.id, kind: "task.assigned", link: `/tasks/${id}` } })).toBe(1);
    expect((await mila.get(`/tasks/${id}`)).status).toBe(404);

    const done = await oleg.submit(`/tasks/${id}`, { intent: "complete" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/tasks?completed=${id}`);
    expect(await app.db.models.Task.findByPk(id, { raw: true })).toMatchObject({ status: "done", completedById: oleg.id });
    const doneList = await inbox(oleg, "?status=done");
    expect(doneList.tasks.map((t) => t.id)).toContain(id);
    expect((await inbox(oleg)).tasks.map((t) => t.id)).not.toContain(id);
  });

  it("bad input on the page names the field and writes nothing", async () => {
    const id = await addTask(mila.id, milasCustomer, null, "Check the address");
    const before = await tableContents(app.db);
    const asData = `/tasks/${id}?_data=${encodeURIComponent("routes/tasks.$id")}`;
    const empty = await mila.submit(asData, { intent: "comment", body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ intent: "comment", fieldErrors: { body: "must not be empty" } });
    const marketerTarget = await mila.submit(asData, { intent: "reassign", assigneeId: String(marketer.id) });
    expect(marketerTarget.status).toBe(400);
    expect(((await marketerTarget.json()) as { fieldErrors: Record<string, string> }).fieldErrors.assigneeId).toMatch(/not an active manager or admin/);
    const notANumber = await mila.submit(asData, { intent: "reassign", assigneeId: "Oleg" });
    expect(notANumber.status).toBe(400);
    expect(((await notANumber.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toHaveProperty("assigneeId");
    expect((await mila.submit(`/tasks/${id}`, { intent: "archive" })).status).toBe(400);
    expect(await tableContents(app.db)).toBe(before);
  });

  it("a manager's dashboard counts their open, overdue and due-later-today tasks; the nav badge their open ones", async () => {
    const fresh = await signIn(app, "manager");
    const now = Date.now();
    await addTask(fresh.id, null, new Date(now - HOUR), "Late");
    await addTask(fresh.id, null, new Date(now - 2 * HOUR), "Later still");
    await addTask(fresh.id, null, null, "Some day");
    await addTask(fresh.id, null, new Date(now + 400 * 24 * HOUR), "Next year");
    // due later today in the store's zone (UTC by default) only if there is time left today
    const endOfDay = new Date(now);
    endOfDay.setUTCHours(24, 0, 0, 0);
    const soon = Math.min(now + 60_000, endOfDay.getTime() - 1);
    if (soon > now + 1_000) await addTask(fresh.id, null, new Date(soon), "Soon");
    const board = await data<{ tasks: { open: number; overdue: number; dueToday: number } }>(fresh, "/", "routes/_index");
    expect(board.tasks).toEqual({ open: soon > now + 1_000 ? 5 : 4, overdue: 2, dueToday: soon > now + 1_000 ? 1 : 0 });
    const root = await data<{ openTasks: number }>(fresh, "/", "root");
    expect(root.openTasks).toBe(board.tasks.open);
    const html = await (await fresh.get("/")).text();
    expect(html).toContain('data-testid="tasks-open"');
    expect(html).toContain('href="/tasks"');
    // others see no task figures on the dashboard
    expect((await data<{ tasks: unknown }>(admin, "/", "routes/_index")).tasks).toBeNull();
  });

  it("the API lists tasks with filters and cursor paging, reads one, and is refused another scope", async () => {
    const all = await app.db.models.Task.count();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await api(`/tasks?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { key: reader });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { tasks: Array<{ id: number }>; nextCursor: string | null };
      seen.push(...body.tasks.map((t) => t.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(all);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const olegsOpen = (await (await api(`/tasks?assigneeId=${oleg.id}&status=open`)).json()) as { tasks: Array<{ assignee: { id: number }; status: string }> };
    expect(olegsOpen.tasks.length).toBeGreaterThan(0);
    expect(olegsOpen.tasks.every((t) => t.assignee.id === oleg.id && t.status === "open")).toBe(true);
    const about = (await (await api("/tasks?customerExternalId=T-1")).json()) as { tasks: Array<{ customer: { externalId: string } }> };
    expect(about.tasks.length).toBeGreaterThan(0);
    expect(about.tasks.every((t) => t.customer.externalId === "T-1")).toBe(true);
    expect(((await (await api("/tasks?customerExternalId=nobody")).json()) as { tasks: unknown[] }).tasks).toEqual([]);
    const one = (await (await api(`/tasks/${olegsTask}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id: olegsTask, title: "Call to welcome", status: "open", assignee: { id: oleg.id }, customer: { externalId: "T-2" }, automation: { name: "Call new regulars" } });
    expect((await api("/tasks/999999")).status).toBe(404);
    const bad = await api("/tasks?status=closed");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0].field).toBe("status");
    const refused = await api(`/tasks/${olegsTask}/complete`, { method: "POST", key: reader });
    expect(refused.status).toBe(403);
    expect(await app.db.models.Task.findByPk(olegsTask, { raw: true })).toMatchObject({ status: "open" });
  });

  it("the API completes, reassigns and comments; bad input names the field and writes nothing", async () => {
    const id = await addTask(oleg.id, olegsCustomer, null, "Through the back office");
    const before = await tableContents(app.db);
    const toMarketer = await api(`/tasks/${id}/reassign`, { method: "POST", body: { assigneeId: marketer.id } });
    expect(toMarketer.status).toBe(422);
    expect(((await toMarketer.json()) as { error: { fields: Array<{ field: string }> } }).error.fields).toEqual([{ field: "assigneeId", reason: expect.stringMatching(/manager or admin/) }]);
    const noBody = await api(`/tasks/${id}/comments`, { method: "POST", body: { body: "" } });
    expect(noBody.status).toBe(422);
    expect(((await noBody.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0].field).toBe("body");
    const extra = await api(`/tasks/${id}/reassign`, { method: "POST", body: { assigneeId: mila.id, note: "x" } });
    expect(extra.status).toBe(422);
    expect(await tableContents(app.db)).toBe(before);

    const moved = await api(`/tasks/${id}/reassign`, { method: "POST", body: { assigneeId: mila.id } });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ id, assignee: { id: mila.id } });
    expect(await app.db.models.Notification.count({ where: { userId: mila.id, link: `/tasks/${id}` } })).toBe(1);

    const headers = { "Idempotency-Key": `comment-${id}` };
    const post = () => fetch(`${app.url}/api/v1/tasks/${id}/comments`, { method: "POST", headers: { Authorization: `Bearer ${writer}`, "Content-Type": "application/json", ...headers }, body: JSON.stringify({ body: "Called from the shop" }) });
    const first = await post();
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ body: "Called from the shop", author: null });
    const again = await post();
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const comments = (await (await api(`/tasks/${id}/comments`)).json()) as { comments: Array<{ body: string }> };
    expect(comments.comments.map((c) => c.body)).toEqual(["Called from the shop"]);

    const done = await api(`/tasks/${id}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ id, status: "done", completedById: null, completedAt: expect.any(String) });
    expect((await api(`/tasks/${id}/complete`, { method: "POST" })).status).toBe(200);
    const audit = await app.db.models.AuditEntry.findAll({ where: { action: "task.complete", targetId: String(id) }, raw: true });
    expect(audit.map((a) => a.apiKeyId !== null)).toEqual([true]);
  });
});
