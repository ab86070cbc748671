import crypto from "node:crypto";
import { UniqueConstraintError, type Transaction } from "sequelize";
import type { Database } from "./db";
import type { Role, User } from "./models";
import { hashPassword, verifyPassword } from "./passwords";
import { recordAudit, type AuditActor } from "./audit.server";

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  locale: string | null;
}

/** A row of the users admin page. */
export interface UserListItem extends SessionUser {
  isActive: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/** Why an admin's change to a user was refused; nothing was written. */
export type UserChangeRefusal = "not_found" | "self" | "last_admin" | "email_taken";
export type UserChangeResult = { ok: true } | { ok: false; reason: UserChangeRefusal };

function toSessionUser(u: User): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale ?? null };
}

/**
 * A short fingerprint of the password hash and the session version, kept in the session cookie:
 * when the password changes (reset by an admin, or by the user) or the user is deactivated, every
 * session opened before stops working.
 */
export function sessionStampOf(user: { passwordHash: string; sessionVersion: number }): string {
  return crypto.createHash("sha256").update(`${user.passwordHash}|${user.sessionVersion}`).digest("base64url").slice(0, 16);
}

/** The active user with this id, or null when there is none or they were deactivated. */
export async function getActiveUser(db: Database, id: number): Promise<SessionUser | null> {
  const user = await db.models.User.findByPk(id);
  return user && user.isActive ? toSessionUser(user) : null;
}

/** The user a session cookie names, if they are still active and their password has not changed since. */
export async function getSessionUser(db: Database, id: number, stamp: string): Promise<SessionUser | null> {
  const user = await db.models.User.findByPk(id);
  if (!user || !user.isActive || sessionStampOf(user) !== stamp) return null;
  return toSessionUser(user);
}

/** The stamp a new session of this user carries, or null for an unknown user. */
export async function getSessionStamp(db: Database, id: number): Promise<string | null> {
  const user = await db.models.User.findByPk(id, { attributes: ["id", "passwordHash", "sessionVersion"] });
  return user ? sessionStampOf(user) : null;
}

/** Checks a login; the same answer (null) for an unknown email, a wrong password and a deactivated user. */
export async function verifyLogin(db: Database, email: string, password: string, now = new Date()): Promise<SessionUser | null> {
  const user = await db.models.User.findOne({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    // spend the same time as a real check, so response times do not reveal which emails exist
    await hashPassword(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash)) || !user.isActive) return null;
  await user.update({ lastLoginAt: now });
  return toSessionUser(user);
}

export async function createUser(
  db: Database,
  input: { email: string; name: string; password: string; role: Role },
  transaction?: Transaction,
): Promise<SessionUser> {
  const user = await db.models.User.create(
    {
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hashPassword(input.password),
    },
    { transaction },
  );
  return toSessionUser(user);
}

export async function countUsers(db: Database): Promise<number> {
  return db.models.User.count();
}

/** Every user, active ones first, then by name. */
export async function listUsers(db: Database): Promise<UserListItem[]> {
  const users = await db.models.User.findAll({ order: [["isActive", "DESC"], ["name", "ASC"], ["id", "ASC"]] });
  return users.map((u) => ({
    ...toSessionUser(u),
    isActive: Boolean(u.isActive),
    lastLoginAt: u.lastLoginAt ?? null,
    createdAt: u.createdAt,
  }));
}

/** An admin adds a user; the password is hashed here and never stored or logged in the clear. */
export async function addUser(
  db: Database,
  input: { email: string; name: string; password: string; role: Role },
  actor: AuditActor,
  now = new Date(),
): Promise<{ ok: true; user: SessionUser } | { ok: false; reason: "email_taken" }> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.sequelize.transaction(async (transaction) => {
      if (await db.models.User.findOne({ where: { email }, attributes: ["id"], transaction })) return { ok: false, reason: "email_taken" } as const;
      const created = await db.models.User.create({ email, name: input.name.trim(), role: input.role, passwordHash }, { transaction });
      await recordAudit(db, actor, "user.create", { type: "user", id: created.id, detail: { email, role: input.role } }, transaction, now);
      return { ok: true, user: toSessionUser(created) } as const;
    });
  } catch (error) {
    // two admins adding the same email at once: the unique index decides, the loser is told
    if (error instanceof UniqueConstraintError) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

/**
 * The ids of the active admins, read with row locks on MariaDB so that two admins demoting each
 * other at the same moment cannot both succeed (SQLite transactions here are IMMEDIATE and so
 * already one at a time). Every change that can take an admin away takes these locks first, in
 * index order, and only then the target's row, so two such changes never deadlock.
 */
async function lockActiveAdmins(db: Database, transaction: Transaction): Promise<number[]> {
  const admins = await db.models.User.findAll({
    where: { role: "admin", isActive: true },
    attributes: ["id"],
    order: [["id", "ASC"]],
    lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined,
    transaction,
  });
  return admins.map((a) => a.id);
}

const isLastActiveAdmin = (target: User, activeAdminIds: number[]) =>
  target.role === "admin" && Boolean(target.isActive) && activeAdminIds.every((id) => id === target.id);

async function lockedUser(db: Database, id: number, transaction: Transaction): Promise<User | null> {
  return db.models.User.findByPk(id, { lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined, transaction });
}

/** Gives a user another role. An admin cannot demote themself, and the last active admin stays an admin. */
export async function changeUserRole(db: Database, input: { userId: number; role: Role }, actor: AuditActor, now = new Date()): Promise<UserChangeResult> {
  if (actor.userId === input.userId) return { ok: false, reason: "self" };
  return db.sequelize.transaction(async (transaction) => {
    const admins = await lockActiveAdmins(db, transaction);
    const user = await lockedUser(db, input.userId, transaction);
    if (!user) return { ok: false, reason: "not_found" } as const;
    if (user.role === input.role) return { ok: true } as const;
    if (input.role !== "admin" && isLastActiveAdmin(user, admins)) return { ok: false, reason: "last_admin" } as const;
    const from = user.role;
    await user.update({ role: input.role }, { transaction });
    await recordAudit(db, actor, "user.role_change", { type: "user", id: user.id, detail: { email: user.email, from, to: input.role } }, transaction, now);
    return { ok: true } as const;
  });
}

/**
 * Deactivates or reactivates a user. A deactivated user cannot sign in, and their open sessions end
 * at their next request. Nobody deactivates themself, and the last active admin stays active.
 */
export async function setUserActive(db: Database, input: { userId: number; isActive: boolean }, actor: AuditActor, now = new Date()): Promise<UserChangeResult> {
  if (actor.userId === input.userId) return { ok: false, reason: "self" };
  return db.sequelize.transaction(async (transaction) => {
    const admins = await lockActiveAdmins(db, transaction);
    const user = await lockedUser(db, input.userId, transaction);
    if (!user) return { ok: false, reason: "not_found" } as const;
    if (Boolean(user.isActive) === input.isActive) return { ok: true } as const;
    if (!input.isActive && isLastActiveAdmin(user, admins)) return { ok: false, reason: "last_admin" } as const;
    // deactivating ends the user's sessions for good: reactivating them later does not revive old cookies
    await user.update({ isActive: input.isActive, sessionVersion: user.sessionVersion + (input.isActive ? 0 : 1) }, { transaction });
    const action = input.isActive ? "user.reactivate" : "user.deactivate";
    await recordAudit(db, actor, action, { type: "user", id: user.id, detail: { email: user.email } }, transaction, now);
    return { ok: true } as const;
  });
}

/** An admin sets a new password for a user; the user's open sessions end. */
export async function resetUserPassword(db: Database, input: { userId: number; password: string }, actor: AuditActor, now = new Date()): Promise<UserChangeResult> {
  const passwordHash = await hashPassword(input.password);
  return db.sequelize.transaction(async (transaction) => {
    const user = await lockedUser(db, input.userId, transaction);
    if (!user) return { ok: false, reason: "not_found" } as const;
    await user.update({ passwordHash }, { transaction });
    await recordAudit(db, actor, "user.password_reset", { type: "user", id: user.id, detail: { email: user.email } }, transaction, now);
    return { ok: true } as const;
  });
}

/** A user changes their own password after proving they know the current one; returns the new session stamp. */
export async function changeOwnPassword(
  db: Database,
  input: { userId: number; currentPassword: string; newPassword: string },
  actor: AuditActor,
  now = new Date(),
): Promise<{ ok: true; stamp: string } | { ok: false; reason: "not_found" | "wrong_password" }> {
  const user = await db.models.User.findByPk(input.userId);
  if (!user || !user.isActive) return { ok: false, reason: "not_found" };
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) return { ok: false, reason: "wrong_password" };
  const passwordHash = await hashPassword(input.newPassword);
  return db.sequelize.transaction(async (transaction) => {
    // the hash read above must still be current: a reset by an admin in between wins
    const [count] = await db.models.User.update(
      { passwordHash },
      { where: { id: user.id, passwordHash: user.passwordHash, isActive: true }, transaction },
    );
    if (count === 0) return { ok: false, reason: "wrong_password" } as const;
    await recordAudit(db, actor, "user.password_change", { type: "user", id: user.id }, transaction, now);
    return { ok: true, stamp: sessionStampOf({ passwordHash, sessionVersion: user.sessionVersion }) } as const;
  });
}

/** A user picks the language of their console; null follows the store's. */
export async function setUserLocale(db: Database, userId: number, locale: string | null): Promise<boolean> {
  const [count] = await db.models.User.update({ locale }, { where: { id: userId, isActive: true } });
  return count > 0;
}

/** Every user by name, active or not: the choices of the audit log's user filter. */
export async function listUserNames(db: Database): Promise<Array<{ id: number; name: string; email: string }>> {
  const users = await db.models.User.findAll({ attributes: ["id", "name", "email"], order: [["name", "ASC"], ["id", "ASC"]] });
  return users.map((u) => ({ id: u.id, name: u.name, email: u.email }));
}
