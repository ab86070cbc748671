// The task inbox's reads beyond tasks.server.ts: pages of tasks a keyset at a time (the inbox by due
// date, the API by id), the dashboard's counts, a task's surroundings (its automation, the segment
// event that made it, the names of the people on it) and who a task can be given to. Ownership is
// checked inside each query, as in tasks.server.ts.
import { Op, type WhereOptions } from "sequelize";
import type { Database } from "../models/db";
import type { TaskRow, TaskStatus } from "../models/automation-models";
import type { Role } from "../models/models";
import type { TaskView, TaskViewer } from "./tasks.server";

/** Who may be given a task: the people who work an inbox. */
export const ASSIGNABLE_ROLES: Role[] = ["manager", "admin"];

export interface TaskListItem extends TaskView {
  customer: { id: number; externalId: string; firstName: string | null; lastName: string | null; managerId: number | null } | null;
  assignee: { id: number; name: string; email: string } | null;
  automation: { id: number; name: string } | null;
}

export interface TaskFilter {
  status?: TaskStatus;
  /** Only this user's tasks (ignored for a viewer who sees only their own). */
  assigneeId?: number;
  customerId?: number;
}

const toView = (t: TaskRow, now: Date): TaskView => ({
  id: Number(t.id),
  customerId: t.customerId,
  assigneeId: t.assigneeId,
  title: t.title,
  description: t.description,
  dueAt: t.dueAt ? new Date(t.dueAt) : null,
  status: t.status,
  isOverdue: t.status === "open" && t.dueAt !== null && new Date(t.dueAt).getTime() < now.getTime(),
  completedAt: t.completedAt ? new Date(t.completedAt) : null,
  completedById: t.completedById,
  automationId: t.automationId,
  createdAt: new Date(t.createdAt),
});

function filterOf(viewer: TaskViewer, filter: TaskFilter): Record<string, unknown> {
  const assigneeId = viewer.canSeeAll ? filter.assigneeId : viewer.userId;
  return {
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.customerId !== undefined ? { customerId: filter.customerId } : {}),
  };
}

/** The customers, assignees and automations the rows name, in three reads. */
async function withNames(db: Database, rows: TaskRow[], now: Date): Promise<TaskListItem[]> {
  const ids = (pick: (t: TaskRow) => number | null) => [...new Set(rows.map(pick).filter((v): v is number => v !== null))];
  const [customers, users, automations] = await Promise.all([
    db.models.Customer.findAll({ attributes: ["id", "externalId", "firstName", "lastName", "managerId"], where: { id: ids((t) => t.customerId) }, raw: true }),
    db.models.User.findAll({ attributes: ["id", "name", "email"], where: { id: ids((t) => t.assigneeId) }, raw: true }),
    db.models.Automation.findAll({ attributes: ["id", "name"], where: { id: ids((t) => t.automationId) }, raw: true }),
  ]);
  const byId = <T extends { id: number }>(list: T[]) => new Map(list.map((x) => [Number(x.id), x]));
  const c = byId(customers);
  const u = byId(users);
  const a = byId(automations);
  return rows.map((t) => {
    const customer = t.customerId === null ? undefined : c.get(t.customerId);
    const user = u.get(t.assigneeId);
    const automation = t.automationId === null ? undefined : a.get(t.automationId);
    return {
      ...toView(t, now),
      customer: customer ? { id: Number(customer.id), externalId: customer.externalId, firstName: customer.firstName, lastName: customer.lastName, managerId: customer.managerId } : null,
      assignee: user ? { id: Number(user.id), name: user.name, email: user.email } : null,
      automation: automation ? { id: Number(automation.id), name: automation.name } : null,
    };
  });
}

/** Where the inbox stopped: the last task's due time (null: undated) and id. */
export interface InboxCursor {
  dueAt: Date | null;
  id: number;
}

export const inboxCursorText = (t: { dueAt: Date | null; id: number }) => `${t.dueAt ? t.dueAt.getTime() : "n"}.${t.id}`;

export function readInboxCursor(text: string | null | undefined): InboxCursor | null {
  const m = /^(n|\d{1,15})\.([1-9]\d{0,15})$/.exec(text ?? "");
  if (!m) return null;
  return { dueAt: m[1] === "n" ? null : new Date(Number(m[1])), id: Number(m[2]) };
}

/**
 * A page of the inbox: by due date, the overdue (earliest) first and undated tasks last, then by id;
 * `after` is the cursor of the previous page's last task. Done tasks come in the same order.
 */
export async function inboxPage(db: Database, viewer: TaskViewer, filter: TaskFilter, page: { after?: InboxCursor | null; limit: number }, now: Date) {
  const after = page.after;
  let keyset: WhereOptions<TaskRow> = {};
  if (after && after.dueAt) {
    keyset = { [Op.or]: [{ dueAt: { [Op.gt]: after.dueAt } }, { dueAt: after.dueAt, id: { [Op.gt]: after.id } }, { dueAt: null }] };
  } else if (after) {
    keyset = { dueAt: null, id: { [Op.gt]: after.id } };
  }
  const rows = await db.models.Task.findAll({
    where: { [Op.and]: [filterOf(viewer, filter), keyset] },
    order: [[db.sequelize.literal("due_at IS NULL"), "ASC"], ["dueAt", "ASC"], ["id", "ASC"]],
    limit: page.limit + 1,
    raw: true,
  });
  const more = rows.length > page.limit;
  const tasks = await withNames(db, rows.slice(0, page.limit), now);
  const last = tasks[tasks.length - 1];
  return { tasks, nextCursor: more && last ? inboxCursorText(last) : null };
}

/** A page of tasks by id, for the API (a stable order to follow while tasks change). */
export async function taskPageById(db: Database, viewer: TaskViewer, filter: TaskFilter, page: { afterId?: number; limit: number }, now: Date) {
  const rows = await db.models.Task.findAll({
    where: { ...filterOf(viewer, filter), ...(page.afterId ? { id: { [Op.gt]: page.afterId } } : {}) },
    order: [["id", "ASC"]],
    limit: page.limit + 1,
    raw: true,
  });
  const more = rows.length > page.limit;
  const tasks = await withNames(db, rows.slice(0, page.limit), now);
  return { tasks, nextAfterId: more ? tasks[tasks.length - 1].id : null };
}

/** One task with its names, or null when the viewer may not see it. */
export async function taskItem(db: Database, viewer: TaskViewer, id: number, now: Date): Promise<TaskListItem | null> {
  const row = await db.models.Task.findOne({ where: { id, ...filterOf(viewer, {}) }, raw: true });
  return row ? (await withNames(db, [row], now))[0] : null;
}

/**
 * The dashboard's figures of the viewer's open tasks: all, overdue, and due later today (from now
 * to the end of the store's day, `endOfToday`), so that none is counted twice.
 */
export async function taskCounts(db: Database, viewer: TaskViewer, now: Date, endOfToday: Date): Promise<{ open: number; overdue: number; dueToday: number }> {
  const mine = { ...filterOf(viewer, {}), status: "open" };
  const [open, overdue, dueToday] = await Promise.all([
    db.models.Task.count({ where: mine }),
    db.models.Task.count({ where: { ...mine, dueAt: { [Op.lt]: now } } }),
    db.models.Task.count({ where: { ...mine, dueAt: { [Op.gte]: now, [Op.lt]: endOfToday } } }),
  ]);
  return { open, overdue, dueToday };
}

/** The badge of the navigation: the viewer's own open tasks (one COUNT on the assignee's rows). */
export async function countOwnOpenTasks(db: Database, userId: number): Promise<number> {
  return db.models.Task.count({ where: { assigneeId: userId, status: "open" } });
}

/** Why the task exists: the automation, and the segment event of the firing that made it (by the task's firing id, its unique key). */
export async function taskOrigin(db: Database, taskId: number) {
  const task = await db.models.Task.findByPk(taskId, { attributes: ["automationId", "firingId"], raw: true });
  if (!task || task.automationId === null) return null;
  const [automation, firing] = await Promise.all([
    db.models.Automation.findByPk(task.automationId, { attributes: ["id", "name", "segmentId", "triggerKind", "deletedAt"], raw: true }),
    task.firingId === null ? null : db.models.AutomationFiring.findByPk(task.firingId, { attributes: ["eventKind", "eventAt"], raw: true }),
  ]);
  if (!automation) return null;
  const segment = await db.models.Segment.findByPk(automation.segmentId, { attributes: ["id", "name"], raw: true });
  return {
    automation: { id: Number(automation.id), name: automation.name, isDeleted: automation.deletedAt !== null },
    segment: segment ? { id: Number(segment.id), name: segment.name } : null,
    event: { kind: firing?.eventKind ?? automation.triggerKind, at: firing ? new Date(firing.eventAt) : null },
  };
}

/** The names of users a task page mentions (comment authors, who completed it). */
export async function userNames(db: Database, ids: Array<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((v): v is number => v !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.models.User.findAll({ attributes: ["id", "name"], where: { id: wanted }, raw: true });
  return new Map(rows.map((u) => [Number(u.id), u.name]));
}

/** The active managers and admins, by name: whom a task can be given to. */
export async function assignableUsers(db: Database): Promise<Array<{ id: number; name: string; email: string; role: Role }>> {
  const rows = await db.models.User.findAll({ attributes: ["id", "name", "email", "role"], where: { isActive: true, role: ASSIGNABLE_ROLES }, order: [["name", "ASC"], ["id", "ASC"]], raw: true });
  return rows.map((u) => ({ id: Number(u.id), name: u.name, email: u.email, role: u.role }));
}
