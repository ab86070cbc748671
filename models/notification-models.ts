import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

/** Something a user is told in the app: the bell counts the unread ones. */
export interface Notification extends Model<Attrs<Notification>, Create<Notification>> {
  id: CreationOptional<number>;
  userId: number;
  /** What happened, e.g. "segment.formed"; the text comes from the UI catalogue. */
  kind: string;
  /** JSON: the values the text needs. */
  params: string | null;
  link: string | null;
  readAt: CreationOptional<Date | null>;
  createdAt: Date;
}

export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "unknown", "stored"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One outgoing message. With no provider configured it stays here as "stored", readable in the console. */
export interface OutboxMessage extends Model<Attrs<OutboxMessage>, Create<OutboxMessage>> {
  id: CreationOptional<number>;
  channel: string;
  purpose: string;
  recipient: string;
  userId: number | null;
  customerId: number | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
  status: OutboxStatus;
  attempts: CreationOptional<number>;
  error: CreationOptional<string | null>;
  providerMessageId: CreationOptional<string | null>;
  createdAt: Date;
  updatedAt: Date;
  sentAt: CreationOptional<Date | null>;
  /** The campaign delivery this message is, when it is one. */
  deliveryId: CreationOptional<number | null>;
}

/** How far a follower of the change log (customer_changes) has processed it. */
export interface ChangeLogPosition extends Model<Attrs<ChangeLogPosition>, Create<ChangeLogPosition>> {
  reader: string;
  changeId: number;
  updatedAt: Date;
}

export interface NotificationModels {
  Notification: ModelStatic<Notification>;
  OutboxMessage: ModelStatic<OutboxMessage>;
  ChangeLogPosition: ModelStatic<ChangeLogPosition>;
}

export function defineNotificationModels(sequelize: Sequelize): NotificationModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const Notification = sequelize.define<Notification>(
    "notifications",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(64), allowNull: false },
      params: { type: DataTypes.TEXT, allowNull: true },
      link: { type: DataTypes.STRING(500), allowNull: true },
      readAt: time(),
      createdAt: time(false),
    },
    { updatedAt: false },
  );
  const OutboxMessage = sequelize.define<OutboxMessage>("outbox_messages", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    channel: { type: DataTypes.STRING(16), allowNull: false },
    purpose: { type: DataTypes.STRING(32), allowNull: false },
    recipient: { type: DataTypes.STRING(320), allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: true },
    customerId: { type: DataTypes.INTEGER, allowNull: true },
    subject: { type: DataTypes.STRING(500), allowNull: true },
    textBody: { type: DataTypes.TEXT, allowNull: true },
    htmlBody: { type: DataTypes.TEXT, allowNull: true },
    status: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    error: { type: DataTypes.TEXT, allowNull: true },
    providerMessageId: { type: DataTypes.STRING(255), allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
    sentAt: time(),
    deliveryId: { type: DataTypes.BIGINT, allowNull: true },
  }) as ModelStatic<OutboxMessage>;
  const ChangeLogPosition = sequelize.define<ChangeLogPosition>(
    "change_log_positions",
    {
      reader: { type: DataTypes.STRING(64), primaryKey: true },
      changeId: { type: DataTypes.BIGINT, allowNull: false },
      updatedAt: time(false),
    },
    { createdAt: false },
  );
  return { Notification, OutboxMessage, ChangeLogPosition };
}
