import { DataTypes, type ModelAttributes, type QueryInterface } from "sequelize";

/** Every table is utf8mb4 with binary collation on MariaDB, so comparisons and unique keys are exact, as on SQLite. */
export function createTable(qi: QueryInterface, name: string, attributes: ModelAttributes) {
  return qi.createTable(name, attributes, { charset: "utf8mb4", collate: "utf8mb4_bin" });
}

export function timestamps() {
  return {
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  };
}
