// The task inbox's domain: a manager sees and changes only their own tasks; admins see all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { addCustomers } from "../customers/factory";
import { commentOnTask, completeTask, countTasks, getTask, listTasks, reassignTask } from "../../automations/tasks.server";

const T0 = new Date("2026-05-04T09:00:00.000Z");

describe(`tasks on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let mila = 0;
  let oleg = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
    mila = (await createUser(db, { email: "mila@shop.test", name: "Mila", password: "x".repeat(12), role: "manager" })).id;
    oleg = (await createUser(db, { email: "oleg@shop.test", name: "Oleg", password: "x".repeat(12), role: "manager" })).id;
  });
  afterAll(() => db?.drop());

  const task = async (assigneeId: number, dueAt: Date | null, title: string) =>
    Number((await db.models.Task.create({ customerId: null, assigneeId, title, description: null, dueAt, status: "open", automationId: null, firingId: null, createdById: null, createdAt: T0, updatedAt: T0 })).id);

  it("a manager's inbox holds their open tasks, the overdue first; another manager gets nothing of them", async () => {
    const [c] = await addCustomers(db, [{ externalId: "t-1" }]);
    expect(c).toBeGreaterThan(0);
    const later = await task(mila, new Date(T0.getTime() + 86_400_000), "Later");
    const overdue = await task(mila, new Date(T0.getTime() - 3_600_000), "Overdue");
    const undated = await task(mila, null, "Whenever");
    const olegs = await task(oleg, T0, "Oleg's");
    const inbox = await listTasks(db, { userId: mila, canSeeAll: false }, { status: "open" }, T0);
    expect(inbox.map((t) => t.id)).toEqual([overdue, later, undated]);
    expect(inbox[0].isOverdue).toBe(true);
    expect(await countTasks(db, { userId: mila, canSeeAll: false }, T0)).toEqual({ open: 3, overdue: 1 });
    expect(await getTask(db, { userId: oleg, canSeeAll: false }, later, T0)).toBeNull();
    expect(await completeTask(db, { userId: oleg, canSeeAll: false }, later, T0)).toEqual({ ok: false, kind: "missing" });
    expect(await commentOnTask(db, { userId: oleg, canSeeAll: false }, later, "mine now", T0)).toEqual({ ok: false, kind: "missing" });
    expect((await getTask(db, { userId: 999, canSeeAll: true }, olegs, T0))?.task.title).toBe("Oleg's");
  });

  it("completing, commenting and reassigning: the new assignee is told and the old one no longer sees it", async () => {
    const id = await task(mila, T0, "Call");
    const mine = { userId: mila, canSeeAll: false };
    expect((await commentOnTask(db, mine, id, "Left a voicemail", T0)).ok).toBe(true);
    expect(await reassignTask(db, mine, id, 424242, T0)).toMatchObject({ ok: false, kind: "invalid", field: "assigneeId" });
    expect((await reassignTask(db, mine, id, oleg, T0)).ok).toBe(true);
    expect(await getTask(db, mine, id, T0)).toBeNull();
    expect(await db.models.Notification.count({ where: { userId: oleg, kind: "task.assigned" } })).toBe(1);
    const done = await completeTask(db, { userId: oleg, canSeeAll: false }, id, T0);
    expect(done).toMatchObject({ ok: true, task: { status: "done", completedById: oleg } });
    const seen = await getTask(db, { userId: oleg, canSeeAll: false }, id, T0);
    expect(seen?.comments.map((c) => c.body)).toEqual(["Left a voicemail"]);
  });
});
