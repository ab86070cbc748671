import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEntries } from "../../models/audit.server";
import { createUser, verifyLogin } from "../../models/users.server";
import { runResetPasswordCommand } from "../../server/cli/reset-password";
import { createTestDatabase, testDialect } from "../support/db";

describe(`npm run user:reset-password on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db, { email: "admin@demo.store", name: "Ada", password: "the-lost-password-1", role: "admin" });
    await createUser(db, { email: "manager@demo.store", name: "Manol", password: "manager-password-1", role: "manager" });
  });
  afterAll(() => db.drop());

  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runResetPasswordCommand([...args, "--database-url", db.url], (line) => lines.push(line));
    return { code, output: lines.join("\n") };
  };

  it("gives the user a new generated password, printed once, that signs in where the old one no longer does", async () => {
    const { code, output } = await run("Admin@Demo.Store");
    expect(code, output).toBe(0);
    const password = /^│\s+(\S{4}-\S{4}-\S{4}-\S{4})\s+│$/m.exec(output)?.[1];
    expect(password, output).toBeDefined();
    expect(output).toContain("New password for admin@demo.store (admin)");
    expect(await verifyLogin(db, "admin@demo.store", password!)).toMatchObject({ email: "admin@demo.store", role: "admin" });
    expect(await verifyLogin(db, "admin@demo.store", "the-lost-password-1")).toBeNull();
    expect(await verifyLogin(db, "manager@demo.store", "manager-password-1")).not.toBeNull();
    const audit = await listAuditEntries(db, { action: "user.password_reset" });
    expect(audit.entries[0]).toMatchObject({ userId: null, targetType: "user", detail: { email: "admin@demo.store" } });
  });

  it("refuses an email no user has, naming the users there are, and changes nothing", async () => {
    const before = await db.models.User.findAll({ attributes: ["id", "passwordHash"], order: [["id", "ASC"]], raw: true });
    const { code, output } = await run("nobody@demo.store");
    expect(code).toBe(1);
    expect(output).toContain("no user has the email nobody@demo.store; nothing changed.");
    expect(output).toContain("The users are: admin@demo.store, manager@demo.store");
    expect(await db.models.User.findAll({ attributes: ["id", "passwordHash"], order: [["id", "ASC"]], raw: true })).toEqual(before);
  });

  it("refuses a missing or malformed email with the usage", async () => {
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.output).toContain("give exactly one email (got 0)");
    expect(none.output).toContain("usage: npm run user:reset-password -- <email>");
    const bad = await run("admin-at-demo");
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('email: "admin-at-demo" is not an email address');
  });
});
