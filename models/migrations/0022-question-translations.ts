import { DataTypes, type QueryInterface } from "sequelize";

/**
 * The texts of registration questions and options in the store's other languages (bg, el, ru, uk),
 * as a JSON object beside the English text, which stays in `text` / `label` (decision record 0039).
 */
export async function up(qi: QueryInterface) {
  await qi.addColumn("registration_questions", "translations", { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn("registration_options", "translations", { type: DataTypes.TEXT, allowNull: true });
}
