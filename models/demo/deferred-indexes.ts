// A bulk load into empty tables goes several times faster without the secondary indexes: every row
// otherwise lands at a random place in each of them (emails, names, dates), which on a million rows
// and MariaDB's 128 MB default buffer pool means a disk read per row, and on SQLite a cache miss.
// Building an index once, sorted, after the load costs seconds. Unique indexes stay (they guard the
// load); only the plain ones are set aside, and their definitions are written down first, so a load
// that dies half-way can be finished by `restoreDeferredIndexes`. Both dialects side by side.
import { QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../db";

interface IndexDefinition {
  tableName: string;
  indexName: string;
  definition: string;
  columns: string[];
}

const quote = (db: Database, name: string) => (db.dialect === "mysql" ? `\`${name.replace(/`/g, "``")}\`` : `"${name.replace(/"/g, '""')}"`);

/** The non-unique secondary indexes of the tables, as each dialect would create them again. */
async function plainIndexes(db: Database, tables: string[], transaction?: Transaction): Promise<IndexDefinition[]> {
  if (tables.length === 0) return [];
  if (db.dialect === "sqlite") {
    const rows = await db.sequelize.query<{ name: string; tbl_name: string; sql: string }>(
      "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?) ORDER BY tbl_name, name",
      { type: QueryTypes.SELECT, replacements: [tables], transaction },
    );
    const plain = rows.filter((r) => !/^\s*CREATE\s+UNIQUE\b/i.test(r.sql));
    const result: IndexDefinition[] = [];
    for (const r of plain) {
      const info = await db.sequelize.query<{ seqno: number; name: string | null }>(`PRAGMA index_info(${quote(db, r.name)})`, { type: QueryTypes.SELECT, transaction });
      const columns = info.sort((a, b) => a.seqno - b.seqno).map((c) => c.name ?? "");
      result.push({ tableName: r.tbl_name, indexName: r.name, definition: r.sql, columns });
    }
    return result;
  }
  const rows = await db.sequelize.query<{ t: string; i: string; c: string; sub: number | null; kind: string; dir: string | null }>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, SUB_PART AS sub, INDEX_TYPE AS kind, COLLATION AS dir
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) AND NON_UNIQUE = 1
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    { type: QueryTypes.SELECT, replacements: [tables], transaction },
  );
  const byIndex = new Map<string, { tableName: string; indexName: string; kind: string; parts: string[]; columns: string[] }>();
  for (const r of rows) {
    const key = `${r.t}.${r.i}`;
    const entry = byIndex.get(key) ?? { tableName: r.t, indexName: r.i, kind: r.kind, parts: [], columns: [] };
    entry.parts.push(`${quote(db, r.c)}${r.sub ? `(${r.sub})` : ""}${r.dir === "D" ? " DESC" : ""}`);
    entry.columns.push(r.c);
    byIndex.set(key, entry);
  }
  return [...byIndex.values()].map((e) => ({
    tableName: e.tableName,
    indexName: e.indexName,
    definition: `${e.kind === "FULLTEXT" ? "FULLTEXT " : e.kind === "SPATIAL" ? "SPATIAL " : ""}INDEX ${quote(db, e.indexName)} (${e.parts.join(", ")})`,
    columns: e.columns,
  }));
}

/** Runs work on one connection of its own with foreign key checks off (MariaDB will not drop an index a foreign key uses otherwise). */
async function onOwnConnection<T>(db: Database, work: (t: Transaction) => Promise<T>): Promise<T> {
  const t = await db.sequelize.transaction();
  try {
    if (db.dialect === "mysql") await db.sequelize.query("SET foreign_key_checks = 0", { transaction: t });
    const result = await work(t);
    if (db.dialect === "mysql") await db.sequelize.query("SET foreign_key_checks = 1", { transaction: t });
    await t.commit();
    return result;
  } catch (error) {
    if (db.dialect === "mysql") await db.sequelize.query("SET foreign_key_checks = 1", { transaction: t }).catch(() => {});
    await t.rollback().catch(() => {});
    throw error;
  }
}

/**
 * Drops the plain secondary indexes of these tables that `isCostly` picks (by their columns, in key
 * order), after writing them down; returns how many.
 */
export async function deferIndexes(db: Database, tables: string[], now: Date, isCostly: (columns: string[]) => boolean = () => true): Promise<number> {
  const indexes = (await plainIndexes(db, tables)).filter((i) => isCostly(i.columns));
  if (indexes.length === 0) return 0;
  await onOwnConnection(db, async (t) => {
    // written down before the drop: MariaDB commits them when the first ALTER starts, SQLite with the drops
    await db.models.DeferredIndex.bulkCreate(
      indexes.map((i) => ({ tableName: i.tableName, indexName: i.indexName, definition: i.definition, createdAt: now })),
      { ignoreDuplicates: true, transaction: t },
    );
    if (db.dialect === "sqlite") {
      for (const i of indexes) await db.sequelize.query(`DROP INDEX IF EXISTS ${quote(db, i.indexName)}`, { transaction: t });
      return;
    }
    for (const table of new Set(indexes.map((i) => i.tableName))) {
      const drops = indexes.filter((i) => i.tableName === table).map((i) => `DROP INDEX ${quote(db, i.indexName)}`);
      await db.sequelize.query(`ALTER TABLE ${quote(db, table)} ${drops.join(", ")}`, { transaction: t });
    }
  });
  return indexes.length;
}

/**
 * Builds again every index a load set aside (those still missing) and forgets them; returns how many
 * it built. On MariaDB two tables build at once, each on a connection of its own: one ALTER keeps one
 * core busy, and the load has finished with the other. SQLite has one writer, so one table at a time.
 */
export async function restoreDeferredIndexes(db: Database, log?: (line: string) => void): Promise<number> {
  const deferred = await db.models.DeferredIndex.findAll({ order: [["id", "ASC"]], raw: true });
  if (deferred.length === 0) return 0;
  const present = new Set((await presentIndexNames(db, [...new Set(deferred.map((d) => d.tableName))])).map((p) => `${p.tableName}.${p.indexName}`));
  const missing = deferred.filter((d) => !present.has(`${d.tableName}.${d.indexName}`));
  // the table with the most to build first, so the other connection takes the rest meanwhile
  const tables = [...new Set(missing.map((d) => d.tableName))].sort((a, b) => missing.filter((d) => d.tableName === b).length - missing.filter((d) => d.tableName === a).length);
  const buildTable = async (table: string, t: Transaction) => {
    const mine = missing.filter((d) => d.tableName === table);
    const started = performance.now();
    if (db.dialect === "sqlite") for (const d of mine) await db.sequelize.query(d.definition, { transaction: t });
    // one ALTER reads the table once for all its indexes
    else await db.sequelize.query(`ALTER TABLE ${quote(db, table)} ${mine.map((d) => `ADD ${d.definition}`).join(", ")}`, { transaction: t });
    log?.(`indexes: ${table} (${mine.map((d) => d.indexName).join(", ")}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  if (db.dialect === "sqlite") {
    await onOwnConnection(db, async (t) => {
      // a big cache and an in-memory sorter make each index one sorted pass; these pragmas end with this connection
      await db.sequelize.query("PRAGMA cache_size = -262144", { transaction: t });
      await db.sequelize.query("PRAGMA temp_store = MEMORY", { transaction: t });
      for (const table of tables) await buildTable(table, t);
    });
  } else {
    const queue = [...tables];
    const worker = async () => {
      for (let table = queue.shift(); table !== undefined; table = queue.shift()) await onOwnConnection(db, (t) => buildTable(table!, t));
    };
    await Promise.all([worker(), worker()]);
  }
  await db.sequelize.transaction((t) => db.models.DeferredIndex.destroy({ where: { id: deferred.map((d) => d.id) }, transaction: t }));
  return missing.length;
}

async function presentIndexNames(db: Database, tables: string[], transaction?: Transaction): Promise<Array<{ tableName: string; indexName: string }>> {
  if (db.dialect === "sqlite") {
    const rows = await db.sequelize.query<{ name: string; tbl_name: string }>("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?)", {
      type: QueryTypes.SELECT,
      replacements: [tables],
      transaction,
    });
    return rows.map((r) => ({ tableName: r.tbl_name, indexName: r.name }));
  }
  const rows = await db.sequelize.query<{ t: string; i: string }>(
    "SELECT DISTINCT TABLE_NAME AS t, INDEX_NAME AS i FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)",
    { type: QueryTypes.SELECT, replacements: [tables], transaction },
  );
  return rows.map((r) => ({ tableName: r.t, indexName: r.i }));
}

/** Every index of these tables, as "table.index": what tests compare before and after a load. */
export async function describeIndexes(db: Database, tables: string[]): Promise<string[]> {
  return (await presentIndexNames(db, tables)).map((p) => `${p.tableName}.${p.indexName}`).sort();
}
