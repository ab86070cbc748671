// Secret feeds of segments, their read log, and where the retention job has pruned each segment's
// events (docs/decisions/0036).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export const FEED_FORMATS = ["csv", "json"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];
export const FEED_RESOURCES = ["members", "events"] as const;
export type FeedResource = (typeof FEED_RESOURCES)[number];

export interface SegmentFeed extends Model<Attrs<SegmentFeed>, Create<SegmentFeed>> {
  id: CreationOptional<number>;
  segmentId: number;
  /** Hex SHA-256 of the token; null once revoked. */
  tokenHash: string | null;
  /** Space-separated formats served: "csv json". */
  formats: string;
  enabledById: number | null;
  enabledAt: Date;
  rotatedAt: CreationOptional<Date | null>;
  revokedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface SegmentFeedRead extends Model<Attrs<SegmentFeedRead>, Create<SegmentFeedRead>> {
  id: CreationOptional<number>;
  segmentId: number;
  at: Date;
  address: string;
  resource: FeedResource;
  format: FeedFormat;
  rows: number;
}

export interface SegmentPruneMark extends Model<Attrs<SegmentPruneMark>, Create<SegmentPruneMark>> {
  segmentId: number;
  eventsPrunedThroughId: number;
  updatedAt: Date;
}

export interface FeedModels {
  SegmentFeed: ModelStatic<SegmentFeed>;
  SegmentFeedRead: ModelStatic<SegmentFeedRead>;
  SegmentPruneMark: ModelStatic<SegmentPruneMark>;
}

export function defineFeedModels(sequelize: Sequelize): FeedModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const SegmentFeed = sequelize.define<SegmentFeed>("segment_feeds", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    segmentId: { type: DataTypes.INTEGER, allowNull: false },
    tokenHash: { type: DataTypes.STRING(64), allowNull: true },
    formats: { type: DataTypes.STRING(32), allowNull: false },
    enabledById: { type: DataTypes.INTEGER, allowNull: true },
    enabledAt: time(false),
    rotatedAt: time(),
    revokedAt: time(),
    createdAt: time(false),
    updatedAt: time(false),
  }) as ModelStatic<SegmentFeed>;
  const SegmentFeedRead = sequelize.define<SegmentFeedRead>(
    "segment_feed_reads",
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      segmentId: { type: DataTypes.INTEGER, allowNull: false },
      at: time(false),
      address: { type: DataTypes.STRING(64), allowNull: false },
      resource: { type: DataTypes.STRING(16), allowNull: false },
      format: { type: DataTypes.STRING(8), allowNull: false },
      rows: { type: DataTypes.INTEGER, allowNull: false },
    },
    { timestamps: false },
  ) as ModelStatic<SegmentFeedRead>;
  const SegmentPruneMark = sequelize.define<SegmentPruneMark>(
    "segment_prune_marks",
    {
      segmentId: { type: DataTypes.INTEGER, primaryKey: true },
      eventsPrunedThroughId: { type: DataTypes.BIGINT, allowNull: false },
      updatedAt: time(false),
    },
    { timestamps: false },
  ) as ModelStatic<SegmentPruneMark>;
  return { SegmentFeed, SegmentFeedRead, SegmentPruneMark };
}
