import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export const TRIGGER_KINDS = ["entered", "left"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const DELAY_KINDS = ["none", "minutes", "hours", "days", "next_day_at"] as const;
export type DelayKind = (typeof DELAY_KINDS)[number];

export const ACTION_KINDS = ["message", "task", "notify", "add_to_segment", "remove_from_segment"] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const CAP_KINDS = ["none", "once", "days"] as const;
export type CapKind = (typeof CAP_KINDS)[number];

export const FIRING_STATUSES = ["pending", "claimed", "done", "skipped", "held", "cancelled"] as const;
export type FiringStatus = (typeof FIRING_STATUSES)[number];

/**
 * Why a firing did not act. The message's own reasons (no_consent … frequency_cap) are the campaign
 * audience's; the rest are the automation's.
 */
export const FIRING_SKIP_REASONS = [
  "left_before_delay",
  "came_back_before_delay",
  "automation_cap",
  "no_consent",
  "no_address",
  "unsubscribed",
  "messenger_window",
  "frequency_cap",
  "no_assignee",
  "no_user",
  "segment_unusable",
  "customer_gone",
  "template_problem",
] as const;
export type FiringSkipReason = (typeof FIRING_SKIP_REASONS)[number];

export const TASK_STATUSES = ["open", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface AutomationRow extends Model<Attrs<AutomationRow>, Create<AutomationRow>> {
  id: CreationOptional<number>;
  name: string;
  segmentId: number;
  triggerKind: TriggerKind;
  delayKind: DelayKind;
  /** Minutes, hours or days of delay (delayKind minutes/hours/days). */
  delayAmount: number | null;
  /** "HH:mm" the day after the event on the customer's clock (delayKind next_day_at). */
  delayTime: string | null;
  actionKind: ActionKind;
  /** The fallback chain of a message, comma-separated in order: "viber,sms". */
  channels: string | null;
  taskTitle: string | null;
  /** Liquid, rendered with the customer's context when the task is made. */
  taskDescription: string | null;
  taskDueHours: number | null;
  /** Who gets a task when the customer has no manager. */
  fallbackUserId: number | null;
  /** Who a notify action tells. */
  notifyUserId: number | null;
  /** The manual segment of add_to_segment / remove_from_segment. */
  targetSegmentId: number | null;
  capKind: CapKind;
  capDays: number | null;
  /** Actions due outside these store-zone hours wait for the next allowed time; both empty: any time. */
  firingHoursStart: string | null;
  firingHoursEnd: string | null;
  isActive: CreationOptional<boolean>;
  /** Segment events up to this id came before the automation and do not fire it. */
  sinceEventId: CreationOptional<number>;
  createdById: number | null;
  pausedAt: CreationOptional<Date | null>;
  deletedAt: CreationOptional<Date | null>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AutomationFiring extends Model<Attrs<AutomationFiring>, Create<AutomationFiring>> {
  id: CreationOptional<number>;
  automationId: number;
  segmentEventId: number;
  customerId: number;
  eventKind: TriggerKind;
  eventAt: Date;
  status: FiringStatus;
  skipReason: CreationOptional<FiringSkipReason | null>;
  dueAt: Date;
  attempts: CreationOptional<number>;
  claimedBy: CreationOptional<string | null>;
  claimedAt: CreationOptional<Date | null>;
  actedAt: CreationOptional<Date | null>;
  deliveryId: CreationOptional<number | null>;
  taskId: CreationOptional<number | null>;
  notificationId: CreationOptional<number | null>;
  error: CreationOptional<string | null>;
  createdAt: Date;
  updatedAt: Date;
}

export interface TaskRow extends Model<Attrs<TaskRow>, Create<TaskRow>> {
  id: CreationOptional<number>;
  customerId: number | null;
  assigneeId: number;
  title: string;
  description: string | null;
  dueAt: Date | null;
  status: TaskStatus;
  completedAt: CreationOptional<Date | null>;
  completedById: CreationOptional<number | null>;
  automationId: number | null;
  firingId: number | null;
  createdById: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TaskComment extends Model<Attrs<TaskComment>, Create<TaskComment>> {
  id: CreationOptional<number>;
  taskId: number;
  authorId: number | null;
  body: string;
  createdAt: Date;
}

export interface AutomationModels {
  Automation: ModelStatic<AutomationRow>;
  AutomationFiring: ModelStatic<AutomationFiring>;
  Task: ModelStatic<TaskRow>;
  TaskComment: ModelStatic<TaskComment>;
}

export function defineAutomationModels(sequelize: Sequelize): AutomationModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });
  const int = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull });
  const bigint = (allowNull = true) => ({ type: DataTypes.BIGINT, allowNull });
  const Automation = sequelize.define<AutomationRow>("automations", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    name: str(200, false),
    segmentId: int(false),
    triggerKind: str(8, false) as never,
    delayKind: str(16, false) as never,
    delayAmount: int(),
    delayTime: str(5),
    actionKind: str(24, false) as never,
    channels: str(64),
    taskTitle: str(200),
    taskDescription: { type: DataTypes.TEXT, allowNull: true },
    taskDueHours: int(),
    fallbackUserId: int(),
    notifyUserId: int(),
    targetSegmentId: int(),
    capKind: str(8, false) as never,
    capDays: int(),
    firingHoursStart: str(5),
    firingHoursEnd: str(5),
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    sinceEventId: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    createdById: int(),
    pausedAt: time(),
    deletedAt: time(),
    createdAt: time(false),
    updatedAt: time(false),
  });
  const AutomationFiring = sequelize.define<AutomationFiring>("automation_firings", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    automationId: int(false),
    segmentEventId: bigint(false),
    customerId: int(false),
    eventKind: str(8, false) as never,
    eventAt: time(false),
    status: str(16, false) as never,
    skipReason: str(32) as never,
    dueAt: time(false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    claimedBy: str(64),
    claimedAt: time(),
    actedAt: time(),
    deliveryId: bigint(),
    taskId: bigint(),
    notificationId: bigint(),
    error: { type: DataTypes.TEXT, allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
  });
  const Task = sequelize.define<TaskRow>("tasks", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    customerId: int(),
    assigneeId: int(false),
    title: str(200, false),
    description: { type: DataTypes.TEXT, allowNull: true },
    dueAt: time(),
    status: str(8, false) as never,
    completedAt: time(),
    completedById: int(),
    automationId: int(),
    firingId: bigint(),
    createdById: int(),
    createdAt: time(false),
    updatedAt: time(false),
  });
  const TaskComment = sequelize.define<TaskComment>(
    "task_comments",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      taskId: bigint(false),
      authorId: int(),
      body: { type: DataTypes.TEXT, allowNull: false },
      createdAt: time(false),
    },
    { updatedAt: false },
  );
  AutomationFiring.belongsTo(Automation, { as: "automation", foreignKey: "automationId" });
  return { Automation, AutomationFiring, Task, TaskComment };
}
