import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

/** A signed-in session; the cookie names it by `id`, and it ends when the row is gone. */
export interface UserSession extends Model<InferAttributes<UserSession>, InferCreationAttributes<UserSession>> {
  id: string;
  userId: number;
  expiresAt: Date;
  createdAt: Date;
}

export interface SessionModels {
  UserSession: ModelStatic<UserSession>;
}

export function defineSessionModels(sequelize: Sequelize): SessionModels {
  const UserSession = sequelize.define<UserSession>(
    "user_sessions",
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      expiresAt: { type: DataTypes.DATE(3), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { updatedAt: false },
  );
  return { UserSession };
}
