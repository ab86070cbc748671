import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

/** What a consent is about: the customer's marketing consent, or one channel's subscription. */
export const CONSENT_SUBJECTS = ["marketing", "email", "sms", "messenger", "viber"] as const;
export type ConsentSubject = (typeof CONSENT_SUBJECTS)[number];

/** Where a consent change came from. */
export const CONSENT_SOURCES = ["api", "import", "webhook", "unsubscribe_link", "admin", "demo"] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** One grant or withdrawal of consent; append-only (triggers refuse UPDATE and DELETE), and free of personal data. */
export interface ConsentRecord extends Model<Attrs<ConsentRecord>, Create<ConsentRecord>> {
  id: CreationOptional<number>;
  customerId: number;
  subject: ConsentSubject;
  isGranted: boolean;
  source: ConsentSource;
  /** What made the change: "api_key:3", "import:12", "user:5", "delivery_event:88"; null when nothing names it. */
  reference: string | null;
  occurredAt: Date;
  createdAt: Date;
}

export interface PrivacyModels {
  ConsentRecord: ModelStatic<ConsentRecord>;
}

export function definePrivacyModels(sequelize: Sequelize): PrivacyModels {
  const ConsentRecord = sequelize.define<ConsentRecord>(
    "consent_records",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      customerId: { type: DataTypes.INTEGER, allowNull: false },
      subject: { type: DataTypes.STRING(16), allowNull: false },
      isGranted: { type: DataTypes.BOOLEAN, allowNull: false },
      source: { type: DataTypes.STRING(24), allowNull: false },
      reference: { type: DataTypes.STRING(64), allowNull: true },
      occurredAt: { type: DataTypes.DATE(3), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { timestamps: false },
  );
  return { ConsentRecord };
}
