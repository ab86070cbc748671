import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { createApiKey } from "../../models/api-keys.server";
import { saveStoreSettings } from "../../models/store.server";
import { createUser } from "../../models/users.server";
import { runSeedCommand } from "./seed";

describe(`npm run seed on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = await createUser(db, { email: "admin@shop.test", name: "Admin", password: "pw-123456-long", role: "admin" });
    await createApiKey(db, { name: "shop", scopes: ["customers:write"] }, { userId: admin.id });
    await saveStoreSettings(db, { name: "Кварталът", timeZone: "Europe/Sofia", currency: "BGN", locale: "bg" });
  });
  afterAll(() => db.drop());

  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runSeedCommand(["--database-url", db.url, "--now", "2025-11-20T10:00:00Z", ...args], (line) => lines.push(line));
    return { code, output: lines.join("\n") };
  };

  it("builds the store, printing each step with its progress and the rows it wrote", async () => {
    const { code, output } = await run("--customers", "300", "--seed", "3");
    expect(code, output).toBe(0);
    expect(output).toMatch(/customers 300\/300 \(100%\) [\d.]+ s/);
    expect(output).toMatch(/^\s+customers\s+300$/m);
    expect(output).toMatch(/^\s+orders\s+[\d,]+$/m);
    expect(output).toMatch(/Done in [\d.]+ s/);
    expect(await db.models.Customer.count()).toBe(300);
  });

  it("refuses a store that has customers, and changes nothing", async () => {
    const orders = await db.models.Order.count();
    const { code, output } = await run("--customers", "50");
    expect(code).toBe(1);
    expect(output).toMatch(/already has 300 customers\. Add --reset/);
    expect(await db.models.Customer.count()).toBe(300);
    expect(await db.models.Order.count()).toBe(orders);
  });

  it("with --reset empties the store's data and keeps users, API keys and settings", async () => {
    const users = await db.models.User.count();
    const { code, output } = await run("--customers", "120", "--seed", "4", "--reset");
    expect(code, output).toBe(0);
    expect(output).toMatch(/emptied \d+ tables of store data/);
    expect(await db.models.Customer.count()).toBe(120);
    expect(await db.models.User.count()).toBe(users);
    expect(await db.models.ApiKey.count()).toBe(1);
    const settings = await db.models.StoreSettings.findByPk(1);
    expect(settings?.name).toBe("Кварталът");
    expect(await db.models.CustomerGroup.count()).toBe(4);
    expect(await db.models.Category.count()).toBeLessThan(60);
  });

  it("names the bad option and writes nothing", async () => {
    const before = await db.models.Customer.count();
    const { code, output } = await run("--customers", "lots");
    expect(code).toBe(2);
    expect(output).toMatch(/--customers: /);
    const unknown = await run("--customer", "5");
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/--customer/);
    expect(await db.models.Customer.count()).toBe(before);
  });
});
