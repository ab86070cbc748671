import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes, UniqueConstraintError } from "sequelize";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { bulkInsert, bulkInsertReturning } from "./bulk";

describe(`bulk inserts on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const now = new Date("2024-03-01T09:30:00.123Z");
  const names = ['say "hi"', "O'Brien", "back\\slash", "tab\there\nnew line", 'json {"a":"b"}', "Иван Петров", "\u0000nul"];
  // filtered here: MariaDB's LIKE stops matching at a NUL
  const stored = async (prefix: string) =>
    (await db.sequelize.query<{ name: string }>("SELECT name FROM tags ORDER BY id", { type: QueryTypes.SELECT })).filter((r) => r.name.startsWith(prefix));

  it("writes strings with quotes, backslashes, control characters and other scripts as they were, in and out of a transaction", async () => {
    await bulkInsert(db, "tags", ["name", "created_at", "updated_at"], names.map((n) => [`a:${n}`, now, now]));
    await db.sequelize.transaction((transaction) => bulkInsert(db, "tags", ["name", "created_at", "updated_at"], names.map((n) => [`t:${n}`, now, now]), { transaction }));
    expect((await stored("a:")).map((r) => r.name)).toEqual(names.map((n) => `a:${n}`));
    expect((await stored("t:")).map((r) => r.name)).toEqual(names.map((n) => `t:${n}`));
  });

  it("returns the id of each inserted row with the columns asked for", async () => {
    const rows = await db.sequelize.transaction((transaction) =>
      bulkInsertReturning<{ id: number; name: string }>(db, "tags", ["name", "created_at", "updated_at"], names.map((n) => [`r:${n}`, now, now]), ["id", "name"], { transaction }),
    );
    expect(rows.map((r) => r.name).sort()).toEqual(names.map((n) => `r:${n}`).sort());
    const inTable = await db.sequelize.query<{ id: number; name: string }>("SELECT id, name FROM tags ORDER BY id", { type: QueryTypes.SELECT });
    const idOf = new Map(inTable.map((r) => [r.name, Number(r.id)]));
    for (const r of rows) expect(Number(r.id)).toBe(idOf.get(r.name));
  });

  it("a duplicate key inside a transaction fails as Sequelize's UniqueConstraintError and the transaction writes nothing", async () => {
    const attempt = db.sequelize.transaction(async (transaction) => {
      await bulkInsert(db, "tags", ["name", "created_at", "updated_at"], [["d:first", now, now]], { transaction });
      await bulkInsert(db, "tags", ["name", "created_at", "updated_at"], [["d:second", now, now], ["d:second", now, now]], { transaction });
    });
    await expect(attempt).rejects.toBeInstanceOf(UniqueConstraintError);
    expect(await stored("d:")).toEqual([]);
  });

  it("refuses to write in a transaction that has ended", async () => {
    const transaction = await db.sequelize.transaction();
    await transaction.commit();
    await expect(bulkInsert(db, "tags", ["name", "created_at", "updated_at"], [["e:late", now, now]], { transaction })).rejects.toThrow(/commit has been called/);
    expect(await stored("e:")).toEqual([]);
  });
});
