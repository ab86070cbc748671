import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { migrate } from ".";

describe(`migrations on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("bring an empty database to the current schema, and running them again changes nothing", async () => {
    expect(await migrate(db.sequelize)).toEqual([]);
    const tables = (await db.sequelize.getQueryInterface().showAllTables()).map((t) => (typeof t === "string" ? t : (t as { tableName: string }).tableName));
    for (const model of Object.values(db.models)) expect(tables).toContain(model.getTableName());
  });

  it("store money as integers that survive a round trip past 2^31", async () => {
    const customer = await db.models.Customer.create({
      externalId: "c-1", firstName: "Иван", lastName: "Петров", email: null, phone: null, country: "BG", city: "София",
      birthday: "1990-02-28", registeredAt: new Date("2024-01-01T00:00:00Z"), customerGroupId: null, managerId: null,
    });
    await db.models.Order.create({ externalId: "o-1", customerId: customer.id, status: "completed", total: 5_000_000_000, currency: "EUR", placedAt: new Date() });
    const [row] = await db.sequelize.query<{ total: number | string }>("SELECT total FROM orders", { type: QueryTypes.SELECT });
    expect(Number(row.total)).toBe(5_000_000_000);
    const again = await db.models.Customer.findOne({ where: { externalId: "c-1" } });
    expect(again?.city).toBe("София");
  });

  it("compare external ids exactly, as SQLite does", async () => {
    await db.models.Tag.create({ name: "VIP" });
    await expect(db.models.Tag.create({ name: "vip" })).resolves.toBeTruthy();
    await expect(db.models.Tag.create({ name: "VIP" })).rejects.toThrow();
  });
});
