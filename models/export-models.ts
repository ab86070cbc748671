import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from "sequelize";

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export const EXPORT_STATUSES = ["queued", "running", "done", "failed", "expired"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** An export that runs as a job: its source, format and columns, its progress, and its file until it expires. */
export interface ExportRow extends Model<Attrs<ExportRow>, Create<ExportRow>> {
  id: CreationOptional<number>;
  userId: number | null;
  apiKeyId: number | null;
  source: "segment" | "customers";
  segmentId: number | null;
  /** JSON: the customer list's filters and search, for source "customers". */
  filters: string | null;
  format: "csv" | "xlsx";
  /** JSON array of column ids (models/exports/columns.ts). */
  columns: string;
  /** JSON: { delimiter, bom }. */
  options: string;
  status: ExportStatus;
  totalRows: CreationOptional<number>;
  writtenRows: CreationOptional<number>;
  fileName: string;
  filePath: CreationOptional<string | null>;
  fileSize: CreationOptional<number | null>;
  error: CreationOptional<string | null>;
  startedAt: CreationOptional<Date | null>;
  finishedAt: CreationOptional<Date | null>;
  expiresAt: CreationOptional<Date | null>;
  createdAt: Date;
  updatedAt: Date;
}

/** The store's export settings: the columns of store_settings that exports own (migration 0017). */
export interface ExportSettingsRow extends Model<Attrs<ExportSettingsRow>, Create<ExportSettingsRow>> {
  id: number;
  marketersMayExport: boolean;
  exportJobFromRows: number;
  exportKeepHours: number;
}

export interface ExportModels {
  Export: ModelStatic<ExportRow>;
  ExportSettings: ModelStatic<ExportSettingsRow>;
}

export function defineExportModels(sequelize: Sequelize): ExportModels {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const Export = sequelize.define<ExportRow>("exports", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    userId: { type: DataTypes.INTEGER, allowNull: true },
    apiKeyId: { type: DataTypes.INTEGER, allowNull: true },
    source: { type: DataTypes.STRING(16), allowNull: false },
    segmentId: { type: DataTypes.INTEGER, allowNull: true },
    filters: { type: DataTypes.TEXT, allowNull: true },
    format: { type: DataTypes.STRING(8), allowNull: false },
    columns: { type: DataTypes.TEXT, allowNull: false },
    options: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    totalRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    writtenRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    fileName: { type: DataTypes.STRING(200), allowNull: false },
    filePath: { type: DataTypes.STRING(1000), allowNull: true },
    fileSize: { type: DataTypes.BIGINT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    startedAt: time(),
    finishedAt: time(),
    expiresAt: time(),
    createdAt: time(false),
    updatedAt: time(false),
  }) as ModelStatic<ExportRow>;
  // the same row as StoreSettings, seen through the columns exports own, so the store settings
  // model and its page stay as they are
  const ExportSettings = sequelize.define<ExportSettingsRow>(
    "export_settings",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      marketersMayExport: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      exportJobFromRows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 50_000 },
      exportKeepHours: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 72 },
    },
    { tableName: "store_settings", timestamps: false },
  ) as ModelStatic<ExportSettingsRow>;
  return { Export, ExportSettings };
}
