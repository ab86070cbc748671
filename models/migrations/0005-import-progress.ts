import { DataTypes, type QueryInterface } from "sequelize";

/**
 * What the CSV import shows while and after it runs: bytes read (the progress bar: the row count is
 * unknown until the end), unchanged rows, when the dry run passed with the current settings (the
 * import needs one), and when the current run started.
 */
export async function up(qi: QueryInterface) {
  await qi.addColumn("imports", "processed_bytes", { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  await qi.addColumn("imports", "unchanged_rows", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.addColumn("imports", "checked_at", { type: DataTypes.DATE(3), allowNull: true });
  await qi.addColumn("imports", "started_at", { type: DataTypes.DATE(3), allowNull: true });
  await qi.addIndex("imports", ["status"]);
}
