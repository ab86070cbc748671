import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export const CAMPAIGN_STATUSES = ["draft", "scheduled", "sending", "paused", "finished", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const DELIVERY_STATUSES = ["queued", "in_flight", "sent", "delivered", "read", "failed", "skipped", "unknown", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why a customer of the audience gets nothing on any channel of the chain. */
export const SKIP_REASONS = ["no_consent", "no_address", "unsubscribed", "messenger_window", "frequency_cap"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface CampaignRow extends Model<Attrs<CampaignRow>, Create<CampaignRow>> {
  id: CreationOptional<number>;
  name: string;
  status: CampaignStatus;
  /** The fallback chain, comma-separated in order: "viber,sms". */
  channels: string;
  /** JSON array of segment ids. */
  includeSegmentIds: string;
  excludeSegmentIds: string;
  scheduleKind: "now" | "at";
  timeZoneMode: "store" | "customer";
  sendAt: Date | null;
  /** Wall time "YYYY-MM-DDTHH:mm", read in each customer's zone when timeZoneMode is "customer". */
  localSendAt: string | null;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  createdById: number | null;
  startedAt: CreationOptional<Date | null>;
  finishedAt: CreationOptional<Date | null>;
  pausedAt: CreationOptional<Date | null>;
  cancelledAt: CreationOptional<Date | null>;
  /** Set on an automation's hidden campaign, the owner of its messages on the sending path (decision 0031). */
  automationId: CreationOptional<number | null>;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageTemplateRow extends Model<Attrs<MessageTemplateRow>, Create<MessageTemplateRow>> {
  id: CreationOptional<number>;
  ownerKind: "campaign" | "automation";
  ownerId: number;
  channel: string;
  /** Email only. */
  subject: string | null;
  /** Email only. */
  htmlBody: string | null;
  /** Email's text part (made from the HTML when empty); the whole message for SMS, Messenger, Viber. */
  textBody: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignDelivery extends Model<Attrs<CampaignDelivery>, Create<CampaignDelivery>> {
  id: CreationOptional<number>;
  campaignId: number;
  customerId: number;
  channel: string | null;
  address: string | null;
  status: DeliveryStatus;
  skipReason: SkipReason | null;
  dueAt: Date;
  attempts: CreationOptional<number>;
  claimedBy: CreationOptional<string | null>;
  claimedAt: CreationOptional<Date | null>;
  providerMessageId: CreationOptional<string | null>;
  error: CreationOptional<string | null>;
  sentAt: CreationOptional<Date | null>;
  deliveredAt: CreationOptional<Date | null>;
  readAt: CreationOptional<Date | null>;
  failedAt: CreationOptional<Date | null>;
  /** The automation firing this message is (0 for a campaign's own rows). */
  firingId: CreationOptional<number>;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryEvent extends Model<Attrs<DeliveryEvent>, Create<DeliveryEvent>> {
  id: CreationOptional<number>;
  deliveryId: number | null;
  provider: string;
  eventKey: string;
  type: string;
  occurredAt: Date;
  payload: string | null;
  createdAt: Date;
}

export interface ChannelSettingsRow extends Model<Attrs<ChannelSettingsRow>, Create<ChannelSettingsRow>> {
  channel: string;
  settings: string;
  ratePerSecond: number | null;
  updatedById: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignModels {
  Campaign: ModelStatic<CampaignRow>;
  MessageTemplate: ModelStatic<MessageTemplateRow>;
  CampaignDelivery: ModelStatic<CampaignDelivery>;
  DeliveryEvent: ModelStatic<DeliveryEvent>;
  ChannelSettings: ModelStatic<ChannelSettingsRow>;
}

export function defineCampaignModels(sequelize: Sequelize): CampaignModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });
  const Campaign = sequelize.define<CampaignRow>("campaigns", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    name: str(200, false),
    status: str(16, false) as never,
    channels: str(64, false),
    includeSegmentIds: { type: DataTypes.TEXT, allowNull: false },
    excludeSegmentIds: { type: DataTypes.TEXT, allowNull: false },
    scheduleKind: str(8, false) as never,
    timeZoneMode: str(16, false) as never,
    sendAt: time(),
    localSendAt: str(16),
    quietHoursStart: str(5),
    quietHoursEnd: str(5),
    createdById: { type: DataTypes.INTEGER, allowNull: true },
    startedAt: time(),
    finishedAt: time(),
    pausedAt: time(),
    cancelledAt: time(),
    automationId: { type: DataTypes.INTEGER, allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
  });
  const MessageTemplate = sequelize.define<MessageTemplateRow>("message_templates", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    ownerKind: str(16, false) as never,
    ownerId: { type: DataTypes.INTEGER, allowNull: false },
    channel: str(16, false),
    subject: str(500),
    htmlBody: { type: DataTypes.TEXT, allowNull: true },
    textBody: { type: DataTypes.TEXT, allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
  });
  const CampaignDelivery = sequelize.define<CampaignDelivery>("campaign_deliveries", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    campaignId: { type: DataTypes.INTEGER, allowNull: false },
    customerId: { type: DataTypes.INTEGER, allowNull: false },
    channel: str(16),
    address: str(320),
    status: str(16, false) as never,
    skipReason: str(32) as never,
    dueAt: time(false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    claimedBy: str(64),
    claimedAt: time(),
    providerMessageId: str(255),
    error: { type: DataTypes.TEXT, allowNull: true },
    sentAt: time(),
    deliveredAt: time(),
    readAt: time(),
    failedAt: time(),
    firingId: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    createdAt: time(false),
    updatedAt: time(false),
  });
  const DeliveryEvent = sequelize.define<DeliveryEvent>(
    "delivery_events",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      deliveryId: { type: DataTypes.BIGINT, allowNull: true },
      provider: str(16, false),
      eventKey: str(191, false),
      type: str(32, false),
      occurredAt: time(false),
      payload: { type: DataTypes.TEXT, allowNull: true },
      createdAt: time(false),
    },
    { updatedAt: false },
  );
  const ChannelSettings = sequelize.define<ChannelSettingsRow>("channel_settings", {
    channel: { type: DataTypes.STRING(16), primaryKey: true },
    settings: { type: DataTypes.TEXT, allowNull: false },
    ratePerSecond: { type: DataTypes.INTEGER, allowNull: true },
    updatedById: { type: DataTypes.INTEGER, allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
  });
  Campaign.hasMany(CampaignDelivery, { as: "deliveries", foreignKey: "campaignId" });
  CampaignDelivery.belongsTo(Campaign, { as: "campaign", foreignKey: "campaignId" });
  return { Campaign, MessageTemplate, CampaignDelivery, DeliveryEvent, ChannelSettings };
}
