import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { getStoreSettings, updateStoreSettings } from "../../models/store.server";

describe(`store settings on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("saves the settings and audits each changed field with its old and new value", async () => {
    const first = { name: "Ελληνικό κατάστημα", timeZone: "Europe/Athens", currency: "EUR", locale: "el-GR" };
    expect(await updateStoreSettings(db, first, { userId: null, ip: "::1" })).toEqual({ changed: ["name", "timeZone", "currency", "locale"] });
    expect(await getStoreSettings(db)).toEqual(first);
    expect(await updateStoreSettings(db, { ...first, timeZone: "Europe/Sofia", currency: "BGN" }, {})).toEqual({ changed: ["timeZone", "currency"] });
    const entry = (await db.models.AuditEntry.findOne({ order: [["id", "DESC"]] }))!;
    expect(entry.action).toBe("store.update");
    expect(JSON.parse(entry.detail!)).toEqual({ timeZone: { from: "Europe/Athens", to: "Europe/Sofia" }, currency: { from: "EUR", to: "BGN" } });
  });

  it("the settings and their audit entry share a transaction: if the audit write fails, nothing changes", async () => {
    const before = await getStoreSettings(db);
    db.models.AuditEntry.addHook("beforeCreate", "fail-for-test", () => {
      throw new Error("audit log unavailable");
    });
    try {
      await expect(updateStoreSettings(db, { ...before, name: "Never saved" }, {})).rejects.toThrow("audit log unavailable");
    } finally {
      db.models.AuditEntry.removeHook("beforeCreate", "fail-for-test");
    }
    expect(await getStoreSettings(db)).toEqual(before);
  });

  it("saving unchanged settings writes no audit entry", async () => {
    const before = await db.models.AuditEntry.count();
    expect(await updateStoreSettings(db, await getStoreSettings(db), {})).toEqual({ changed: [] });
    expect(await db.models.AuditEntry.count()).toBe(before);
  });
});
