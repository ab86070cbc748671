import type { Database } from "./db";
import { recordAudit, type AuditActor } from "./audit.server";

export interface StoreSettingsView {
  name: string;
  timeZone: string;
  currency: string;
  locale: string;
}

const DEFAULTS: StoreSettingsView = { name: "My store", timeZone: "UTC", currency: "EUR", locale: "en" };

/** The store's settings; defaults until an admin saves them. */
export async function getStoreSettings(db: Database): Promise<StoreSettingsView> {
  const row = await db.models.StoreSettings.findByPk(1);
  if (!row) return DEFAULTS;
  return { name: row.name, timeZone: row.timeZone, currency: row.currency, locale: row.locale };
}

let savedInProcess = 0;

/** Bumped whenever this process saves the store's settings: readers that cache them re-read at once. */
export function storeSettingsVersion(): number {
  return savedInProcess;
}

export async function saveStoreSettings(db: Database, settings: StoreSettingsView): Promise<void> {
  await db.models.StoreSettings.upsert({ id: 1, ...settings });
  savedInProcess++;
}

export async function hasStoreSettings(db: Database): Promise<boolean> {
  return (await db.models.StoreSettings.count()) > 0;
}

/** An admin changes the store's settings; the audit entry lists each changed field with its old and new value. */
export async function updateStoreSettings(db: Database, settings: StoreSettingsView, actor: AuditActor, now = new Date()): Promise<{ changed: string[] }> {
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.StoreSettings.findByPk(1, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    const before: StoreSettingsView = row ? { name: row.name, timeZone: row.timeZone, currency: row.currency, locale: row.locale } : DEFAULTS;
    const keys = Object.keys(DEFAULTS) as Array<keyof StoreSettingsView>;
    const changed = keys.filter((k) => before[k] !== settings[k] || !row);
    if (changed.length === 0) return { changed };
    await db.models.StoreSettings.upsert(
      { id: 1, name: settings.name, timeZone: settings.timeZone, currency: settings.currency, locale: settings.locale },
      { transaction },
    );
    const detail = Object.fromEntries(changed.map((k) => [k, { from: row ? before[k] : null, to: settings[k] }]));
    await recordAudit(db, actor, "store.update", { type: "store", id: 1, detail }, transaction, now);
    transaction.afterCommit(() => {
      savedInProcess++;
    });
    return { changed };
  });
}
