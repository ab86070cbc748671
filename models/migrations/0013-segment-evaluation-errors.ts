import { DataTypes, type QueryInterface } from "sequelize";

/**
 * Why a segment's definition cannot be evaluated (a segment it names is gone, say), or null: the
 * change follower and the recomputes skip such a segment rather than stop, and its page says why.
 */
export async function up(qi: QueryInterface) {
  await qi.addColumn("segments", "evaluation_error", { type: DataTypes.TEXT, allowNull: true });
}
