// The managers' tasks: an inbox per user (open first, the overdue first), one task with its
// comments, completing, reassigning and commenting. Ownership is checked inside each query: a
// manager reaches only tasks assigned to them (`viewer.canSeeAll` for admins and marketers).
import { Op, type Transaction } from "sequelize";
import { msg } from "../models/messages";
import type { Database } from "../models/db";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { createNotification } from "../models/notifications/notifications.server";
import { TASK_ASSIGNED } from "./run.server";

export interface TaskViewer {
  userId: number;
  /** Admins (and marketers) see every task; a manager only their own. */
  canSeeAll: boolean;
}

export interface TaskView {
  id: number;
  customerId: number | null;
  assigneeId: number;
  title: string;
  description: string | null;
  dueAt: Date | null;
  status: "open" | "done";
  isOverdue: boolean;
  completedAt: Date | null;
  completedById: number | null;
  automationId: number | null;
  createdAt: Date;
}

const toView = (t: { id: number | string; customerId: number | null; assigneeId: number; title: string; description: string | null; dueAt: Date | null; status: "open" | "done"; completedAt: Date | null; completedById: number | null; automationId: number | null; createdAt: Date }, now: Date): TaskView => ({
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

const visible = (viewer: TaskViewer) => (viewer.canSeeAll ? {} : { assigneeId: viewer.userId });

/** A user's inbox: their open tasks by due date (the overdue first, those without a date last), then up to `doneLimit` done ones. */
export async function listTasks(db: Database, viewer: TaskViewer, query: { assigneeId?: number; status?: "open" | "done"; limit?: number }, now: Date): Promise<TaskView[]> {
  const assignee = viewer.canSeeAll ? (query.assigneeId ? { assigneeId: query.assigneeId } : {}) : { assigneeId: viewer.userId };
  const rows = await db.models.Task.findAll({
    where: { ...assignee, ...(query.status ? { status: query.status } : {}) },
    order: [
      ["status", "DESC"],
      [db.sequelize.literal("due_at IS NULL"), "ASC"],
      ["dueAt", "ASC"],
      ["id", "ASC"],
    ],
    limit: Math.min(Math.max(query.limit ?? 100, 1), 500),
    raw: true,
  });
  return rows.map((t) => toView(t, now));
}

/** Counts for a dashboard: open and overdue tasks of the viewer (all tasks for those who see all). */
export async function countTasks(db: Database, viewer: TaskViewer, now: Date): Promise<{ open: number; overdue: number }> {
  const [open, overdue] = await Promise.all([
    db.models.Task.count({ where: { ...visible(viewer), status: "open" } }),
    db.models.Task.count({ where: { ...visible(viewer), status: "open", dueAt: { [Op.lt]: now } } }),
  ]);
  return { open, overdue };
}

/** One task with its comments, or null when there is none the viewer may see (a page answers 404 alike). */
export async function getTask(db: Database, viewer: TaskViewer, id: number, now: Date) {
  const row = await db.models.Task.findOne({ where: { id, ...visible(viewer) }, raw: true });
  if (!row) return null;
  const comments = await db.models.TaskComment.findAll({ where: { taskId: id }, order: [["id", "ASC"]], raw: true });
  return { task: toView(row, now), comments: comments.map((c) => ({ id: Number(c.id), authorId: c.authorId, body: c.body, createdAt: new Date(c.createdAt) })) };
}

/** Marks a task done (twice is a no-op); `actor` is who did it when not the viewer (an API key). */
export async function completeTask(db: Database, viewer: TaskViewer, id: number, now: Date, actor: AuditActor = { userId: viewer.userId }): Promise<{ ok: true; task: TaskView } | { ok: false; kind: "missing" }> {
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.Task.findOne({ where: { id, ...visible(viewer) }, transaction });
    if (!row) return { ok: false as const, kind: "missing" as const };
    if (row.status === "open") {
      await db.models.Task.update({ status: "done", completedAt: now, completedById: actor.userId ?? null, updatedAt: now }, { where: { id, status: "open" }, transaction });
      await recordAudit(db, actor, "task.complete", { type: "task", id }, transaction, now);
    }
    const saved = (await db.models.Task.findByPk(id, { raw: true, transaction }))!;
    return { ok: true as const, task: toView(saved, now) };
  });
}

/** Gives a task to another active manager or admin, who is told by the bell. */
export async function reassignTask(db: Database, viewer: TaskViewer, id: number, assigneeId: number, now: Date, actor: AuditActor = { userId: viewer.userId }): Promise<{ ok: true; task: TaskView } | { ok: false; kind: "missing" } | { ok: false; kind: "invalid"; field: string; reason: string }> {
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.Task.findOne({ where: { id, ...visible(viewer) }, transaction });
    if (!row) return { ok: false as const, kind: "missing" as const };
    // a task is work from an inbox: marketers have none
    const user = await db.models.User.findOne({ attributes: ["id"], where: { id: assigneeId, isActive: true, role: ["manager", "admin"] }, raw: true, transaction });
    if (!user) return { ok: false as const, kind: "invalid" as const, field: "assigneeId", reason: msg("campaigns.task.noAssignee", { id: assigneeId }) };
    if (row.assigneeId !== assigneeId) {
      await db.models.Task.update({ assigneeId, updatedAt: now }, { where: { id }, transaction });
      await createNotification(db, { userId: assigneeId, kind: TASK_ASSIGNED, params: { taskId: id, title: row.title, customerId: row.customerId }, link: `/tasks/${id}` }, now, transaction);
      await recordAudit(db, actor, "task.reassign", { type: "task", id, detail: { from: row.assigneeId, to: assigneeId } }, transaction, now);
    }
    const saved = (await db.models.Task.findByPk(id, { raw: true, transaction }))!;
    return { ok: true as const, task: toView(saved, now) };
  });
}

/** Adds a comment to a task the viewer may see; `body` is checked by definition.ts's TaskComment. */
export async function commentOnTask(db: Database, viewer: TaskViewer, id: number, body: string, now: Date, outer?: Transaction, authorId: number | null = viewer.userId): Promise<{ ok: true; commentId: number } | { ok: false; kind: "missing" }> {
  // inside the caller's transaction when given (the API's Idempotency-Key is kept in the same one)
  const within = <T>(work: (transaction: Transaction) => Promise<T>) => (outer ? work(outer) : db.sequelize.transaction(work));
  return within(async (transaction) => {
    const row = await db.models.Task.findOne({ attributes: ["id"], where: { id, ...visible(viewer) }, raw: true, transaction });
    if (!row) return { ok: false as const, kind: "missing" as const };
    const comment = await db.models.TaskComment.create({ taskId: id, authorId, body, createdAt: now }, { transaction });
    return { ok: true as const, commentId: Number(comment.id) };
  });
}
