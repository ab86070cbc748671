import { DataTypes, type QueryInterface } from "sequelize";

/**
 * A counter that session cookies are tied to (with the password): raising it ends every open
 * session of the user. Deactivating a user raises it, so reactivating them later does not bring
 * their old sessions back.
 */
export async function up(qi: QueryInterface) {
  await qi.addColumn("users", "session_version", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
}
