// The store's export settings, kept in store_settings beside its other settings: whether marketers
// may export, from how many rows an export runs as a job instead of downloading at once, and how
// long a job's file is kept. Admins change them on the store page.
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import { getStoreSettings } from "../store.server";
import type { Role } from "../models";
export { JOB_FROM_ROWS_RANGE, KEEP_HOURS_RANGE } from "./columns";

export interface ExportSettings {
  marketersMayExport: boolean;
  /** An export of more rows than this runs as a job, with progress and a notification; smaller ones download at once. */
  jobFromRows: number;
  /** How long a job's file is kept before it is deleted. */
  keepHours: number;
}

export const EXPORT_SETTINGS_DEFAULTS: ExportSettings = { marketersMayExport: false, jobFromRows: 50_000, keepHours: 72 };

export async function getExportSettings(db: Database): Promise<ExportSettings> {
  const row = await db.models.ExportSettings.findByPk(1, { raw: true });
  if (!row) return EXPORT_SETTINGS_DEFAULTS;
  return { marketersMayExport: Boolean(row.marketersMayExport), jobFromRows: Number(row.exportJobFromRows), keepHours: Number(row.exportKeepHours) };
}

/** Whether this role may export: admins always, marketers when the store allows it, managers never. */
export function roleMayExport(role: Role, settings: Pick<ExportSettings, "marketersMayExport">): boolean {
  return role === "admin" || (role === "marketer" && settings.marketersMayExport);
}

export async function mayExport(db: Database, role: Role): Promise<boolean> {
  if (role === "admin") return true;
  if (role !== "marketer") return false;
  return roleMayExport(role, await getExportSettings(db));
}

/** An admin changes the export settings; the audit entry lists each changed field with its old and new value. */
export async function updateExportSettings(db: Database, settings: ExportSettings, actor: AuditActor, now: Date): Promise<{ changed: string[] }> {
  const store = await getStoreSettings(db);
  return db.sequelize.transaction(async (transaction) => {
    const lock = db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined;
    // the store's other settings keep their values (their defaults, when no admin saved them yet)
    if (!(await db.models.StoreSettings.findByPk(1, { transaction, lock }))) await db.models.StoreSettings.create({ id: 1, ...store }, { transaction });
    const row = (await db.models.ExportSettings.findByPk(1, { transaction }))!;
    const before: ExportSettings = { marketersMayExport: Boolean(row.marketersMayExport), jobFromRows: Number(row.exportJobFromRows), keepHours: Number(row.exportKeepHours) };
    const changed = (Object.keys(before) as Array<keyof ExportSettings>).filter((k) => before[k] !== settings[k]);
    if (!changed.length) return { changed };
    await row.update({ marketersMayExport: settings.marketersMayExport, exportJobFromRows: settings.jobFromRows, exportKeepHours: settings.keepHours }, { transaction });
    const detail = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: settings[k] }]));
    await recordAudit(db, actor, "store.exports", { type: "store", id: 1, detail }, transaction, now);
    return { changed };
  });
}

/** What the export dialog needs: whether this role may export at all, the job threshold, and the custom fields to offer as columns. */
export async function exportDialogOptions(db: Database, role: Role): Promise<{ mayExport: boolean; jobFromRows: number; customFields: Array<{ key: string; label: string }> } | null> {
  const settings = await getExportSettings(db);
  if (!roleMayExport(role, settings)) return null;
  const fields = await db.models.CustomField.findAll({ attributes: ["key", "label"], order: [["position", "ASC"], ["key", "ASC"]], raw: true });
  return { mayExport: true, jobFromRows: settings.jobFromRows, customFields: fields.map((f) => ({ key: f.key, label: f.label })) };
}
