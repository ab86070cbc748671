// Exports of segment members or of the filtered customer list (docs/decisions/0035). A request is
// checked, its rows counted, and then either written straight into the download (up to the store's
// job threshold) or saved as an export row whose job writes a file, shows its progress, tells the
// requester, and whose file is deleted when it expires. Every export is in the audit log.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { Role } from "../models";
import type { ExportRow, ExportStatus } from "../export-models";
import { recordAudit, type AuditActor } from "../audit.server";
import { getStoreSettings } from "../store.server";
import { countCustomers } from "../customers/count.server";
import { cappedCount } from "../customers/list-plan.server";
import { CustomerListQuery } from "../customers/list-query";
import { storeCountry } from "../customers/store-country";
import type { CustomerViewer } from "../customers/viewer";
import { createNotification } from "../notifications/notifications.server";
import { queueEmail } from "../notifications/outbox.server";
import { intlLocale, languageOf, translator } from "../i18n.server";
import { exportFileName, isFixedColumn, type CsvOptions, type ExportColumn, type ExportFormat } from "./columns";
import { exportRows, type ExportSource } from "./rows.server";
import { getExportSettings } from "./settings.server";
import { writeExport } from "./write.server";
import { msg } from "../messages";

/** What is exported: a segment's members, or the customers the list's search and filters show. */
export type ExportTarget = { kind: "segment"; segmentId: number } | { kind: "customers"; query: CustomerListQuery };

export interface ExportRequest {
  target: ExportTarget;
  format: ExportFormat;
  columns: ExportColumn[];
  csv: CsvOptions;
}

/** Who asks: a console user (admin, or marketer when allowed) or an API key. */
export interface ExportRequester {
  userId: number | null;
  apiKeyId: number | null;
  /** The user's role; an API key exports as an admin would (its scope is the permission). */
  role: Role;
  ip?: string | null;
}

export interface FieldProblem {
  field: string;
  reason: string;
}

/** Counts above this stop: a customer list export of a larger store counts no further. */
const COUNT_CAP = 10_000_000;

const viewerOf = (requester: ExportRequester): CustomerViewer => ({ id: requester.userId ?? 0, role: requester.role });

/** The store-level problems of a request the schema passed: a segment that is gone, an unknown custom field, the entry date of no segment. */
export async function checkExportRequest(db: Database, request: ExportRequest, fields: { segment: string; columns: string }): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (request.target.kind === "segment") {
    const segment = await db.models.Segment.findOne({ attributes: ["id"], where: { id: request.target.segmentId, deletedAt: { [Op.is]: null } }, raw: true });
    if (!segment) problems.push({ field: fields.segment, reason: msg("admin.namesNoSegment") });
  } else {
    const ids = [...(request.target.query.segment ?? []), ...(request.target.query.notSegment ?? [])];
    const live = ids.length ? await db.models.Segment.count({ where: { id: ids, deletedAt: { [Op.is]: null } } }) : 0;
    if (live < new Set(ids).size) problems.push({ field: fields.segment, reason: msg("admin.filterNamesNoSegment") });
  }
  if (request.target.kind !== "segment" && request.columns.includes("enteredAt")) {
    problems.push({ field: fields.columns, reason: msg("admin.enteredAtNeedsSegment") });
  }
  const keys = request.columns.filter((c) => !isFixedColumn(c)).map((c) => c.slice("field:".length));
  if (keys.length) {
    const known = new Set((await db.models.CustomField.findAll({ attributes: ["key"], where: { key: keys }, raw: true })).map((f) => f.key));
    const unknown = keys.filter((k) => !known.has(k));
    if (unknown.length) problems.push({ field: fields.columns, reason: msg("admin.noFieldHasKey", { keys: unknown.join(", ") }) });
  }
  return problems;
}

/** The rows the export will have, counted now. */
export async function countExportRows(db: Database, target: ExportTarget, requester: ExportRequester): Promise<number> {
  if (target.kind === "segment") return cappedCount(db, "SELECT customer_id FROM segment_members WHERE segment_id = ?", [target.segmentId], COUNT_CAP);
  const store = await getStoreSettings(db);
  const counted = await countCustomers(db, { viewer: viewerOf(requester), query: target.query, storeCountry: storeCountry(store), cap: COUNT_CAP });
  return counted.count;
}

async function sourceOf(db: Database, target: ExportTarget, requester: ExportRequester): Promise<ExportSource> {
  if (target.kind === "segment") return target;
  const store = await getStoreSettings(db);
  return { kind: "customers", query: { ...target.query, after: undefined, before: undefined }, viewer: viewerOf(requester), storeCountry: storeCountry(store) };
}

/** What the audit log says of an export: the segment (by code and name) or the filters, the format and columns. */
async function auditDetail(db: Database, request: ExportRequest, rows: number, delivery: "download" | "job", exportId?: number) {
  const target =
    request.target.kind === "segment"
      ? { segment: await db.models.Segment.findByPk(request.target.segmentId, { attributes: ["id", "code", "name"], raw: true }).then((s) => (s ? { id: s.id, code: s.code, name: s.name } : { id: request.target.kind === "segment" ? request.target.segmentId : null })) }
      : { filters: filtersOf(request.target.query) };
  return { ...target, format: request.format, columns: request.columns, rows, delivery, ...(exportId ? { exportId } : {}) };
}

/** The filters of a customer list query without its cursors and defaults. */
function filtersOf(query: CustomerListQuery): Partial<CustomerListQuery> {
  return Object.fromEntries(Object.entries({ ...query, after: undefined, before: undefined }).filter(([k, v]) => v !== undefined && !(k === "sort" && v === "newest"))) as Partial<CustomerListQuery>;
}

/** A name for the file: the segment's code, or "customers". */
async function fileNameOf(db: Database, target: ExportTarget, format: ExportFormat, now: Date): Promise<string> {
  if (target.kind === "customers") return exportFileName("customers", format, now);
  const segment = await db.models.Segment.findByPk(target.segmentId, { attributes: ["code"], raw: true });
  return exportFileName(segment?.code ?? `segment-${target.segmentId}`, format, now);
}

export type ExportDecision = { kind: "download"; rows: number; fileName: string } | { kind: "job"; rows: number };

/** Whether the export downloads at once or runs as a job: by its row count against the store's threshold. */
export async function decideExport(db: Database, request: ExportRequest, requester: ExportRequester, now: Date): Promise<ExportDecision> {
  const [rows, settings] = await Promise.all([countExportRows(db, request.target, requester), getExportSettings(db)]);
  if (rows > settings.jobFromRows) return { kind: "job", rows };
  return { kind: "download", rows, fileName: await fileNameOf(db, request.target, request.format, now) };
}

/**
 * Writes a small export straight into `out` (the download's response), after recording it in the
 * audit log with its counted rows. Returns the rows written.
 */
export async function streamExport(db: Database, request: ExportRequest, requester: ExportRequester, out: Writable, options: { rows: number; now: Date; signal?: AbortSignal }): Promise<number> {
  await recordAudit(db, actorOf(requester), "export.download", { type: exportTargetType(request.target), id: targetId(request.target), detail: await auditDetail(db, request, options.rows, "download") }, undefined, options.now);
  const store = await getStoreSettings(db);
  const rows = exportRows(db, await sourceOf(db, request.target, requester), { columns: request.columns, format: request.format, currency: store.currency });
  return writeExport(rows, out, { format: request.format, columns: request.columns, csv: request.csv, signal: options.signal });
}

const actorOf = (r: ExportRequester): AuditActor => ({ userId: r.userId, apiKeyId: r.apiKeyId, ip: r.ip ?? null });
const exportTargetType = (target: ExportTarget) => (target.kind === "segment" ? "segment" : "customers");
const targetId = (target: ExportTarget) => (target.kind === "segment" ? target.segmentId : undefined);

/** The export's file on disk: under the data directory, with a random part so that one file's name tells nothing of another's. */
export function exportFilePath(dataDir: string, exportId: number, format: ExportFormat): string {
  return path.join(path.resolve(dataDir), "exports", `${exportId}-${crypto.randomBytes(12).toString("hex")}.${format}`);
}

/**
 * Saves a large export as a queued row and makes its job in the same transaction (`enqueue`), with
 * its audit entry. Returns the export's id.
 */
export async function createExport(
  db: Database,
  request: ExportRequest,
  requester: ExportRequester,
  options: { rows: number; dataDir: string; now: Date; enqueue: (exportId: number, transaction: Transaction) => Promise<unknown>; transaction?: Transaction },
): Promise<number> {
  const { now } = options;
  const fileName = await fileNameOf(db, request.target, request.format, now);
  const source = request.target.kind === "segment" ? "segment" : "customers";
  const save = async (transaction: Transaction) => {
    const row = await db.models.Export.create(
      {
        userId: requester.userId,
        apiKeyId: requester.apiKeyId,
        source,
        segmentId: request.target.kind === "segment" ? request.target.segmentId : null,
        filters: request.target.kind === "customers" ? JSON.stringify({ ...filtersOf(request.target.query), viewerRole: requester.role }) : null,
        format: request.format,
        columns: JSON.stringify(request.columns),
        options: JSON.stringify(request.csv),
        status: "queued",
        totalRows: options.rows,
        writtenRows: 0,
        fileName,
        createdAt: now,
        updatedAt: now,
      },
      { transaction },
    );
    const id = Number(row.id);
    await row.update({ filePath: exportFilePath(options.dataDir, id, request.format) }, { transaction });
    await recordAudit(db, actorOf(requester), "export.create", { type: exportTargetType(request.target), id: targetId(request.target), detail: await auditDetail(db, request, options.rows, "job", id) }, transaction, now);
    await options.enqueue(id, transaction);
    return id;
  };
  return options.transaction ? save(options.transaction) : db.sequelize.transaction(save);
}

/** The request an export row was made from. */
function requestOf(row: ExportRow): { request: ExportRequest; requester: ExportRequester } {
  const filters = row.filters ? (JSON.parse(row.filters) as Record<string, unknown> & { viewerRole?: Role }) : null;
  const target: ExportTarget = row.source === "segment" ? { kind: "segment", segmentId: Number(row.segmentId) } : { kind: "customers", query: CustomerListQuery.parse(stringsOf(filters ?? {})) };
  const csv = JSON.parse(row.options) as CsvOptions;
  return {
    request: { target, format: row.format, columns: JSON.parse(row.columns) as ExportColumn[], csv },
    requester: { userId: row.userId, apiKeyId: row.apiKeyId, role: filters?.viewerRole ?? "admin" },
  };
}

/** The saved filters as the URL parameters the list's schema reads. */
function stringsOf(filters: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) {
    if (k === "viewerRole" || v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.join(",") : String(v);
  }
  return out;
}

export interface RunExportOptions {
  now: () => Date;
  /** Called after each batch with the rows written so far, once saved (the job keeps its lock alive). */
  onProgress?: (written: number) => void;
  signal?: AbortSignal;
  /** Runs in the transaction that marks the export done, with the outbox id of the email to the requester (or null): the job enqueues its delivery there. */
  onDone?: (transaction: Transaction, emailId: number | null) => Promise<void>;
  publicUrl: string;
  /** Rows per batch (tests make it small to watch the progress move). */
  batchSize?: number;
}

export type RunExportOutcome = { ok: true; rows: number } | { ok: false; reason: string };

/**
 * What the export job runs: claims a queued export (or one a dead worker left running), writes its
 * file a batch at a time saving the progress, then marks it done with its expiry and tells the
 * requester in the app and by email. A failure is saved on the row, the half-written file deleted.
 */
export async function runExport(db: Database, exportId: number, options: RunExportOptions): Promise<RunExportOutcome> {
  const startedAt = options.now();
  const [claimed] = await db.models.Export.update({ status: "running", startedAt, writtenRows: 0, updatedAt: startedAt }, { where: { id: exportId, status: { [Op.in]: ["queued", "running"] } } });
  if (!claimed) return { ok: false, reason: "the export is not waiting to run" };
  const row = (await db.models.Export.findByPk(exportId))!;
  const filePath = row.filePath!;
  const { request, requester } = requestOf(row);
  try {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const store = await getStoreSettings(db);
    const rows = exportRows(db, await sourceOf(db, request.target, requester), { columns: request.columns, format: request.format, currency: store.currency, batchSize: options.batchSize });
    const written = await writeExport(rows, fs.createWriteStream(filePath), {
      format: request.format,
      columns: request.columns,
      csv: request.csv,
      signal: options.signal,
      onBatch: async (writtenRows) => {
        await db.models.Export.update({ writtenRows, updatedAt: options.now() }, { where: { id: exportId } });
        options.onProgress?.(writtenRows);
      },
    });
    const finishedAt = options.now();
    const settings = await getExportSettings(db);
    const expiresAt = new Date(finishedAt.getTime() + settings.keepHours * 3_600_000);
    await db.sequelize.transaction(async (transaction) => {
      await db.models.Export.update(
        { status: "done", writtenRows: written, totalRows: written, fileSize: fs.statSync(filePath).size, finishedAt, expiresAt, updatedAt: finishedAt },
        { where: { id: exportId }, transaction },
      );
      const emailId = await notifyRequester(db, { ...row.get({ plain: true }), writtenRows: written, expiresAt }, "done", options.publicUrl, finishedAt, transaction);
      await options.onDone?.(transaction, emailId);
    });
    return { ok: true, rows: written };
  } catch (error) {
    fs.rmSync(filePath, { force: true });
    const finishedAt = options.now();
    const reason = error instanceof Error ? error.message : String(error);
    await db.sequelize.transaction(async (transaction) => {
      await db.models.Export.update({ status: "failed", error: reason.slice(0, 2000), finishedAt, updatedAt: finishedAt }, { where: { id: exportId }, transaction });
      const emailId = await notifyRequester(db, row.get({ plain: true }), "failed", options.publicUrl, finishedAt, transaction);
      await options.onDone?.(transaction, emailId);
    });
    return { ok: false, reason };
  }
}

export const EXPORT_READY = "export.ready";
export const EXPORT_FAILED = "export.failed";

/** The bell notification and the email of a finished export; the email's outbox id, or null (an API key's export, email turned off). */
async function notifyRequester(
  db: Database,
  row: Pick<ExportRow, "id" | "userId" | "fileName" | "writtenRows" | "expiresAt">,
  outcome: "done" | "failed",
  publicUrl: string,
  now: Date,
  transaction: Transaction,
): Promise<number | null> {
  if (!row.userId) return null;
  const user = await db.models.User.findByPk(row.userId, { attributes: ["id", "email", "isActive", "notifyByEmail", "locale"], raw: true, transaction });
  if (!user?.isActive) return null;
  const link = `/exports?id=${row.id}`;
  await createNotification(
    db,
    { userId: user.id, kind: outcome === "done" ? EXPORT_READY : EXPORT_FAILED, params: { exportId: row.id, fileName: row.fileName, rows: row.writtenRows }, link },
    now,
    transaction,
  );
  if (!user.notifyByEmail) return null;
  const url = new URL(link, publicUrl).toString();
  // in the requester's language, the deletion time on the store's clock
  const store = await db.models.StoreSettings.findByPk(1, { attributes: ["locale", "timeZone"], raw: true, transaction });
  const language = languageOf(user, store);
  const t = translator(language);
  const locale = intlLocale(language, store?.locale);
  const words = { fileName: row.fileName, count: row.writtenRows, formatted: row.writtenRows.toLocaleString(locale) };
  const until = row.expiresAt
    ? t("exportReady.until", {
        when: new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: store?.timeZone ?? "UTC", timeZoneName: "short" }).format(row.expiresAt),
      })
    : "";
  return queueEmail(
    db,
    {
      recipient: user.email,
      subject: outcome === "done" ? t("exportReady.subject", words) : t("exportReady.failedSubject", words),
      text: [outcome === "done" ? t("exportReady.body", words) : t("exportReady.failedBody", words), url, until, "", t("exportReady.why")].filter((line, i) => i !== 2 || line !== "").join("\n"),
      purpose: "notification",
      userId: user.id,
    },
    now,
    transaction,
  );
}

/** Deletes the files of exports past their expiry and marks them expired, a batch at a time; returns how many. */
export async function pruneExpiredExports(db: Database, now: Date, options: { batchSize?: number; onBatch?: () => unknown } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  let pruned = 0;
  for (;;) {
    const due = await db.models.Export.findAll({ attributes: ["id", "filePath"], where: { status: "done", expiresAt: { [Op.lte]: now } }, order: [["id", "ASC"]], limit: batchSize, raw: true });
    if (!due.length) return pruned;
    for (const row of due) if (row.filePath) fs.rmSync(row.filePath, { force: true });
    await db.models.Export.update({ status: "expired", filePath: null, updatedAt: now }, { where: { id: due.map((r) => r.id), status: "done" } });
    pruned += due.length;
    await options.onBatch?.();
    if (due.length < batchSize) return pruned;
  }
}

/** An export as its page and the API show it. */
export interface ExportView {
  id: number;
  status: ExportStatus;
  source: "segment" | "customers";
  segment: { id: number; code: string; name: string } | null;
  filters: Record<string, unknown> | null;
  format: ExportFormat;
  columns: ExportColumn[];
  totalRows: number;
  writtenRows: number;
  /** 0–100. */
  percent: number;
  fileName: string;
  fileSize: number | null;
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
}

const isoOf = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

async function viewsOf(db: Database, rows: ExportRow[]): Promise<ExportView[]> {
  const segmentIds = [...new Set(rows.map((r) => r.segmentId).filter((id): id is number => id !== null))];
  const userIds = [...new Set(rows.map((r) => r.userId).filter((id): id is number => id !== null))];
  const keyIds = [...new Set(rows.map((r) => r.apiKeyId).filter((id): id is number => id !== null))];
  const [segments, users, keys] = await Promise.all([
    segmentIds.length ? db.models.Segment.findAll({ attributes: ["id", "code", "name"], where: { id: segmentIds }, raw: true }) : [],
    userIds.length ? db.models.User.findAll({ attributes: ["id", "name"], where: { id: userIds }, raw: true }) : [],
    keyIds.length ? db.models.ApiKey.findAll({ attributes: ["id", "name"], where: { id: keyIds }, raw: true }) : [],
  ]);
  const segmentById = new Map(segments.map((s) => [s.id, { id: s.id, code: s.code, name: s.name }]));
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const keyName = new Map(keys.map((k) => [k.id, k.name]));
  return rows.map((r) => {
    const filters = r.filters ? (JSON.parse(r.filters) as Record<string, unknown>) : null;
    if (filters) delete filters.viewerRole;
    const total = Number(r.totalRows);
    const written = Number(r.writtenRows);
    return {
      id: Number(r.id),
      status: r.status,
      source: r.source,
      segment: r.segmentId ? (segmentById.get(r.segmentId) ?? null) : null,
      filters,
      format: r.format,
      columns: JSON.parse(r.columns) as ExportColumn[],
      totalRows: total,
      writtenRows: written,
      percent: r.status === "done" || r.status === "expired" ? 100 : total > 0 ? Math.min(99, Math.floor((written / total) * 100)) : 0,
      fileName: r.fileName,
      fileSize: r.fileSize === null ? null : Number(r.fileSize),
      error: r.error ?? null,
      requestedBy: r.userId ? (userName.get(r.userId) ?? null) : r.apiKeyId ? `API key ${keyName.get(r.apiKeyId) ?? r.apiKeyId}` : null,
      createdAt: isoOf(r.createdAt)!,
      startedAt: isoOf(r.startedAt),
      finishedAt: isoOf(r.finishedAt),
      expiresAt: isoOf(r.expiresAt),
    };
  });
}

/** Who may see an export: an admin every one, a marketer their own, an API key the ones it made. */
export type ExportViewer = { kind: "user"; userId: number; role: Role } | { kind: "apiKey"; apiKeyId: number };

function ownership(viewer: ExportViewer) {
  if (viewer.kind === "apiKey") return { apiKeyId: viewer.apiKeyId };
  return viewer.role === "admin" ? {} : { userId: viewer.userId };
}

/** The latest exports the viewer may see, newest first. */
export async function listExports(db: Database, viewer: ExportViewer, limit = 50): Promise<ExportView[]> {
  const rows = await db.models.Export.findAll({ where: ownership(viewer), order: [["id", "DESC"]], limit });
  return viewsOf(db, rows);
}

export async function getExport(db: Database, id: number, viewer: ExportViewer, transaction?: Transaction): Promise<ExportView | null> {
  const row = await db.models.Export.findOne({ where: { id, ...ownership(viewer) }, transaction });
  return row ? (await viewsOf(db, [row]))[0] : null;
}

export type ExportFile = { ok: true; path: string; fileName: string; format: ExportFormat; size: number } | { ok: false; reason: "not_found" | "not_ready" | "expired" };

/** The file of a finished export the viewer may download. */
export async function exportFile(db: Database, id: number, viewer: ExportViewer, now: Date): Promise<ExportFile> {
  const row = await db.models.Export.findOne({ where: { id, ...ownership(viewer) }, raw: true });
  if (!row) return { ok: false, reason: "not_found" };
  if (row.status === "expired" || (row.expiresAt && new Date(row.expiresAt) <= now)) return { ok: false, reason: "expired" };
  if (row.status !== "done" || !row.filePath || !fs.existsSync(row.filePath)) return { ok: false, reason: row.status === "done" ? "expired" : "not_ready" };
  return { ok: true, path: row.filePath, fileName: row.fileName, format: row.format, size: fs.statSync(row.filePath).size };
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** A Content-Disposition that keeps a non-ASCII file name (RFC 6266). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
