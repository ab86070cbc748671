import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * Signed-in sessions, one row each, keyed by the random id the session cookie carries: signing out
 * deletes the row, so a copy of the cookie stops working at once instead of when it expires.
 */
export async function up(qi: QueryInterface) {
  await createTable(qi, "user_sessions", {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    expires_at: { type: DataTypes.DATE(3), allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("user_sessions", ["user_id"]);
  await qi.addIndex("user_sessions", ["expires_at"]);
}
