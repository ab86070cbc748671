import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes, Sequelize, type Model, type ModelStatic } from "sequelize";
import { openDatabase, type Database } from "../../models/db";

/** Which database this run of the suite is on: "sqlite" (default) or "mysql" (TEST_DIALECT=mysql with TEST_MYSQL_URL). */
export const testDialect = process.env.TEST_DIALECT === "mysql" ? "mysql" : "sqlite";

/**
 * A fresh, migrated database of its own for one test file: a temporary SQLite file, or a MariaDB
 * database on the server TEST_MYSQL_URL names. `drop()` removes it (SQLite) or hands it back.
 *
 * On MariaDB, creating a database and running every migration costs seconds (each table is files
 * and fsyncs), most of the suite's time there. Inside a vitest run (test/support/db.global.ts names
 * the run) each worker keeps its databases: a file gets its worker's database emptied (every row
 * deleted, counters back to 1), which is as fresh as a new one, unless its schema differs from the
 * one it had when migrated (a test that altered it): then it is made again.
 */
export async function createTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  if (testDialect === "mysql") return createMysqlDatabase();
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-test-"));
  const db = await openDatabase(`sqlite:${path.join(dir, `${name}.sqlite`)}`, { migrate: true });
  return Object.assign(db, {
    async drop() {
      await db.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

function serverUrl(): string {
  const url = process.env.TEST_MYSQL_URL;
  if (!url) throw new Error("TEST_DIALECT=mysql needs TEST_MYSQL_URL");
  return url.replace(/^mariadb:/, "mysql:");
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** The table that remembers a kept database's schema as migrated; not part of the app's schema. */
const POOL_TABLE = "test_pool_schema";
/** The kept databases of this worker that a test file holds now (a file may open more than one). */
const held = new Set<string>();

async function createMysqlDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const run = process.env.TEST_DB_RUN;
  const worker = process.env.VITEST_POOL_ID;
  if (!run || !worker) {
    const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new Sequelize(serverUrl(), { logging: false });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.close();
    const db = await openDatabase(databaseUrl(name), { migrate: true });
    return Object.assign(db, {
      async drop() {
        await db.close().catch(() => {});
        await dropDatabases(`^${name}$`);
      },
    });
  }
  let slot = 0;
  while (held.has(`${run}_${worker}_${slot}`)) slot++;
  const name = `${run}_${worker}_${slot}`;
  held.add(name);
  const admin = new Sequelize(serverUrl(), { logging: false });
  try {
    if (!(await emptiedIfUnchanged(admin, name))) {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      const fresh = await openDatabase(databaseUrl(name), { migrate: true });
      await fresh.close();
      await admin.query(`CREATE TABLE \`${name}\`.${POOL_TABLE} (fingerprint VARCHAR(64) NOT NULL)`);
      await admin.query(`INSERT INTO \`${name}\`.${POOL_TABLE} (fingerprint) VALUES (:fingerprint)`, { replacements: { fingerprint: await schemaFingerprint(admin, name) } });
    }
  } finally {
    await admin.close();
  }
  const db = await openDatabase(databaseUrl(name), { migrate: false });
  return Object.assign(db, {
    async drop() {
      await db.close().catch(() => {});
      held.delete(name);
    },
  });
}

/** The kept database's schema, as columns, indexes, foreign keys and triggers, hashed. */
async function schemaFingerprint(admin: Sequelize, name: string): Promise<string> {
  const [rows] = (await admin.query(
    `SELECT 'c' AS k, TABLE_NAME AS t, CONCAT_WS(':', COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '~'), EXTRA) AS v FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = :name AND TABLE_NAME <> :pool
     UNION ALL SELECT 'i', TABLE_NAME, CONCAT_WS(':', INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = :name AND TABLE_NAME <> :pool
     UNION ALL SELECT 'f', TABLE_NAME, CONCAT_WS(':', CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = :name
     UNION ALL SELECT 'r', EVENT_OBJECT_TABLE, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = :name`,
    { replacements: { name, pool: POOL_TABLE } },
  )) as [Array<{ k: string; t: string; v: string }>, unknown];
  const lines = rows.map((r) => `${r.k}|${r.t}|${r.v}`).sort();
  return crypto.createHash("sha256").update(lines.join("\n")).digest("hex");
}

/**
 * Empties a kept database whose schema is still the one it was migrated to: every row of every
 * table but the migrations' own list deleted, every counter back to 1. False when there is no such
 * database or its schema changed.
 */
async function emptiedIfUnchanged(admin: Sequelize, name: string): Promise<boolean> {
  let kept: string | undefined;
  try {
    const [rows] = (await admin.query(`SELECT fingerprint FROM \`${name}\`.${POOL_TABLE}`)) as [Array<{ fingerprint: string }>, unknown];
    kept = rows[0]?.fingerprint;
  } catch {
    return false;
  }
  if (!kept || kept !== (await schemaFingerprint(admin, name))) return false;
  const [tables] = (await admin.query(
    "SELECT TABLE_NAME AS t, AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = :name AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT IN (:skip)",
    { replacements: { name, skip: [POOL_TABLE, "schema_migrations"] } },
  )) as [Array<{ t: string; next: number | string | null }>, unknown];
  // one connection, so the foreign key switch holds for every statement
  await admin.transaction(async (transaction) => {
    await admin.query("SET FOREIGN_KEY_CHECKS = 0", { transaction });
    for (const { t } of tables) await admin.query(`DELETE FROM \`${name}\`.\`${t}\``, { transaction });
    await admin.query("SET FOREIGN_KEY_CHECKS = 1", { transaction });
  });
  for (const { t, next } of tables) {
    if (next !== null && Number(next) > 1) await admin.query(`ALTER TABLE \`${name}\`.\`${t}\` AUTO_INCREMENT = 1`);
  }
  return true;
}

/** Drops the databases whose names match the pattern (a run's kept ones at its end). */
export async function dropDatabases(pattern: string): Promise<void> {
  const admin = new Sequelize(serverUrl(), { logging: false });
  try {
    const [rows] = (await admin.query("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME REGEXP :pattern", { replacements: { pattern } })) as [Array<{ name: string }>, unknown];
    for (const { name } of rows) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.close();
  }
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
