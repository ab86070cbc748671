import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "../../models/api-keys.server";
import { createUser } from "../../models/users.server";

describe(`API keys on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let adminId: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    adminId = (await createUser(db, { email: "ada@shop.test", name: "Ada", password: "ada-password-1", role: "admin" })).id;
  });
  afterAll(() => db.drop());
  const actor = () => ({ userId: adminId, ip: "10.0.0.1" });

  it("a new key works with exactly its scopes, and only its hash is stored", async () => {
    const { id, secret } = await createApiKey(db, { name: "Shop sync", scopes: ["customers:write", "customers:read", "customers:write"] }, actor());
    expect(secret).toMatch(/^sk_[0-9a-f]{8}_[A-Za-z0-9_-]{27}$/);
    const row = (await db.models.ApiKey.findByPk(id))!;
    expect(row.keyHash).not.toContain(secret.slice(12));
    expect(JSON.stringify(row.toJSON())).not.toContain(secret);
    expect(secret.startsWith(row.prefix)).toBe(true);
    expect(await authenticateApiKey(db, secret)).toEqual({ apiKeyId: id, scopes: ["customers:write", "customers:read"] });
    const entry = (await db.models.AuditEntry.findOne({ where: { action: "api_key.create" } }))!;
    expect(entry).toMatchObject({ userId: adminId, targetId: String(id), ip: "10.0.0.1" });
    expect(entry.detail).not.toContain(secret);
  });

  it("an unknown, malformed or altered key is refused", async () => {
    const { secret } = await createApiKey(db, { name: "Other", scopes: ["orders:write"] }, actor());
    expect(await authenticateApiKey(db, "sk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAA")).toBeNull();
    expect(await authenticateApiKey(db, "not a key")).toBeNull();
    const last = secret.at(-1) === "A" ? "B" : "A";
    expect(await authenticateApiKey(db, secret.slice(0, -1) + last)).toBeNull();
  });

  it("records when a key was last used, at most once a minute", async () => {
    const { id, secret } = await createApiKey(db, { name: "Clock", scopes: ["customers:read"] }, actor());
    const t0 = new Date("2025-03-01T10:00:00.000Z");
    await authenticateApiKey(db, secret, t0);
    expect((await db.models.ApiKey.findByPk(id))!.lastUsedAt).toEqual(t0);
    await authenticateApiKey(db, secret, new Date(t0.getTime() + 30_000));
    expect((await db.models.ApiKey.findByPk(id))!.lastUsedAt).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await authenticateApiKey(db, secret, t2);
    expect((await db.models.ApiKey.findByPk(id))!.lastUsedAt).toEqual(t2);
    expect((await listApiKeys(db)).find((k) => k.id === id)).toMatchObject({ lastUsedAt: t2, revokedAt: null, createdBy: "Ada" });
  });

  it("a revoked key stops working at once; revoking again changes nothing", async () => {
    const { id, secret } = await createApiKey(db, { name: "Leaked", scopes: ["customers:read"] }, actor());
    const now = new Date("2025-03-02T08:00:00.000Z");
    expect(await revokeApiKey(db, id, actor(), now)).toBe(true);
    expect(await authenticateApiKey(db, secret)).toBeNull();
    expect((await listApiKeys(db)).find((k) => k.id === id)).toMatchObject({ name: "Leaked", revokedAt: now });
    const audits = await db.models.AuditEntry.count({ where: { action: "api_key.revoke", targetId: String(id) } });
    expect(audits).toBe(1);
    expect(await revokeApiKey(db, id, actor())).toBe(false);
    expect(await revokeApiKey(db, 999_999, actor())).toBe(false);
    expect(await db.models.AuditEntry.count({ where: { action: "api_key.revoke", targetId: String(id) } })).toBe(1);
  });

  it("creating and revoking share a transaction with their audit entry", async () => {
    const { id, secret } = await createApiKey(db, { name: "Keep", scopes: ["customers:read"] }, actor());
    const keysBefore = await db.models.ApiKey.count();
    db.models.AuditEntry.addHook("beforeCreate", "fail-for-test", () => {
      throw new Error("audit log unavailable");
    });
    try {
      await expect(createApiKey(db, { name: "Never", scopes: ["customers:read"] }, actor())).rejects.toThrow("audit log unavailable");
      await expect(revokeApiKey(db, id, actor())).rejects.toThrow("audit log unavailable");
    } finally {
      db.models.AuditEntry.removeHook("beforeCreate", "fail-for-test");
    }
    expect(await db.models.ApiKey.count()).toBe(keysBefore);
    expect(await authenticateApiKey(db, secret)).not.toBeNull();
  });
});
