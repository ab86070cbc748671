import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

/** A product variant shown only to members of this segment (or of another of its segments). */
export interface VariantSegment extends Model<Attrs<VariantSegment>, Create<VariantSegment>> {
  variantId: number;
  segmentId: number;
  createdAt: CreationOptional<Date>;
}

export interface StorefrontModels {
  VariantSegment: ModelStatic<VariantSegment>;
}

export function defineStorefrontModels(sequelize: Sequelize): StorefrontModels {
  const VariantSegment = sequelize.define<VariantSegment>(
    "variant_segments",
    {
      variantId: { type: DataTypes.INTEGER, primaryKey: true },
      segmentId: { type: DataTypes.INTEGER, primaryKey: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { updatedAt: false },
  );
  return { VariantSegment };
}
