import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * Indexes a bulk load has dropped to build them again, sorted, when it ends. Written before the drop,
 * so a load that dies half-way leaves the definitions behind, and the next load (or `npm run seed`)
 * puts the indexes back.
 */
export async function up(qi: QueryInterface) {
  await createTable(qi, "deferred_indexes", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    table_name: { type: DataTypes.STRING(64), allowNull: false },
    index_name: { type: DataTypes.STRING(64), allowNull: false },
    // the dialect's own definition: a CREATE INDEX statement on SQLite, an ADD INDEX clause on MariaDB
    definition: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("deferred_indexes", ["table_name", "index_name"], { unique: true });
}
