import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes, Sequelize, type Model, type ModelStatic } from "sequelize";
import { openDatabase, type Database } from "../../models/db";

/** Which database this run of the suite is on: "sqlite" (default) or "mysql" (TEST_DIALECT=mysql with TEST_MYSQL_URL). */
export const testDialect = process.env.TEST_DIALECT === "mysql" ? "mysql" : "sqlite";

/**
 * A fresh, migrated database of its own for one test file: a temporary SQLite file, or a new
 * MariaDB database on the server TEST_MYSQL_URL names. `drop()` removes it.
 */
export async function createTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  if (testDialect === "mysql") {
    const serverUrl = process.env.TEST_MYSQL_URL;
    if (!serverUrl) throw new Error("TEST_DIALECT=mysql needs TEST_MYSQL_URL");
    const admin = new Sequelize(serverUrl.replace(/^mariadb:/, "mysql:"), { logging: false });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.close();
    const url = new URL(serverUrl.replace(/^mariadb:/, "mysql:"));
    url.pathname = `/${name}`;
    const db = await openDatabase(url.toString(), { migrate: true });
    return Object.assign(db, {
      async drop() {
        await db.close().catch(() => {});
        const again = new Sequelize(serverUrl.replace(/^mariadb:/, "mysql:"), { logging: false });
        await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await again.close();
      },
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-test-"));
  const db = await openDatabase(`sqlite:${path.join(dir, `${name}.sqlite`)}`, { migrate: true });
  return Object.assign(db, {
    async drop() {
      await db.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Row counts of every table, to prove that a rejected request wrote nothing. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  // one statement for every table: the bad-input corpus counts after each of its requests
  const qi = db.sequelize.getQueryInterface();
  const names = Object.keys(db.models);
  const columns = names.map((name, i) => `(SELECT COUNT(*) FROM ${qi.quoteIdentifier(String((db.models as unknown as Record<string, ModelStatic<Model>>)[name].getTableName()))}) AS c${i}`);
  const [row] = (await db.sequelize.query(`SELECT ${columns.join(", ")}`, { type: QueryTypes.SELECT })) as Array<Record<string, number | string>>;
  return Object.fromEntries(names.map((name, i) => [name, Number(row[`c${i}`])]));
}
