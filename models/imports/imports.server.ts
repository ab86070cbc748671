import fs from "node:fs/promises";
import path from "node:path";
import { Op } from "sequelize";
import type { Database } from "../db";
import type { Import } from "../models";
import { inspectFile, type FileProblem } from "./detect-format.server";
import { previewFile, type CsvRow } from "./read-csv.server";
import { loadTargetCatalogue } from "./catalogue.server";
import { guessMapping } from "./header-guess";
import { allTargets, mappingProblems, type MappingProblem, type TargetCatalogue } from "./targets";
import { BUSY_STATUSES, isDelimiter, isEncoding, type Delimiter, type Encoding, type ImportStatus } from "./formats";
import { readReportHead } from "./error-report.server";
import type { RowError } from "./customer-from-row";
import { msg } from "../messages";

/** An import as the list and the progress bar show it. */
export interface ImportSummary {
  id: number;
  fileName: string;
  fileSize: number;
  userName: string | null;
  status: ImportStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  totalRows: number | null;
  processedRows: number;
  createdRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
  /** 0–100, from the bytes read. */
  percent: number;
  error: string | null;
  hasErrorReport: boolean;
  isChecked: boolean;
  /** When the row last changed: a running import touches it every batch. */
  updatedAt: Date;
}

/** Everything the import page shows for one file. */
export interface ImportDetail extends ImportSummary {
  encoding: Encoding;
  delimiter: Delimiter;
  header: string[];
  /** One target per column: the saved mapping, or the guesses until one is saved. */
  targets: string[];
  isMappingSaved: boolean;
  catalogue: TargetCatalogue;
  targetChoices: string[];
  preview: CsvRow[];
  previewProblem: string | null;
  firstErrors: RowError[];
}

const json = <T>(text: string | null, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

function summaryOf(row: Import, userName: string | null): ImportSummary {
  const fileSize = Number(row.fileSize);
  return {
    id: row.id,
    fileName: row.fileName,
    fileSize,
    userName,
    status: row.status as ImportStatus,
    createdAt: row.createdAt,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt,
    totalRows: row.totalRows,
    processedRows: row.processedRows,
    createdRows: row.createdRows,
    updatedRows: row.updatedRows,
    unchangedRows: row.unchangedRows,
    errorRows: row.errorRows,
    percent: fileSize > 0 ? Math.min(100, Math.round((Number(row.processedBytes) / fileSize) * 1000) / 10) : 0,
    error: row.error,
    hasErrorReport: Boolean(row.errorReportPath),
    isChecked: Boolean(row.checkedAt),
    updatedAt: row.updatedAt,
  };
}

export type CreateImportOutcome = { ok: true; id: number } | { ok: false; problem: FileProblem | "unreadable" };

/**
 * Registers an uploaded file: guesses its encoding and delimiter and reads its header. A file that is
 * empty or not a text table is deleted and refused with the reason.
 */
export async function createImport(
  db: Database,
  input: { userId: number | null; fileName: string; filePath: string; fileSize: number },
  now = new Date(),
): Promise<CreateImportOutcome> {
  const inspection = await inspectFile(input.filePath);
  if (!inspection.ok) {
    await fs.rm(input.filePath, { force: true });
    return { ok: false, problem: inspection.problem };
  }
  const { header, problem } = await previewFile(input.filePath, inspection, 0);
  if (problem) {
    await fs.rm(input.filePath, { force: true });
    return { ok: false, problem: "unreadable" };
  }
  const row = await db.models.Import.create({
    userId: input.userId,
    fileName: input.fileName.slice(0, 255),
    filePath: input.filePath,
    fileSize: input.fileSize,
    status: "uploaded",
    encoding: inspection.encoding,
    delimiter: inspection.delimiter,
    header: JSON.stringify(header),
    mapping: null,
    totalRows: null,
    errorReportPath: null,
    error: null,
    finishedAt: null,
    createdAt: now,
    updatedAt: now,
  });
  return { ok: true, id: row.id };
}

export async function listImports(db: Database, options: { limit?: number } = {}): Promise<ImportSummary[]> {
  const rows = await db.models.Import.findAll({ order: [["id", "DESC"]], limit: options.limit ?? 100 });
  const userIds = [...new Set(rows.map((r) => r.userId).filter((id): id is number => id !== null))];
  const users = userIds.length ? await db.models.User.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: userIds } } }) : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return rows.map((r) => summaryOf(r, r.userId === null ? null : (names.get(r.userId) ?? null)));
}

/** An import's counts and state: what the progress bar polls. */
export async function getImportSummary(db: Database, id: number): Promise<ImportSummary | null> {
  const row = await db.models.Import.findByPk(id);
  if (!row) return null;
  const user = row.userId === null ? null : await db.models.User.findByPk(row.userId, { attributes: ["name"] });
  return summaryOf(row, user?.name ?? null);
}

export async function getImportDetail(db: Database, id: number, options: { previewRows?: number; errorRows?: number } = {}): Promise<ImportDetail | null> {
  const summary = await getImportSummary(db, id);
  const row = await db.models.Import.findByPk(id);
  if (!summary || !row) return null;
  const encoding = isEncoding(row.encoding) ? row.encoding : "utf-8";
  const delimiter = isDelimiter(row.delimiter) ? row.delimiter : ",";
  const catalogue = await loadTargetCatalogue(db);
  const header = json<string[]>(row.header, []);
  const saved = json<string[] | null>(row.mapping, null);
  const preview = await previewFile(row.filePath, { encoding, delimiter }, options.previewRows ?? 5).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    return { header, rows: [], problem: msg("ingest.import.fileGone") };
  });
  return {
    ...summary,
    encoding,
    delimiter,
    header,
    targets: saved ?? guessMapping(header, catalogue),
    isMappingSaved: saved !== null,
    catalogue,
    targetChoices: allTargets(catalogue),
    preview: preview.rows,
    previewProblem: preview.problem,
    firstErrors: row.errorReportPath ? await readReportHead(row.errorReportPath, options.errorRows ?? 100) : [],
  };
}

export type ChangeOutcome = { ok: true } | { ok: false; reason: string };

const BUSY = { [Op.notIn]: [...BUSY_STATUSES] };
const busyReason = () => msg("ingest.import.busy");

/**
 * Reads the file again with another encoding or delimiter. The header may change, so the mapping and
 * the dry run are discarded.
 */
export async function changeImportFormat(db: Database, id: number, format: { encoding: Encoding; delimiter: Delimiter }, now = new Date()): Promise<ChangeOutcome> {
  const row = await db.models.Import.findByPk(id);
  if (!row) return { ok: false, reason: msg("ingest.import.notFound") };
  const { header } = await previewFile(row.filePath, format, 0).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return { header: null };
    throw error;
  });
  if (header === null) return { ok: false, reason: msg("ingest.import.fileGone") };
  const [changed] = await db.models.Import.update(
    { ...format, header: JSON.stringify(header), mapping: null, status: "uploaded", checkedAt: null, updatedAt: now },
    { where: { id, status: BUSY } },
  );
  return changed ? { ok: true } : { ok: false, reason: busyReason() };
}

export type MappingOutcome = { ok: true } | { ok: false; problems: MappingProblem[] };

/** Saves which column becomes which customer field; a changed mapping needs a new dry run. */
export async function saveImportMapping(db: Database, id: number, targets: string[], now = new Date()): Promise<MappingOutcome> {
  const row = await db.models.Import.findByPk(id);
  if (!row) return { ok: false, problems: [{ column: null, message: msg("ingest.import.notFound") }] };
  const header = json<string[]>(row.header, []);
  if (targets.length !== header.length) {
    return { ok: false, problems: [{ column: null, message: msg("ingest.import.columnCount", { count: header.length, mapped: targets.length }) }] };
  }
  const known = new Set(["ignore", ...allTargets(await loadTargetCatalogue(db))]);
  const problems: MappingProblem[] = targets.flatMap((t, column) => (known.has(t) ? [] : [{ column, message: msg("ingest.import.unknownTarget", { target: t }) }]));
  problems.push(...mappingProblems(targets));
  if (problems.length) return { ok: false, problems };
  const [changed] = await db.models.Import.update(
    { mapping: JSON.stringify(targets), status: "mapped", checkedAt: null, updatedAt: now },
    { where: { id, status: BUSY } },
  );
  return changed ? { ok: true } : { ok: false, problems: [{ column: null, message: busyReason() }] };
}

/** Asks a running dry run or import to stop after its current batch. */
export async function requestImportStop(db: Database, id: number, now = new Date()): Promise<ChangeOutcome> {
  const [changed] = await db.models.Import.update({ status: "stopping", updatedAt: now }, { where: { id, status: { [Op.in]: ["queued", "checking", "running"] } } });
  return changed ? { ok: true } : { ok: false, reason: msg("ingest.import.nothingRunning") };
}

/** The error report of an import, or null when it has none. */
export async function importErrorReport(db: Database, id: number): Promise<{ filePath: string; fileName: string } | null> {
  const row = await db.models.Import.findByPk(id, { attributes: ["errorReportPath", "fileName"] });
  if (!row?.errorReportPath) return null;
  const base = path.basename(row.fileName, path.extname(row.fileName)).replace(/[^\p{L}\p{N}._-]+/gu, "_") || "import";
  return { filePath: row.errorReportPath, fileName: `${base}-errors.csv` };
}
