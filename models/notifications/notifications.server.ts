// In-app notifications: the bell's unread count, the list, and marking as read. A notification
// stores what happened (`kind`) and its values; the page words it from the UI catalogue.
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";

export interface NotificationView {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface NotificationPage {
  notifications: NotificationView[];
  /** Pass as `before` for the next (older) page; null at the end. */
  olderCursor: number | null;
}

export async function createNotification(
  db: Database,
  input: { userId: number; kind: string; params?: Record<string, unknown>; link?: string | null },
  now: Date,
  transaction?: Transaction,
): Promise<number> {
  const row = await db.models.Notification.create(
    { userId: input.userId, kind: input.kind, params: input.params ? JSON.stringify(input.params) : null, link: input.link ?? null, readAt: null, createdAt: now },
    { transaction },
  );
  return Number(row.id);
}

function parseParams(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A user's notifications, newest first, a page at a time. */
export async function listNotifications(db: Database, userId: number, page: { before?: number; limit: number; unreadOnly?: boolean }): Promise<NotificationPage> {
  const rows = await db.models.Notification.findAll({
    where: {
      userId,
      ...(page.before !== undefined ? { id: { [Op.lt]: page.before } } : {}),
      ...(page.unreadOnly ? { readAt: { [Op.is]: null } } : {}),
    },
    order: [["id", "DESC"]],
    limit: page.limit + 1,
    raw: true,
  });
  const notifications = rows.slice(0, page.limit).map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    params: parseParams(r.params),
    link: r.link,
    readAt: r.readAt ? new Date(r.readAt) : null,
    createdAt: new Date(r.createdAt),
  }));
  return { notifications, olderCursor: rows.length > page.limit ? notifications[notifications.length - 1].id : null };
}

export async function countUnreadNotifications(db: Database, userId: number): Promise<number> {
  return db.models.Notification.count({ where: { userId, readAt: { [Op.is]: null } } });
}

/** Marks the user's own notifications read (these ids, or all); returns how many changed. */
export async function markNotificationsRead(db: Database, userId: number, which: number[] | "all", now: Date): Promise<number> {
  if (which !== "all" && which.length === 0) return 0;
  const [changed] = await db.models.Notification.update(
    { readAt: now },
    { where: { userId, readAt: { [Op.is]: null }, ...(which === "all" ? {} : { id: { [Op.in]: which } }) } },
  );
  return changed;
}

/** Whether the user also gets notifications by email. */
export async function getNotifyByEmail(db: Database, userId: number): Promise<boolean> {
  const user = await db.models.User.findByPk(userId, { attributes: ["notifyByEmail"], raw: true });
  return Boolean(user?.notifyByEmail);
}

export async function setNotifyByEmail(db: Database, userId: number, notifyByEmail: boolean, now: Date): Promise<void> {
  await db.models.User.update({ notifyByEmail, updatedAt: now }, { where: { id: userId } });
}
