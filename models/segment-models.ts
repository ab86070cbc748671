import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export interface SegmentRow extends Model<Attrs<SegmentRow>, Create<SegmentRow>> {
  id: CreationOptional<number>;
  code: string;
  name: string;
  type: "dynamic" | "accumulating" | "snapshot" | "manual";
  isActive: boolean;
  match: "all" | "any";
  /** JSON array of criteria (segments/definition.ts). */
  criteria: string;
  recomputeEveryMinutes: number;
  createdById: number | null;
  memberCount: CreationOptional<number>;
  membersVersion: CreationOptional<number>;
  lockedAt: CreationOptional<Date | null>;
  lastRecomputedAt: CreationOptional<Date | null>;
  deletedAt: CreationOptional<Date | null>;
  /** Why the definition cannot be evaluated (the follower and recomputes skip it meanwhile); null when it can. */
  evaluationError: CreationOptional<string | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface SegmentMember extends Model<Attrs<SegmentMember>, Create<SegmentMember>> {
  segmentId: number;
  customerId: number;
  enteredAt: Date;
}

export interface SegmentRecompute extends Model<Attrs<SegmentRecompute>, Create<SegmentRecompute>> {
  id: CreationOptional<number>;
  segmentId: number;
  /** "schedule", "save", "incremental", "manual" */
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  size: number | null;
  entered: number | null;
  left: number | null;
  error: string | null;
}

export interface SegmentEvent extends Model<Attrs<SegmentEvent>, Create<SegmentEvent>> {
  id: CreationOptional<number>;
  segmentId: number;
  customerId: number;
  kind: "entered" | "left";
  at: Date;
  recomputeId: number | null;
}

export interface SegmentSize extends Model<Attrs<SegmentSize>, Create<SegmentSize>> {
  id: CreationOptional<number>;
  segmentId: number;
  at: Date;
  size: number;
}

export interface SegmentModels {
  Segment: ModelStatic<SegmentRow>;
  SegmentMember: ModelStatic<SegmentMember>;
  SegmentRecompute: ModelStatic<SegmentRecompute>;
  SegmentEvent: ModelStatic<SegmentEvent>;
  SegmentSize: ModelStatic<SegmentSize>;
}

export function defineSegmentModels(sequelize: Sequelize): SegmentModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const Segment = sequelize.define<SegmentRow>("segments", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    code: { type: DataTypes.STRING(100), allowNull: false },
    name: { type: DataTypes.STRING(200), allowNull: false },
    type: { type: DataTypes.STRING(16), allowNull: false },
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    match: { type: DataTypes.STRING(8), allowNull: false, defaultValue: "all" },
    criteria: { type: DataTypes.TEXT, allowNull: false },
    recomputeEveryMinutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 5 },
    createdById: { type: DataTypes.INTEGER, allowNull: true },
    memberCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    membersVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    lockedAt: time(),
    lastRecomputedAt: time(),
    deletedAt: time(),
    evaluationError: { type: DataTypes.TEXT, allowNull: true },
    createdAt: time(false),
    updatedAt: time(false),
  }) as ModelStatic<SegmentRow>;
  const SegmentMember = sequelize.define<SegmentMember>(
    "segment_members",
    {
      segmentId: { type: DataTypes.INTEGER, primaryKey: true },
      customerId: { type: DataTypes.INTEGER, primaryKey: true },
      enteredAt: time(false),
    },
    { timestamps: false },
  );
  const SegmentRecompute = sequelize.define<SegmentRecompute>(
    "segment_recomputes",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      segmentId: { type: DataTypes.INTEGER, allowNull: false },
      trigger: { type: DataTypes.STRING(16), allowNull: false },
      startedAt: time(false),
      finishedAt: time(),
      durationMs: { type: DataTypes.INTEGER, allowNull: true },
      size: { type: DataTypes.INTEGER, allowNull: true },
      entered: { type: DataTypes.INTEGER, allowNull: true },
      left: { type: DataTypes.INTEGER, allowNull: true },
      error: { type: DataTypes.TEXT, allowNull: true },
    },
    { timestamps: false },
  );
  const SegmentEvent = sequelize.define<SegmentEvent>(
    "segment_events",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      segmentId: { type: DataTypes.INTEGER, allowNull: false },
      customerId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(8), allowNull: false },
      at: time(false),
      recomputeId: { type: DataTypes.BIGINT, allowNull: true },
    },
    { timestamps: false },
  );
  const SegmentSize = sequelize.define<SegmentSize>(
    "segment_sizes",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      segmentId: { type: DataTypes.INTEGER, allowNull: false },
      at: time(false),
      size: { type: DataTypes.INTEGER, allowNull: false },
    },
    { timestamps: false },
  );
  SegmentEvent.belongsTo(Segment, { as: "segment", foreignKey: "segmentId" });
  SegmentMember.belongsTo(Segment, { as: "segment", foreignKey: "segmentId" });
  return { Segment, SegmentMember, SegmentRecompute, SegmentEvent, SegmentSize };
}
