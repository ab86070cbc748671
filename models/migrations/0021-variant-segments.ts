import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * Product variants restricted to segments (docs/decisions/0037): a variant with rows here is shown
 * only to members of at least one of its segments; a variant with none is shown to everyone.
 * Segments are deleted softly, so a restriction to a deleted segment stays and lets nobody in.
 */
export async function up(qi: QueryInterface) {
  await createTable(qi, "variant_segments", {
    variant_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: "product_variants", key: "id" }, onDelete: "CASCADE" },
    segment_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: "segments", key: "id" }, onDelete: "CASCADE" },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("variant_segments", ["segment_id"]);
}
