import crypto from "node:crypto";
import { Op } from "sequelize";
import type { Database } from "./db";

/** Records a new signed-in session of this user and returns its id (unguessable: 256 random bits). */
export async function openUserSession(db: Database, userId: number, maxAgeS: number, now = new Date()): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  // sessions that ran out are no use to anyone; clearing them here keeps the table as small as the live ones
  await db.models.UserSession.destroy({ where: { expiresAt: { [Op.lt]: now } } });
  await db.models.UserSession.create({ id, userId, expiresAt: new Date(now.getTime() + maxAgeS * 1000), createdAt: now });
  return id;
}

/** Whether this session of this user is still open: not signed out, not expired. */
export async function isUserSessionOpen(db: Database, id: string, userId: number, now = new Date()): Promise<boolean> {
  const row = await db.models.UserSession.findByPk(id, { attributes: ["userId", "expiresAt"] });
  return row !== null && row.userId === userId && row.expiresAt > now;
}

/** Ends a session: a copy of its cookie no longer signs anyone in. */
export async function closeUserSession(db: Database, id: string): Promise<void> {
  await db.models.UserSession.destroy({ where: { id } });
}
