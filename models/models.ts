import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelStatic,
  type Sequelize,
} from "sequelize";
import { defineSegmentModels, type SegmentModels } from "./segment-models";
import { defineNotificationModels, type NotificationModels } from "./notification-models";
import { defineSessionModels, type SessionModels } from "./session-models";
import { defineCampaignModels, type CampaignModels } from "./campaign-models";
import { defineAutomationModels, type AutomationModels } from "./automation-models";
import { defineFeedModels, type FeedModels } from "./feed-models";
import { definePrivacyModels, type PrivacyModels } from "./privacy-models";
import { defineStorefrontModels, type StorefrontModels } from "./storefront-models";
import { defineExportModels, type ExportModels } from "./export-models";

/** Roles, from most to least powerful. */
export const ROLES = ["admin", "marketer", "manager"] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ["email", "sms", "messenger", "viber"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ORDER_STATUSES = ["pending", "processing", "completed", "cancelled", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "select"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export interface StoreSettings extends Model<Attrs<StoreSettings>, Create<StoreSettings>> {
  id: number;
  name: string;
  timeZone: string;
  currency: string;
  locale: string;
  /** Default quiet hours for campaigns ("21:00" to "09:00"); both empty: none. */
  quietHoursStart: CreationOptional<string | null>;
  quietHoursEnd: CreationOptional<string | null>;
  /** At most `frequencyCapCount` marketing messages per customer per `frequencyCapDays` days; empty: no cap. */
  frequencyCapCount: CreationOptional<number | null>;
  frequencyCapDays: CreationOptional<number | null>;
  /** Thousandths of the store's currency per SMS part, for the cost estimate. */
  smsPartPriceMillis: CreationOptional<number | null>;
  /** Enter/leave events and size samples older than this many days are pruned (docs/decisions/0036). */
  historyRetentionDays: CreationOptional<number>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface User extends Model<Attrs<User>, Create<User>> {
  id: CreationOptional<number>;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  isActive: CreationOptional<boolean>;
  locale: CreationOptional<string | null>;
  notifyByEmail: CreationOptional<boolean>;
  lastLoginAt: CreationOptional<Date | null>;
  /** Raised to end every open session of the user (models/users.server.ts sessionStampOf). */
  sessionVersion: CreationOptional<number>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface ApiKey extends Model<Attrs<ApiKey>, Create<ApiKey>> {
  id: CreationOptional<number>;
  name: string;
  prefix: string;
  keyHash: string;
  /** Space-separated scopes, e.g. "customers:write orders:write". */
  scopes: string;
  createdById: ForeignKey<number> | null;
  lastUsedAt: CreationOptional<Date | null>;
  revokedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface CustomerGroup extends Model<Attrs<CustomerGroup>, Create<CustomerGroup>> {
  id: CreationOptional<number>;
  name: string;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface Tag extends Model<Attrs<Tag>, Create<Tag>> {
  id: CreationOptional<number>;
  name: string;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface Customer extends Model<Attrs<Customer>, Create<Customer>> {
  id: CreationOptional<number>;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  searchName: CreationOptional<string>;
  sortName: CreationOptional<string>;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  /** YYYY-MM-DD, a plain date. */
  birthday: string | null;
  registeredAt: Date | null;
  acceptsMarketing: CreationOptional<boolean>;
  customerGroupId: number | null;
  managerId: number | null;
  locale: CreationOptional<string | null>;
  /** IANA zone ("Europe/Sofia"); empty: the store's. */
  timeZone: CreationOptional<string | null>;
  firstInteractionAt: CreationOptional<Date | null>;
  lastInteractionAt: CreationOptional<Date | null>;
  /** Completed orders' totals in minor units, their number, and the latest order not cancelled: kept by every order write (order-totals.server.ts). */
  totalSpent: CreationOptional<number>;
  ordersCount: CreationOptional<number>;
  lastOrderAt: CreationOptional<Date | null>;
  /** Set when the customer's personal data was erased: the row stays as a tombstone for their orders (models/privacy/erase.server.ts). */
  erasedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface CustomerTag extends Model<Attrs<CustomerTag>, Create<CustomerTag>> {
  customerId: number;
  tagId: number;
}

export interface CustomField extends Model<Attrs<CustomField>, Create<CustomField>> {
  id: CreationOptional<number>;
  key: string;
  label: string;
  type: CustomFieldType;
  /** JSON array of the allowed values of a select field. */
  options: string | null;
  position: CreationOptional<number>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface CustomerFieldValue extends Model<Attrs<CustomerFieldValue>, Create<CustomerFieldValue>> {
  customerId: number;
  customFieldId: number;
  valueText: string | null;
  valueNumber: number | null;
  valueDate: string | null;
}

export interface RegistrationQuestion extends Model<Attrs<RegistrationQuestion>, Create<RegistrationQuestion>> {
  id: CreationOptional<number>;
  key: string;
  text: string;
  /** JSON object of the text in the store's other languages ({"bg": "…"}); English is `text`. */
  translations: CreationOptional<string | null>;
  position: CreationOptional<number>;
  isActive: CreationOptional<boolean>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface RegistrationOption extends Model<Attrs<RegistrationOption>, Create<RegistrationOption>> {
  id: CreationOptional<number>;
  questionId: number;
  key: string;
  label: string;
  /** JSON object of the label in the store's other languages; English is `label`. */
  translations: CreationOptional<string | null>;
  position: CreationOptional<number>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface RegistrationAnswer extends Model<Attrs<RegistrationAnswer>, Create<RegistrationAnswer>> {
  customerId: number;
  optionId: number;
  questionId: number;
  answeredAt: Date;
}

export interface ChannelIdentity extends Model<Attrs<ChannelIdentity>, Create<ChannelIdentity>> {
  id: CreationOptional<number>;
  customerId: number;
  channel: Channel;
  address: string | null;
  isSubscribed: boolean;
  subscriptionChangedAt: Date | null;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface Category extends Model<Attrs<Category>, Create<Category>> {
  id: CreationOptional<number>;
  externalId: string;
  name: string;
  parentId: number | null;
  path: CreationOptional<string>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface Product extends Model<Attrs<Product>, Create<Product>> {
  id: CreationOptional<number>;
  externalId: string;
  name: string;
  categoryId: number | null;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface ProductVariant extends Model<Attrs<ProductVariant>, Create<ProductVariant>> {
  id: CreationOptional<number>;
  externalId: string;
  productId: number;
  name: string;
  sku: string | null;
  price: number;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface Order extends Model<Attrs<Order>, Create<Order>> {
  id: CreationOptional<number>;
  externalId: string;
  customerId: number;
  status: OrderStatus;
  /** Minor units of `currency`. */
  total: number;
  currency: string;
  placedAt: Date;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface OrderItem extends Model<Attrs<OrderItem>, Create<OrderItem>> {
  id: CreationOptional<number>;
  orderId: number;
  productId: number | null;
  variantId: number | null;
  categoryId: number | null;
  quantity: number;
  /** Unit price, minor units. */
  price: number;
}

export interface AbandonedCart extends Model<Attrs<AbandonedCart>, Create<AbandonedCart>> {
  id: CreationOptional<number>;
  externalId: string;
  customerId: number;
  abandonedAt: Date;
  value: number;
  currency: string;
  recoveredAt: Date | null;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface CustomerChange extends Model<Attrs<CustomerChange>, Create<CustomerChange>> {
  id: CreationOptional<number>;
  customerId: number;
  /** What changed: "created", "profile", "order", "cart", "interaction", "channel", "answers", "fields", "tags". */
  kind: string;
  /** JSON: the changed fields with their new values, or the order/cart external id. */
  fields: string | null;
  /** Where the change came from: "api", "import", "ui", "webhook", "seed". */
  source: string;
  createdAt: Date;
}

/** An index a bulk load dropped and will build again when it ends (models/demo/deferred-indexes.ts). */
export interface DeferredIndex extends Model<Attrs<DeferredIndex>, Create<DeferredIndex>> {
  id: CreationOptional<number>;
  tableName: string;
  indexName: string;
  /** A CREATE INDEX statement on SQLite, an ADD INDEX clause on MariaDB. */
  definition: string;
  createdAt: Date;
}

export interface AuditEntry extends Model<Attrs<AuditEntry>, Create<AuditEntry>> {
  id: CreationOptional<number>;
  userId: number | null;
  apiKeyId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: string | null;
  ip: string | null;
  createdAt: Date;
}

export interface IdempotencyKey extends Model<Attrs<IdempotencyKey>, Create<IdempotencyKey>> {
  id: CreationOptional<number>;
  apiKeyId: number;
  key: string;
  requestHash: string;
  status: number;
  response: string;
  createdAt: Date;
}

export interface Import extends Model<Attrs<Import>, Create<Import>> {
  id: CreationOptional<number>;
  userId: number | null;
  fileName: string;
  filePath: string;
  fileSize: CreationOptional<number>;
  /** uploaded → mapped → checked → running → done | failed */
  status: string;
  encoding: string | null;
  delimiter: string | null;
  /** JSON array of the file's column names. */
  header: string | null;
  /** JSON object: column name → customer field. */
  mapping: string | null;
  totalRows: number | null;
  processedRows: CreationOptional<number>;
  createdRows: CreationOptional<number>;
  updatedRows: CreationOptional<number>;
  errorRows: CreationOptional<number>;
  errorReportPath: string | null;
  error: string | null;
  finishedAt: Date | null;
  /** Bytes of the file read by the running check or import: its progress bar. */
  processedBytes: CreationOptional<number>;
  unchangedRows: CreationOptional<number>;
  /** When a dry run passed with the current format and mapping; the import needs one. */
  checkedAt: CreationOptional<Date | null>;
  startedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

/** A job of Agenda's queue. jobs/sequelize-backend.ts owns these rows; read them through its repository. */
export interface AgendaJob extends Model<Attrs<AgendaJob>, Create<AgendaJob>> {
  id: CreationOptional<number>;
  name: string;
  priority: CreationOptional<number>;
  /** "normal", or "single" for a job of which only one exists (agenda.every). */
  type: CreationOptional<string>;
  nextRunAt: Date | null;
  lockedAt: CreationOptional<Date | null>;
  lastRunAt: CreationOptional<Date | null>;
  lastFinishedAt: CreationOptional<Date | null>;
  failedAt: CreationOptional<Date | null>;
  failCount: CreationOptional<number | null>;
  failReason: CreationOptional<string | null>;
  repeatInterval: CreationOptional<string | null>;
  repeatTimezone: CreationOptional<string | null>;
  repeatAt: CreationOptional<string | null>;
  startDate: CreationOptional<Date | null>;
  endDate: CreationOptional<Date | null>;
  /** JSON array of weekdays, 0 = Sunday. */
  skipDays: CreationOptional<string | null>;
  /** JSON text. */
  data: string | null;
  disabled: CreationOptional<boolean>;
  progress: CreationOptional<number | null>;
  fork: CreationOptional<boolean>;
  uniqueKey: CreationOptional<string | null>;
  debounceStartedAt: CreationOptional<Date | null>;
  scheduleVersion: CreationOptional<number>;
  lockedVersion: CreationOptional<number | null>;
  lastModifiedBy: CreationOptional<string | null>;
}

/** An event of a job's life (start, success, fail, retry, …) that the Agenda backend's logger stored. */
export interface AgendaJobLog extends Model<Attrs<AgendaJobLog>, Create<AgendaJobLog>> {
  id: CreationOptional<number>;
  loggedAt: Date;
  level: string;
  event: string;
  jobId: string | null;
  jobName: string;
  message: string;
  durationMs: number | null;
  error: string | null;
  failCount: number | null;
  retryDelayMs: number | null;
  retryAttempt: number | null;
  agendaName: string | null;
  /** JSON text. */
  meta: string | null;
}

export interface Models extends SegmentModels, NotificationModels, SessionModels, CampaignModels, AutomationModels, FeedModels, PrivacyModels, StorefrontModels, ExportModels {
  StoreSettings: ModelStatic<StoreSettings>;
  User: ModelStatic<User>;
  ApiKey: ModelStatic<ApiKey>;
  CustomerGroup: ModelStatic<CustomerGroup>;
  Tag: ModelStatic<Tag>;
  Customer: ModelStatic<Customer>;
  CustomerTag: ModelStatic<CustomerTag>;
  CustomField: ModelStatic<CustomField>;
  CustomerFieldValue: ModelStatic<CustomerFieldValue>;
  RegistrationQuestion: ModelStatic<RegistrationQuestion>;
  RegistrationOption: ModelStatic<RegistrationOption>;
  RegistrationAnswer: ModelStatic<RegistrationAnswer>;
  ChannelIdentity: ModelStatic<ChannelIdentity>;
  Category: ModelStatic<Category>;
  Product: ModelStatic<Product>;
  ProductVariant: ModelStatic<ProductVariant>;
  Order: ModelStatic<Order>;
  OrderItem: ModelStatic<OrderItem>;
  AbandonedCart: ModelStatic<AbandonedCart>;
  CustomerChange: ModelStatic<CustomerChange>;
  DeferredIndex: ModelStatic<DeferredIndex>;
  AuditEntry: ModelStatic<AuditEntry>;
  IdempotencyKey: ModelStatic<IdempotencyKey>;
  Import: ModelStatic<Import>;
  AgendaJob: ModelStatic<AgendaJob>;
  AgendaJobLog: ModelStatic<AgendaJobLog>;
}

// Sequelize writes into the attribute objects it is given, so each attribute gets a fresh one.
const id = () => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true });
const bigId = () => ({ type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });
const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
const bool = (defaultValue: boolean) => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue });
const money = () => ({ type: DataTypes.BIGINT, allowNull: false });
const text = () => ({ type: DataTypes.TEXT, allowNull: true });
const createdAt = () => ({ createdAt: time(false) });
const stamps = () => ({ createdAt: time(false), updatedAt: time(false) });

/** Defines the models on one Sequelize instance; several databases can be open in one process. */
export function defineModels(sequelize: Sequelize): Models {
  const noUpdatedAt = { updatedAt: false } as const;
  const longText = sequelize.getDialect() === "mysql" ? DataTypes.TEXT("long") : DataTypes.TEXT;
  const noStamps = { timestamps: false } as const;

  const StoreSettings = sequelize.define<StoreSettings>(
    "store_settings",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      name: str(200, false),
      timeZone: str(64, false),
      currency: str(3, false),
      locale: str(16, false),
      quietHoursStart: str(5),
      quietHoursEnd: str(5),
      frequencyCapCount: int(true),
      frequencyCapDays: int(true),
      smsPartPriceMillis: int(true),
      historyRetentionDays: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 400 },
      ...stamps(),
    },
  );
  const User = sequelize.define<User>("users", {
    id: id(),
    email: str(254, false),
    name: str(200, false),
    passwordHash: str(255, false),
    role: str(16, false) as never,
    isActive: bool(true),
    locale: str(16),
    notifyByEmail: bool(true),
    lastLoginAt: time(),
    sessionVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...stamps(),
  });
  const ApiKey = sequelize.define<ApiKey>("api_keys", {
    id: id(),
    name: str(200, false),
    prefix: str(24, false),
    keyHash: str(64, false),
    scopes: str(500, false),
    createdById: int(true),
    lastUsedAt: time(),
    revokedAt: time(),
    ...stamps(),
  });
  const CustomerGroup = sequelize.define<CustomerGroup>("customer_groups", { id: id(), name: str(100, false), ...stamps() });
  const Tag = sequelize.define<Tag>("tags", { id: id(), name: str(100, false), ...stamps() });
  const Customer = sequelize.define<Customer>("customers", {
    id: id(),
    externalId: str(64, false),
    firstName: str(100),
    lastName: str(100),
    searchName: { type: DataTypes.STRING(201), allowNull: false, defaultValue: "" },
    sortName: { type: DataTypes.STRING(201), allowNull: false, defaultValue: "" },
    email: str(254),
    phone: str(32),
    country: str(2),
    city: str(100),
    birthday: { type: DataTypes.DATEONLY, allowNull: true },
    registeredAt: time(),
    acceptsMarketing: bool(false),
    customerGroupId: int(true),
    managerId: int(true),
    locale: str(16),
    timeZone: str(64),
    firstInteractionAt: time(),
    lastInteractionAt: time(),
    totalSpent: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    ordersCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    lastOrderAt: time(),
    erasedAt: time(),
    ...stamps(),
  });
  const CustomerTag = sequelize.define<CustomerTag>(
    "customer_tags",
    { customerId: { type: DataTypes.INTEGER, primaryKey: true }, tagId: { type: DataTypes.INTEGER, primaryKey: true } },
    noStamps,
  );
  const CustomField = sequelize.define<CustomField>("custom_fields", {
    id: id(),
    key: str(64, false),
    label: str(200, false),
    type: str(16, false) as never,
    options: text(),
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...stamps(),
  });
  const CustomerFieldValue = sequelize.define<CustomerFieldValue>(
    "customer_field_values",
    {
      customerId: { type: DataTypes.INTEGER, primaryKey: true },
      customFieldId: { type: DataTypes.INTEGER, primaryKey: true },
      valueText: str(1000),
      valueNumber: { type: DataTypes.DOUBLE, allowNull: true },
      valueDate: { type: DataTypes.DATEONLY, allowNull: true },
    },
    noStamps,
  );
  const RegistrationQuestion = sequelize.define<RegistrationQuestion>("registration_questions", {
    id: id(),
    key: str(64, false),
    text: str(500, false),
    translations: text(),
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    isActive: bool(true),
    ...stamps(),
  });
  const RegistrationOption = sequelize.define<RegistrationOption>("registration_options", {
    id: id(),
    questionId: int(),
    key: str(64, false),
    label: str(200, false),
    translations: text(),
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...stamps(),
  });
  const RegistrationAnswer = sequelize.define<RegistrationAnswer>(
    "registration_answers",
    {
      customerId: { type: DataTypes.INTEGER, primaryKey: true },
      optionId: { type: DataTypes.INTEGER, primaryKey: true },
      questionId: int(),
      answeredAt: time(false),
    },
    noStamps,
  );
  const ChannelIdentity = sequelize.define<ChannelIdentity>("channel_identities", {
    id: id(),
    customerId: int(),
    channel: str(16, false) as never,
    address: str(254),
    isSubscribed: bool(false),
    subscriptionChangedAt: time(),
    ...stamps(),
  });
  const Category = sequelize.define<Category>("categories", {
    id: id(),
    externalId: str(64, false),
    name: str(200, false),
    parentId: int(true),
    path: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "/" },
    ...stamps(),
  });
  const Product = sequelize.define<Product>("products", { id: id(), externalId: str(64, false), name: str(300, false), categoryId: int(true), ...stamps() });
  const ProductVariant = sequelize.define<ProductVariant>("product_variants", {
    id: id(),
    externalId: str(64, false),
    productId: int(),
    name: str(300, false),
    sku: str(100),
    price: money(),
    ...stamps(),
  });
  const Order = sequelize.define<Order>("orders", {
    id: id(),
    externalId: str(64, false),
    customerId: int(),
    status: str(16, false) as never,
    total: money(),
    currency: str(3, false),
    placedAt: time(false),
    ...stamps(),
  });
  const OrderItem = sequelize.define<OrderItem>(
    "order_items",
    { id: id(), orderId: int(), productId: int(true), variantId: int(true), categoryId: int(true), quantity: int(), price: money() },
    noStamps,
  );
  const AbandonedCart = sequelize.define<AbandonedCart>("abandoned_carts", {
    id: id(),
    externalId: str(64, false),
    customerId: int(),
    abandonedAt: time(false),
    value: money(),
    currency: str(3, false),
    recoveredAt: time(),
    ...stamps(),
  });
  const CustomerChange = sequelize.define<CustomerChange>(
    "customer_changes",
    { id: bigId(), customerId: int(), kind: str(32, false), fields: text(), source: str(16, false), ...createdAt() },
    noUpdatedAt,
  );
  const DeferredIndex = sequelize.define<DeferredIndex>(
    "deferred_indexes",
    { id: id(), tableName: str(64, false), indexName: str(64, false), definition: { type: DataTypes.TEXT, allowNull: false }, ...createdAt() },
    noUpdatedAt,
  );
  const AuditEntry = sequelize.define<AuditEntry>(
    "audit_log",
    {
      id: bigId(),
      userId: int(true),
      apiKeyId: int(true),
      action: str(64, false),
      targetType: str(32),
      targetId: str(64),
      detail: text(),
      ip: str(64),
      ...createdAt(),
    },
    noUpdatedAt,
  );
  const IdempotencyKey = sequelize.define<IdempotencyKey>(
    "idempotency_keys",
    { id: id(), apiKeyId: int(), key: str(128, false), requestHash: str(64, false), status: int(), response: { type: longText, allowNull: false }, ...createdAt() },
    noUpdatedAt,
  );
  const Import = sequelize.define<Import>("imports", {
    id: id(),
    userId: int(true),
    fileName: str(255, false),
    filePath: str(500, false),
    fileSize: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    status: str(16, false),
    encoding: str(32),
    delimiter: str(4),
    header: text(),
    mapping: text(),
    totalRows: int(true),
    processedRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    updatedRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    errorRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    errorReportPath: str(500),
    error: text(),
    finishedAt: time(),
    processedBytes: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    unchangedRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    checkedAt: time(),
    startedAt: time(),
    ...stamps(),
  });

  const AgendaJob = sequelize.define<AgendaJob>(
    "agenda_jobs",
    {
      id: bigId(),
      name: str(255, false),
      priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      type: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "normal" },
      nextRunAt: time(),
      lockedAt: time(),
      lastRunAt: time(),
      lastFinishedAt: time(),
      failedAt: time(),
      failCount: int(true),
      failReason: text(),
      repeatInterval: str(255),
      repeatTimezone: str(64),
      repeatAt: str(255),
      startDate: time(),
      endDate: time(),
      skipDays: str(32),
      data: { type: longText, allowNull: true },
      disabled: bool(false),
      progress: { type: DataTypes.DOUBLE, allowNull: true },
      fork: bool(false),
      uniqueKey: str(80),
      debounceStartedAt: time(),
      scheduleVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedVersion: int(true),
      lastModifiedBy: str(255),
    },
    noStamps,
  );
  const AgendaJobLog = sequelize.define<AgendaJobLog>(
    "agenda_job_logs",
    {
      id: bigId(),
      loggedAt: time(false),
      level: str(8, false),
      event: str(32, false),
      jobId: str(64),
      jobName: str(255, false),
      message: { type: DataTypes.TEXT, allowNull: false },
      durationMs: { type: DataTypes.BIGINT, allowNull: true },
      error: text(),
      failCount: int(true),
      retryDelayMs: { type: DataTypes.BIGINT, allowNull: true },
      retryAttempt: int(true),
      agendaName: str(255),
      meta: text(),
    },
    noStamps,
  );

  Customer.belongsTo(CustomerGroup, { as: "group", foreignKey: "customerGroupId" });
  Customer.belongsTo(User, { as: "manager", foreignKey: "managerId" });
  Customer.belongsToMany(Tag, { through: CustomerTag, as: "tags", foreignKey: "customerId", otherKey: "tagId" });
  Customer.hasMany(ChannelIdentity, { as: "channels", foreignKey: "customerId" });
  Customer.hasMany(Order, { as: "orders", foreignKey: "customerId" });
  Customer.hasMany(AbandonedCart, { as: "carts", foreignKey: "customerId" });
  Customer.hasMany(CustomerFieldValue, { as: "fieldValues", foreignKey: "customerId" });
  Customer.hasMany(RegistrationAnswer, { as: "answers", foreignKey: "customerId" });
  Order.belongsTo(Customer, { as: "customer", foreignKey: "customerId" });
  Order.hasMany(OrderItem, { as: "items", foreignKey: "orderId" });
  OrderItem.belongsTo(Product, { as: "product", foreignKey: "productId" });
  OrderItem.belongsTo(Category, { as: "category", foreignKey: "categoryId" });
  Product.belongsTo(Category, { as: "category", foreignKey: "categoryId" });
  Product.hasMany(ProductVariant, { as: "variants", foreignKey: "productId" });
  RegistrationQuestion.hasMany(RegistrationOption, { as: "options", foreignKey: "questionId" });
  CustomerFieldValue.belongsTo(CustomField, { as: "field", foreignKey: "customFieldId" });
  RegistrationAnswer.belongsTo(RegistrationOption, { as: "option", foreignKey: "optionId" });
  ApiKey.belongsTo(User, { as: "createdBy", foreignKey: "createdById" });
  AuditEntry.belongsTo(User, { as: "user", foreignKey: "userId" });

  return {
    ...defineSegmentModels(sequelize),
    ...defineNotificationModels(sequelize),
    ...defineSessionModels(sequelize),
    ...defineCampaignModels(sequelize),
    ...defineAutomationModels(sequelize),
    ...defineFeedModels(sequelize),
    ...definePrivacyModels(sequelize),
    ...defineStorefrontModels(sequelize),
    ...defineExportModels(sequelize),
    StoreSettings,
    User,
    ApiKey,
    CustomerGroup,
    Tag,
    Customer,
    CustomerTag,
    CustomField,
    CustomerFieldValue,
    RegistrationQuestion,
    RegistrationOption,
    RegistrationAnswer,
    ChannelIdentity,
    Category,
    Product,
    ProductVariant,
    Order,
    OrderItem,
    AbandonedCart,
    CustomerChange,
    DeferredIndex,
    AuditEntry,
    IdempotencyKey,
    Import,
    AgendaJob,
    AgendaJobLog,
  };
}
