import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { listAuditActions, listAuditEntries, recordAudit } from "../../models/audit.server";
import { createUser } from "../../models/users.server";
import { createApiKey } from "../../models/api-keys.server";

describe(`the audit log on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ada: number;
  let bob: number;
  let keyId: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    ada = (await createUser(db, { email: "ada@shop.test", name: "Ada", password: "ada-password-1", role: "admin" })).id;
    bob = (await createUser(db, { email: "bob@shop.test", name: "Bob", password: "bob-password-1", role: "admin" })).id;
    keyId = (await createApiKey(db, { name: "Sync", scopes: ["customers:write"] }, { userId: ada })).id;
    // 120 entries after the key's own: alternating users and actions, one a minute
    const t0 = Date.parse("2025-01-01T00:00:00Z");
    for (let i = 0; i < 120; i++) {
      const actor = i % 10 === 9 ? { apiKeyId: keyId } : { userId: i % 2 ? bob : ada };
      await recordAudit(db, actor, i % 3 ? "user.login" : "user.role_change", { type: "user", id: i, detail: { i } }, undefined, new Date(t0 + i * 60_000));
    }
  });
  afterAll(() => db.drop());

  it("pages newest first without gaps or repeats, forwards and back", async () => {
    const first = await listAuditEntries(db, { limit: 50 });
    expect(first.entries).toHaveLength(50);
    expect(first.newerCursor).toBeNull();
    expect(first.entries[0]).toMatchObject({ action: "user.login", detail: { i: 119 }, userId: null, apiKeyId: keyId, apiKeyName: "Sync" });
    expect(first.entries[1]).toMatchObject({ detail: { i: 118 }, userName: "Ada" });
    const second = await listAuditEntries(db, { limit: 50, before: first.olderCursor! });
    const third = await listAuditEntries(db, { limit: 50, before: second.olderCursor! });
    expect(third.entries).toHaveLength(21);
    expect(third.olderCursor).toBeNull();
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(121);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const back = await listAuditEntries(db, { limit: 50, after: third.newerCursor! });
    expect(back.entries.map((e) => e.id)).toEqual(second.entries.map((e) => e.id));
    expect(back.newerCursor).toBe(second.entries[0].id);
    const backToStart = await listAuditEntries(db, { limit: 50, after: back.newerCursor! });
    expect(backToStart.entries.map((e) => e.id)).toEqual(first.entries.map((e) => e.id));
    expect(backToStart.newerCursor).toBeNull();
  });

  it("filters by action and by user, and pages within the filter", async () => {
    const bobs = await listAuditEntries(db, { userId: bob, limit: 30 });
    expect(bobs.entries.every((e) => e.userId === bob && e.userName === "Bob")).toBe(true);
    const more = await listAuditEntries(db, { userId: bob, limit: 30, before: bobs.olderCursor! });
    // Bob wrote the odd i that are not 9 mod 10: 48 entries
    expect(bobs.entries.length + more.entries.length).toBe(48);
    expect(more.olderCursor).toBeNull();
    const changes = await listAuditEntries(db, { action: "user.role_change", userId: ada, limit: 200 });
    expect(changes.entries.length).toBeGreaterThan(0);
    expect(changes.entries.every((e) => e.action === "user.role_change" && e.userId === ada)).toBe(true);
    expect((await listAuditEntries(db, { action: "nothing.like.this" })).entries).toEqual([]);
  });

  it("lists the actions that occur, for the filter", async () => {
    expect(await listAuditActions(db)).toEqual(["api_key.create", "user.login", "user.role_change"]);
  });
});
