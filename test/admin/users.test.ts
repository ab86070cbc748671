import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import {
  addUser,
  changeOwnPassword,
  changeUserRole,
  createUser,
  getSessionStamp,
  getSessionUser,
  listUsers,
  resetUserPassword,
  setUserActive,
  verifyLogin,
} from "../../models/users.server";
import type { Role } from "../../models/models";

describe(`user administration on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let adminId: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    adminId = (await createUser(db, { email: "ada@shop.test", name: "Ada", password: "ada-password-1", role: "admin" })).id;
  });
  afterAll(() => db.drop());

  const actor = () => ({ userId: adminId, ip: "127.0.0.1" });
  let seq = 0;
  async function user(role: Role, password = "initial-password") {
    seq += 1;
    const out = await addUser(db, { email: `U${seq}@Shop.test`, name: ` User ${seq} `, password, role }, actor());
    if (!out.ok) throw new Error(out.reason);
    return out.user;
  }
  async function lastAudit() {
    return db.models.AuditEntry.findOne({ order: [["id", "DESC"]] });
  }

  it("adds a user with a normalised email, who can then sign in, and audits it without the password", async () => {
    const u = await user("marketer", "typed-by-the-admin");
    expect(u).toMatchObject({ email: `u${seq}@shop.test`, name: `User ${seq}`, role: "marketer" });
    expect(await verifyLogin(db, `U${seq}@shop.TEST`, "typed-by-the-admin")).toMatchObject({ id: u.id });
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: "user.create", userId: adminId, targetType: "user", targetId: String(u.id), ip: "127.0.0.1" });
    expect(entry!.detail).not.toContain("typed-by-the-admin");
    const listed = (await listUsers(db)).find((x) => x.id === u.id);
    expect(listed).toMatchObject({ isActive: true, lastLoginAt: expect.any(Date) });
  });

  it("refuses a second user with the same email, whatever its case, and writes nothing", async () => {
    const before = await db.models.AuditEntry.count();
    const out = await addUser(db, { email: "ADA@shop.test", name: "Other", password: "whatever-123", role: "manager" }, actor());
    expect(out).toEqual({ ok: false, reason: "email_taken" });
    expect(await db.models.User.count({ where: { email: "ada@shop.test" } })).toBe(1);
    expect(await db.models.AuditEntry.count()).toBe(before);
  });

  it("changes a role and records from and to", async () => {
    const u = await user("manager");
    expect(await changeUserRole(db, { userId: u.id, role: "marketer" }, actor())).toEqual({ ok: true });
    expect((await db.models.User.findByPk(u.id))!.role).toBe("marketer");
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: "user.role_change", targetId: String(u.id) });
    expect(JSON.parse(entry!.detail!)).toMatchObject({ from: "manager", to: "marketer" });
  });

  it("an admin cannot demote or deactivate themself", async () => {
    const before = await db.models.AuditEntry.count();
    expect(await changeUserRole(db, { userId: adminId, role: "marketer" }, actor())).toEqual({ ok: false, reason: "self" });
    expect(await setUserActive(db, { userId: adminId, isActive: false }, actor())).toEqual({ ok: false, reason: "self" });
    expect(await db.models.User.findByPk(adminId)).toMatchObject({ role: "admin", isActive: true });
    expect(await db.models.AuditEntry.count()).toBe(before);
  });

  it("the last active admin can be neither demoted nor deactivated, by anyone", async () => {
    // an actor that is not that admin: an API key, or an admin who was demoted meanwhile
    const other = { userId: null, apiKeyId: null };
    expect(await changeUserRole(db, { userId: adminId, role: "manager" }, other)).toEqual({ ok: false, reason: "last_admin" });
    expect(await setUserActive(db, { userId: adminId, isActive: false }, other)).toEqual({ ok: false, reason: "last_admin" });
    expect(await db.models.User.findByPk(adminId)).toMatchObject({ role: "admin", isActive: true });

    // with a second admin, one of the two may go, but not both
    const second = await user("admin");
    expect(await setUserActive(db, { userId: second.id, isActive: false }, actor())).toEqual({ ok: true });
    expect(await changeUserRole(db, { userId: adminId, role: "manager" }, other)).toEqual({ ok: false, reason: "last_admin" });
    expect(await setUserActive(db, { userId: second.id, isActive: true }, actor())).toEqual({ ok: true });
    expect(await changeUserRole(db, { userId: second.id, role: "manager" }, actor())).toEqual({ ok: true });
  });

  it("two admins demoting each other at the same moment leave one admin", async () => {
    // a database of its own, where these two are the only admins
    const race = await createTestDatabase();
    try {
      const a = await createUser(race, { email: "a@shop.test", name: "A", password: "a-password-1", role: "admin" });
      const b = await createUser(race, { email: "b@shop.test", name: "B", password: "b-password-1", role: "admin" });
      // the interleaving is up to the database's scheduling, so several rounds give the race its chances
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all([
          changeUserRole(race, { userId: b.id, role: "manager" }, { userId: a.id }),
          changeUserRole(race, { userId: a.id, role: "manager" }, { userId: b.id }),
        ]);
        expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "last_admin" }]);
        const admins = await race.models.User.findAll({ where: { role: "admin", isActive: true } });
        expect(admins).toHaveLength(1);
        const demoted = admins[0].id === a.id ? b : a;
        expect(await changeUserRole(race, { userId: demoted.id, role: "admin" }, { userId: admins[0].id })).toEqual({ ok: true });
      }
    } finally {
      await race.drop();
    }
  });

  it("a deactivated user cannot sign in and their open session ends for good; reactivated, they sign in again", async () => {
    const u = await user("manager", "manager-password");
    const stamp = (await getSessionStamp(db, u.id))!;
    expect(await getSessionUser(db, u.id, stamp)).toMatchObject({ id: u.id });
    expect(await setUserActive(db, { userId: u.id, isActive: false }, actor())).toEqual({ ok: true });
    expect((await lastAudit())!.action).toBe("user.deactivate");
    expect(await getSessionUser(db, u.id, stamp)).toBeNull();
    expect(await verifyLogin(db, u.email, "manager-password")).toBeNull();
    expect(await setUserActive(db, { userId: u.id, isActive: true }, actor())).toEqual({ ok: true });
    expect((await lastAudit())!.action).toBe("user.reactivate");
    expect(await getSessionUser(db, u.id, stamp)).toBeNull();
    expect(await verifyLogin(db, u.email, "manager-password")).toMatchObject({ id: u.id });
    expect(await getSessionUser(db, u.id, (await getSessionStamp(db, u.id))!)).toMatchObject({ id: u.id });
  });

  it("a password reset takes effect at once and ends the sessions opened with the old password", async () => {
    const u = await user("marketer", "old-password-1");
    const stamp = (await getSessionStamp(db, u.id))!;
    expect(await resetUserPassword(db, { userId: u.id, password: "new-password-2" }, actor())).toEqual({ ok: true });
    expect(await verifyLogin(db, u.email, "old-password-1")).toBeNull();
    expect(await verifyLogin(db, u.email, "new-password-2")).toMatchObject({ id: u.id });
    expect(await getSessionUser(db, u.id, stamp)).toBeNull();
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: "user.password_reset", targetId: String(u.id) });
    expect(entry!.detail).not.toContain("new-password-2");
    expect(await resetUserPassword(db, { userId: 999_999, password: "x-password-3" }, actor())).toEqual({ ok: false, reason: "not_found" });
  });

  it("a user changes their own password only with the current one, and gets a fresh session stamp", async () => {
    const u = await user("manager", "mine-password-1");
    const wrong = await changeOwnPassword(db, { userId: u.id, currentPassword: "guess", newPassword: "mine-password-2" }, { userId: u.id });
    expect(wrong).toEqual({ ok: false, reason: "wrong_password" });
    expect(await verifyLogin(db, u.email, "mine-password-1")).not.toBeNull();
    const right = await changeOwnPassword(db, { userId: u.id, currentPassword: "mine-password-1", newPassword: "mine-password-2" }, { userId: u.id });
    expect(right).toMatchObject({ ok: true, stamp: expect.any(String) });
    expect(right.ok && (await getSessionUser(db, u.id, right.stamp))).toMatchObject({ id: u.id });
    expect(await verifyLogin(db, u.email, "mine-password-2")).not.toBeNull();
    expect((await lastAudit())!.action).toBe("user.password_change");
  });

  it("each change and its audit entry share a transaction: if the audit write fails, the change is undone", async () => {
    const u = await user("manager");
    const failing = () => {
      throw new Error("audit log unavailable");
    };
    db.models.AuditEntry.addHook("beforeCreate", "fail-for-test", failing);
    try {
      await expect(changeUserRole(db, { userId: u.id, role: "marketer" }, actor())).rejects.toThrow("audit log unavailable");
      await expect(setUserActive(db, { userId: u.id, isActive: false }, actor())).rejects.toThrow("audit log unavailable");
      await expect(resetUserPassword(db, { userId: u.id, password: "never-stored-1" }, actor())).rejects.toThrow("audit log unavailable");
      await expect(addUser(db, { email: "ghost@shop.test", name: "Ghost", password: "ghost-pass-1", role: "manager" }, actor())).rejects.toThrow(
        "audit log unavailable",
      );
    } finally {
      db.models.AuditEntry.removeHook("beforeCreate", "fail-for-test");
    }
    expect(await db.models.User.findByPk(u.id)).toMatchObject({ role: "manager", isActive: true });
    expect(await verifyLogin(db, u.email, "initial-password")).not.toBeNull();
    expect(await db.models.User.count({ where: { email: "ghost@shop.test" } })).toBe(0);
  });
});
